// Lint findings for a note being written: the lint loop (POST /v1/lint, debounced, at most one request in
// flight, an answer for text that has changed since dropped) and the finding cards (message, suggestions to
// apply, the rule's explanation, dismiss with a reason). Used by the draft editor and the form's preview.

import { api } from './api.js';
import { SEVERITY_ICONS, SEVERITY_WORDS, toUnits } from './annotate.js';

let rulesPromise = null;

/** Every rule's explanation by code (GET /v1/rules), fetched once per page. */
export function loadRules() {
  if (!rulesPromise) {
    rulesPromise = api('GET', '/v1/rules')
      .then((r) => (r.ok ? Object.fromEntries(r.data.map((rule) => [rule.code, rule])) : {}))
      .catch(() => { rulesPromise = null; return {}; });
  }
  return rulesPromise;
}

/** What a dismissal of the finding records as its quote: the flagged text, or a missing element's id. */
export function quoteOf(finding) {
  return finding.text || String(finding.element ?? '');
}

/** A finding is on the whole note (a missing element) when it flags no text. */
export function isDocumentLevel(finding) {
  return finding.end <= finding.start;
}

/** The findings no dismissal covers: each dismissal hides one finding with its code and quote (as signing counts). */
export function undismissed(findings, dismissals) {
  const left = new Map();
  for (const d of dismissals) left.set(`${d.code}\u0000${d.quote}`, (left.get(`${d.code}\u0000${d.quote}`) || 0) + 1);
  return findings.filter((f) => {
    const key = `${f.rule}\u0000${quoteOf(f)}`;
    const n = left.get(key) || 0;
    if (n > 0) { left.set(key, n - 1); return false; }
    return true;
  });
}

/**
 * The lint loop. `schedule()` after every change: the note is linted `delay` ms after the last one; while a
 * request is out no other is sent, and an answer for text that changed meanwhile is dropped (the newer text
 * is linted next). `onResult(findings, text)` gets the findings with offsets in JavaScript units.
 */
export class LintLoop {
  constructor({ getText, onResult, onStatus, delay = 250 }) {
    Object.assign(this, { getText, onResult, onStatus, delay });
    this.timer = null;
    this.inFlight = false;
    this.again = false;
    this.linted = null;
  }

  schedule(delay = this.delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delay);
  }

  async run() {
    if (this.inFlight) { this.again = true; return; }
    const text = this.getText();
    if (text === this.linted) return;
    this.inFlight = true;
    this.again = false;
    this.onStatus('checking', 'Checking the note…');
    try {
      const response = await api('POST', '/v1/lint', { text });
      if (this.getText() !== text) {
        this.again = true; // stale: the person typed on; lint what is there now
      } else if (response.ok) {
        const file = response.data.files[0] || {};
        this.linted = text;
        if (file.error) this.onStatus('error', file.error.replace(/^<text>: /, ''));
        const units = toUnits(text);
        this.onResult((file.findings || []).map((f) => ({ ...f, start: units(f.start), end: units(f.end) })), text);
      } else {
        this.onStatus('error', response.data?.error?.message || `The check failed (${response.status}).`);
      }
    } catch {
      this.onStatus('offline', 'Offline: findings update when the server is back.');
      this.schedule(5000);
    } finally {
      this.inFlight = false;
      if (this.again) this.schedule(0);
    }
  }
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function categoryWords(category) {
  return category.replace(/-/g, ' ');
}

function whyDetails(rule) {
  if (!rule) return null;
  const parts = [el('summary', { text: 'Why this rule' }), el('p', { text: rule.summary })];
  if (rule.explanation) parts.push(el('p', { class: 'explanation', text: rule.explanation }));
  if (rule.bad) parts.push(el('p', { class: 'example' }, el('strong', { text: 'Instead of: ' }), rule.bad));
  if (rule.good) parts.push(el('p', { class: 'example' }, el('strong', { text: 'Write: ' }), rule.good));
  return el('details', { class: 'why' }, ...parts);
}

/**
 * Cards for `findings` in `container` (document-level ones first, under their own heading). A card that is
 * already shown for the same finding is kept (a reason being typed survives a new lint); each card's id is
 * `card-<n>`, `finding.card` names it. `actions`: {apply(finding, replacement), canApply(finding),
 * dismiss(finding, reason) -> Promise<{ok, message}>}; without one the card offers no such button.
 */
