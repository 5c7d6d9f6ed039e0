// Overview: the brand's visibility over time with its Wilson interval as a band, share of voice and average rank per
// provider over time, the brand beside its competitors; filtered by provider, tag and dates.

import uPlot from '../../vendor/uplot/uPlot.esm.js';
import { api, downloadCsv, query } from '../api.js';
import { dataTable, el, errorBox, fmt } from '../dom.js';

const PALETTE = ['#2f6fde', '#e8590c', '#2b8a3e', '#ae3ec9', '#1098ad', '#c92a2a', '#5c940d', '#862e9c'];
const METRICS = { visibility: 'Visibility', shareOfVoice: 'Share of voice', avgRank: 'Average rank' };

const day = (key) => Date.parse(`${key}T00:00:00Z`) / 1000;
const DAY = 86400;
/** Days on the x axis, with room around them (one day alone would otherwise fill years). */
const xScale = {
  time: true,
  // from the data itself: uPlot widens a single point's range by itself, to years
  range: (u) => {
    const xs = u.data[0];
    const lo = xs[0];
    const hi = xs[xs.length - 1];
    return lo === hi ? [lo - 3 * DAY, hi + 3 * DAY] : [lo - DAY / 2, hi + DAY / 2];
  },
};

export function render(root, params) {
  const state = {
    provider: params.get('provider') || '',
    tag: params.get('tag') || '',
    from: params.get('from') || '',
    to: params.get('to') || '',
    metric: params.get('metric') || 'visibility',
  };
  const charts = [];
  const filters = el('form', { class: 'filters card', id: 'filters' });
  const body = el('div', { id: 'overview-body' }, el('p', { class: 'muted' }, 'Loading…'));
  root.append(el('h1', {}, 'Overview'), filters, body);

  const setHash = () => {
    location.hash = `#/overview${query(state)}`;
  };

  (async () => {
    let providers = [];
    let tags = [];
    try {
      const [p, t] = await Promise.all([api('/api/metrics?groupBy=provider'), api('/api/metrics?groupBy=tag')]);
      providers = p.groups.map((g) => g.key);
      tags = t.groups.map((g) => g.key);
    } catch (e) {
      body.replaceChildren(errorBox(e));
      return;
    }
    const select = (name, label, values, all) => el('label', {}, label,
      el('select', { name }, el('option', { value: '' }, all),
        values.map((v) => el('option', { value: v, selected: state[name] === v }, v))));
    filters.append(
      select('provider', 'Provider', providers, 'All providers'),
      select('tag', 'Tag', tags, 'All tags'),
      el('label', {}, 'From', el('input', { type: 'date', name: 'from', value: state.from })),
      el('label', {}, 'To', el('input', { type: 'date', name: 'to', value: state.to })),
      el('button', { type: 'submit' }, 'Apply'));
    filters.addEventListener('submit', (e) => {
      e.preventDefault();
      const f = new FormData(filters);
      for (const k of ['provider', 'tag', 'from', 'to']) state[k] = f.get(k) || '';
      setHash();
    });

    const scope = { tag: state.tag, from: state.from, to: state.to };
    const shown = state.provider ? [state.provider] : providers;
    try {
      const brandDays = await api(`/api/metrics${query({ groupBy: 'day', provider: state.provider, ...scope })}`);
      const perProvider = await Promise.all(shown.map((p) => api(`/api/metrics${query({ groupBy: 'day', provider: p, ...scope })}`)));
      const entities = await entityNames();
      const beside = await Promise.all(entities.map((name) => api(`/api/metrics${query({ entity: name, provider: state.provider, ...scope })}`)));
      body.replaceChildren();
      const brand = brandDays.entity.name;
      const charts1 = el('div', { class: 'grid2' });
      body.append(charts1);
      charts1.append(visibilityCard(brand, brandDays.groups, charts));
      charts1.append(providerCard(shown, perProvider, state, setHash, charts));
      body.append(besideTable(beside));
      body.append(dataTable(`${brand} per day`, [
        { label: 'Day', value: (g) => g.key },
        { label: 'Answers', value: (g) => fmt.int(g.n), num: true },
        { label: 'Visibility', value: (g) => fmt.pct(g.visibility), num: true },
        { label: '95 % low', value: (g) => fmt.pct(g.visibilityLow), num: true },
        { label: '95 % high', value: (g) => fmt.pct(g.visibilityHigh), num: true },
        { label: 'Share of voice', value: (g) => fmt.pct(g.shareOfVoice), num: true },
        { label: 'Avg rank', value: (g) => fmt.num(g.avgRank), num: true },
      ], brandDays.groups, {
        id: 'days-table',
        csv: () => downloadCsv(`/api/metrics${query({ groupBy: 'day', provider: state.provider, ...scope })}`, 'visibility-by-day.csv'),
        empty: 'No analysed answers in this range yet: start a run on the Runs page.',
      }));
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  })();

  const resize = () => charts.forEach((c) => c.setSize(size(c.root.parentElement)));
  window.addEventListener('resize', resize);
  return () => {
    window.removeEventListener('resize', resize);
    charts.forEach((c) => c.destroy());
  };
}

/** The brand and its competitors, from the newest run's report (the metrics API answers per entity). */
async function entityNames() {
  const runs = await api('/api/runs?limit=20');
  for (const r of runs.runs) {
    if (r.status === 'running') continue;
    const report = await api(`/api/runs/${r.id}/report`);
    const names = [];
    for (const row of report.rows) if (!names.includes(row.entity.name)) names.push(row.entity.name);
    if (names.length) return names;
  }
  return [];
}

function size(container) {
  const width = Math.max(280, (container ? container.clientWidth : 600) - 8);
  return { width, height: width < 500 ? 220 : 280 };
}

function visibilityCard(brand, groups, charts) {
  const holder = el('div', { class: 'chart', id: 'visibility-chart', dataset: { points: String(groups.length) } });
  const card = el('section', { class: 'card' }, el('h2', {}, `${brand}: visibility per day`), holder,
    el('p', { class: 'legend-note' }, 'Shaded: the Wilson 95 % interval. A day counts every analysed answer of its runs.'));
  if (groups.length === 0) {
    holder.append(el('p', { class: 'muted' }, 'No data yet.'));
    return card;
  }
  const data = [
    groups.map((g) => day(g.key)),
    groups.map((g) => g.visibility),
    groups.map((g) => g.visibilityLow),
    groups.map((g) => g.visibilityHigh),
  ];
  requestAnimationFrame(() => {
    const opts = {
      ...size(holder),
      scales: { x: xScale, y: { range: [0, 1] } },
      axes: [{}, { values: (u, v) => v.map((x) => `${Math.round(x * 100)} %`) }],
      series: [
        {},
        { label: 'Visibility', stroke: PALETTE[0], width: 2, points: { show: true, size: 7 },
          value: (u, v) => fmt.pct(v) },
        { label: '95 % low', stroke: 'rgba(47,111,222,0.45)', points: { show: true, size: 4 }, value: (u, v) => fmt.pct(v) },
        { label: '95 % high', stroke: 'rgba(47,111,222,0.45)', points: { show: true, size: 4 }, value: (u, v) => fmt.pct(v) },
      ],
      bands: [{ series: [3, 2], fill: 'rgba(47,111,222,0.15)' }],
    };
    charts.push(new uPlot(opts, data, holder));
  });
  return card;
}

function providerCard(providers, results, state, setHash, charts) {
  const metric = METRICS[state.metric] ? state.metric : 'visibility';
  const days = [...new Set(results.flatMap((r) => r.groups.map((g) => g.key)))].sort();
  const holder = el('div', { class: 'chart', id: 'provider-chart', dataset: { points: String(days.length) } });
  const picker = el('select', { name: 'metric', 'aria-label': 'Metric' },
    Object.entries(METRICS).map(([k, v]) => el('option', { value: k, selected: k === metric }, v)));
  picker.addEventListener('change', () => {
    state.metric = picker.value;
    setHash();
  });
  const card = el('section', { class: 'card' },
    el('div', { class: 'toolbar' }, el('h2', {}, `${METRICS[metric]} per provider`), picker), holder);
  if (days.length === 0) {
    holder.append(el('p', { class: 'muted' }, 'No data yet.'));
    return card;
  }
  const data = [days.map(day)];
  results.forEach((r) => {
    const byDay = new Map(r.groups.map((g) => [g.key, g[metric]]));
    data.push(days.map((d) => (byDay.has(d) ? byDay.get(d) : null)));
  });
  const percent = metric !== 'avgRank';
  requestAnimationFrame(() => {
    charts.push(new uPlot({
      ...size(holder),
      scales: { x: xScale, y: percent ? { range: [0, 1] } : { auto: true } },
      axes: [{}, percent ? { values: (u, v) => v.map((x) => `${Math.round(x * 100)} %`) } : {}],
      series: [{}, ...providers.map((p, i) => ({
        label: p, stroke: PALETTE[i % PALETTE.length], width: 2, points: { show: true, size: 6 }, spanGaps: true,
        value: (u, v) => (percent ? fmt.pct(v) : fmt.num(v)),
      }))],
    }, data, holder));
  });
  return card;
}

function besideTable(results) {
  const rows = results.map((r) => ({ entity: r.entity, g: r.groups[0] || null }));
  return dataTable('The brand beside its competitors', [
    { label: 'Entity', value: (r) => el('span', {}, r.entity.name, r.entity.kind === 'brand' ? el('span', { class: 'muted' }, ' (brand)') : null),
      csv: (r) => r.entity.name },
    { label: 'Kind', value: (r) => r.entity.kind },
    { label: 'Visibility', value: (r) => el('span', {}, fmt.pct(r.g && r.g.visibility)), num: true,
      csv: (r) => (r.g ? r.g.visibility : '') },
    { label: '', value: (r) => {
      const bar = el('div', { class: `hbar ${r.entity.kind === 'brand' ? 'brand' : ''}` });
      bar.style.width = `${Math.round(((r.g && r.g.visibility) || 0) * 100)}%`;
      return bar;
    }, csv: () => '' },
    { label: 'Share of voice', value: (r) => fmt.pct(r.g && r.g.shareOfVoice), num: true, csv: (r) => (r.g ? r.g.shareOfVoice : '') },
    { label: 'Avg rank', value: (r) => fmt.num(r.g && r.g.avgRank), num: true, csv: (r) => (r.g ? r.g.avgRank : '') },
    { label: 'Answers', value: (r) => fmt.int(r.g && r.g.n), num: true, csv: (r) => (r.g ? r.g.n : '') },
  ], rows, { id: 'entities-table', filename: 'brand-vs-competitors.csv', empty: 'No completed run yet.' });
}
