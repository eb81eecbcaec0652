"""Findings on public clinical text (MTSamples): `make bench` writes the result into BENCHMARKS.md.

The MTSamples transcriptions are public medical text nobody here wrote, but their licence is unclear, so
none of it is stored in this repository: not the notes, not the hit sentences. The benchmark reads the
page cache of a crawl of mtsamples.com (the scrapy `httpcache` of github:terrah27/spider_mtsamples.com)
from outside the repository, given as `--cache PATH` or the `MTSAMPLES_CACHE` environment variable:

- a Git directory of that repository (`.../spider_mtsamples.com/.git`, read with `git cat-file`), or
- a directory tree holding the cache's `response_body` files (a checkout or an unpacked copy).

When neither is there the script says so and exits 0 without touching BENCHMARKS.md.

It extracts the transcription of each sample page, takes a random sample (fixed seed) of 300 distinct
notes, lints them with every rule at default settings and no note type (inference decides, as for an
export without a note-type column), and reports findings per 1,000 words per category. From each
category's hits a fixed-seed random sample of 25 (all, when fewer) is matched with a verdict in
`bench/mtsamples_review.yaml`, written by a person who read the sentence as a careful clinical QA
reviewer would: `right` (worth flagging on this note) or `wrong` (a false alarm). Verdicts are keyed by a
hash of the rule, the flagged words and the sentence, so the review file holds no MTSamples text. A sampled
hit with no verdict counts as "not reviewed"; `--review` prints those (to the terminal only) for judging.
`--seed N` draws other notes (and samples hits with N); `--check-seed N` adds, in one sentence, the right
rates of a second draw, to check that rules fixed on the default draw hold on notes nobody tuned them on.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import html
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from noteassist.eval.sections import write_marked_section

ROOT = Path(__file__).resolve().parents[1]
REVIEW = Path(__file__).with_name("mtsamples_review.yaml")
MARKERS = ("<!-- mtsamples:start -->", "<!-- mtsamples:end -->")
HEADING = "## Findings on public clinical text (MTSamples)"
ENV = "MTSAMPLES_CACHE"
SEED = 20269
CHECK_SEED = 4711  # the second draw of --check-seed (`make bench` writes both)
NOTES = 300
PER_CATEGORY = 25
TARGET = 0.90

_START = "(Medical Transcription Sample Report)"
_END = re.compile(r"<!--\s*Ezoic - MTSam Sample Bottom|<B>\s*Keywords", re.IGNORECASE)
_BREAK = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


# --- the cache ----------------------------------------------------------------------------------------

def _git_pages(git_dir: Path) -> list[tuple[str, bytes, bytes]]:
    """(cache key, meta, body) of every cached response in a Git directory of the crawl."""
    listing = subprocess.run(["git", f"--git-dir={git_dir}", "ls-tree", "-r", "HEAD"], check=True,
                             capture_output=True, text=True).stdout
    blobs: dict[str, dict[str, str]] = collections.defaultdict(dict)
    for line in listing.splitlines():
        info, _, path = line.partition("\t")
        name = path.rsplit("/", 1)[-1]
        if "httpcache" in path and name in ("meta", "response_body"):
            blobs[path.rsplit("/", 2)[-2]][name] = info.split()[2]
    keys = sorted(k for k, v in blobs.items() if len(v) == 2)
    wanted = [blobs[k][n] for k in keys for n in ("meta", "response_body")]
    proc = subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "--batch"], check=True,
                          input=b"".join(sha.encode() + b"\n" for sha in wanted), capture_output=True)
    out, pos, contents = proc.stdout, 0, []
    for _ in wanted:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        contents.append(out[header_end + 1:header_end + 1 + size])
        pos = header_end + 1 + size + 1
    return [(k, contents[2 * i], contents[2 * i + 1]) for i, k in enumerate(keys)]


def _tree_pages(root: Path) -> list[tuple[str, bytes, bytes]]:
    pages = []
    for body in sorted(root.rglob("response_body")):
        meta = body.with_name("meta")
        if meta.exists():
            pages.append((body.parent.name, meta.read_bytes(), body.read_bytes()))
    return pages


def find_cache(given: str | None) -> Path | None:
    candidate = given or os.environ.get(ENV)
    if not candidate:
        return None
    path = Path(candidate)
    return path if path.exists() else None


def read_pages(cache: Path) -> list[tuple[str, bytes, bytes]]:
    if (cache / "HEAD").is_file() and (cache / "objects").is_dir():
        return _git_pages(cache)
    if (cache / ".git").is_dir():
        return _git_pages(cache / ".git")
    return _tree_pages(cache)


def transcription(page: bytes) -> str | None:
    """The transcription text of one sample page: "LABEL:" lines and paragraphs, tags removed."""
    if page[:2] == b"\x1f\x8b":
        page = gzip.decompress(page)
    markup = page.decode("utf-8", errors="replace")
    start = markup.find(_START)
    if start == -1:
        return None
    rest = markup[start + len(_START):]
    rest = rest[rest.lower().find("<hr>") + 4:] if "<hr>" in rest.lower() else rest
    end = _END.search(rest)
    body = rest[:end.start()] if end else rest
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body)))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out: list[str] = []
    for line in lines:  # paragraphs separated by one blank line
        if line or (out and out[-1]):
            out.append(line)
    text = "\n".join(out).strip()
    return text + "\n" if len(text.split()) >= 20 else None


@dataclass(frozen=True)
class Sample:
    id: str
    specialty: str
    text: str


def load_samples(cache: Path) -> list[Sample]:
    """Every distinct transcription in the cache, in a stable order (by its hash)."""
    seen: dict[str, Sample] = {}
    for _key, meta, body in read_pages(cache):
        url = re.search(rb"'url': '([^']+)'", meta)
        if not url or b"sample.asp?type=" not in url.group(1):
            continue
        text = transcription(body)
        if text is None:
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()
        specialty = re.search(rb"type=\d+-([^&]+)", url.group(1))
        seen.setdefault(digest, Sample(digest[:12], specialty.group(1).decode() if specialty else "", text))
    return [seen[d] for d in sorted(seen)]


# --- hits and verdicts ------------------------------------------------------------------------------------

def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence (or line) holding a span; a note-level finding (zero width at 0) is the note's opening."""
    if start == end == 0:
        return " ".join(text.split()[:30])
    left = max(text.rfind(". ", 0, start) + 2 if text.rfind(". ", 0, start) != -1 else 0,
               text.rfind("\n", 0, start) + 1)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(stops) + 1 if stops else len(text)
    return " ".join(text[left:right].split())


