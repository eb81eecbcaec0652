// Autosave of the draft page: no keystroke that showed as saved is ever lost.
//
// The rules, in the order they matter:
// - "Saved HH:MM" is shown only when the server acknowledged exactly the text now in the editor.
// - One save in flight at a time; each save names as base_version the last version the server
//   acknowledged to this page, so a save never overwrites a version this page has not seen (409).
// - Every edit not yet acknowledged is kept in IndexedDB (db "noteassist", store "unsent", key: the
//   draft id) until the server acknowledges that text: a closed tab, a crash or a dead network loses
//   nothing, and the next load replays it.
// - Saves happen 2 s after the last change, at least every 10 s while typing, when the page is hidden,
//   and on pagehide with sendBeacon (a page being torn down cannot wait for an answer). A beacon may
//   or may not have landed: the next answer from the server (a 409, or the text on reload) tells.
// - A 409 whose newer version is not this page's own beacon opens the comparison dialog: both texts,
//   side by side, and the user chooses. Nothing is discarded without that choice.
import { api, beacon } from '/static/api.js';

const QUIET_MS = 2000;
const MAX_WAIT_MS = 10000;
const RETRY_MS = 3000;
const SENT_KEPT = 8;

const main = document.getElementById('draft');
const editorElement = document.getElementById('note-editor');
const statusElement = document.getElementById('save-status');

// ---- IndexedDB: the unsent buffer -------------------------------------------------------------------
const buffer = (() => {
  let opening = null;
  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open('noteassist', 1);
        request.onupgradeneeded = () => request.result.createObjectStore('unsent');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opening;
  }
  async function run(mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction('unsent', mode);
      const result = work(tx.objectStore('unsent'));
      tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
  return {
    get: (key) => run('readonly', (store) => store.get(key)),
    put: (key, value) => run('readwrite', (store) => store.put(value, key)),
    // Delete only if the stored text is still `text`: another tab's newer edits stay.
    clearIf: (key, text) => run('readwrite', (store) => {
      const request = store.get(key);
      request.onsuccess = () => {
        if (request.result && request.result.text === text) store.delete(key);
      };
    }),
  };
})();

