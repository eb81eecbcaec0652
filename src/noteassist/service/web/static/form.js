// The contact form (contact_form.html): names every input by its facts path from the form's structure,
// adds and removes a repeating group's items, collects the facts as the API takes them, previews the drafted
// note as the form is filled (POST /v1/render, then its findings with POST /v1/lint), shows pydantic's 422
// messages at the field they name, and "Save and draft" records the contact and drafts its note.

import { api } from './api.js';
import { mapRanges, placeSentences, renderAnnotated, toUnits } from './annotate.js';
import { FindingCards, FindingPopover, LintLoop, isDocumentLevel } from './findings.js';

const form = document.getElementById('contact-form');
const preview = document.getElementById('preview');
const previewStatus = document.getElementById('preview-status');
const formStatus = document.getElementById('form-status');
const summary = document.getElementById('form-errors');
const claimId = form.dataset.claimId;
const template = form.dataset.template;
const touched = new Set(); // paths the person has changed: live messages show at those only

// -- structure: nodes, their paths, names and ids ---------------------------------------------------------------
const isNode = (element) => element.matches('[data-node]');

function childNodes(node) {
  return [...node.querySelectorAll('[data-node]')].filter((n) => n.parentElement.closest('[data-node]') === (node === form ? null : node));
}

function slug(path) {
  return `f-${path.replace(/[^A-Za-z0-9]/g, '-')}`;
}

function nounOf(list) {
  return list.dataset.noun || 'item';
}

/** Give every node its facts path (data-path) and every input its name, id, label and descriptions. */
function renumber(node = form, path = '') {
  for (const child of childNodes(node)) {
    let childPath;
    if (child.dataset.node === 'item') {
      const list = child.closest('[data-node="list"]');
      const index = [...list.querySelector('.items').children].indexOf(child);
      childPath = `${path}[${index}]`;
      const noun = nounOf(list);
      const label = `${noun[0].toUpperCase()}${noun.slice(1)} ${index + 1}`;
      const legend = child.querySelector(':scope > fieldset > legend.item-legend');
      if (legend) legend.textContent = label;
      const remove = child.querySelector(':scope .remove-item:last-of-type');
      for (const button of child.querySelectorAll(':scope > .remove-item, :scope > fieldset > .remove-item')) {
        button.setAttribute('aria-label', `Remove ${noun} ${index + 1}`);
      }
      if (remove && !legend) {
        const lab = child.querySelector(':scope > [data-node="field"] > label');
        if (lab) lab.textContent = label;
      }
    } else {
      const key = child.dataset.key;
      childPath = key ? (path ? `${path}.${key}` : key) : path;
    }
    child.dataset.path = childPath;
    const id = slug(childPath);
    const error = child.querySelector(':scope > .field-error, :scope > fieldset > .field-error');
    if (error) error.id = `${id}-error`;
    if (child.dataset.node === 'field') {
      const input = child.querySelector('input, select, textarea');
      input.name = childPath;
      input.id = id;
      const hint = child.querySelector(':scope > .hint');
      if (hint) hint.id = `${id}-hint`;
      input.setAttribute('aria-describedby', `${hint ? `${id}-hint ` : ''}${id}-error`);
      const label = child.querySelector(':scope > label');
      if (label) label.htmlFor = id;
    } else {
      const box = child.matches('fieldset') ? child : child.querySelector(':scope > fieldset');
      if (box) { box.id = id; box.setAttribute('aria-describedby', `${id}-error`); }
    }
    renumber(child, childPath);
  }
}

function addItem(list, focus = true) {
  const item = list.querySelector(':scope > template').content.firstElementChild.cloneNode(true);
  list.querySelector('.items').appendChild(item);
  renumber();
  if (focus) item.querySelector('input, select, textarea')?.focus();
  return item;
}

form.addEventListener('click', (event) => {
  const add = event.target.closest('.add-item');
  if (add) { addItem(add.closest('[data-node="list"]')); changedSoon(); return; }
  const remove = event.target.closest('.remove-item');
  if (remove) {
    const item = remove.closest('[data-node="item"]');
    const list = item.closest('[data-node="list"]');
    item.remove();
    renumber();
    list.querySelector('.add-item').focus();
    changedSoon();
  }
});

