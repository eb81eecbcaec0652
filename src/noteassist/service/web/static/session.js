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
let countdown = document.getElementById('idle-countdown');
const ageMs = Number(document.querySelector('meta[name="session-age-ms"]')?.content || 0);
let lastContact = Date.now() - ageMs;   // when the server last counted the session as used, on its clock
let lastKeepalive = Date.now();
let signingOut = false;
let offline = false;   // the last keep-alive could not reach the server
let probing = false;
let keepaliveInFlight = false;   // "Stay signed in" was pressed and the server has not answered yet
const idleText = document.getElementById('idle-text');
const warningHtml = idleText ? idleText.innerHTML : '';

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
  if (deadline() - Date.now() > warnMs) {
    showWarning();
    if (dialog && dialog.open) dialog.close();
  }
}

function deadline() { return lastContact + idleMs; }

async function keepalive() {
  lastKeepalive = Date.now();
  keepaliveInFlight = true;
  try {
    const response = await fetch('/session/keepalive', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'X-CSRF-Token': csrfToken(), 'Accept': 'application/json' },
    });
    offline = false;
    if (response.ok) contact(Date.now(), true);
    else if (response.status === 401) signOut();
  } catch (error) {
    // Offline: the server cannot be told; the timer goes on, and the edits stay in this browser.
    offline = true;
  } finally {
    keepaliveInFlight = false;
  }
}

function signOut() {
  if (signingOut) return;
  signingOut = true;
  document.dispatchEvent(new CustomEvent('na:idle-signout'));
  const next = location.pathname + location.search;
  location.assign(`/signin?expired=1&next=${encodeURIComponent(next)}`);
}

function showOffline() {
  if (idleText && !idleText.dataset.offline) {
    idleText.dataset.offline = '1';
    idleText.textContent = 'The server cannot be reached, and the session has run out meanwhile. Your edits '
      + 'stay in this browser; you will be asked to sign in again once the connection is back.';
  }
  if (dialog && !dialog.open) dialog.showModal();
}

function showWarning() {
  if (idleText && idleText.dataset.offline) {
    delete idleText.dataset.offline;
    idleText.innerHTML = warningHtml;
    countdown = document.getElementById('idle-countdown');
  }
}

function onActivity() {
  if (signingOut || (dialog && dialog.open)) return;  // while warned, only "Stay signed in" counts
  if (Date.now() - lastKeepalive >= touchMs) keepalive();
}

function tick() {
  const left = deadline() - Date.now();
  if (left <= 0) {
    // Offline, going to /signin would only show the browser's error page in place of this one: stay, and
    // sign in again once the connection is back (the server has ended the session by then anyway).
    if (offline || !navigator.onLine) {
      offline = true;
      showOffline();
      if (Date.now() - lastKeepalive >= 10000) keepalive();  // the server answers 401 once it is back
      return;
    }
    if (!probing) {
      // Is the server there to sign in on? /healthz neither needs nor touches the session.
      probing = true;
      fetch('/healthz', { cache: 'no-store' })
        .then(() => signOut())
        .catch(() => { offline = true; showOffline(); })
        .finally(() => { probing = false; });
    }
    return;
  }
  // Not while a keep-alive is on its way: on a slow server the warning would open again under the click
  // that just closed it.
  if (left <= warnMs && dialog && !dialog.open && !keepaliveInFlight) {
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
  window.addEventListener('online', () => { if (offline) keepalive(); });
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY && event.newValue) contact(Number(event.newValue), true);
  });
  setInterval(tick, 1000);
}

// ---- Signing out leaves no note text in this browser ----------------------------------------------------
// Edits the server never acknowledged wait in IndexedDB (autosave.js) so that a crash or a dead network
// loses nothing. On a shared computer they must not outlive the person's session: signing out erases them,
// after saying so when there are any, since they exist nowhere else. autosave.js keeps one record per tab
// and draft (key "<draft id>:<tab id>", older ones "<draft id>"), each naming its user: this person's records
// go (and unnamed ones from before records named their user); another person's stay for their own sign-out.
const signedInAs = document.body.dataset.username || null;

function ownRecord(record) {
  return Boolean(record) && (!record.user || !signedInAs || record.user === signedInAs);
}

// Visit this person's records in one transaction: visit(cursor) for each; resolves when it is done.
function eachOwnRecord(mode, visit) {
  return new Promise((resolve) => {
    let request;
    try {
      request = indexedDB.open('noteassist', 1);
    } catch (error) {
      resolve();
      return;
    }
    request.onupgradeneeded = () => request.result.createObjectStore('unsent');
    request.onerror = () => resolve();
    request.onsuccess = () => {
      const db = request.result;
      const done = () => { db.close(); resolve(); };
      let tx;
      try {
        tx = db.transaction('unsent', mode);
      } catch (error) {
        done();
        return;
      }
      tx.oncomplete = tx.onerror = tx.onabort = done;
      const cursor = tx.objectStore('unsent').openCursor();
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) return;
        if (ownRecord(at.value)) visit(at);
        at.continue();
      };
    };
  });
}

async function unsentDrafts() {
  const drafts = new Set();
  await eachOwnRecord('readonly', (at) => drafts.add(String(at.value.draftId ?? String(at.key).split(':')[0])));
  return drafts.size;
}

async function eraseUnsent() {
  // Draft tabs stop keeping first (this one at once, the others through the channel), then the records go;
  // a second pass catches a keystroke another tab wrote before the message reached it.
  if (window.naAutosave && window.naAutosave.forget) window.naAutosave.forget();
  try {
    const channel = new BroadcastChannel('noteassist');
    channel.postMessage({ type: 'signed-out' });
    channel.close();
  } catch (error) { /* no BroadcastChannel: other tabs are signed out by the server's 401 */ }
  await eachOwnRecord('readwrite', (at) => at.delete());
  await new Promise((resolve) => { setTimeout(resolve, 150); });
  await eachOwnRecord('readwrite', (at) => at.delete());
}

const signoutForm = document.querySelector('form.signout');
signoutForm?.addEventListener('submit', async (event) => {
  if (signoutForm.dataset.erased === 'yes') return;
  event.preventDefault();
  if (window.naAutosave) await window.naAutosave.flush();  // a draft open here: save it now if the server is there
  const waiting = await unsentDrafts();
  if (waiting > 0) {
    const drafts = waiting === 1 ? 'one draft have' : `${waiting} drafts have`;
    if (!window.confirm(`Edits to ${drafts} not reached the server yet. Signing out erases them from this `
                        + 'browser. Sign out anyway? (Cancel, then wait for "Saved".)')) {
      return;
    }
  }
  await eraseUnsent();
  signoutForm.dataset.erased = 'yes';
  signoutForm.requestSubmit();
});