export class FindingCards {
  constructor(container, actions = {}) {
    this.container = container;
    this.actions = actions;
    this.cards = new Map(); // key -> element
    this.next = 1;
    this.rules = {};
    loadRules().then((rules) => { this.rules = rules; this.refreshWhy(); });
    container.replaceChildren(
      el('h2', { class: 'findings-title', id: `${container.id}-title`, text: 'Findings' }),
      el('p', { class: 'findings-empty', text: 'No findings.' }),
      this.documentList = el('ul', { class: 'card-list document-findings', 'aria-label': 'About the whole note' }),
      this.inlineList = el('ul', { class: 'card-list inline-findings', 'aria-label': 'In the text' }),
    );
  }

  show(findings) {
    const counts = new Map();
    const shown = new Map();
    for (const finding of findings) {
      const base = `${finding.rule}\u0000${quoteOf(finding)}`;
      const n = (counts.get(base) || 0) + 1;
      counts.set(base, n);
      const key = `${base}\u0000${n}`;
      let card = this.cards.get(key);
      if (!card) card = this.makeCard(finding);
      card.finding = finding;
      finding.card = card.id;
      this.fillMessage(card, finding);
      shown.set(key, card);
    }
    for (const [key, card] of this.cards) if (!shown.has(key)) card.closest('li')?.remove();
    this.cards = shown;
    const documentItems = [], inlineItems = [];
    for (const card of shown.values()) {
      const item = card.closest('li') || el('li', {}, card);
      (isDocumentLevel(card.finding) ? documentItems : inlineItems).push(item);
    }
    this.documentList.replaceChildren(...documentItems);
    this.inlineList.replaceChildren(...inlineItems);
    this.container.querySelector('.findings-empty').hidden = shown.size > 0;
    this.container.classList.toggle('has-findings', shown.size > 0);
  }

  fillMessage(card, finding) {
    card.querySelector('.message').textContent = finding.message;
    const quote = card.querySelector('.quote');
    if (quote) quote.textContent = finding.text ? `\u201C${finding.text}\u201D` : '';
  }

  refreshWhy(cards = this.cards.values()) {
    for (const card of cards) {
      if (!card.querySelector('.why')) {
        const why = whyDetails(this.rules[card.finding.rule]);
        if (why) card.querySelector('.card-body').appendChild(why);
      }
    }
  }

  /** The side panel's card of this id (a span's data-card), or null. */
  cardById(id) {
    for (const card of this.cards.values()) if (card.id === id) return card;
    return null;
  }

  /** A card for `finding`: id `card-<n>`, or `id` when given (the popover's copy of a side-panel card). */
  makeCard(finding, id = `card-${this.next++}`) {
    const severity = finding.severity;
    const card = el('article', { class: `card sev-${severity} cat-${finding.category}`, id, tabindex: '-1',
                                 'aria-labelledby': `${id}-title` });
    const title = el('h3', { class: 'card-title', id: `${id}-title` },
      el('span', { class: 'sev-icon', 'aria-hidden': 'true', text: SEVERITY_ICONS[severity] || '' }), ' ',
      el('span', { class: 'sev', text: SEVERITY_WORDS[severity] || severity }), ': ',
      el('span', { class: 'cat', text: categoryWords(finding.category) }), ' ',
      el('code', { text: finding.rule }));
    const body = el('div', { class: 'card-body' },
      el('p', { class: 'message' }),
      isDocumentLevel(finding) ? el('p', { class: 'scope', text: 'About the whole note.' }) : el('p', { class: 'quote' }));
    card.append(title, body);
    if (finding.suggestions?.length) {
      const list = el('div', { class: 'suggestions' });
      for (const replacement of finding.suggestions) {
        if (this.actions.apply && !isDocumentLevel(finding) && (this.actions.canApply?.(finding) ?? true)) {
          const button = el('button', { type: 'button', class: 'apply', text: `Apply: ${replacement}` });
          button.addEventListener('click', () => this.actions.apply(card.finding, replacement));
          list.appendChild(button);
        } else {
          list.appendChild(el('p', { class: 'suggestion', text: `Suggestion: ${replacement}` }));
        }
      }
      body.appendChild(list);
    }
    const why = whyDetails(this.rules[finding.rule]);
    if (why) body.appendChild(why);
    if (this.actions.dismiss) card.appendChild(this.dismissControls(card, id));
    return card;
  }

