"""The reviewer's loop (issue 13 item 5): findings of a QA run become queries to their authors, and the
authors' answers come back.

A query follows compliant-query practice (AHIMA/ACDIS, "Guidelines for Achieving a Compliant Query
Practice"): it cites the record (the note, its date, the line and the quoted words), says what the
documentation standard asks, and offers options that do not lead: every query offers "other" and "not
clinically determinable", and none says what an answer would change (a score, a payment, a rating).

Files, all in `DIR/queries/` of the QA run:
- `queries.csv`: every query issued (id, author, note, rule, quote, question, options, issued date).
- `<author>.docx` and `<author>.csv` with `--by-author`, else `queries.docx` beside `queries.csv`.
- `responses.jsonl`: the answers imported by `noteassist qa responses`, one line per query (a later answer
  to the same query replaces the earlier one, and the import says so).
The run's `summary.json` then carries `queries`: issued, answered, response rate, agreement rate and the
median days to answer.
"""

from __future__ import annotations

import csv
import io
import json
import re
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import NoteassistError
from ..text.identifiers import mask_ssns
from .outputs import read_findings, read_notes_csv

QUERIES_DIR = "queries"
QUERIES_CSV = "queries.csv"
RESPONSES = "responses.jsonl"
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

#: The answers a query offers, by key. "amend" agrees with the finding, "as_written" disagrees; "other" and
#: "not_determinable" are neither (they count as answered, not as agreement or disagreement).
OPTIONS: dict[str, str] = {
    "amend": "The note will be clarified or corrected in an addendum",
    "as_written": "The note is accurate and complete as written",
    "other": "Other (please specify)",
    "not_determinable": "Not clinically determinable",
}
AGREES = {"amend"}
DISAGREES = {"as_written"}

QUERY_COLUMNS = ("query_id", "author", "note_id", "path", "date", "claim_number", "rule", "category", "severity",
                 "line", "quote", "question", "standard", "options", "issued")
RESPONSE_TEMPLATE_COLUMNS = ("query_id", "answer", "comment", "answered_on")


@dataclass(frozen=True)
class Query:
    query_id: str
    author: str
    note_id: str
    path: str
    date: str
    claim_number: str
    rule: str
    category: str
    severity: str
    line: int | None
    quote: str
    question: str
    standard: str
    issued: str

    def row(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in QUERY_COLUMNS if k != "options"},
                "options": " | ".join(f"{k}: {v}" for k, v in OPTIONS.items())}


def _rule_text(code: str) -> tuple[str, str]:
    """(name, summary) of a rule, for the query's statement of the standard."""
    from ..lint.registry import all_rules

    rule = all_rules().get(code)
    if rule is None:
        return code, ""
    return rule.name, rule.summary


def _question(finding: dict[str, Any], quote: str) -> str:
    """A neutral question: what the record says, and a request to clarify, without proposing the answer."""
    where = f'line {finding["line"]}' if finding.get("line") else "this note"
    if finding.get("category") == "missing-element" or not quote:
        return (f"The review of this note ({where}) could not find the documentation described below. Please "
                "review the note and choose the option that reflects the record.")
    return (f'The note reads, at {where}: "{quote}". Please review this documentation against the standard '
            "described below and choose the option that reflects the record.")


