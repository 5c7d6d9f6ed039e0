// DOM helpers. Every text that came from the server goes in as a text node: nothing is ever parsed as HTML.

import { describe, saveFile, toCsv } from './api.js';

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  append(e, children);
  return e;
}

export function append(parent, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return parent;
}

export function errorBox(err) {
  return el('p', { class: 'error', role: 'alert' }, describe(err));
}

export const fmt = {
  pct: (v) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`),
  num: (v, digits = 2) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits)),
  int: (v) => (v === null || v === undefined ? '–' : String(v)),
  usd: (v) => (v === null || v === undefined ? '–' : `$${Number(v).toFixed(4)}`),
  time: (v) => (v ? new Date(v).toLocaleString() : '–'),
};

/**
 * A table with a title and a CSV button. columns: [{label, value(row) -> text|Node, csv(row)?, num?}].
 * csv: a function that downloads the table (the API's CSV), or omitted for the rows as shown.
 */
export function dataTable(title, columns, rows, { id, csv, filename = 'table.csv', empty = 'Nothing yet.' } = {}) {
  const download = async () => {
    try {
      if (csv) await csv();
      else {
        saveFile(filename, toCsv(columns.map((c) => c.label),
          rows.map((r) => columns.map((c) => (c.csv ? c.csv(r) : textOf(c.value(r)))))));
      }
    } catch (e) {
      box.replaceWith(errorBox(e));
    }
  };
  const box = el('span');
  const head = el('tr', {}, columns.map((c) => el('th', { class: c.num ? 'num' : null, scope: 'col' }, c.label)));
  const body = el('tbody', {}, rows.map((r) => el('tr', {}, columns.map((c) => el('td', { class: c.num ? 'num' : null },
    c.value(r))))));
  return el('section', { class: 'card', id },
    el('div', { class: 'toolbar' }, el('h2', {}, title),
      el('span', {}, box, el('button', { type: 'button', class: 'secondary csv', onclick: download }, 'Download CSV'))),
    rows.length === 0 ? el('p', { class: 'muted' }, empty)
      : el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, head), body)));
}

function textOf(v) {
  if (v instanceof Node) return v.textContent;
  return v;
}