  dismissControls(card, id) {
    const reasonId = `${id}-reason`;
    const open = el('button', { type: 'button', class: 'dismiss-open', 'aria-expanded': 'false',
                                'aria-controls': `${id}-dismiss`, text: 'Dismiss' });
    const reason = el('textarea', { id: reasonId, name: 'reason', rows: '2', required: true, maxlength: '2000',
                                    'aria-describedby': `${reasonId}-error` });
    const error = el('p', { class: 'field-error', id: `${reasonId}-error`, hidden: true });
    const form = el('form', { class: 'dismiss-form', id: `${id}-dismiss`, hidden: true, novalidate: true },
      el('label', { for: reasonId, text: 'Reason for dismissing' }), reason, error,
      el('div', { class: 'actions' },
        el('button', { type: 'submit', class: 'dismiss-confirm', text: 'Dismiss finding' }),
        el('button', { type: 'button', class: 'dismiss-cancel', text: 'Cancel' })));
    const toggle = (show) => {
      form.hidden = !show;
      open.setAttribute('aria-expanded', String(show));
      if (show) reason.focus(); else open.focus();
    };
    open.addEventListener('click', () => toggle(form.hidden));
    form.querySelector('.dismiss-cancel').addEventListener('click', () => toggle(false));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      const fail = (message) => {
        error.textContent = message;
        error.hidden = false;
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
      };
      if (!text) { fail('Give the reason this finding does not apply.'); return; }
      const result = await this.actions.dismiss(card.finding, text);
      if (!result.ok) { fail(result.message); return; }
      error.hidden = true;
      reason.removeAttribute('aria-invalid');
    });
    return el('div', { class: 'dismiss' }, open, form);
  }
}

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), '
  + 'textarea:not([disabled]), summary, [tabindex], [contenteditable="true"]';

/** What Tab stops at in `root`, in document order: focusable, not tabindex -1, rendered. */
function tabbables(root) {
  return [...root.querySelectorAll(TABBABLE)].filter((node) => node.tabIndex >= 0 && node.getClientRects().length > 0);
}

/** Focus a flagged span. In an editable text with no selection in it, the caret goes to the span's start first
 * (as after Tab): focus with no selection there is moved back to the editor by chromium at the next mouse move,
 * and a selection made after the focus moves it there at once. */
function focusSpan(span) {
  if (!span) return;
  if (needsCaret(span)) window.getSelection().collapse(span.firstChild || span, 0);
  span.focus();
}

function needsCaret(span) {
  const host = span.isContentEditable ? span.parentElement.closest('[contenteditable="true"]') : null;
  const selection = window.getSelection();
  return Boolean(host && selection && !(selection.rangeCount && host.contains(selection.anchorNode)));
}

const SHOW_DELAY = 300; // ms the pointer rests on a flagged span before its card opens (passing over one does not)
const HIDE_DELAY = 400; // ms after the pointer leaves both the span and the card (time to cross the gap)
const MARGIN = 8; // px kept clear between the card and the viewport's edges

/**
 * A finding's card as a popover under its flagged span in `root` (the editor, the form's preview), like an
 * editor's hover card. It opens when the pointer rests on the span, when the span gets keyboard focus, and on
 * a click or tap; it stays while the pointer is over the span or the card or focus is in either, and closes
 * shortly after they leave, on Escape (focus back to the span) and when a new lint no longer has its finding.
 * `enter(span)` opens it and moves focus to its first action (the page binds the key). Inside, Tab follows the
 * card's order; past its last control Tab goes on to what follows the span, Shift+Tab from its first goes back
 * to the span (as a popover's content sits after its invoker in the tab order).
 *
 * The card is FindingCards' own (makeCard, id `pop-<side card's id>`), with the same actions, so it behaves as
 * the side panel's does; one is kept per finding across lints and while closed, so a reason being typed
 * survives. Call `sync()` after every render of the text (the spans are new elements then).
 * `footer(anchor)`: an element for the card's foot (the sentence's source), or null.
 * `onChange(open)`: told when it opens or closes (the editor hides its provenance tip meanwhile).
 */