// ---- the saving state ------------------------------------------------------------------------------------
export function createAutosave({ draftId, version, text, editor, status, onSaved, onConflict }) {
  const state = {
    ackVersion: version,  // the newest version the server acknowledged to this page
    ackText: text,        // ...and its exact text
    inFlight: null,       // the one save under way
    sent: [],             // [{base, text}] sent (a save, a beacon) and not yet known to have landed
    offline: false,
    blocked: null,        // why saving is paused: {kind: conflict|signed-out|invalid|signed, message}
    quietTimer: null,
    maxTimer: null,
    retryTimer: null,
    bufferWrite: Promise.resolve(),
  };
  const key = String(draftId);

  const current = () => editor.getText();
  const dirty = () => current() !== state.ackText;

  function show(kind, message) {
    status.dataset.state = kind;
    // Only a change is written: the live region announces each write, and typing must not chatter.
    if (status.textContent !== message) status.textContent = message;
  }

  function hhmm(date) {
    return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
  }

  function showState() {
    if (state.blocked) return show(state.blocked.kind, state.blocked.message);
    if (state.offline) return show('offline', 'Offline: kept in this browser');
    if (state.inFlight || dirty()) return show('saving', 'Saving...');
    return show('saved', `Saved ${hhmm(state.savedAt || new Date())}`);
  }

  function keep() {
    // Chained so that buffer writes land in order: the last one holds the newest text.
    const record = { draftId, baseVersion: state.ackVersion, text: current(), sent: state.sent,
                     updatedAt: new Date().toISOString() };
    state.bufferWrite = state.bufferWrite.then(() => buffer.put(key, record)).catch(() => {});
    return state.bufferWrite;
  }

  function schedule() {
    clearTimeout(state.quietTimer);
    state.quietTimer = setTimeout(save, QUIET_MS);
    if (!state.maxTimer) state.maxTimer = setTimeout(save, MAX_WAIT_MS);
  }

  function clearTimers() {
    clearTimeout(state.quietTimer);
    clearTimeout(state.maxTimer);
    state.quietTimer = state.maxTimer = null;
  }

  function retryLater() {
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(save, RETRY_MS);
  }

  // The texts sent whose answer never came, newest last. Retries while offline resend one text many
  // times: it is kept once, and only the last few (the buffer is rewritten on every keystroke).
  function remember(entry) {
    state.sent = state.sent.filter((b) => b.base !== entry.base || b.text !== entry.text);
    state.sent.push(entry);
    state.sent = state.sent.slice(-SENT_KEPT);
  }

  function acknowledge(versionNumber, savedText) {
    state.ackVersion = versionNumber;
    state.ackText = savedText;
    state.savedAt = new Date();
    // A text sent on base b became version b + 1: those at or below the acknowledged one are settled.
    state.sent = state.sent.filter((b) => b.base >= versionNumber);
    onSaved(versionNumber);
  }

  async function save() {
    clearTimers();
    if (state.inFlight || state.blocked) return state.inFlight;
    const text = current();
    if (text === state.ackText) {
      state.offline = false;
      await state.bufferWrite;
      buffer.clearIf(key, text).catch(() => {});
      showState();
      return null;
    }
    const base = state.ackVersion;
    remember({ base, text });
    keep();
    state.inFlight = (async () => {
      showState();
      let answer;
      try {
        answer = await api('PUT', `/v1/drafts/${draftId}`, { base_version: base, text });
      } catch (networkFailure) {
        state.offline = true;
        await keep();
        retryLater();
        return;
      }
      if (answer.ok) {
        state.offline = false;
        acknowledge(answer.data.version, text);
        await state.bufferWrite;
        if (!dirty()) {
          await buffer.clearIf(key, text).catch(() => {});
        } else {
          keep();
          schedule();
        }
        return;
      }
      if (answer.status === 409) {
        state.offline = false;
        await resolveConflict(text);
        return;
      }
      // The server is there but did not save it: keep the text, say why, retry what may pass later.
      await keep();
      const code = answer.data && answer.data.error ? answer.data.error.code : '';
      if (answer.status >= 500 || answer.status === 429) {
        state.offline = true;
        retryLater();
      } else if (answer.status === 401 || code === 'csrf') {
        state.blocked = { kind: 'signed-out',
                          message: 'Not saved: signed out. Kept in this browser; sign in and reload this page' };
      } else {
        // An invalid text (an empty note): saved once it changes again.
        const why = answer.data && answer.data.error ? answer.data.error.message : `error ${answer.status}`;
        state.blocked = { kind: 'invalid', message: `Not saved: ${why}. Kept in this browser` };
      }
    })();
    try {
      await state.inFlight;
    } finally {
      state.inFlight = null;
      showState();
    }
    return null;
  }

  // A 409: the server has a version after our base. Ours if it is a text this page sent whose
  // answer it never had (a beacon, a save cut off): then carry on from it. Anyone else's: the user compares and chooses.
  async function resolveConflict(mine) {
    const answer = await api('GET', `/v1/drafts/${draftId}`).catch(() => null);
    if (!answer || !answer.ok) {
      state.offline = true;
      await keep();
      retryLater();
      return;
    }
    const server = answer.data;
    if (server.status !== 'open') {
      state.blocked = { kind: 'signed', message: 'Not saved: the draft has been signed. Kept in this browser' };
      await keep();
      return;
    }
    if (server.text === mine || state.sent.some((b) => b.text === server.text)) {
      acknowledge(server.version, server.text);
      if (dirty()) { keep(); schedule(); } else { buffer.clearIf(key, mine).catch(() => {}); }
      return;
    }
    await keep();
    state.blocked = { kind: 'conflict', message: 'Not saved: another version was saved. Choose which to keep' };
    onConflict({ version: server.version, theirs: server.text, mine: current() });
  }

  return {
    state,
    changed() {
      keep();  // always, whatever else: the buffer holds every keystroke until the server has it
      if (state.blocked && state.blocked.kind === 'invalid') state.blocked = null;
      if (!state.blocked) schedule();
      showState();
    },
    save,
    // Save at once and wait: resolves {version} when the server holds exactly the editor's text,
    // null when it could not (offline, a conflict).
    async flush() {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (state.inFlight) await state.inFlight;
        if (state.blocked) return null;
        if (!dirty() && !state.offline) return { version: state.ackVersion };
        await save();  // offline too: the server may be back
        if (state.offline) return null;
      }
      return dirty() ? null : { version: state.ackVersion };
    },
    hidden() {
      keep();
      if (dirty()) save();
    },
    pagehide() {
      if (!dirty() || state.blocked) return;
      const text = current();
      // Recorded before sending: if the beacon lands, its version is recognised as ours later.
      remember({ base: state.ackVersion, text });
      keep();
      beacon(`/v1/drafts/${draftId}/versions`, { base_version: state.ackVersion, text });
    },
    online() {
      if (state.offline || dirty()) save();
    },
    // The user's choice in the comparison: keep mine on top of the newer version, or take theirs.
    choose(choice, conflict) {
      state.blocked = null;
      if (choice === 'theirs') {
        editor.setText(conflict.theirs);
        acknowledge(conflict.version, conflict.theirs);
        // The user chose: this browser's text goes, the buffer now holds theirs, which the server has.
        keep().then(() => buffer.clearIf(key, conflict.theirs)).catch(() => {});
        showState();
      } else {
        state.ackVersion = conflict.version;
        state.ackText = conflict.theirs;
        keep();
        save();
      }
    },
    // On load: an unsent buffer for this draft from an earlier page is replayed or compared.
    async restore() {
      let record;
      try {
        record = await buffer.get(key);
      } catch (unavailable) {
        return;
      }
      if (!record || typeof record.text !== 'string') return;
      const serverText = state.ackText;
      if (record.text === serverText) {  // it was saved (a beacon landed): nothing is unsent
        buffer.clearIf(key, record.text).catch(() => {});
        return;
      }
      // The server's newest text is one this browser sent (a beacon, a save whose answer never came)?
      const ours = (record.sent || []).some((b) => b.text === serverText);
      state.sent = (record.sent || []).filter((b) => b.base >= state.ackVersion);
      if (record.baseVersion === state.ackVersion || ours) {
        // Edits on top of the version the server still has (or of our own last save): replay them.
        editor.setText(record.text);
        show('saving', 'Saving...');
        await save();
        return;
      }
      state.blocked = { kind: 'conflict',
                        message: 'Not saved: this browser kept edits of an older version. Choose which to keep' };
      onConflict({ version: state.ackVersion, theirs: serverText, mine: record.text, restored: true });
    },
    showState,
  };
}

