// Autosave of the draft page: no keystroke that showed as saved is ever lost.
//
// The rules, in the order they matter:
// - "Saved HH:MM" is shown only when the server acknowledged exactly the text now in the editor.
// - One save in flight at a time; each save names as base_version the last version the server
//   acknowledged to this page, so a save never overwrites a version this page has not seen (409).
// - Every edit not yet acknowledged is kept in IndexedDB (db "noteassist", store "unsent") until the
//   server acknowledges that text: a closed tab, a crash or a dead network loses nothing, and the next
//   load replays it. Each tab has a record of its own, key "<draft id>:<tab id>" (the tab id lives in
//   sessionStorage, so a reload of the tab finds its record), so two tabs of one draft never overwrite
//   each other's unsent edits. A tab holds the Web Lock "noteassist-tab:<tab id>" while it is open: a record
//   whose tab holds no lock belongs to a tab that is gone.
// - On load, every record of the draft that no open tab owns (this tab's own first, then closed tabs',
//   oldest first) is taken over and settled one at a time, only while the editor holds no unsaved edit:
//   a text the server already has is dropped; one based on the version the server still has is replayed
//   (saved); any other opens the comparison. A record is deleted only once the server acknowledged its
//   text or the user chose in the comparison.
// - Saves happen 2 s after the last change, at least every 10 s while typing, when the page is hidden,
//   and on pagehide with sendBeacon (a page being torn down cannot wait for an answer). A beacon may
//   or may not have landed: the next answer from the server (a 409, or the text on reload) tells; a
//   beacon refused with 409 leaves its record, which the next load compares.
// - A 409 whose newer version is not this page's own beacon opens the comparison dialog: both texts,
//   side by side, and the user chooses. Nothing is discarded without that choice.
// - Tabs tell each other on the BroadcastChannel "noteassist": a save (a tab with unsaved edits on an older
//   version saves at once, so the comparison comes before more typing piles up; a hidden tab without edits
//   loads the newer text), and a sign-out (session.js has erased this person's records: stop keeping).
import { api, beacon } from '/static/api.js';

const QUIET_MS = 2000;
const MAX_WAIT_MS = 10000;
const RETRY_MS = 3000;
const SENT_KEPT = 8;
const TAB_ID_KEY = 'noteassist.tabId';
const TAB_LOCK = 'noteassist-tab:';
const CHANNEL = 'noteassist';

const main = document.getElementById('draft');
const editorElement = document.getElementById('note-editor');
const statusElement = document.getElementById('save-status');
const locks = navigator.locks;
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

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
    put: (key, value) => run('readwrite', (store) => store.put(value, key)),
    // Delete only if the stored text is still `text`: edits written since stay.
    clearIf: (key, text) => run('readwrite', (store) => {
      const request = store.get(key);
      request.onsuccess = () => {
        if (request.result && request.result.text === text) store.delete(key);
      };
    }),
    // Every record of a draft: "<id>:<tab>" (and "<id>:<tab>:<n>", taken over), and "<id>" from before
    // records were kept per tab.
    ofDraft: (draftId) => run('readonly', (store) => {
      const found = [];
      const legacy = store.get(String(draftId));
      legacy.onsuccess = () => { if (legacy.result) found.push({ key: String(draftId), record: legacy.result }); };
      const cursor = store.openCursor(IDBKeyRange.bound(`${draftId}:`, `${draftId}:\uffff`));
      cursor.onsuccess = () => {
        const at = cursor.result;
        if (!at) return;
        found.push({ key: at.key, record: at.value });
        at.continue();
      };
      return { result: found };
    }),
    // Move a record to another key, marked as taken over by `tabId` (one transaction: never both, never none).
    move: (from, to, tabId) => run('readwrite', (store) => {
      const request = store.get(from);
      request.onsuccess = () => {
        if (!request.result) return;
        store.put({ ...request.result, claimedBy: tabId }, to);
        if (from !== to) store.delete(from);
      };
    }),
  };
})();

// ---- this tab: its id and the lock that says it is open ------------------------------------------------
function randomId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