// -- values ----------------------------------------------------------------------------------------------------
function fieldValue(field) {
  const input = field.querySelector('input, select, textarea');
  const kind = input.dataset.kind;
  if (kind === 'checkbox') return input.checked ? true : undefined;
  const raw = input.value.trim();
  if (raw === '') return undefined;
  if (kind === 'tristate') return raw === 'true';
  if (kind === 'integer' || kind === 'number') {
    const number = Number(raw);
    return Number.isFinite(number) ? number : raw; // the server names a bad number at its field
  }
  return raw;
}

/** The facts the form holds: empty fields, items and sections left out, as a person leaving them blank means. */
function collect(node = form) {
  if (node.dataset?.node === 'field') return fieldValue(node);
  if (node.dataset?.node === 'list') {
    const items = [...node.querySelector('.items').children].map(collect).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  const children = childNodes(node);
  if (node.dataset?.node === 'item' && children.length === 1 && children[0].dataset.key === '') return collect(children[0]);
  const value = {};
  let chosen = false; // anything but a default: a group of defaults alone was not filled in
  for (const child of children) {
    const v = collect(child);
    if (v === undefined) continue;
    value[child.dataset.key] = v;
    chosen ||= !isDefault(child, v);
  }
  if (!chosen && node.dataset?.node === 'group' && !('required' in node.dataset)) return undefined;
  return Object.keys(value).length ? value : undefined;
}

function isDefault(node, value) {
  if (node.dataset.node !== 'field') return false;
  const input = node.querySelector('input, select, textarea');
  return 'default' in input.dataset && String(value) === input.dataset.default;
}

function fill(node, value) {
  if (value === undefined || value === null) return;
  if (node.dataset.node === 'field') {
    const input = node.querySelector('input, select, textarea');
    if (input.dataset.kind === 'checkbox') input.checked = Boolean(value);
    else if (input.dataset.kind === 'tristate') input.value = value ? 'true' : 'false';
    else if (input.dataset.kind === 'time') input.value = String(value).slice(0, 5);
    else input.value = String(value);
    return;
  }
  if (node.dataset.node === 'list') {
    for (const item of Array.isArray(value) ? value : []) fill(addItem(node, false), item);
    return;
  }
  const children = childNodes(node);
  if (node.dataset.node === 'item' && children.length === 1 && children[0].dataset.key === '') {
    fill(children[0], value);
    return;
  }
  for (const child of children) fill(child, value[child.dataset.key]);
  const section = node.closest('details.section');
  if (section && !('keepClosed' in section.dataset)) section.open = true;
}

// -- messages at the field -------------------------------------------------------------------------------------
function clearErrors() {
  for (const error of form.querySelectorAll('.field-error')) { error.hidden = true; error.textContent = ''; }
  for (const invalid of form.querySelectorAll('[aria-invalid]')) invalid.removeAttribute('aria-invalid');
  summary.hidden = true;
}

/** The node a message's path names, or the nearest group it is in (a list item's whole group, its list). */
function nodeFor(path) {
  let candidate = path || '';
  while (candidate) {
    const node = form.querySelector(`[data-node][data-path="${CSS.escape(candidate)}"]`);
    if (node) return node;
    const shorter = candidate.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    candidate = shorter === candidate ? '' : shorter;
  }
  return null;
}

function showErrors(errors, { onlyTouched = false } = {}) {
  clearErrors();
  const listed = [];
  for (const { field, message } of errors) {
    const node = nodeFor(field);
    if (onlyTouched && !(node && [...touched].some((t) => t === node.dataset.path || t.startsWith(`${node.dataset.path}.`) || t.startsWith(`${node.dataset.path}[`)))) continue;
    const error = node?.querySelector(':scope > .field-error, :scope > fieldset > .field-error');
    const where = node ? node.dataset.path : '';
    if (error) {
      error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
      error.hidden = false;
      const target = node.dataset.node === 'field' ? node.querySelector('input, select, textarea') : (node.matches('fieldset') ? node : node.querySelector(':scope > fieldset'));
      target?.setAttribute('aria-invalid', 'true');
      const section = node.closest('details.section');
      if (section) section.open = true;
    }
    listed.push({ where: where || field || '', message, id: node ? slug(where) : null });
  }
  if (!onlyTouched && listed.length) {
    const list = summary.querySelector('ul');
    list.replaceChildren(...listed.map(({ where, message, id }) => {
      const item = document.createElement('li');
      if (id) {
        const link = document.createElement('a');
        link.href = `#${id}`;
        link.textContent = `${where}: ${message}`;
        item.appendChild(link);
      } else {
        item.textContent = where ? `${where}: ${message}` : message;
      }
      return item;
    }));
    summary.hidden = false;
  }
}

/** The messages of an error answer, each with the path it names. */
function errorsOf(response) {
  const error = response.data?.error;
  if (!error) return [{ field: null, message: `The server answered ${response.status}.` }];
  if (error.errors?.length) return error.errors;
  const message = error.field && error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
  return [{ field: error.field, message }];
}

// -- the live preview --------------------------------------------------------------------------------------------
let rendered = { text: '', sentences: [], spans: [] };

/** The form field a finding's flagged text was printed from: the printed value's span holds the finding, and
 * one of its fact paths names an input whose value contains the flagged text. */
function sourceOf(finding) {
  for (const span of rendered.spans) {
    if (span.start > finding.start || span.end < finding.end) continue;
    for (const path of span.paths) {
      const input = form.querySelector(`[data-node="field"][data-path="${CSS.escape(path)}"] :is(input, textarea)`);
      if (input && finding.text && input.value.includes(finding.text)) return input;
    }
  }
  return null;
}

/** Apply a suggestion to the fact it came from: the preview is drafted again from the corrected facts. */
function applyToFacts(finding, replacement) {
  const input = sourceOf(finding);
  if (!input) return;
  input.value = input.value.replace(finding.text, replacement);
  touched.add(input.name);
  input.focus();
  changedSoon(0);
}

const cards = new FindingCards(document.getElementById('findings'), { apply: applyToFacts, canApply: sourceOf });
// The same card under the flagged word of the preview (hover, focus, tap); its foot names the facts printed there.
const popover = new FindingPopover(cards, {
  root: preview,
  footer(span) {
    const fields = span.closest('.sentence')?.dataset.fields;
    if (!fields) return null;
    const foot = document.createElement('p');
    foot.textContent = `Drafted from: ${fields.split(' ').join(', ')}`;
    return foot;
  },
});

// The preview is not typed in: plain Enter on a flagged word goes into its card as well as Alt+Enter and F2.
preview.addEventListener('keydown', (event) => {
  if (!(event.key === 'Enter' || event.key === 'F2')) return;
  const span = event.target.closest?.('.finding');
  if (span && popover.enter(span)) event.preventDefault();
});
let previewFindings = [];
let renderedFacts = null; // the facts (JSON) the preview shows: a field left unchanged ('change' on blur) is no work
let renderTimer = null;
let rendering = false;
let renderAgain = false;

function showPreview() {
  // A flagged word reached with Tab keeps the focus across the re-render (its span is replaced by an equal one).
  const focusedCard = preview.contains(document.activeElement) ? document.activeElement.dataset.card : null;
  renderAnnotated(preview, rendered.text, placeSentences(rendered.text, rendered.sentences),
                  previewFindings.filter((f) => !isDocumentLevel(f)), (s) => {
                    const span = document.createElement('span');
                    span.className = 'sentence';
                    span.dataset.fields = s.fields.join(' ');
                    if (s.fields.length) span.title = `From: ${s.fields.join(', ')}`;
                    return span;
                  }, (f, first) => {
                    const span = document.createElement('span');
                    span.className = `finding sev-${f.severity} cat-${f.category}${first ? '' : ' continued'}`;
                    span.dataset.code = f.rule;
                    span.dataset.card = f.card;
                    span.title = ''; // not the sentence's "From:" tooltip over the popover
                    span.setAttribute('aria-invalid', 'true');
                    if (first) { span.setAttribute('aria-describedby', f.card); span.tabIndex = 0; }
                    return span;
                  });
  if (focusedCard) {
    const span = preview.querySelector(`.finding[aria-describedby="${CSS.escape(focusedCard)}"]`);
    (span || previewStatus).focus?.();
  }
  popover.sync();
}

const lint = new LintLoop({
  getText: () => rendered.text,
  onStatus: (kind, message) => { if (kind !== 'done') previewStatus.textContent = message; },
  onResult(findings) {
    previewFindings = findings;
    cards.show(findings);
    showPreview();
    previewStatus.textContent = findings.length ? `Preview: ${findings.length} finding${findings.length === 1 ? '' : 's'}.` : 'Preview: no findings.';
  },
});

async function renderPreview() {
  if (rendering) { renderAgain = true; return; }
  rendering = true;
  renderAgain = false;
  const facts = collect() || {};
  const asked = JSON.stringify(facts);
  if (asked === renderedFacts) { rendering = false; return; }
  try {
    const response = await api('POST', '/v1/render', { facts, template });
    if (response.ok) {
      showErrors([], { onlyTouched: true });
      const units = toUnits(response.data.text);
      renderedFacts = asked;
      // Findings of text the change did not touch stay underlined (and their open card with them) until the
      // new text's lint answers.
      const inline = previewFindings.filter((f) => !isDocumentLevel(f));
      previewFindings = [...mapRanges(inline, rendered.text, response.data.text), ...previewFindings.filter(isDocumentLevel)];
      rendered = { text: response.data.text, sentences: response.data.sentences,
                   spans: response.data.spans.map((span) => ({ ...span, start: units(span.start), end: units(span.end) })) };
      showPreview();
      previewStatus.textContent = 'Preview updated; checking it…';
      lint.schedule(0);
    } else if (response.status === 422) {
      const errors = errorsOf(response);
      showErrors(errors, { onlyTouched: true });
      // A field's message names the field; a template's ("needs facts: providers, ...") says what to fill.
      previewStatus.textContent = `The preview waits for: ${errors.map((e) => (e.field && e.field !== 'template' ? e.field : e.message)).join('; ')}.`;
    } else {
      previewStatus.textContent = response.data?.error?.message || `The preview failed (${response.status}).`;
    }
  } catch {
    previewStatus.textContent = 'Offline: the preview updates when the server is back.';
  } finally {
    rendering = false;
    if (renderAgain) changedSoon(0);
  }
}

function changedSoon(delay = 400) {
  clearTimeout(renderTimer);
  renderTimer = setTimeout(renderPreview, delay);
}

form.addEventListener('input', (event) => {
  if (event.target.name) touched.add(event.target.name);
  changedSoon();
});
form.addEventListener('change', (event) => {
  if (event.target.name) touched.add(event.target.name);
  changedSoon();
});

// -- save and draft ----------------------------------------------------------------------------------------------
async function saveAndDraft(event) {
  event.preventDefault();
  const button = document.getElementById('save-and-draft');
  const facts = collect() || {};
  button.disabled = true;
  formStatus.textContent = 'Saving the contact…';
  try {
    const contact = await api('POST', `/v1/claims/${claimId}/contacts`, { facts });
    if (!contact.ok) {
      showErrors(errorsOf(contact));
      formStatus.textContent = 'Not saved: see the messages at the fields.';
      summary.focus();
      return;
    }
    clearErrors();
    let draftId;
    if (form.dataset.action === 'complete') {
      // A quick capture's draft keeps its real contact time: the contact becomes its own, its note the next version.
      formStatus.textContent = 'Drafting the note…';
      draftId = form.dataset.draftId;
      const saved = await api('POST', `/drafts/${draftId}/complete`, {
        contact_id: contact.data.id, base_version: Number(form.dataset.draftVersion), template });
      if (!saved.ok) {
        formStatus.textContent = saved.status === 409
          ? 'The draft changed since this page was opened; the contact is saved. Open the draft to continue.'
          : (saved.data?.error?.message || `The draft was not saved (${saved.status}).`);
        return;
      }
    } else {
      formStatus.textContent = 'Drafting the note…';
      const draft = await api('POST', `/v1/claims/${claimId}/drafts`, { contact_id: contact.data.id, template });
      if (!draft.ok) {
        formStatus.textContent = draft.data?.error?.message || `The contact is saved, the draft was not (${draft.status}).`;
        return;
      }
      draftId = draft.data.id;
    }
    formStatus.textContent = 'Saved. Opening the draft…';
    window.location.assign(`/drafts/${draftId}`);
  } catch {
    formStatus.textContent = 'Offline: nothing was saved. Try again when the server is back.';
  } finally {
    button.disabled = false;
  }
}

form.addEventListener('submit', saveAndDraft);

// -- start ---------------------------------------------------------------------------------------------------------
renumber();
fill(form, JSON.parse(document.getElementById('prefill').textContent));
changedSoon(0);