// ---- the comparison dialog (#compare-dialog, _compare_dialog.html) -------------------------------------
function comparison(editor) {
  const dialog = document.getElementById('compare-dialog');
  const theirs = document.getElementById('compare-theirs');
  const mine = document.getElementById('compare-mine');
  const version = document.getElementById('compare-version');
  const reopen = document.getElementById('compare-reopen');
  let pending = null;
  let decide = null;

  function open(conflict, onChoice) {
    pending = conflict;
    decide = onChoice;
    theirs.textContent = conflict.theirs;
    mine.textContent = conflict.mine;
    version.textContent = String(conflict.version);
    editor.setReadOnly(true);
    reopen.hidden = true;
    if (!dialog.open) dialog.showModal();
    document.getElementById('compare-keep-mine').focus();
  }

  function choose(choice) {
    const conflict = pending;
    pending = null;
    dialog.close(choice);
    reopen.hidden = true;
    editor.setReadOnly(false);
    if (choice === 'mine' && conflict) editor.setText(conflict.mine);
    if (conflict) decide(choice, conflict);
    editorElement.focus();
  }

  document.getElementById('compare-keep-mine').addEventListener('click', () => choose('mine'));
  document.getElementById('compare-use-theirs').addEventListener('click', () => choose('theirs'));
  // Closing without a choice (Escape) keeps both texts; the choice waits behind the "Compare" button.
  dialog.addEventListener('close', () => {
    if (pending) {
      reopen.hidden = false;
      reopen.focus();
    }
  });
  reopen.addEventListener('click', () => { if (pending) open(pending, decide); });
  return { open };
}

// ---- wiring on the draft page -----------------------------------------------------------------------------
function start() {
  const editor = window.naEditor;
  if (!main || !editorElement || !statusElement || !editor) return;
  if (main.dataset.status && main.dataset.status !== 'open') {
    statusElement.dataset.state = 'signed';
    statusElement.textContent = 'Signed: read-only';
    return;
  }
  if (main.dataset.writable === 'false') {
    statusElement.dataset.state = 'saved';
    statusElement.textContent = 'Read-only';
    return;
  }
  const compare = comparison(editor);
  const autosave = createAutosave({
    draftId: main.dataset.draftId,
    version: Number(main.dataset.version),
    text: editor.getText(),
    editor,
    status: statusElement,
    onSaved(version) {
      main.dataset.version = String(version);
      document.dispatchEvent(new CustomEvent('na:saved', { detail: { version } }));
    },
    onConflict(conflict) {
      autosave.showState();
      compare.open(conflict, (choice, chosen) => autosave.choose(choice, chosen));
    },
  });
  window.naAutosave = autosave;
  editorElement.addEventListener('na:input', () => autosave.changed());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') autosave.hidden();
  });
  window.addEventListener('pagehide', () => autosave.pagehide());
  window.addEventListener('online', () => autosave.online());
  // session.js is about to sign the page out (idle): save what can still be saved; the buffer keeps the rest.
  document.addEventListener('na:idle-signout', () => autosave.hidden());
  autosave.showState();
  autosave.restore();
}

if (window.naEditor) {
  start();
} else {
  // editor.js (W2) sets window.naEditor; module scripts run in order, but do not rely on it.
  window.addEventListener('DOMContentLoaded', start, { once: true });
}
