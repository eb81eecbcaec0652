// Note text as DOM: the text exactly, with a span per drafted sentence (its source fields) and per finding,
// and the reverse (the DOM's text, the caret as a character offset), so an editor can re-render its spans
// while the person types and keep the caret where it was. Offsets are in UTF-16 units, as JavaScript counts;
// the server's are code points, converted once where its answers arrive (toUnits).

export const SEVERITY_ICONS = { error: '\u2716', warning: '\u25B2', info: '\u2139' };
export const SEVERITY_WORDS = { error: 'Error', warning: 'Warning', info: 'Info' };

/** Code-point offsets of `text` (the server's) as UTF-16 offsets; identity for text without astral characters. */
export function toUnits(text) {
  if (!/[\uD800-\uDBFF]/.test(text)) return (n) => n;
  const units = [];
  let unit = 0;
  for (const ch of text) { units.push(unit); unit += ch.length; }
  units.push(unit);
  return (n) => units[Math.min(n, units.length - 1)];
}

/** Where the note's body starts: after its YAML front matter, if it has one. */
export function bodyStart(text) {
  const match = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/.exec(text);
  return match ? match[0].length : 0;
}

/**
 * The drafted sentences as they stand in `text`: each sentence of `base` (the provenance of the drafted
 * note, or of the last saved version) found again, in order, keeps its fields; text of the body that no
 * such sentence covers was written or changed by hand and is marked edited, line by line.
 */
export function placeSentences(text, base) {
  if (!base || base.length === 0) return [];
  const placed = [];
  let pos = bodyStart(text);
  for (const sentence of base) {
    if (!sentence.text) continue;
    const at = text.indexOf(sentence.text, pos);
    if (at < 0) continue;
    placed.push({ start: at, end: at + sentence.text.length, fields: sentence.fields || [],
                  edited: Boolean(sentence.edited) });
    pos = at + sentence.text.length;
  }
  const marked = [];
  let from = bodyStart(text);
  for (const sentence of [...placed, { start: text.length, end: text.length, sentinel: true }]) {
    const gap = text.slice(from, sentence.start);
    const line = /[^\n]+/g;
    let m;
    while ((m = line.exec(gap)) !== null) {
      const lead = m[0].length - m[0].trimStart().length;
      const body = m[0].trim();
      if (body) marked.push({ start: from + m.index + lead, end: from + m.index + lead + body.length, fields: [], edited: true });
    }
    if (!sentence.sentinel) marked.push(sentence);
    from = Math.max(from, sentence.end);
  }
  return marked;
}

/** Character ranges that moved: where `before` and `after` differ, as [start, oldEnd, newEnd]. */
export function changedRange(before, after) {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  return [prefix, before.length - suffix, after.length - suffix];
}

/** `ranges` of `before` as ranges of `after`: shifted past the change, dropped where the change touched them. */
export function mapRanges(ranges, before, after) {
  const [start, oldEnd, newEnd] = changedRange(before, after);
  const delta = newEnd - oldEnd;
  const kept = [];
  for (const range of ranges) {
    if (range.end <= start) kept.push(range);
    else if (range.start >= oldEnd) kept.push({ ...range, start: range.start + delta, end: range.end + delta });
  }
  return kept;
}

/**
 * Fill `root` with `text`, wrapping sentences (outermost) and findings. `makeSentence(s)` and
 * `makeFinding(f, first)` return the element for one (`first`: the finding's first piece, when a sentence
 * boundary or another finding splits it). Every character of `text` is in one text node, in order.
 */