def hit_key(rule: str, what: str, sentence: str) -> str:
    """The verdict key: a hash of the rule, the flagged words (or element) and the sentence."""
    return hashlib.sha256(f"{rule}\n{what}\n{sentence}".encode()).hexdigest()[:16]


@dataclass
class Hit:
    key: str
    rule: str
    category: str
    severity: str
    what: str
    sentence: str
    note: str


def lint_samples(samples: list[Sample]):
    from noteassist.lint import Linter, NoteInput

    linter = Linter()
    inputs = [NoteInput(text=s.text, path=f"mtsamples#{s.id}") for s in samples]
    hits: list[Hit] = []
    types: collections.Counter = collections.Counter()
    for sample, result in zip(samples, linter.lint_many(inputs)):
        types[result.note_type or "none"] += 1
        for f in result.findings:
            what = f.extra.get("element") or f.text
            sentence = sentence_of(sample.text, f.start, f.end)
            hits.append(Hit(hit_key(f.rule, what, sentence), f.rule, f.category, f.severity, what, sentence,
                            sample.id))
    return hits, types


def sampled(hits: list[Hit], per_category: int = PER_CATEGORY, seed: int = SEED) -> dict[str, list[Hit]]:
    """Per category, a fixed-seed random sample of distinct hits (ordered by a salted hash of their key, so
    that a hit added or removed elsewhere does not reshuffle the rest)."""
    by_category: dict[str, dict[str, Hit]] = collections.defaultdict(dict)
    for hit in hits:
        by_category[hit.category].setdefault(f"{hit.key}:{hit.note}", hit)
    rank = lambda k: hashlib.sha256(f"{seed}:{k}".encode()).hexdigest()  # noqa: E731
    return {c: [d[k] for k in sorted(d, key=rank)[:per_category]] for c, d in by_category.items()}


def load_review() -> dict[str, dict]:
    data = yaml.safe_load(REVIEW.read_text(encoding="utf-8")) if REVIEW.exists() else None
    return {str(v["key"]): v for v in (data or [])}


# --- report ----------------------------------------------------------------------------------------------

def rates(hits: list[Hit], seed: int) -> dict[str, tuple[int, int]]:
    """Per category: (right, judged) among the sampled hits."""
    review = load_review()
    out = {}
    for category, picked in sampled(hits, seed=seed).items():
        verdicts = collections.Counter(review[h.key]["verdict"] for h in picked if h.key in review)
        out[category] = (verdicts["right"], verdicts["right"] + verdicts["wrong"])
    return out


def rates_sentence(seed: int, samples: list[Sample], hits: list[Hit]) -> str:
    """One sentence: the right rate of each category whose sampled hits on this draw are all judged."""
    from noteassist.lint.registry import CATEGORIES

    found = rates(hits, seed)
    picks = sampled(hits, seed=seed)
    done = [c for c in CATEGORIES if c in found and found[c][1] and found[c][1] == len(picks[c])]
    parts = [f"{c} {found[c][0]}/{found[c][1]} ({found[c][0] / found[c][1]:.0%})" for c in done]
    rest = [c for c in CATEGORIES if c in picks and c not in done]
    return (f"Check on a second draw (seed {seed}: {len(samples)} transcriptions drawn at random, hits sampled with "
            f"that seed and judged after the rules were fixed): right {', '.join(parts) or 'none judged'}"
            + (f" (not reviewed on this draw: {', '.join(rest)})." if rest else "."))


