// Idle logoff, the page's half: a warning dialog a minute before the server signs the session out, then
// /signin?expired=1. The server signs out after <meta name="idle-minutes"> without a request; it records a
// request at most every <meta name="touch-seconds">, so an API answer only proves use that long ago, while
// the page itself says how long ago its own request was counted (<meta name="session-age-ms">).
// Using the page (keys, pointer, touch) sends a keep-alive at most once per touch interval; so does
// "Stay signed in". Tabs share their last contact through localStorage, so one busy tab keeps the others.

import { csrfToken } from './api.js';

const idleMs = Number(document.querySelector('meta[name="idle-minutes"]')?.content || 15) * 60000;
const touchMs = Number(document.querySelector('meta[name="touch-seconds"]')?.content || 30) * 1000;
const warnMs = Math.min(60000, idleMs / 2);
const STORAGE_KEY = 'noteassist.lastContact';

const dialog = document.getElementById('idle-dialog');
const countdown = document.getElementById('idle-countdown');
const ageMs = Number(document.querySelector('meta[name="session-age-ms"]')?.content || 0);
let lastContact = Date.now() - ageMs;   // when the server last counted the session as used, on its clock
let lastKeepalive = Date.now();
let signingOut = false;

function share(at) {
  try { localStorage.setItem(STORAGE_KEY, String(at)); } catch (error) { /* private mode: this tab only */ }
}

function contact(at, exact) {
  // An exact contact (page load, keep-alive) moved the server's clock; an API answer may lag one interval.
  const when = exact ? at : at - touchMs;
  if (when > lastContact) {
    lastContact = when;
    share(when);
  }
  if (dialog && dialog.open && deadline() - Date.now() > warnMs) dialog.close();
}

function deadline() { return lastContact + idleMs; }

async function keepalive() {
  lastKeepalive = Date.now();
  try {
    const response = await fetch('/session/keepalive', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'X-CSRF-Token': csrfToken(), 'Accept': 'application/json' },
    });
    if (response.ok) contact(Date.now(), true);
    else if (response.status === 401) signOut();
  } catch (error) {
    // Offline: the server cannot be told; the timer goes on, and the edits stay in this browser.
  }
}

function signOut() {
  if (signingOut) return;
  signingOut = true;
  document.dispatchEvent(new CustomEvent('na:idle-signout'));
  const next = location.pathname + location.search;
  location.assign(`/signin?expired=1&next=${encodeURIComponent(next)}`);
}

function onActivity() {
  if (signingOut || (dialog && dialog.open)) return;  // while warned, only "Stay signed in" counts
  if (Date.now() - lastKeepalive >= touchMs) keepalive();
}

function tick() {
  const left = deadline() - Date.now();
  if (left <= 0) {
    signOut();
    return;
  }
  if (left <= warnMs && dialog && !dialog.open) {
    dialog.showModal();
    document.getElementById('idle-stay')?.focus();
  }
  if (countdown) countdown.textContent = String(Math.max(0, Math.ceil(left / 1000)));
}

if (dialog) {
  share(lastContact);
  document.getElementById('idle-stay')?.addEventListener('click', () => { dialog.close(); keepalive(); });
  document.getElementById('idle-signout')?.addEventListener('click', () => {
    document.querySelector('form.signout')?.requestSubmit();
  });
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); dialog.close(); keepalive(); });
  for (const type of ['keydown', 'pointerdown', 'touchstart', 'input']) {
    document.addEventListener(type, onActivity, { passive: true, capture: true });
  }
  document.addEventListener('na:server-contact', () => contact(Date.now(), false));
  document.addEventListener('na:session-expired', signOut);
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY && event.newValue) contact(Number(event.newValue), true);
  });
  setInterval(tick, 1000);
}
