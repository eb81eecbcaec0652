// The draft editor (/drafts/{id}): the note as freely editable text in #note-editor, its findings
// underlined as it is written, a card per finding in #findings and the same card as a popover under the
// flagged span (on hover, keyboard focus, a click or tap; Alt+Enter or F2 moves into it, Escape back), and
// each drafted sentence's source shown in #provenance-tip on hover and when the caret is in it (at the
// popover's foot while the popover is open, the tip hidden then so the two never overlap). Saving is autosave.js's (W3): it listens for
// 'na:input' on #note-editor and reads window.naEditor.getText().

import { api } from './api.js';
import {
  SEVERITY_WORDS, domText, getSelectionOffsets, mapRanges, placeSentences, renderAnnotated, setSelectionOffsets,
} from './annotate.js';
import { FindingCards, FindingPopover, LintLoop, isDocumentLevel, quoteOf, undismissed } from './findings.js';

const main = document.getElementById('draft');
const editor = document.getElementById('note-editor');
const tip = document.getElementById('provenance-tip');
const lintStatus = document.getElementById('lint-status');
const draftId = main.dataset.draftId;
const data = JSON.parse(document.getElementById('draft-data').textContent);

const state = {
  text: data.text,
  findings: [], // inline and document-level, as the last lint gave them (offsets moved with later edits)
  dismissals: [],
  composing: false,
  readOnly: main.dataset.writable !== 'true',
};

function version() {
  return Number(main.dataset.version);
}

function sentenceElement(sentence) {
  const span = document.createElement('span');
  span.className = sentence.edited ? 'sentence edited' : 'sentence';
  span.dataset.fields = sentence.fields.join(' ');
  return span;
}

function findingElement(finding, first) {
  const span = document.createElement('span');
  span.className = `finding sev-${finding.severity} cat-${finding.category}`;
  span.dataset.code = finding.rule;
  span.dataset.card = finding.card;
  span.setAttribute('aria-invalid', 'true');
  if (first) {
    span.setAttribute('aria-describedby', finding.card);
    span.tabIndex = 0;
  } else {
    span.classList.add('continued');
  }
  return span;
}

// A reader (a supervisor, a signed draft) sees the cards without Apply or Dismiss.
const cards = new FindingCards(document.getElementById('findings'), state.readOnly ? {} : { apply, dismiss });
const popover = new FindingPopover(cards, {
  root: editor,
  footer: (span) => sourceOf(span.closest('.sentence')),
  onChange(open) { if (open) hideTip(); highlightCard(open ? popover.anchor : null); },
});

function visibleFindings() {
  return undismissed(state.findings, state.dismissals);
}

/** Re-render the text with its spans, keeping the selection where it was. */
function render() {
  const focused = document.activeElement;
  const selection = focused && editor.contains(focused) ? getSelectionOffsets(editor) : null;
  // A finding reached with Tab keeps the focus across the re-render (its span is replaced by an equal one).
  const focusedCard = focused && focused !== editor && editor.contains(focused) ? focused.dataset.card : null;
  const findings = visibleFindings();
  cards.show(findings);
  const sentences = placeSentences(state.text, data.provenance);
  renderAnnotated(editor, state.text, sentences, findings.filter((f) => !isDocumentLevel(f)), sentenceElement,
                  findingElement);
  if (focusedCard) (editor.querySelector(`.finding[aria-describedby="${focusedCard}"]`) || editor).focus();
  if (selection) setSelectionOffsets(editor, selection);
  popover.sync();
  const count = findings.length;
  main.dataset.findings = String(count);
  renderDismissed();
}

// -- the dismissals in force, each with its undo ------------------------------------------------------------

const dismissedSection = document.getElementById('dismissed');
const dismissedList = document.getElementById('dismissed-list');

