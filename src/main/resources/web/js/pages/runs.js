// Runs: the list, "Run now", and a live panel per running run (progress bar, per-provider counts, tokens, cost)
// fed by the workspace's event stream.

import { api, describe, follow, query } from '../api.js';
import { dataTable, el, errorBox, fmt } from '../dom.js';

const STATUSES = ['succeeded', 'failed', 'pending', 'leased', 'cancelled'];

export function render(root) {
  const message = el('div', { id: 'runs-message' });
  const streamState = el('span', { class: 'stream-state', id: 'stream-state' }, 'connecting…');
  const runNow = el('button', { type: 'button', id: 'run-now' }, 'Run now');
  const live = el('div', { id: 'live-runs' });
  const list = el('div', { id: 'runs-list' }, el('p', { class: 'muted' }, 'Loading…'));
  root.append(el('div', { class: 'toolbar' }, el('h1', {}, 'Runs'), el('span', {}, streamState, ' ', runNow)),
    message, live, list);
  const panels = new Map();

  async function reload() {
    try {
      const r = await api('/api/runs?limit=50');
      list.replaceChildren(runsTable(r.runs));
      for (const run of r.runs) {
        if (run.status === 'running' || run.status === 'cancelling' || run.status === 'paused_budget') panel(run);
      }
    } catch (e) {
      list.replaceChildren(errorBox(e));
    }
  }

  function panel(run) {
    let p = panels.get(run.id);
    if (!p) {
      p = livePanel(run);
      panels.set(run.id, p);
      live.prepend(p.node);
    }
    p.update(run);
    return p;
  }

  runNow.addEventListener('click', async () => {
    runNow.disabled = true;
    message.replaceChildren();
    try {
      const run = await api('/api/runs', { method: 'POST', body: {} });
      panel({ ...run, runId: run.id, percent: run.progressPercent });
      message.replaceChildren(el('p', { class: 'muted' }, `Run ${run.id} started: ${run.cellsTotal} cells.`));
    } catch (e) {
      message.replaceChildren(errorBox(e));
    } finally {
      runNow.disabled = false;
    }
  });

  const stream = follow('/api/events', {
    onState: (state, err) => {
      streamState.textContent = state === 'open' ? '● live' : state === 'reconnecting' ? 'reconnecting…'
        : `events unavailable: ${describe(err)}`;
      if (state === 'open') reload();
    },
    onEvent: (e) => {
      const runId = e.data.runId;
      if (runId === undefined) return;
      if (e.type === 'run.created') {
        panel({ id: runId, runId, status: 'running', cellsTotal: e.data.cellsTotal, percent: 0 });
        reload();
      } else if (e.type === 'run.progress') {
        panel({ id: runId, ...e.data });
      } else if (e.type === 'cell.finished') {
        const p = panels.get(runId);
        if (p) p.cells(e.data.cells);
      } else if (e.type === 'run.completed') {
        const p = panels.get(runId);
        if (p) p.complete(e.data);
        reload();
      }
    },
  });
  return () => stream.close();
}