def build_queries(directory: str | Path, *, min_severity: str = "warning", rules: Iterable[str] | None = None,
                  issued: date | None = None) -> list[Query]:
    """One query per finding at or above `min_severity` (and of `rules`, when given) in the QA run in
    `directory`, in the run's order. Quotes are masked of SSNs: a query is a new document, sent by mail."""
    if min_severity not in SEVERITY_RANK:
        raise NoteassistError(f"--min-severity: expected one of info, warning, error, not {min_severity!r}")
    directory = Path(directory)
    if not (directory / "findings.jsonl").is_file() or not (directory / "notes.csv").is_file():
        raise NoteassistError(f"{directory}: not a qa output folder (no findings.jsonl and notes.csv); run "
                              "`noteassist qa INPUT... -o DIR` first")
    wanted = set(rules) if rules else None
    notes = {row["position"]: row for row in read_notes_csv(directory)}
    day = (issued or date.today()).isoformat()
    queries = []
    for finding in read_findings(directory):
        if SEVERITY_RANK.get(finding.get("severity"), 0) < SEVERITY_RANK[min_severity]:
            continue
        if wanted is not None and finding["rule"] not in wanted and finding.get("category") not in wanted:
            continue
        note = notes.get(finding["position"], {})
        quote = mask_ssns(" ".join(str(finding.get("text") or "").split()))[:300]
        name, summary = _rule_text(finding["rule"])
        queries.append(Query(
            query_id=f'Q{finding["position"]:06d}-{finding["rule"]}-{finding.get("start", 0)}',
            author=note.get("author") or "(no author)", note_id=str(finding.get("note_id") or ""),
            path=str(finding.get("path") or ""), date=note.get("date") or "", claim_number=note.get("claim_number") or "",
            rule=finding["rule"], category=finding.get("category", ""), severity=finding.get("severity", ""),
            line=finding.get("line"), quote=quote, question=_question(finding, quote),
            standard=f'{finding["rule"]} {name}: {summary}'.strip(), issued=day))
    return queries


def _slug(author: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", author).strip("-").lower() or "no-author"


def _csv_bytes(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue().encode("utf-8")


def queries_docx(author: str, queries: list[Query]) -> bytes:
    """A DOCX of one author's queries: each cites the note and the quote, states the standard, and lists the
    options with a box to tick, "Other" with space to write."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(f"Documentation queries for {author}", level=1)
    document.add_paragraph(
        f"{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} from a documentation quality review. Each cites "
        "the note it concerns. Please answer each one from the record; there is no expected answer. Return your "
        "answers as a CSV with the columns query_id, answer (amend, as_written, other, not_determinable), "
        "comment and answered_on (YYYY-MM-DD).")
    for query in queries:
        document.add_heading(query.query_id, level=2)
        cite = f"Note {query.note_id}"
        if query.date:
            cite += f", date of service {query.date}"
        if query.line:
            cite += f", line {query.line}"
        document.add_paragraph(cite)
        document.add_paragraph(query.question)
        document.add_paragraph(f"Standard: {query.standard}")
        for key, label in OPTIONS.items():
            document.add_paragraph(f"\u2610 {label} ({key})")
        document.add_paragraph("Comment: ________________________________________________")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_queries(directory: str | Path, queries: list[Query], *, by_author: bool) -> list[Path]:
    """Write the query files (see the module docstring) and return their paths. Existing query files of an
    earlier export are replaced only together, and never the answers in responses.jsonl."""
    from ..io.write import write_atomic

    out = Path(directory) / QUERIES_DIR
    out.mkdir(exist_ok=True)
    written = [write_atomic(out / QUERIES_CSV, _csv_bytes((q.row() for q in queries), QUERY_COLUMNS), overwrite=True)]
    groups: dict[str, list[Query]] = {}
    for query in queries:
        groups.setdefault(query.author if by_author else "all authors", []).append(query)
    for author, items in sorted(groups.items()):
        stem = _slug(author) if by_author else "queries"
        written.append(write_atomic(out / f"{stem}.docx", queries_docx(author, items), overwrite=True))
        if by_author:
            written.append(write_atomic(out / f"{stem}.csv",
                                        _csv_bytes((q.row() for q in items), QUERY_COLUMNS), overwrite=True))
    return written


# -- answers ----------------------------------------------------------------------------------------------------

def read_issued(directory: str | Path) -> dict[str, dict[str, str]]:
    path = Path(directory) / QUERIES_DIR / QUERIES_CSV
    if not path.is_file():
        raise NoteassistError(f"{directory}: no queries were issued from this run (no {QUERIES_DIR}/{QUERIES_CSV}); "
                              "run `noteassist qa queries DIR` first")
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["query_id"]: row for row in csv.DictReader(handle)}


def read_responses(directory: str | Path) -> dict[str, dict[str, Any]]:
    path = Path(directory) / QUERIES_DIR / RESPONSES
    answers: dict[str, dict[str, Any]] = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                answers[row["query_id"]] = row
    return answers


def _parse_answers(path: Path, issued: dict[str, dict[str, str]]) -> Iterator[tuple[dict[str, Any] | None, str | None]]:
    """(answer, None) for each good row of the answers CSV, (None, one-line error) for each bad one."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise NoteassistError(f"{path}: cannot read ({exc.strerror})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("query_id", "answer") if c not in (reader.fieldnames or [])]
        if missing:
            raise NoteassistError(f"{path}: no {', '.join(missing)} column; expected the columns "
                                  f"{', '.join(RESPONSE_TEMPLATE_COLUMNS)}")
        for number, row in enumerate(reader, start=2):
            query_id = (row.get("query_id") or "").strip()
            answer = (row.get("answer") or "").strip().lower().replace(" ", "_").replace("-", "_")
            if not query_id:
                yield None, f"{path}:{number}: query_id: empty"
                continue
            if query_id not in issued:
                yield None, f"{path}:{number}: query_id: {query_id!r} was not issued from this run"
                continue
            if answer not in OPTIONS:
                yield None, (f"{path}:{number}: answer: expected one of {', '.join(OPTIONS)}, "
                             f"not {row.get('answer')!r}")
                continue
            answered_on = (row.get("answered_on") or "").strip()
            if answered_on:
                try:
                    date.fromisoformat(answered_on)
                except ValueError:
                    yield None, f"{path}:{number}: answered_on: expected a date YYYY-MM-DD, not {answered_on!r}"
                    continue
            comment = (row.get("comment") or "").strip()
            if answer == "other" and not comment:
                yield None, f"{path}:{number}: comment: an 'other' answer needs the comment that says what"
                continue
            yield {"query_id": query_id, "answer": answer, "comment": comment,
                   "answered_on": answered_on or date.today().isoformat(),
                   "imported": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}, None


@dataclass
class ImportResult:
    imported: int
    replaced: int
    errors: list[str]


def import_responses(directory: str | Path, answers_csv: str | Path) -> ImportResult:
    """Add the answers in `answers_csv` to the run's responses.jsonl: good rows are kept even when others are
    bad (each bad row is one error line); an answer to a query answered before replaces it and is counted."""
    from ..io.write import write_atomic

    directory = Path(directory)
    issued = read_issued(directory)
    answers = read_responses(directory)
    imported = replaced = 0
    errors: list[str] = []
    for answer, error in _parse_answers(Path(answers_csv), issued):
        if error is not None:
            errors.append(error)
            continue
        replaced += answer["query_id"] in answers
        answers[answer["query_id"]] = answer
        imported += 1
    if imported:
        lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in answers.values())
        write_atomic(directory / QUERIES_DIR / RESPONSES, lines, overwrite=True)
    return ImportResult(imported, replaced, errors)


