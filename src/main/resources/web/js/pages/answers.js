// Answers: the prompt x provider grid of one run; one answer's text with the brand's and competitors' mentions
// highlighted from the analyzer's evidence offsets, its ranks, sentiment and citations.

import { api, downloadCsv, query } from '../api.js';
import { dataTable, el, errorBox, fmt } from '../dom.js';

export function render(root, params) {
  const picker = el('select', { id: 'run-picker', 'aria-label': 'Run' });
  const grid = el('div', { id: 'answers-grid' }, el('p', { class: 'muted' }, 'Loading…'));
  const detail = el('section', { class: 'card', id: 'answer-detail', hidden: true });
  root.append(el('div', { class: 'toolbar' }, el('h1', {}, 'Answers'), el('label', {}, 'Run ', picker)), grid, detail);

  (async () => {
    let runs;
    try {
      runs = (await api('/api/runs?limit=100')).runs;
    } catch (e) {
      grid.replaceChildren(errorBox(e));
      return;
    }
    if (runs.length === 0) {
      grid.replaceChildren(el('p', { class: 'muted' }, 'No runs yet: start one on the Runs page.'));
      return;
    }
    const wanted = Number(params.get('run')) || runs[0].id;
    for (const r of runs) picker.append(el('option', { value: r.id, selected: r.id === wanted }, `Run ${r.id} · ${r.runDate} · ${r.status}`));
    picker.addEventListener('change', () => {
      location.hash = `#/answers${query({ run: picker.value })}`;
    });
    try {
      const answers = await allAnswers(wanted);
      grid.replaceChildren(gridOf(wanted, answers, (a, button) => show(detail, wanted, a.cellId, button)));
      const cell = Number(params.get('cell'));
      if (cell) show(detail, wanted, cell, null);
    } catch (e) {
      grid.replaceChildren(errorBox(e));
    }
  })();
}

async function allAnswers(runId) {
  const out = [];
  let after = null;
  for (;;) {
    const page = await api(`/api/answers${query({ runId, limit: 500, after })}`);
    out.push(...page.answers);
    if (!page.nextAfter) return out;
    after = page.nextAfter;
  }
}

function gridOf(runId, answers, open) {
  const providers = [...new Set(answers.map((a) => a.provider))].sort();
  const prompts = new Map();
  for (const a of answers) {
    if (!prompts.has(a.promptId)) prompts.set(a.promptId, { id: a.promptId, text: a.prompt, cells: {} });
    (prompts.get(a.promptId).cells[a.provider] ||= []).push(a);
  }
  const brandOf = (a) => (a.analysis && a.analysis.mentions || []).find((m) => m.kind === 'brand');
  const cellButton = (a) => {
    const b = brandOf(a);
    const visible = a.analysis && a.analysis.brandVisible;
    const label = !a.analysis ? 'not analysed' : visible ? `✓ seen${b && b.listRank ? ` · #${b.listRank}` : ''}` : '– not seen';
    const button = el('button', { type: 'button', class: visible ? 'visible' : null, 'aria-pressed': 'false',
      dataset: { cellId: String(a.cellId) }, title: `${a.provider}: open the answer` }, label);
    button.addEventListener('click', () => open(a, button));
    return button;
  };
  const columns = [
    { label: 'Prompt', value: (p) => el('span', { class: 'prompt' }, p.text), csv: (p) => p.text },
    ...providers.map((prov) => ({
      label: prov,
      value: (p) => (p.cells[prov] ? el('div', {}, p.cells[prov].map(cellButton)) : el('span', { class: 'muted' }, 'no answer')),
    })),
  ];
  const section = dataTable(`Run ${runId}: ${answers.length} answers`, columns, [...prompts.values()], {
    id: 'answers-table',
    csv: () => downloadCsv(`/api/answers${query({ runId, limit: 500 })}`, `run-${runId}-answers.csv`),
    empty: 'This run has no stored answers yet.',
  });
  section.classList.add('answers-grid');
  return section;
}

