// The dashboard shell: sign-in (the token stays in this tab's sessionStorage), navigation by URL hash, one page at
// a time. Pages call the same JSON API as any client.

import { api, describe, onUnauthorized, token } from './api.js';
import * as overview from './pages/overview.js';
import * as runs from './pages/runs.js';
import * as answers from './pages/answers.js';
import * as sources from './pages/sources.js';

const pages = { overview, runs, answers, sources };
const page = document.getElementById('page');
const signIn = document.getElementById('sign-in');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');
let dispose = null;

function showSignIn(message) {
  if (dispose) dispose();
  dispose = null;
  page.replaceChildren();
  nav.hidden = true;
  signOut.hidden = true;
  signIn.hidden = false;
  const err = document.getElementById('sign-in-error');
  err.hidden = !message;
  err.textContent = message || '';
  document.getElementById('token').focus();
}

function route() {
  if (!token.get()) {
    showSignIn();
    return;
  }
  signIn.hidden = true;
  nav.hidden = false;
  signOut.hidden = false;
  const [name, q] = location.hash.replace(/^#\/?/, '').split('?');
  const key = pages[name] ? name : 'overview';
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.page === key) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (dispose) dispose();
  page.replaceChildren();
  page.dataset.page = key;
  document.title = `Sightline · ${key[0].toUpperCase()}${key.slice(1)}`;
  dispose = pages[key].render(page, new URLSearchParams(q || '')) || null;
}

document.getElementById('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = document.getElementById('token');
  const value = input.value.trim();
  if (!value) return;
  token.set(value);
  try {
    await api('/api/runs?limit=1');
    input.value = '';
    route();
  } catch (err) {
    token.clear();
    showSignIn(err.status === 401 ? 'That token is not valid (or was revoked).' : describe(err));
  }
});

signOut.addEventListener('click', () => {
  token.clear();
  showSignIn();
});

onUnauthorized(() => {
  token.clear();
  showSignIn('Your token is no longer accepted: sign in again.');
});

window.addEventListener('hashchange', route);
route();