function livePanel(run) {
  const bar = el('div', { class: 'bar' });
  const track = el('div', { class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': '0', 'aria-label': `Run ${run.id} progress` }, bar);
  const pct = el('b', { class: 'percent' }, '0 %');
  const status = el('span', { class: 'status' }, run.status || 'running');
  const facts = el('div', { class: 'pair' });
  const counts = el('div', { class: 'table-wrap' });
  const headline = el('div', { class: 'headline' });
  const node = el('section', { class: 'card live-run', id: `live-run-${run.id}`, dataset: { runId: String(run.id) } },
    el('h3', {}, `Run ${run.id} `, status, ' ', pct), track, facts, counts, headline);
  const perProvider = {};

  function showCounts() {
    const names = Object.keys(perProvider).sort();
    if (names.length === 0) return;
    counts.replaceChildren(el('table', { class: 'provider-counts' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Provider'), STATUSES.map((s) => el('th', { class: 'num' }, s)))),
      el('tbody', {}, names.map((n) => el('tr', { dataset: { provider: n } }, el('td', {}, n),
        STATUSES.map((s) => el('td', { class: 'num' }, String(perProvider[n][s] || 0))))))));
  }

  function setPercent(v) {
    const p = Math.max(0, Math.min(100, Number(v) || 0));
    bar.style.width = `${p}%`;
    track.setAttribute('aria-valuenow', String(p));
    pct.textContent = `${p.toFixed(p === 100 ? 0 : 1)} %`;
  }

  return {
    node,
    update(r) {
      if (r.status) {
        status.textContent = r.status;
        status.className = `status ${r.status}`;
      }
      const percent = r.percent !== undefined ? r.percent : r.progressPercent;
      if (percent !== undefined) setPercent(percent);
      if (r.byProvider) {
        for (const [name, c] of Object.entries(r.byProvider)) perProvider[name] = { ...c };
        showCounts();
      }
      if (r.cellsTotal !== undefined) {
        facts.replaceChildren(
          el('span', {}, el('b', {}, 'Cells '), String(r.cellsTotal)),
          r.tokensIn !== undefined ? el('span', {}, el('b', {}, 'Tokens '), `${r.tokensIn} in / ${r.tokensOut} out`) : null,
          r.costUsd !== undefined ? el('span', {}, el('b', {}, 'Cost '), fmt.usd(r.costUsd)) : null,
          r.estimatedCompletion ? el('span', {}, el('b', {}, 'Done by '), fmt.time(r.estimatedCompletion)) : null);
      }
    },
    /** Finished cells between two progress events: counted at once (the next progress corrects the rest). */
    cells(list) {
      for (const c of list) {
        const p = perProvider[c.provider] || (perProvider[c.provider] = {});
        p[c.status] = (p[c.status] || 0) + 1;
        const waiting = (p.leased || 0) > 0 ? 'leased' : 'pending';
        if ((p[waiting] || 0) > 0) p[waiting] -= 1;
      }
      showCounts();
    },
    complete(c) {
      setPercent(100);
      track.classList.add('done');
      status.textContent = c.status;
      status.className = `status ${c.status}`;
      const h = c.headline;
      if (h && h.providers) {
        headline.replaceChildren(el('p', {}, el('b', {}, `${h.brand || 'Brand'}: `),
          `visibility ${fmt.pct(h.visibility)}, share of voice ${fmt.pct(h.shareOfVoice)}, average rank ${fmt.num(h.avgRank)}`),
        el('div', { class: 'pair' }, h.providers.map((p) => el('span', {}, el('b', {}, `${p.provider} `),
          `${fmt.pct(p.visibility)} · SoV ${fmt.pct(p.shareOfVoice)} · rank ${fmt.num(p.avgRank)}`))),
        el('a', { href: `#/answers${query({ run: c.runId })}` }, 'See the answers'));
      }
    },
  };
}

function runsTable(runs) {
  return dataTable('All runs', [
    { label: 'Run', value: (r) => el('a', { href: `#/answers${query({ run: r.id })}` }, String(r.id)), csv: (r) => r.id },
    { label: 'Date', value: (r) => r.runDate },
    { label: 'Trigger', value: (r) => r.trigger },
    { label: 'Status', value: (r) => el('span', { class: `status ${r.status}` }, r.status), csv: (r) => r.status },
    { label: 'Cells', value: (r) => String(r.cellsTotal), num: true },
    { label: 'Done', value: (r) => `${r.progressPercent} %`, num: true, csv: (r) => r.progressPercent },
    { label: 'Failed', value: (r) => String(r.counts.failed), num: true },
    { label: 'Cost', value: (r) => fmt.usd(r.costUsd), num: true, csv: (r) => r.costUsd },
    { label: 'Started', value: (r) => fmt.time(r.createdAt), csv: (r) => r.createdAt },
  ], runs, { id: 'runs-table', filename: 'runs.csv', empty: 'No runs yet: press "Run now".' });
}