function renderDismissed() {
  if (!dismissedSection) return;
  const focusedUndo = document.activeElement?.dataset?.dismissal;
  dismissedList.replaceChildren(...state.dismissals.map((d) => {
    const item = document.createElement('li');
    item.dataset.dismissal = String(d.id);
    const what = document.createElement('span');
    what.className = 'dismissed-what';
    what.textContent = `${d.code}: “${d.quote}”`;
    const why = document.createElement('span');
    why.className = 'dismissed-why';
    why.textContent = ` (reason: ${d.reason})`;
    item.append(what, why);
    if (!state.readOnly) {
      const undo = document.createElement('button');
      undo.type = 'button';
      undo.className = 'dismissed-undo';
      undo.dataset.dismissal = String(d.id);
      undo.textContent = 'Undo';
      undo.setAttribute('aria-label', `Undo the dismissal of ${d.code} “${d.quote}”`);
      undo.addEventListener('click', () => undoDismissal(d));
      item.append(' ', undo);
    }
    return item;
  }));
  document.getElementById('dismissed-count').textContent = String(state.dismissals.length);
  dismissedSection.hidden = state.dismissals.length === 0;
  if (focusedUndo) dismissedList.querySelector(`button[data-dismissal="${focusedUndo}"]`)?.focus();
}

async function undoDismissal(dismissal) {
  let response;
  try {
    response = await api('DELETE', `/v1/drafts/${draftId}/dismissals/${dismissal.id}`);
  } catch {
    setStatus('error', 'Offline: the undo was not sent. Try again when the server is back.');
    return;
  }
  if (!response.ok && response.status !== 409) {
    setStatus('error', response.data?.error?.message || `Not undone (${response.status}).`);
    return;
  }
  state.dismissals = state.dismissals.filter((d) => d.id !== dismissal.id);
  render();
  setStatus('done', `${dismissal.code} shows again.`);
  lintStatus.focus?.();
}

function setStatus(kind, message) {
  lintStatus.dataset.state = kind;
  lintStatus.textContent = message;
}

const lint = new LintLoop({
  getText: () => state.text,
  onStatus: setStatus,
  onResult(findings) {
    state.findings = findings;
    if (!state.composing) render();
    const shown = visibleFindings();
    const errors = shown.filter((f) => f.severity === 'error').length;
    setStatus('done', shown.length === 0 ? 'No findings.'
      : `${shown.length} finding${shown.length === 1 ? '' : 's'}${errors ? `, ${errors} ${SEVERITY_WORDS.error.toLowerCase()}${errors === 1 ? '' : 's'}` : ''}.`);
  },
});

// Undo and redo: re-rendering the spans replaces the DOM, which empties the browser's own undo history, so
// the editor keeps its own: one step per pause in typing (or per paste, line break, applied suggestion).
const history = { undo: [], redo: [], last: 0 };

function remember(before, caret) {
  const now = Date.now();
  if (now - history.last > 1000 || history.undo.length === 0) history.undo.push({ text: before, caret });
  if (history.undo.length > 200) history.undo.shift();
  history.last = now;
  history.redo.length = 0;
}

function travel(from, to) {
  const step = from.pop();
  if (!step) return;
  to.push({ text: state.text, caret: getSelectionOffsets(editor)?.focus ?? state.text.length });
  history.last = 0;
  changed(step.text, step.caret, { keepHistory: true });
}

/** The text changed to `text` (typed, pasted, a suggestion applied): move findings along, re-render, tell autosave. */
function changed(text, caret, { keepHistory = false } = {}) {
  const before = state.text;
  if (text === before) return;
  if (!keepHistory) remember(before, caret === undefined ? before.length : Math.min(caret, before.length));
  state.findings = [
    ...mapRanges(state.findings.filter((f) => !isDocumentLevel(f)), before, text),
    ...state.findings.filter(isDocumentLevel),
  ];
  state.text = text;
  if (!state.composing) {
    render();
    if (caret !== undefined) setSelectionOffsets(editor, { anchor: caret, focus: caret });
  }
  editor.dispatchEvent(new CustomEvent('na:input'));
  lint.schedule();
}

function insertAtSelection(inserted) {
  const selection = getSelectionOffsets(editor) || { anchor: state.text.length, focus: state.text.length };
  const start = Math.min(selection.anchor, selection.focus);
  const end = Math.max(selection.anchor, selection.focus);
  changed(state.text.slice(0, start) + inserted + state.text.slice(end), start + inserted.length);
}

