// Signing a draft (the draft page) and adding an addendum (the signed note's page).
//
// Sign: the editor's text is saved first (autosave.js's flush), then the newest acknowledged version is
// signed. The server refuses open error findings with 422 "unresolved_findings": the dialog lists them
// and asks for the reason to sign anyway, which the note keeps. After signing, the note's page opens.
import { api } from '/static/api.js';

function fieldError(id, message) {
  const element = document.getElementById(id);
  if (element) element.textContent = message || '';
}

function errorOf(answer) {
  return answer && answer.data && answer.data.error ? answer.data.error : { code: '', message: `error ${answer.status}` };
}

// ---- the draft page -------------------------------------------------------------------------------------
function setUpSigning() {
  const button = document.getElementById('sign-button');
  const main = document.getElementById('draft');
  if (!button || !main) return;
  const dialog = document.getElementById('sign-dialog');
  const form = document.getElementById('sign-override-form');
  const reason = document.getElementById('override-reason');
  const list = document.getElementById('sign-findings');
  const help = document.getElementById('sign-dialog-help');
  let version = null;

  async function sign(overrideReason) {
    const body = { version };
    if (overrideReason !== undefined) body.override_reason = overrideReason;
    let answer;
    try {
      answer = await api('POST', `/v1/drafts/${main.dataset.draftId}/sign`, body);
    } catch (offline) {
      return { offline: true };
    }
    return { answer };
  }

  function showFindings(error) {
    list.replaceChildren(...(error.findings || []).map((finding) => {
      const item = document.createElement('li');
      const code = document.createElement('code');
      code.textContent = finding.code;
      item.append(code, ` ${finding.message}`);
      if (finding.quote) {
        const quote = document.createElement('q');
        quote.textContent = finding.quote;
        item.append(' (', quote, ')');
      }
      return item;
    }));
    help.textContent = error.message;
  }

  function finish(answer) {
    if (answer.ok) {
      window.location.assign(`/notes/${answer.data.id}`);
      return true;
    }
    const error = errorOf(answer);
    if (answer.status === 409) {
      fieldError('sign-error', 'Not signed: the draft changed since this page saved it. Reload the page to see the newest version.');
    } else {
      fieldError('sign-error', `Not signed: ${error.message}`);
    }
    return false;
  }

  button.addEventListener('click', async () => {
    fieldError('sign-error', '');
    button.disabled = true;
    try {
      const saved = window.naAutosave ? await window.naAutosave.flush() : { version: Number(main.dataset.version) };
      if (!saved) {
        fieldError('sign-error', 'Not signed: the newest text is not saved yet (see the saving status). Sign once it shows "Saved".');
        return;
      }
      version = saved.version;
      const { answer, offline } = await sign();
      if (offline) {
        fieldError('sign-error', 'Not signed: the server cannot be reached. Try again when online.');
        return;
      }
      const error = errorOf(answer);
      if (answer.status === 422 && error.code === 'unresolved_findings') {
        showFindings(error);
        fieldError('override-reason-error', '');
        reason.value = '';
        dialog.showModal();
        reason.focus();
        return;
      }
      finish(answer);
    } finally {
      button.disabled = false;
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    if (!text) {
      fieldError('override-reason-error', 'Say why the note is signed with these findings open.');
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    reason.removeAttribute('aria-invalid');
    const submit = document.getElementById('sign-override');
    submit.disabled = true;
    try {
      const { answer, offline } = await sign(text);
      if (offline) {
        fieldError('override-reason-error', 'Not signed: the server cannot be reached. Try again when online.');
        return;
      }
      const error = errorOf(answer);
      if (answer.status === 422 && error.field === 'override_reason' && error.code !== 'unresolved_findings') {
        fieldError('override-reason-error', error.message);
        reason.setAttribute('aria-invalid', 'true');
        return;
      }
      dialog.close();
      finish(answer);
    } finally {
      submit.disabled = false;
    }
  });

  document.getElementById('sign-cancel').addEventListener('click', () => {
    dialog.close();
    button.focus();
  });
}

// ---- the note page: add an addendum ----------------------------------------------------------------------
function setUpAddendum() {
  const note = document.getElementById('note');
  const button = document.getElementById('addendum-button');
  const form = document.getElementById('addendum-form');
  if (!note || !button || !form) return;
  const text = document.getElementById('addendum-text');
  const reason = document.getElementById('addendum-reason');

  function toggle(open) {
    form.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
    if (open) text.focus(); else button.focus();
  }

  button.addEventListener('click', () => toggle(form.hidden));
  document.getElementById('addendum-cancel').addEventListener('click', () => toggle(false));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fields = { text, reason };
    for (const [name, input] of Object.entries(fields)) {
      fieldError(`addendum-${name}-error`, '');
      input.removeAttribute('aria-invalid');
    }
    fieldError('addendum-error', '');
    const missing = Object.entries(fields).find(([, input]) => !input.value.trim());
    if (missing) {
      const [name, input] = missing;
      fieldError(`addendum-${name}-error`, name === 'text' ? 'Write the addendum.' : 'Give the reason for the addendum.');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    const save = document.getElementById('addendum-save');
    save.disabled = true;
    try {
      let answer;
      try {
        answer = await api('POST', `/v1/notes/${note.dataset.noteId}/addenda`,
                           { text: text.value, reason: reason.value });
      } catch (offline) {
        fieldError('addendum-error', 'Not saved: the server cannot be reached. Your text is still here; try again.');
        return;
      }
      if (answer.ok) {
        window.location.reload();
        return;
      }
      const error = errorOf(answer);
      const input = fields[error.field];
      if (input) {
        fieldError(`addendum-${error.field}-error`, error.message);
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      } else {
        fieldError('addendum-error', `Not saved: ${error.message}`);
      }
    } finally {
      save.disabled = false;
    }
  });
}

setUpSigning();
setUpAddendum();