export function renderAnnotated(root, text, sentences, findings, makeSentence, makeFinding) {
  const ranges = [
    ...sentences.map((s, i) => ({ kind: 's', item: s, start: s.start, end: s.end, order: 0, seq: i })),
    ...findings.filter((f) => f.end > f.start)
      .map((f, i) => ({ kind: 'f', item: f, start: f.start, end: f.end, order: 1, seq: i })),
  ].filter((r) => r.start >= 0 && r.end <= text.length);
  const cuts = new Set([0, text.length]);
  for (const r of ranges) { cuts.add(r.start); cuts.add(r.end); }
  const points = [...cuts].sort((a, b) => a - b);
  // Outer first: sentences, then longer findings before the shorter ones they contain.
  const rank = (a, b) => a.order - b.order || a.start - b.start || (b.end - b.start) - (a.end - a.start) || a.seq - b.seq;
  const fragment = document.createDocumentFragment();
  const stack = []; // [{range, element}]
  const started = new Set();
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    const wanted = ranges.filter((r) => r.start <= a && r.end >= b).sort(rank);
    let keep = 0;
    while (keep < stack.length && keep < wanted.length && stack[keep].range === wanted[keep]) keep++;
    stack.length = keep;
    for (let k = keep; k < wanted.length; k++) {
      const r = wanted[k];
      const element = r.kind === 's' ? makeSentence(r.item, !started.has(r)) : makeFinding(r.item, !started.has(r));
      started.add(r);
      (stack.length ? stack[stack.length - 1].element : fragment).appendChild(element);
      stack.push({ range: r, element });
    }
    (stack.length ? stack[stack.length - 1].element : fragment).appendChild(document.createTextNode(text.slice(a, b)));
  }
  if (text.endsWith('\n') || text === '') {
    // A trailing line break shows no empty line without something after it, and the caret could not go there.
    const sentinel = document.createElement('br');
    sentinel.dataset.sentinel = '';
    fragment.appendChild(sentinel);
  }
  root.replaceChildren(fragment);
}

/** The text of a DOM subtree, as renderAnnotated wrote it or as a browser's editing left it. */
export function domText(node) {
  let out = '';
  const walk = (n) => {
    if (n.nodeType === Node.TEXT_NODE) { out += n.data; return; }
    if (n.nodeType !== Node.ELEMENT_NODE && n.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
    if (n.nodeName === 'BR') { if (!('sentinel' in n.dataset)) out += '\n'; return; }
    const block = n.nodeName === 'DIV' || n.nodeName === 'P';
    if (block && out && !out.endsWith('\n')) out += '\n';
    for (const child of n.childNodes) walk(child);
  };
  for (const child of node.childNodes) walk(child);
  return out;
}

function offsetOf(root, node, offset) {
  const range = document.createRange();
  range.setStart(root, 0);
  range.setEnd(node, offset);
  return domText(range.cloneContents());
}

/** The selection inside `root` as {anchor, focus} character offsets, or null when it is elsewhere. */
export function getSelectionOffsets(root) {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || !root.contains(selection.anchorNode) || !root.contains(selection.focusNode)) return null;
  return { anchor: offsetOf(root, selection.anchorNode, selection.anchorOffset).length,
           focus: offsetOf(root, selection.focusNode, selection.focusOffset).length };
}

function pointAt(root, target) {
  let seen = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  let last = null;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) {
      if (seen + n.data.length >= target) return [n, target - seen];
      seen += n.data.length;
      last = n;
    } else if (n.nodeName === 'BR' && !('sentinel' in n.dataset)) {
      if (seen + 1 > target) return [n.parentNode, [...n.parentNode.childNodes].indexOf(n)];
      seen += 1;
      last = n;
    }
  }
  if (last && last.nodeType === Node.TEXT_NODE) return [last, last.data.length];
  return [root, root.childNodes.length];
}

/** Put the selection back at character offsets {anchor, focus} of `root`. */
export function setSelectionOffsets(root, offsets) {
  if (!offsets) return;
  const [anchorNode, anchorOffset] = pointAt(root, offsets.anchor);
  const [focusNode, focusOffset] = pointAt(root, offsets.focus);
  window.getSelection().setBaseAndExtent(anchorNode, anchorOffset, focusNode, focusOffset);
}