editor.addEventListener('beforeinput', (event) => {
  if (event.inputType === 'historyUndo' || event.inputType === 'historyRedo') {
    event.preventDefault();
    if (!state.readOnly) {
      if (event.inputType === 'historyUndo') travel(history.undo, history.redo); else travel(history.redo, history.undo);
    }
  }
});

editor.addEventListener('keydown', (event) => {
  if (state.readOnly) return;
  const key = event.key.toLowerCase();
  if ((event.ctrlKey || event.metaKey) && (key === 'z' || key === 'y')) {
    event.preventDefault();
    if (key === 'z' && !event.shiftKey) travel(history.undo, history.redo); else travel(history.redo, history.undo);
    return;
  }
  if (event.key === 'Enter' && !event.isComposing && !event.altKey) {
    event.preventDefault(); // a line break is "\n" in the text, never a <div> the browser invents
    insertAtSelection('\n');
  }
});

// Alt+Enter or F2 on a flagged span, or with the caret in one, moves into its card (plain Enter stays a line
// break). Readers get it too: their card has the explanation.
editor.addEventListener('keydown', (event) => {
  if (!((event.key === 'Enter' && event.altKey) || (event.key === 'F2' && !event.altKey && !event.ctrlKey))) return;
  event.preventDefault();
  popover.enter(event.target.closest?.('.finding') || caretFinding());
});

function caretFinding() {
  const node = window.getSelection()?.focusNode;
  if (!node || !editor.contains(node)) return null;
  return (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement).closest('.finding');
}

editor.addEventListener('paste', (event) => {
  if (state.readOnly) return;
  event.preventDefault();
  insertAtSelection(event.clipboardData.getData('text/plain').replace(/\r\n?/g, '\n'));
});

editor.addEventListener('drop', (event) => event.preventDefault());
editor.addEventListener('compositionstart', () => { state.composing = true; });
editor.addEventListener('compositionend', () => {
  state.composing = false;
  const selection = getSelectionOffsets(editor);
  changed(domText(editor), selection?.focus);
  render();
  setSelectionOffsets(editor, selection);
});

editor.addEventListener('input', () => {
  if (state.composing) return;
  const selection = getSelectionOffsets(editor);
  changed(domText(editor), selection ? selection.focus : undefined);
});

/** Apply a card's suggestion: the flagged text, where it is now, becomes `replacement`. */
function apply(finding, replacement) {
  if (state.readOnly) return;
  if (state.text.slice(finding.start, finding.end) !== finding.text) { lint.schedule(0); return; }
  history.last = 0; // an applied suggestion is one undo step of its own, whatever was typed just before
  changed(state.text.slice(0, finding.start) + replacement + state.text.slice(finding.end),
          finding.start + replacement.length);
  history.last = 0;
  editor.focus();
  setSelectionOffsets(editor, { anchor: finding.start + replacement.length, focus: finding.start + replacement.length });
  lint.schedule(0);
}

async function dismiss(finding, reason) {
  const body = { version: version(), code: finding.rule, quote: quoteOf(finding), start: finding.start,
                 end: finding.end, reason };
  let response;
  try {
    response = await api('POST', `/v1/drafts/${draftId}/dismissals`, body);
  } catch {
    return { ok: false, message: 'Offline: the dismissal was not sent. Try again when the server is back.' };
  }
  if (!response.ok) {
    const error = response.data?.error;
    return { ok: false, message: error?.message?.replace(/^reason: /, '') || `Not dismissed (${response.status}).` };
  }
  state.dismissals.push(response.data);
  render();
  setStatus('done', `Dismissed ${finding.rule}.`);
  lintStatus.focus?.();
  return { ok: true };
}

// -- the source of a sentence, on hover and wherever the caret is -------------------------------------------
function findingSummary(span) {
  const card = document.getElementById(span.dataset.card);
  const finding = card?.finding;
  if (!finding) return null;
  const line = document.createElement('p');
  line.className = 'tip-finding';
  const strong = document.createElement('strong');
  strong.textContent = `${SEVERITY_WORDS[finding.severity] || finding.severity} ${finding.rule}: `;
  line.append(strong, finding.message);
  if (finding.suggestions?.length) line.append(` (suggestion: ${finding.suggestions[0]}; Alt+Enter for its card)`);
  return line;
}

