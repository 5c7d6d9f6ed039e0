// Sources: the most cited registrable domains with their owner (brand, competitor, other).

import { api, downloadCsv, query } from '../api.js';
import { dataTable, el, errorBox } from '../dom.js';

export function render(root, params) {
  const state = { from: params.get('from') || '', to: params.get('to') || '', limit: params.get('limit') || '50' };
  const filters = el('form', { class: 'filters card' },
    el('label', {}, 'From', el('input', { type: 'date', name: 'from', value: state.from })),
    el('label', {}, 'To', el('input', { type: 'date', name: 'to', value: state.to })),
    el('label', {}, 'Top', el('select', { name: 'limit' }, ['20', '50', '100', '500'].map((n) => el('option', { value: n, selected: n === state.limit }, n)))),
    el('button', { type: 'submit' }, 'Apply'));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const f = new FormData(filters);
    location.hash = `#/sources${query({ from: f.get('from'), to: f.get('to'), limit: f.get('limit') })}`;
  });
  const body = el('div', {}, el('p', { class: 'muted' }, 'Loading…'));
  root.append(el('h1', {}, 'Sources'), filters, body);
  const path = `/api/citations/domains${query(state)}`;
  api(path).then((r) => {
    body.replaceChildren(dataTable('Most cited domains', [
      { label: 'Domain', value: (d) => d.domain },
      { label: 'Owner', value: (d) => el('span', { class: `status ${d.owner}` }, d.owner), csv: (d) => d.owner },
      { label: 'Owner name', value: (d) => d.ownerName || '–', csv: (d) => d.ownerName },
      { label: 'Citations', value: (d) => String(d.count), num: true },
      { label: 'Answers', value: (d) => String(d.answers), num: true },
    ], r.domains, { id: 'domains-table', csv: () => downloadCsv(path, 'cited-domains.csv'), empty: 'No citations in this range yet.' }));
  }).catch((e) => body.replaceChildren(errorBox(e)));
}