export class FindingPopover {
  constructor(cards, { root, host = root.closest('main') || document.body, footer = null, onChange = () => {} }) {
    Object.assign(this, { cards, root, footer, onChange });
    this.cache = new Map(); // side card id -> its popover card
    this.cardId = null;
    this.anchor = null;
    this.hovering = false; // the pointer is over the open card or a piece of its span
    // The card Escape closed: focus staying on its span (quietFocus), or the pointer staying where it was
    // (quietPointer), does not reopen it; the pointer arriving on the span, a click or the key do.
    this.quietFocus = null;
    this.quietPointer = null;
    this.pointerAt = null; // the card of the span the pointer is over
    this.timer = null;
    this.frame = 0;
    this.element = el('div', { class: 'finding-popover', id: `${root.id}-popover`, role: 'dialog', hidden: true });
    host.appendChild(this.element);
    loadRules().then((rules) => { this.cards.rules = rules; this.cards.refreshWhy(this.cache.values()); this.place(); });

    document.addEventListener('mouseover', (event) => this.pointerOver(event.target));
    document.addEventListener('pointerdown', (event) => {
      if (this.isOpen && !this.element.contains(event.target) && this.cardOf(event.target) !== this.cardId) this.close();
    });
    root.addEventListener('click', (event) => {
      const span = this.spanOf(event.target);
      if (span) { this.quietFocus = null; this.open(span); this.hovering = true; }
    });
    document.addEventListener('focusin', (event) => {
      const span = this.spanOf(event.target);
      if (span) {
        // Focused with no caret in the editor (a script's focus(), not Tab): give it one, then focus it again;
        // that focus opens the card.
        if (needsCaret(span)) { focusSpan(span); return; }
        if (span.dataset.card === this.quietFocus) return;
        this.quietFocus = null;
        this.open(span);
      } else if (this.isOpen && !this.element.contains(event.target) && !this.hovering) {
        this.close();
      }
    });
    document.addEventListener('focusout', () => setTimeout(() => {
      if (this.isOpen && !this.hovering && !this.holdsFocus()) this.close();
    }, 0));
    document.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || !this.isOpen) return;
      const back = this.holdsFocus() ? this.anchor : null;
      this.quietFocus = this.cardId;
      this.quietPointer = this.pointerAt;
      this.close();
      focusSpan(back);
      event.stopPropagation();
    }, true);
    this.element.addEventListener('keydown', (event) => this.tab(event));
    // The card grows when its explanation or the dismiss form opens: keep it on screen.
    this.element.addEventListener('toggle', () => this.placeSoon(), true);
    this.element.addEventListener('click', () => this.placeSoon());
    // The page or a pane scrolled under the card: follow the span (the card's own scrolling moves nothing).
    window.addEventListener('scroll', (event) => { if (!this.element.contains(event.target)) this.placeSoon(); },
                            { capture: true, passive: true });
    window.addEventListener('resize', () => this.placeSoon());
  }

  get isOpen() {
    return !this.element.hidden;
  }

  spanOf(node) {
    const span = node?.closest?.('.finding');
    return span && this.root.contains(span) && span.dataset.card ? span : null;
  }

  cardOf(node) {
    return this.spanOf(node)?.dataset.card ?? null;
  }

  /** The span's first piece (a sentence boundary or another finding may split it): the one Tab reaches. */
  anchorFor(id) {
    const pieces = [...this.root.querySelectorAll('.finding')].filter((span) => span.dataset.card === id);
    return pieces.find((span) => !span.classList.contains('continued')) || pieces[0] || null;
  }

  holdsFocus() {
    const active = document.activeElement;
    return Boolean(active && (this.element.contains(active) || (this.cardId && this.cardOf(active) === this.cardId)));
  }

  pointerOver(target) {
    const over = this.element.contains(target) ? this.cardId : this.cardOf(target);
    this.pointerAt = over;
    if (over !== this.quietPointer) this.quietPointer = null;
    clearTimeout(this.timer);
    this.hovering = this.isOpen && over === this.cardId;
    if (over && over !== this.cardId && over !== this.quietPointer) {
      const span = this.spanOf(target);
      this.timer = setTimeout(() => { this.quietFocus = null; this.open(span); this.hovering = true; }, SHOW_DELAY);
    } else if (this.isOpen && !this.hovering && !this.holdsFocus()) {
      this.timer = setTimeout(() => this.close(), HIDE_DELAY);
    }
  }

  /** Open the card of `span`'s finding under it; false when the finding has no card (not linted yet). */
  open(span) {
    const id = span.dataset.card;
    const side = this.cards.cardById(id);
    if (!side) return false;
    clearTimeout(this.timer);
    if (this.cardId !== id || !this.isOpen) {
      let card = this.cache.get(id);
      if (!card) {
        card = this.cards.makeCard(side.finding, `pop-${id}`);
        this.cache.set(id, card);
      }
      this.cardId = id;
      this.element.setAttribute('aria-labelledby', `${card.id}-title`);
      this.element.replaceChildren(card);
    }
    this.anchor = this.anchorFor(id) || span;
    this.refresh(side);
    this.element.hidden = false;
    this.place();
    this.onChange(true);
    return true;
  }

  /** Open `span`'s card and put focus on its first action (an Apply, else Dismiss, else the explanation). */
  enter(span) {
    if (!span || !this.open(span)) return false;
    const card = this.cache.get(this.cardId);
    (tabbables(card)[0] || card).focus();
    return true;
  }

  close() {
    clearTimeout(this.timer);
    if (!this.isOpen) return;
    this.element.hidden = true;
    this.element.replaceChildren();
    this.cardId = null;
    this.anchor = null;
    this.hovering = false;
    this.onChange(false);
  }

  /** After the text re-rendered: follow the finding to its new span and message, or close if it is gone. */
  sync() {
    const live = new Set([...this.cards.cards.values()].map((card) => card.id));
    for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
    if (!this.isOpen) return;
    const side = this.cards.cardById(this.cardId);
    const anchor = side && this.anchorFor(this.cardId);
    if (!anchor) {
      const hadFocus = this.element.contains(document.activeElement);
      this.close();
      // Not lost to the page's top (Apply and Dismiss move it on themselves): to the editor, if it takes focus.
      if (hadFocus && (this.root.isContentEditable || this.root.tabIndex >= 0)) this.root.focus();
      return;
    }
    this.anchor = anchor;
    this.refresh(side);
    this.place();
  }

  refresh(side) {
    const card = this.cache.get(this.cardId);
    card.finding = side.finding;
    this.cards.fillMessage(card, side.finding);
    this.element.querySelector('.popover-foot')?.remove();
    const foot = this.footer?.(this.anchor);
    if (foot) { foot.classList.add('popover-foot'); this.element.appendChild(foot); }
  }

  tab(event) {
    if (event.key !== 'Tab') return;
    const items = tabbables(this.element);
    const active = document.activeElement;
    if (event.shiftKey && (active === items[0] || !items.length)) {
      event.preventDefault();
      focusSpan(this.anchor);
    } else if (!event.shiftKey && (active === items[items.length - 1] || !items.length)) {
      event.preventDefault();
      const after = tabbables(document.body).find((node) => !this.element.contains(node) && this.anchor
        && (this.anchor.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) && !this.anchor.contains(node));
      if (after && after !== this.anchor && this.spanOf(after)) focusSpan(after); else (after || this.anchor)?.focus();
    }
  }

  placeSoon() {
    if (!this.isOpen || this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.place(); });
  }

  /** Under the span's first line, inside the viewport; above it when there is more room there. */
  place() {
    if (!this.isOpen || !this.anchor) return;
    const box = this.anchor.getClientRects()[0] || this.anchor.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const height = window.innerHeight;
    const style = this.element.style;
    // Its whole height, measured without lifting max-height (that would reset the card's own scrolling).
    const natural = this.element.scrollHeight + (this.element.offsetHeight - this.element.clientHeight);
    const below = height - box.bottom - MARGIN - 4;
    const above = box.top - MARGIN - 4;
    let top;
    if (natural <= below || below >= above) {
      top = box.bottom + 4;
      style.maxHeight = `${Math.max(below, 120)}px`;
    } else {
      top = Math.max(MARGIN, box.top - 4 - natural);
      style.maxHeight = `${above}px`;
    }
    style.top = `${Math.min(Math.max(top, MARGIN), height - MARGIN - Math.min(natural, 120))}px`;
    style.left = `${Math.max(MARGIN, Math.min(box.left, width - this.element.offsetWidth - MARGIN))}px`;
  }
}