def report(samples: list[Sample], hits: list[Hit], types: collections.Counter, seed: int = SEED) -> str:
    from noteassist.lint.registry import CATEGORIES

    review = load_review()
    words = sum(len(s.text.split()) for s in samples)
    counts = collections.Counter(h.category for h in hits)
    picks = sampled(hits, seed=seed)
    lines = [
        f"{len(samples)} transcriptions drawn at random (seed {seed}) from the MTSamples page cache "
        f"({words:,} words), linted with every rule at default settings and no note type "
        f"(inferred: {', '.join(f'{t} {n}' for t, n in types.most_common())}). "
        f"No MTSamples text is stored here; verdicts are keyed by hashes (`bench/mtsamples_review.yaml`).",
        "",
        f"Hand verdicts on a random sample of {PER_CATEGORY} hits per category (all when fewer); *right* = a "
        f"careful clinical QA reviewer would want it flagged on this note. Target: {TARGET:.0%} right in every "
        "category.",
        "",
        "| category | findings | per 1,000 words | sampled | right | wrong | not reviewed | right % |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    total = collections.Counter()
    for category in CATEGORIES:
        picked = picks.get(category, [])
        verdicts = collections.Counter(review[h.key]["verdict"] if h.key in review else "not reviewed"
                                       for h in picked)
        judged = verdicts["right"] + verdicts["wrong"]
        rate = f"{verdicts['right'] / judged:.0%}" if judged else "-"
        total.update({"findings": counts[category], "sampled": len(picked), **verdicts})
        lines.append(f"| {category} | {counts[category]} | {counts[category] * 1000 / words:.2f} | {len(picked)} | "
                     f"{verdicts['right']} | {verdicts['wrong']} | {verdicts['not reviewed']} | {rate} |")
    judged = total["right"] + total["wrong"]
    lines.append(f"| all | {total['findings']} | {total['findings'] * 1000 / words:.2f} | {total['sampled']} | "
                 f"{total['right']} | {total['wrong']} | {total['not reviewed']} | "
                 f"{total['right'] / judged:.0%} |" if judged else "| all | - | - | - | - | - | - | - |")
    per_rule = collections.Counter(h.rule for h in hits)
    lines += ["", "Findings per rule: " + ", ".join(f"{r} {n}" for r, n in sorted(per_rule.items())) + "."]
    wrong = collections.Counter(h.rule for c in picks.values() for h in c
                                if review.get(h.key, {}).get("verdict") == "wrong")
    if wrong:
        lines.append("Sampled false alarms per rule: " + ", ".join(f"{r} {n}" for r, n in sorted(wrong.items())) + ".")
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    write_marked_section(path, MARKERS, text, HEADING)


def print_unreviewed(hits: list[Hit], seed: int = SEED) -> None:
    review = load_review()
    for category, picked in sampled(hits, seed=seed).items():
        for h in picked:
            if h.key not in review:
                print(f"- key: {h.key}  # {category} {h.rule} [{h.severity}] {h.what!r} :: {h.sentence[:400]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", help=f"the MTSamples page cache (default: ${ENV})")
    parser.add_argument("--write", type=Path, help="replace the MTSamples section of this Markdown file")
    parser.add_argument("--review", action="store_true", help="print the sampled hits that have no verdict yet")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"seed of the draw of notes and of the sampled hits (default {SEED})")
    parser.add_argument("--check-seed", type=int, metavar="SEED", default=CHECK_SEED,
                        help="also draw with this seed and add its right rates to the report in one sentence "
                             f"(default {CHECK_SEED}; -1 for none)")
    args = parser.parse_args(argv)
    cache = find_cache(args.cache)
    if cache is None:
        print(f"MTSamples benchmark skipped: no page cache (give --cache PATH or set {ENV} to a Git directory or "
              "checkout of github:terrah27/spider_mtsamples.com, kept outside this repository)")
        return 0
    everything = load_samples(cache)
    if len(everything) < NOTES:
        print(f"MTSamples benchmark skipped: {cache} holds {len(everything)} transcriptions, fewer than {NOTES}")
        return 0
    samples = random.Random(args.seed).sample(everything, NOTES)
    hits, types = lint_samples(samples)
    if args.review:
        print_unreviewed(hits, args.seed)
        return 0
    text = report(samples, hits, types, args.seed)
    if args.check_seed is not None and args.check_seed >= 0 and args.check_seed != args.seed:
        other = random.Random(args.check_seed).sample(everything, NOTES)
        other_hits, _ = lint_samples(other)
        text += "\n\n" + rates_sentence(args.check_seed, other, other_hits)
    print(text)
    if args.write:
        write_section(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