function storedTabId() {
  try { return sessionStorage.getItem(TAB_ID_KEY); } catch (unavailable) { return null; }
}

function storeTabId(id) {
  try { sessionStorage.setItem(TAB_ID_KEY, id); } catch (unavailable) { /* this page only */ }
}

// Resolves true once the lock is held (until the page goes), false when another page holds it.
function holdLock(name) {
  return new Promise((resolve) => {
    locks.request(name, { ifAvailable: true }, (lock) => {
      resolve(Boolean(lock));
      return lock ? new Promise(() => {}) : undefined;
    }).catch(() => resolve(false));
  });
}

// The id in sessionStorage, unless another open tab holds it (a duplicated tab copies sessionStorage):
// then a new one. A reload's previous page may still hold the lock for a moment, hence the retries.
async function claimTabId() {
  let id = storedTabId();
  if (locks) {
    if (id) {
      for (let attempt = 0; attempt < 10 && id; attempt++) {
        if (await holdLock(TAB_LOCK + id)) break;
        if (attempt === 9) id = null;
        else await sleep(100);
      }
    }
    if (!id) {
      id = randomId();
      await holdLock(TAB_LOCK + id);
    }
  } else if (!id) {
    id = randomId();
  }
  storeTabId(id);
  return id;
}

// The ids of the tabs open now (any page of this site); without Web Locks, none is known to be.
async function openTabs() {
  if (!locks) return new Set();
  try {
    const { held = [] } = await locks.query();
    return new Set(held.filter((lock) => lock.name.startsWith(TAB_LOCK)).map((lock) => lock.name.slice(TAB_LOCK.length)));
  } catch (unavailable) {
    return new Set();
  }
}

// One tab at a time takes over a draft's records (two tabs loading at once must not both take one).
function exclusively(name, work) {
  return locks ? locks.request(name, work) : work();
}