/** What the visit facts say about `sentence`: the fields it was drafted from, or that it was edited by hand. */
function sourceOf(sentence) {
  if (!sentence || !(sentence.dataset.fields || sentence.classList.contains('edited'))) return null;
  const box = document.createElement('div');
  if (sentence.classList.contains('edited')) {
    const line = document.createElement('p');
    line.innerHTML = '<strong>Edited</strong> by hand: the visit facts no longer vouch for this sentence.';
    box.appendChild(line);
    return box;
  }
  const head = document.createElement('p');
  head.textContent = 'Drafted from the visit facts:';
  const list = document.createElement('ul');
  for (const field of sentence.dataset.fields.split(' ')) {
    const item = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = field;
    item.appendChild(code);
    if (data.values[field] !== undefined) item.append(` \u2014 ${data.values[field]}`);
    list.appendChild(item);
  }
  box.append(head, list);
  return box;
}

/** The tip for what the pointer or caret is on: the finding's message, the sentence's source. */
function showTip(sentence, findingSpan = null) {
  if (popover.isOpen) { hideTip(); return; } // the popover's foot has the source: never both on screen
  const summary = findingSpan ? findingSummary(findingSpan) : null;
  const source = sourceOf(sentence);
  if (!summary && !source) { hideTip(); return; }
  tip.replaceChildren(...(summary ? [summary] : []), ...(source ? source.childNodes : []));
  const box = (sentence || findingSpan).getBoundingClientRect();
  const host = main.getBoundingClientRect();
  tip.style.top = `${box.bottom - host.top + 6}px`;
  tip.style.left = `${Math.max(0, Math.min(box.left - host.left, host.width - 320))}px`;
  tip.hidden = false;
}

function hideTip() {
  tip.hidden = true;
}

function highlightCard(span) {
  for (const active of document.querySelectorAll('.card.active')) active.classList.remove('active');
  const card = span && document.getElementById(span.dataset.card);
  if (card) {
    card.classList.add('active');
    const panel = document.getElementById('findings');
    if (panel.scrollHeight > panel.clientHeight) panel.scrollTop = card.offsetTop - panel.offsetTop - 8;
  }
}

editor.addEventListener('mouseover', (event) => {
  const span = event.target.closest('.finding');
  // On a flagged span the popover comes (its foot has the source); a tip first would only flicker.
  if (span) { hideTip(); highlightCard(span); } else { showTip(event.target.closest('.sentence')); }
});
editor.addEventListener('mouseleave', () => { if (!editor.contains(document.activeElement)) hideTip(); });
editor.addEventListener('focusin', (event) => {
  const span = event.target.closest?.('.finding');
  if (span) { highlightCard(span); showTip(span.closest('.sentence'), span); } // the tip only if Escape closed the card
});
editor.addEventListener('focusout', (event) => {
  if (!editor.contains(event.relatedTarget)) hideTip();
});
document.addEventListener('selectionchange', () => {
  if (!editor.contains(document.activeElement) && document.activeElement !== editor) return;
  const selection = window.getSelection();
  const node = selection?.focusNode;
  if (!node || !editor.contains(node)) return;
  const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
  showTip(element.closest('.sentence'), element.closest('.finding'));
  highlightCard(element.closest('.finding'));
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !tip.hidden) hideTip();
});

// -- what other scripts use -----------------------------------------------------------------------------------
function setReadOnly(flag) {
  state.readOnly = Boolean(flag);
  editor.contentEditable = state.readOnly ? 'false' : 'true';
  editor.setAttribute('aria-readonly', String(state.readOnly));
}

window.naEditor = {
  getText: () => state.text,
  setText(text) {
    state.text = text;
    state.findings = state.findings.filter(isDocumentLevel);
    render();
    lint.schedule(0);
  },
  setReadOnly,
};

document.addEventListener('na:saved', (event) => {
  if (event.detail?.version) main.dataset.version = String(event.detail.version);
});

async function start() {
  setReadOnly(state.readOnly);
  render();
  try {
    const response = await api('GET', `/v1/drafts/${draftId}/dismissals`);
    if (response.ok) state.dismissals = response.data;
  } catch { /* offline: nothing hidden until the server answers; the lint's own retry renders again */ }
  lint.schedule(0);
}

start();