async function show(detail, runId, cellId, button) {
  for (const b of document.querySelectorAll('.answers-grid button[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
  if (button) button.setAttribute('aria-pressed', 'true');
  detail.hidden = false;
  detail.replaceChildren(el('p', { class: 'muted' }, 'Loading the answer…'));
  try {
    const d = await api(`/api/runs/${runId}/cells/${cellId}`);
    detail.replaceChildren(...answerView(d));
    detail.scrollIntoView({ block: 'start' });
  } catch (e) {
    detail.replaceChildren(errorBox(e));
  }
}

function answerView(d) {
  const a = d.answer;
  const head = [el('h2', {}, `${d.provider} · prompt ${d.promptId}`), el('p', { class: 'prompt-text' }, el('b', {}, 'Prompt: '), d.prompt)];
  if (!a) return [...head, el('p', { class: 'muted' }, `No answer stored (cell ${d.status}${d.lastError ? `: ${d.lastError}` : ''}).`)];
  const mentions = (a.analysis && a.analysis.mentions) || [];
  const text = el('div', { class: 'answer-text', id: 'answer-text' }, highlighted(a.text, mentions));
  const brand = mentions.find((m) => m.kind === 'brand');
  const facts = el('div', { class: 'pair' },
    el('span', {}, el('b', {}, 'Model '), a.modelServed || a.modelRequested || '–'),
    el('span', {}, el('b', {}, 'Brand visible '), a.analysis ? (a.analysis.brandVisible ? 'yes' : 'no') : 'not analysed'),
    el('span', {}, el('b', {}, 'Brand rank '), brand && brand.listRank ? `#${brand.listRank}` : '–'),
    el('span', {}, el('b', {}, 'Brand sentiment '), brand && brand.sentiment ? `${brand.sentiment} (${fmt.num(brand.sentimentScore)})` : '–'),
    el('span', {}, el('b', {}, 'Cost '), fmt.usd(a.costUsd)));
  const entities = dataTable('Mentions', [
    { label: 'Entity', value: (m) => el('mark', { class: m.kind === 'brand' ? 'brand' : 'competitor' }, m.entity), csv: (m) => m.entity },
    { label: 'Kind', value: (m) => m.kind },
    { label: 'Count', value: (m) => String(m.count), num: true },
    { label: 'Rank', value: (m) => fmt.int(m.listRank), num: true },
    { label: 'Order', value: (m) => fmt.int(m.mentionOrder), num: true },
    { label: 'Sentiment', value: (m) => m.sentiment || '–' },
    { label: 'Score', value: (m) => fmt.num(m.sentimentScore), num: true },
  ], mentions, { id: 'mentions-table', filename: `cell-${d.cellId}-mentions.csv`, empty: 'No tracked entity is mentioned.' });
  const sources = (a.analysis && a.analysis.citedSources) || [];
  const cites = dataTable('Citations', [
    { label: '#', value: (c) => String(c.position), num: true },
    { label: 'URL', value: (c) => link(c.url), csv: (c) => c.url },
    { label: 'Domain', value: (c) => c.domain },
    { label: 'Owner', value: (c) => (c.ownerName ? `${c.owner} (${c.ownerName})` : c.owner), csv: (c) => c.owner },
    { label: 'Source', value: (c) => c.source },
  ], sources, { id: 'citations-table', filename: `cell-${d.cellId}-citations.csv`, empty: 'No citations.' });
  return [...head, facts, el('h2', {}, 'Answer'), text, entities, cites];
}

function link(url) {
  const safe = /^https?:\/\//i.test(url);
  return safe ? el('a', { href: url, rel: 'noopener noreferrer nofollow', target: '_blank' }, url) : el('span', {}, url);
}

/** The answer as text nodes, with <mark> around each evidence span; overlapping spans keep the first. */
function highlighted(text, mentions) {
  const spans = [];
  for (const m of mentions) {
    for (const e of m.evidence || []) {
      if (Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.end <= text.length && e.end > e.start) {
        spans.push({ start: e.start, end: e.end, entity: m.entity, kind: m.kind });
      }
    }
  }
  spans.sort((x, y) => x.start - y.start || y.end - x.end);
  const out = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    if (s.start > at) out.push(document.createTextNode(text.slice(at, s.start)));
    out.push(el('mark', { class: s.kind === 'brand' ? 'brand' : 'competitor', title: s.entity, dataset: { entity: s.entity } },
      text.slice(s.start, s.end)));
    at = s.end;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}