// ---- the saving state ------------------------------------------------------------------------------------
export function createAutosave({ draftId, version, text, editor, status, user, tabId, onSaved, onConflict }) {
  let signalReady;
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
    tabId: null,          // known once the tab's lock is held (tabId: a promise of it)
    waiting: [],          // records taken over on load, not settled yet: [{key, text, baseVersion, sent}]
    settling: false,
    erased: false,        // signed out in another tab: this person's records are gone, keep none
  };
  // Every buffer write waits for the load's take-over to have read the records: none is overwritten unread.
  state.ready = new Promise((resolve) => { signalReady = resolve; });
  state.bufferWrite = state.ready;
  let key = null;  // "<draft id>:<tab id>", this tab's record

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

  // Buffer work on this tab's record, in order: the last write holds the newest text.
  function queue(work) {
    state.bufferWrite = state.bufferWrite.then(() => (state.erased ? undefined : work())).catch(() => {});
    return state.bufferWrite;
  }

  function keep() {
    const record = { draftId: String(draftId), tabId: state.tabId, user, baseVersion: state.ackVersion,
                     text: current(), sent: state.sent, updatedAt: new Date().toISOString() };
    return queue(() => buffer.put(key, record));
  }

  const dropOwn = (savedText) => queue(() => buffer.clearIf(key, savedText));

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

  function acknowledge(versionNumber, savedText, announce = true) {
    state.ackVersion = versionNumber;
    state.ackText = savedText;
    state.savedAt = new Date();
    // A text sent on base b became version b + 1: those at or below the acknowledged one are settled.
    state.sent = state.sent.filter((b) => b.base >= versionNumber);
    onSaved(versionNumber);
    if (announce && channel) {
      channel.postMessage({ type: 'saved', draftId: String(draftId), version: versionNumber, tabId: state.tabId });
    }
  }

  async function save() {
    clearTimers();
    if (state.inFlight || state.blocked) return state.inFlight;
    const text = current();
    if (text === state.ackText) {
      state.offline = false;
      dropOwn(text);
      showState();
      settleNext();
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
        if (!dirty()) {
          await dropOwn(text);
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
    settleNext();
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
      if (dirty()) { keep(); schedule(); } else { dropOwn(mine); }
      return;
    }
    await keep();
    state.blocked = { kind: 'conflict', message: 'Not saved: another version was saved. Choose which to keep' };
    onConflict({ version: server.version, theirs: server.text, mine: current() });
  }

  // ---- records taken over on load (this tab's before a reload, closed tabs') ----------------------------
  // Each in turn, and only while the editor holds nothing unsaved: replaying one over unsaved typing would
  // lose the typing, and comparing it with text the server does not have would make "Use theirs" a lie.
  async function settleNext() {
    if (state.settling) return;
    state.settling = true;
    try {
      while (state.waiting.length && !state.blocked && !state.inFlight && !state.offline && !dirty()) {
        await settle(state.waiting.shift());
      }
    } finally {
      state.settling = false;
    }
  }

  async function settle(kept) {
    if (kept.text === state.ackText) {  // the server has it (a beacon landed, another tab saved the same)
      await queue(() => buffer.clearIf(kept.key, kept.text));
      return;
    }
    // Based on the version the server still has, or the server's newest text is one that page sent
    // (a beacon, a save whose answer never came): edits on top of what the server has, replay them.
    const sent = (kept.sent || []).filter((b) => b.base >= state.ackVersion);
    if (kept.baseVersion === state.ackVersion || sent.some((b) => b.text === state.ackText)) {
      for (const entry of sent) remember(entry);
      editor.setText(kept.text);
      await keep();  // this tab's record holds the text now: then the taken-over one can go
      await queue(() => buffer.clearIf(kept.key, kept.text));
      showState();
      await save();
      return;
    }
    state.blocked = { kind: 'conflict',
                      message: 'Not saved: this browser kept edits of an older version. Choose which to keep' };
    showState();
    onConflict({ version: state.ackVersion, theirs: state.ackText, mine: kept.text, restored: true, recordKey: kept.key });
  }

  async function takeOver() {
    const found = await buffer.ofDraft(draftId);
    const open = await openTabs();
    const own = [];
    const others = [];
    for (const { key: recordKey, record } of found) {
      if (!record || typeof record.text !== 'string') continue;
      if (record.user && user && record.user !== user) continue;  // another person's: theirs to replay
      const mineNow = record.tabId === state.tabId || record.claimedBy === state.tabId;
      const ownedElsewhere = [record.tabId, record.claimedBy].some((id) => id && id !== state.tabId && open.has(id));
      if (mineNow) own.push({ recordKey, record });
      else if (!ownedElsewhere) others.push({ recordKey, record });
    }
    others.sort((a, b) => String(a.record.updatedAt || '').localeCompare(String(b.record.updatedAt || '')));
    const taken = [];
    let n = 0;
    for (const { recordKey, record } of [...own, ...others]) {
      // Moved off this tab's key (which the editor's next keystroke rewrites), marked as this tab's.
      const parked = `${key}:${Date.now().toString(36)}${n++}`;
      await buffer.move(recordKey, parked, state.tabId);
      taken.push({ key: parked, text: record.text, baseVersion: record.baseVersion, sent: record.sent || [] });
    }
    return taken;
  }

  // Signing out erased this person's records (session.js): write none again, not even on pagehide.
  function forget(message) {
    state.erased = true;
    state.waiting = [];
    clearTimers();
    clearTimeout(state.retryTimer);
    state.blocked = { kind: 'signed-out', message };
    showState();
  }

  // ---- news from the other tabs ---------------------------------------------------------------------------
  async function heard(message) {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'signed-out') {
      forget('Not saved: signed out in another tab, which erased the unsent edits from this browser');
      return;
    }
    if (message.type !== 'saved' || message.draftId !== String(draftId) || message.tabId === state.tabId) return;
    if (!(message.version > state.ackVersion) || state.blocked || state.inFlight) return;
    if (dirty()) {
      save();  // its 409 opens the comparison now, before more is typed on the older version
      return;
    }
    if (document.visibilityState !== 'hidden') return;  // in view: text never changes under the reader's eyes
    const answer = await api('GET', `/v1/drafts/${draftId}`).catch(() => null);
    if (!answer || !answer.ok || answer.data.status !== 'open') return;
    // Only if nothing was typed meanwhile (this runs in one go: no keystroke can come in between).
    if (dirty() || state.blocked || state.inFlight || answer.data.version <= state.ackVersion) return;
    editor.setText(answer.data.text);
    acknowledge(answer.data.version, answer.data.text, false);
    showState();
  }
  if (channel) channel.addEventListener('message', (event) => { heard(event.data); });

  return {
    state,
    changed() {
      keep();  // always, whatever else: the buffer holds every keystroke until the server has it
      if (state.blocked && state.blocked.kind === 'invalid') state.blocked = null;
      if (!state.blocked) schedule();
      showState();
    },
    save,
    // Save at once and wait: resolves {version} when the server holds exactly the editor's text and no
    // kept text waits for a choice, null when it could not (offline, a conflict).
    async flush() {
      await state.ready;
      for (let attempt = 0; attempt < 5; attempt++) {
        if (state.inFlight) await state.inFlight;
        if (state.blocked) return null;
        if (!dirty() && !state.offline) {
          if (!state.waiting.length) return { version: state.ackVersion };
          await settleNext();
          continue;
        }
        await save();  // offline too: the server may be back
        if (state.offline) return null;
      }
      return dirty() || state.blocked || state.waiting.length ? null : { version: state.ackVersion };
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
      // A kept record (taken over on load) goes once the choice is made: "mine" now lives in this tab's record.
      const dropKept = () => (conflict.recordKey
        ? queue(() => buffer.clearIf(conflict.recordKey, conflict.mine)) : undefined);
      if (choice === 'theirs') {
        editor.setText(conflict.theirs);
        acknowledge(conflict.version, conflict.theirs, false);
        // The user chose: this browser's text goes, the buffer now holds theirs, which the server has.
        keep();
        dropOwn(conflict.theirs);
        dropKept();
        showState();
        settleNext();
      } else {
        state.ackVersion = conflict.version;
        state.ackText = conflict.theirs;
        keep();
        dropKept();
        save();
      }
    },
    // On load: take over the unsent records of this draft no open tab owns, then settle them in turn.
    async restore() {
      try {
        state.tabId = await tabId;
        key = `${draftId}:${state.tabId}`;
        state.waiting = await exclusively(`noteassist-restore:${draftId}`, takeOver);
      } catch (unavailable) {
        state.waiting = [];  // no IndexedDB (a private window in some browsers): nothing was kept either
      } finally {
        signalReady();
      }
      await settleNext();
    },
    forget() { forget('Signed out: the unsent edits were erased from this browser'); },
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
  const help = document.getElementById('compare-help');
  const keptHelp = document.getElementById('compare-help-kept');
  let pending = null;
  let decide = null;

  function open(conflict, onChoice) {
    pending = conflict;
    decide = onChoice;
    theirs.textContent = conflict.theirs;
    mine.textContent = conflict.mine;
    version.textContent = String(conflict.version);
    // Why there are two: another save after this page's version, or edits a closed tab or an earlier page
    // of this one left in this browser.
    if (help && keptHelp) {
      help.hidden = Boolean(conflict.restored);
      keptHelp.hidden = !conflict.restored;
      dialog.setAttribute('aria-describedby', conflict.restored ? 'compare-help-kept' : 'compare-help');
      keptHelp.querySelector('.compare-version-kept').textContent = String(conflict.version);
    }
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

// The draft's text as the server sent it with the page (what data-version holds): the editor may already
// differ if someone typed before this module ran, and that difference is unsaved.
function serverTextOnLoad(editor) {
  const data = document.getElementById('draft-data');
  try {
    const parsed = JSON.parse(data.textContent);
    if (typeof parsed.text === 'string') return parsed.text;
  } catch (unreadable) { /* fall back on the editor */ }
  return editor.getText();
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
    text: serverTextOnLoad(editor),
    editor,
    status: statusElement,
    user: document.body.dataset.username || null,
    tabId: claimTabId(),
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
