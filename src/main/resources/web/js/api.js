// The JSON API with the signed-in token, errors in words, CSV downloads and the event stream (fetch, so the token
// goes in a header and never in a URL).

const KEY = 'sightline.token';

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

let unauthorized = () => {};
export function onUnauthorized(fn) { unauthorized = fn; }

export class ApiError extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

const WHAT = {
  400: 'The request was refused', 401: 'Not signed in', 404: 'Not found', 409: 'Conflict',
  413: 'Too large', 422: 'Cannot do that now', 503: 'The server is unavailable',
};

/** An error as a sentence for the page. */
export function describe(err) {
  if (!(err instanceof ApiError)) return `Something went wrong: ${err && err.message ? err.message : err}`;
  if (err.status === 0) return err.message;
  const head = WHAT[err.status] || (err.status >= 500 ? 'The server failed' : 'The request failed');
  return `${head} (HTTP ${err.status}): ${err.message}${err.field ? ` [${err.field}]` : ''}`;
}

async function errorOf(resp) {
  let message = resp.statusText || 'no details';
  let field;
  try {
    const body = await resp.json();
    if (body && body.error) {
      message = body.error.message || message;
      field = body.error.field;
    }
  } catch (e) {
    // not JSON: the status says it
  }
  return new ApiError(resp.status, message, field);
}

function headers(extra = {}) {
  const h = { ...extra };
  const t = token.get();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

export async function api(path, { method = 'GET', body, accept = 'application/json' } = {}) {
  let resp;
  try {
    resp = await fetch(path, {
      method,
      headers: headers({ Accept: accept, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }),
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, `Cannot reach the Sightline server (${e.message}).`);
  }
  if (!resp.ok) {
    const err = await errorOf(resp);
    if (resp.status === 401) unauthorized(err);
    throw err;
  }
  return accept.includes('json') ? resp.json() : resp.text();
}

/** Builds a query string from the set values only. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function toCsv(header, rows) {
  // a text a spreadsheet would run as a formula gets a leading apostrophe (as the API's CSV, dev.sightline.api.Csv)
  const formula = (s) => /^[=@\t\r]/.test(s) || (/^[+-]/.test(s) && !/^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/.test(s));
  const cell = (v) => {
    if (v === null || v === undefined) return '';
    let s = String(v);
    if (typeof v === 'string' && formula(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function saveFile(filename, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

/** The API's own CSV of an endpoint (Accept: text/csv). */
export async function downloadCsv(path, filename) {
  saveFile(filename, await api(path, { accept: 'text/csv' }));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows an event stream: calls onEvent({id, type, data}) for each event, onState(state, error) when it opens,
 * fails or reconnects. Reconnects with Last-Event-ID, so nothing is missed. Returns {close()}.
 */
export function follow(path, { onEvent, onState = () => {} }) {
  let lastId = null;
  let stopped = false;
  let controller = null;

  function dispatch(frame) {
    if (frame.id !== null) lastId = frame.id;
    if (frame.data.length === 0) return;
    let data;
    try {
      data = JSON.parse(frame.data.join('\n'));
    } catch (e) {
      return;
    }
    onEvent({ id: frame.id, type: frame.event || 'message', data });
  }

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const h = headers({ Accept: 'text/event-stream' });
        if (lastId) h['Last-Event-ID'] = lastId;
        const resp = await fetch(path, { headers: h, signal: controller.signal, cache: 'no-store' });
        if (!resp.ok) {
          const err = await errorOf(resp);
          onState('error', err);
          if (resp.status === 401) { unauthorized(err); return; }
          if (resp.status === 400 || resp.status === 404) return;
        } else {
          onState('open');
          const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          let frame = { id: null, event: null, data: [] };
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let i;
            while ((i = buf.indexOf('\n')) >= 0) {
              let line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (line.endsWith('\r')) line = line.slice(0, -1);
              if (line === '') {
                dispatch(frame);
                frame = { id: null, event: null, data: [] };
              } else if (!line.startsWith(':')) {
                const colon = line.indexOf(':');
                const name = colon < 0 ? line : line.slice(0, colon);
                let value2 = colon < 0 ? '' : line.slice(colon + 1);
                if (value2.startsWith(' ')) value2 = value2.slice(1);
                if (name === 'id') frame.id = value2;
                else if (name === 'event') frame.event = value2;
                else if (name === 'data') frame.data.push(value2);
              }
            }
          }
        }
      } catch (e) {
        if (stopped) return;
        onState('error', new ApiError(0, `The event stream broke (${e.message}).`));
      }
      if (stopped) return;
      onState('reconnecting');
      await sleep(2000);
    }
  }

  run();
  return {
    close() {
      stopped = true;
      if (controller) controller.abort();
    },
  };
}