def query_rates(directory: str | Path) -> dict[str, Any] | None:
    """The `queries` block of summary.json, or None when no queries were issued from this run."""
    try:
        issued = read_issued(directory)
    except NoteassistError:
        return None
    answers = {k: v for k, v in read_responses(directory).items() if k in issued}
    agree = sum(a["answer"] in AGREES for a in answers.values())
    disagree = sum(a["answer"] in DISAGREES for a in answers.values())
    days = []
    for query_id, answer in answers.items():
        try:
            days.append((date.fromisoformat(answer["answered_on"]) - date.fromisoformat(issued[query_id]["issued"])).days)
        except (KeyError, ValueError):
            continue
    by_author: dict[str, dict[str, int]] = {}
    for query_id, row in issued.items():
        entry = by_author.setdefault(row["author"], {"issued": 0, "answered": 0, "agreed": 0})
        entry["issued"] += 1
        if query_id in answers:
            entry["answered"] += 1
            entry["agreed"] += answers[query_id]["answer"] in AGREES
    return {
        "issued": len(issued), "answered": len(answers),
        "response_rate": round(len(answers) / len(issued), 3) if issued else None,
        # Agreement among the answers that take a side: "other" and "not determinable" take none.
        "agreement_rate": round(agree / (agree + disagree), 3) if agree + disagree else None,
        "by_answer": {key: sum(a["answer"] == key for a in answers.values()) for key in OPTIONS},
        "median_days_to_answer": statistics.median(days) if days else None,
        "by_author": [{"author": k, **v} for k, v in sorted(by_author.items())],
    }
