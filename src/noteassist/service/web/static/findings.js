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
  constructor({ getText, onResult, onStatus, delay = 300 }) {
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

  refreshWhy() {
    for (const card of this.cards.values()) {
      if (!card.querySelector('.why')) {
        const why = whyDetails(this.rules[card.finding.rule]);
        if (why) card.querySelector('.card-body').appendChild(why);
      }
    }
  }

  makeCard(finding) {
    const n = this.next++;
    const id = `card-${n}`;
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
