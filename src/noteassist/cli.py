"""The `noteassist` command line: a thin shell over facts, render, lint and export.

Exit codes (CONTRACT.md): 0 success and no finding at or above --fail-on,
1 findings at or above --fail-on, 2 usage or input error (one line on stderr,
no traceback). Heavy libraries load inside the commands that need them.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import NoteassistError

FACTS_SUFFIXES = (".yaml", ".yml", ".json")


def _handle_errors(func):
    """Turn user-fixable errors into one stderr line each and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except NoteassistError as exc:
            for line in exc.lines():
                click.echo(f"noteassist: {line}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, exists=True),
    help="Config file (noteassist.toml, or a pyproject.toml with [tool.noteassist]).",
)
templates_option = click.option(
    "--templates", "template_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
    help="Directory of extra or overriding templates (repeatable).",
)
force_option = click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")


class _Terminated(BaseException):
    """SIGTERM (`kill PID`), raised so that every writer's cleanup runs before the process ends."""


def _raise_terminated(signum, frame) -> None:
    raise _Terminated


class _Commands(click.Group):
    """The command group. Ctrl-C anywhere in a command (or at an overwrite prompt) is one line and exit
    130, `kill` one line and 143, as for any program stopped by SIGINT or SIGTERM; every writer leaves
    the old file or the new one whole, and no temporary copy."""

    def invoke(self, ctx: click.Context):
        import signal
        import threading

        previous = signal.getsignal(signal.SIGTERM)
        catch_term = previous == signal.SIG_DFL and threading.current_thread() is threading.main_thread()
        if catch_term:
            signal.signal(signal.SIGTERM, _raise_terminated)
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.exceptions.Abort) as exc:
            # A prompt's Abort leaves the cursor after "Overwrite? [y/N]:": end that line first.
            click.echo(("\n" if isinstance(exc, click.exceptions.Abort) else "") + "noteassist: interrupted", err=True)
            sys.exit(130)
        except _Terminated:
            click.echo("noteassist: terminated", err=True)
            sys.exit(143)
        finally:
            if catch_term:
                signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="noteassist")
def main() -> None:
    """Draft, lint and export case-management notes. Runs offline."""


@main.command()
@click.argument("facts", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("-t", "--template", help="Template name (default: the facts' note type).")
@templates_option
@click.option("-o", "--out", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the note here (.md keeps front matter; .txt is plain text; .docx is a Word document). "
                   "Default: stdout.")
@click.option("--strict", is_flag=True,
              help="Write nothing and exit 1 when the template did not print a field the facts set.")
@click.option("--time-format", type=click.Choice(["12h", "24h"]), default=None,
              help="Times as 9:30 AM (12h) or 09:30 (24h). Default: NOTEASSIST_TIME_FORMAT, else the config "
                   "file's time_format, else 12h.")
@click.option("--provenance", is_flag=True,
              help="Print JSON to stdout instead of the note: the Markdown note, each sentence with the facts "
                   "fields it came from, and the fields left out (docs/provenance.md). -o FILE still writes the note.")
@force_option
@config_option
@_handle_errors
def draft(facts: str, template: str | None, template_dirs: tuple[str, ...], out: str, strict: bool,
          time_format: str | None, provenance: bool, force: bool, config_path: str | None) -> None:
    """Render visit facts (YAML or JSON, `-` for stdin) into a note.

    Each field the facts set that the template did not print is named on stderr; with --strict nothing
    is written and the exit code is 1 (as `report --strict`: the facts are valid, the draft falls short).
    """
    from .app.draft import draft_rendered, note_document
    from .facts import load_facts

    suffix = Path(out).suffix.lower() if out != "-" else ""
    if suffix not in ("", ".md", ".markdown", ".txt", ".docx"):
        raise NoteassistError(f"{out}: unknown output type {suffix!r}; expected .md, .txt or .docx")
    visit = load_facts(facts)
    note = draft_rendered(visit, template, template_dirs, plain=suffix == ".txt",
                          time_format=_time_format(config_path, facts, time_format))
    for path in note.unused:  # from the render's own record of what it printed
        click.echo(f"noteassist: draft: template {note.template} did not print {path}", err=True)
    if strict and note.unused:
        count = f"{len(note.unused)} field{'s' if len(note.unused) != 1 else ''}"
        click.echo(f"noteassist: --strict: {'nothing' if out == '-' else out + ' not'} written ({count} of the "
                   f"facts not printed by template {note.template})", err=True)
        sys.exit(1)
    if provenance:
        _print_provenance(visit, note if suffix != ".txt" else None, template, template_dirs,
                          _time_format(config_path, facts, time_format))
        if out == "-":
            return
    if suffix == ".docx":
        # A .docx is a Word document, never Markdown under a .docx name.
        _write(out, note_document(note.text), force, source=facts)
    else:
        _write(out, note.text, force, source=facts)
    if out != "-":
        click.echo(f"wrote {out}", err=True)


def _print_provenance(visit, note, template: str | None, template_dirs: tuple[str, ...], time_format: str) -> None:
    """The provenance map as JSON on stdout, for the Markdown form of the draft (a .txt draft has no spans,
    so the Markdown is rendered for the map)."""
    import json

    from .app.draft import draft_rendered
    from .render import provenance_map

    if note is None:
        note = draft_rendered(visit, template, template_dirs, time_format=time_format)
    click.echo(json.dumps(provenance_map(note), indent=2, ensure_ascii=False))


@main.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--type", "note_type", help="Note type (default: from front matter, or inferred).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--select", help="Comma-separated rule codes, prefixes or categories to run.")
@click.option("--ignore", help="Comma-separated rule codes, prefixes or categories to skip.")
@click.option("--column", "columns", multiple=True, metavar="KEY=NAME",
              help="Export column for a key (text, id, author, claim_number, carrier, note_type, date_of_service, "
                   "date_written, date_of_injury) in CSV/JSONL inputs (repeatable).")
@click.option("--previous", "previous", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="An earlier note for the same claim, to check for copied-forward text (repeatable).")
@click.option("--fix", is_flag=True, help="Apply safe fixes in place, keeping the original as NOTE.bak.")
@click.option("--fix-to", type=click.Path(dir_okay=False), metavar="OUT",
              help="Write the fixed note to OUT instead; the original is not touched (one note only).")
@click.option("--diff", is_flag=True, help="Show the safe fixes as a unified diff; write nothing.")
@click.option("--annotate", type=click.Path(dir_okay=False), metavar="OUT.docx",
              help="Write a copy of a .docx note with each finding as a Word comment (one note only).")
@templates_option
@force_option
@config_option
@_handle_errors
def lint(notes: tuple[str, ...], note_type: str | None, fmt: str, fail_on: str,
         select: str | None, ignore: str | None, columns: tuple[str, ...], previous: tuple[str, ...],
         fix: bool, fix_to: str | None, diff: bool, annotate: str | None, template_dirs: tuple[str, ...],
         force: bool, config_path: str | None) -> None:
    """Lint notes (.txt, .md, .docx; `-` for stdin), exports (.csv, .jsonl: one note per row) and visit
    facts (.yaml, .json: the note `draft` writes from them is linted, under the facts file's name).

    Settings come from --config, else the nearest noteassist.toml or pyproject.toml [tool.noteassist]
    above the first note (or the current directory for stdin); --select replaces the configured
    selection and --ignore adds to it. Export columns are recognised by common names ("Note Text",
    "Claim #", "Date of Service", "Date Signed"...) unless `columns` in the config or --column name them;
    a column that looks like a date or a note's text but is not read is named on stderr. A note or row
    that cannot be read is reported on stderr and the others are still linted (exit 2 at the end). A file
    given twice (under any spelling or link) is linted, and fixed, once.
    """
    from .app.lint import LintGate, LintTally, lint_sources, unique_sources
    from .lint import Linter
    from .lint.fix import safe_edits
    from .lint.model import LintError
    from .lint.output import write_json, write_text
    from .notetypes import NOTE_TYPES, resolve_note_type
    from .settings import load_settings

    notes, repeats = map(tuple, unique_sources(notes))
    for repeat, first in repeats:
        click.echo(f"noteassist: {repeat}: the same file as {first}; "
                   f"{'fixed' if fix or fix_to or diff else 'linted'} once", err=True)
    for option, value in (("--select", select), ("--ignore", ignore)):
        if value is not None and not _split(value):
            raise NoteassistError(f"{option}: no rule code, prefix or category given (see `noteassist rules`)")
    if (fix_to or annotate) and len(notes) != 1:
        raise NoteassistError(f"{'--fix-to' if fix_to else '--annotate'} takes exactly one note; got {len(notes)}")
    if annotate and not notes[0].lower().endswith(".docx"):
        raise NoteassistError(f"{notes[0]}: --annotate needs a .docx note (write one with `noteassist export`)")
    if annotate and not annotate.lower().endswith(".docx"):
        raise NoteassistError(f"{annotate}: the annotated copy must be a .docx file")
    if note_type is not None:
        if resolve_note_type(note_type) is None:
            raise NoteassistError(f"--type: unknown note type {note_type!r}; expected one of {', '.join(NOTE_TYPES)}")
        note_type = resolve_note_type(note_type)
    if fix or fix_to or diff:
        for path in notes:
            _check_fixable(path)
    settings = load_settings(config_path, notes[0], select=_split(select), ignore=_split(ignore),
                             columns=_key_values(columns, "--column"))
    linter = Linter(settings.lint, model=settings.model)
    tally = LintTally()
    results = tally.count(lint_sources(linter, notes, note_type=note_type, previous=previous,
                                       columns=settings.lint.columns, batch_size=settings.batch_size,
                                       template_dirs=template_dirs,
                                       on_warning=lambda line: click.echo(f"noteassist: {line}", err=True)))

    def report_error(item) -> None:
        click.echo(f"noteassist: {item.message}", err=True)

    if annotate or fix or fix_to or diff:
        # One result per note file (exports and stdin were refused above): pair them with their sources.
        results = list(results)
        for error in (r for r in results if isinstance(r, LintError)):
            report_error(error)
        pairs = [(path, r) for path, r in zip(notes, results) if not isinstance(r, LintError)]
        if annotate and pairs:
            _annotate(notes[0], pairs[0][1], annotate, force)
        if fix or fix_to or diff:
            fixable = [(path, result, safe_edits(result.findings)) for path, result in pairs]
            if diff:
                patches = [_fix_diff(path, edits) for path, _, edits in fixable if edits]
                click.echo("".join(patches), nl=False)
                sys.exit(2 if tally.errors else 1 if patches else 0)
            for path, result, edits in fixable:
                if edits:
                    try:
                        _apply_fixes(path, result.path, edits, fix_to, force)
                    except NoteassistError as exc:  # one note that cannot be written never stops the others
                        for line in exc.lines():
                            click.echo(f"noteassist: {line}", err=True)
                        tally.errors += 1
                        continue
                    fixed = {(e.start, e.end) for e in edits}
                    result.findings = [f for f in result.findings if (f.start, f.end) not in fixed or f.fix is None]
        # What --fix removed is no longer a finding: count what is left.
        errors, tally = tally.errors, LintTally()
        results = list(tally.count(r for r in results if not isinstance(r, LintError)))
        tally.errors = errors
    out = sys.stdout
    if fmt == "json":
        write_json(results, out)
    else:
        write_text(results, out, report_error)
        out.write(tally.summary() + "\n")
    out.flush()
    sys.exit(LintGate(fail_on).exit_code(tally))


def _annotate(note: str, result, annotate: str, force: bool) -> None:
    """Write a copy of a Word note with each finding as a review comment."""
    from .export import annotate_docx
    from .io import write_atomic
    from .io.files import read_bytes

    data, count = annotate_docx(read_bytes(note, expected="a .docx note"), result.findings, label=note)
    _check_output(annotate, force, [note], same=f"{annotate}: the annotated copy must be a new file, not the note itself")
    write_atomic(annotate, data, overwrite=True, source=note)
    click.echo(f"wrote {annotate} ({count} comment{'s' if count != 1 else ''})", err=True)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
@click.option("-t", "--template", help="Template, when INPUT is visit facts.")
@templates_option
@force_option
@_handle_errors
def export(input_path: str, out: str, template: str | None, template_dirs: tuple[str, ...], force: bool) -> None:
    """Write a DOCX of one note, from visit facts (.yaml/.json) or from note text (.md/.txt/.docx)."""
    from .app.draft import note_document
    from .io import write_atomic

    if not out.lower().endswith(".docx"):
        raise NoteassistError(f"{out}: the output must be a .docx file")
    _check_output(out, force, [input_path])
    document = note_document(_note_from_input(input_path, template, template_dirs))
    write_atomic(out, document, overwrite=True, source=input_path)
    click.echo(f"wrote {out}", err=True)


@main.command()
@click.argument("claim_dir", metavar="CLAIM_DIR", type=click.Path(file_okay=False))
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day (YYYY-MM-DD).")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day (YYYY-MM-DD).")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
@click.option("--kind", type=click.Choice(["progress", "closure"]), default="progress", show_default=True)
@click.option("--letterhead", type=click.Path(dir_okay=False, exists=True),
              help="Agency base document (.docx): its styles, header, logo and footer are kept.")
@templates_option
@click.option("--pdf", is_flag=True, help="Also write OUT.pdf with LibreOffice (headless).")
@click.option("--strict", is_flag=True,
              help="Write nothing when the report has a lint finding (warning or worse), a missing required "
                   "element or contradictory contacts.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="error", show_default=True,
              help="Exit 1 when a lint finding of the report is at or above this severity.")
@force_option
@config_option
@_handle_errors
def report(claim_dir: str, start, end, out: str, kind: str, letterhead: str | None, template_dirs: tuple[str, ...],
           pdf: bool, strict: bool, fail_on: str, force: bool, config_path: str | None) -> None:
    """Adjuster update (or closure) report for one claim folder over a period, as DOCX.

    The folder holds claim.yaml and one visit-facts file (or note) per contact. The report's text is
    linted for an adjuster reader first; findings, missing report elements and contradictions between
    contacts go to stderr.
    """
    from .adjuster import FolderClaimSource
    from .adjuster.claim import CLAIM_FILES
    from .app.report import build_report, report_document, report_pdf
    from .io import write_atomic
    from .io.files import read_bytes

    if not out.lower().endswith(".docx"):
        raise NoteassistError(f"{out}: the report must be a .docx file")
    pdf_out = Path(out).with_suffix(".pdf")
    outputs = (out, *((str(pdf_out),) if pdf else ()))
    for target in outputs:
        _check_output(target, force, [letterhead])
    base = read_bytes(letterhead, expected="a .docx letterhead") if letterhead else None
    if base is not None:
        from .export.letterhead import clean_letterhead

        base, removed = clean_letterhead(base, letterhead)
        for item in removed:
            click.echo(f"noteassist: {letterhead}: removed {item} (a report links to nothing outside it)", err=True)
    source = FolderClaimSource(claim_dir)
    run = build_report(source, start.date(), end.date(), kind=kind,
                       config=_config(config_path, claim_dir), template_dirs=template_dirs, label=out)
    if source.ignored:  # said, never silent: a report or a PDF kept in the folder is not a contact
        click.echo(f"noteassist: report: not contacts, left out: {', '.join(source.ignored)}", err=True)
    for finding in run.findings:
        click.echo(f"noteassist: report: {finding.rule} [{finding.severity}] {finding.message}: "
                   f"\"{_excerpt(finding.text)}\"", err=True)
    for missing in run.missing:
        click.echo(f"noteassist: report: missing {missing.element}: {missing.reason}", err=True)
    for contradiction in run.contradictions:
        click.echo(f"noteassist: report: contradiction: {contradiction}", err=True)
    decision = run.decision(strict=strict, fail_on=fail_on)
    if not decision.write:
        click.echo(f"noteassist: --strict: {out} not written ({', '.join(decision.reasons)})", err=True)
        sys.exit(decision.exit_code)
    for target in outputs:  # never over a contact or claim.yaml the report was made from
        _check_output(target, True, _claim_inputs(source))
    document = report_document(run, base, letterhead_label=letterhead or "letterhead")
    private = next((p for p in _claim_inputs(source) if p.name in CLAIM_FILES), None)  # as private as the claim
    write_atomic(out, document, overwrite=True, source=private)
    built = run.report
    click.echo(f"wrote {out} (report No. {built.report_number}, {len(built.contacts)} contacts, "
               f"{built.period_start} to {built.period_end})", err=True)
    if pdf:
        write_atomic(pdf_out, report_pdf(document, label=out), overwrite=True, source=private)
        click.echo(f"wrote {pdf_out}", err=True)
    sys.exit(decision.exit_code)


@main.command()
@click.argument("exports", metavar="EXPORT...", nargs=-1, required=True, type=click.Path())
@click.option("--client", required=True, metavar="ID|NAME",
              help="The client: an agency client id (ID or AGENCY:ID) or a name ('First Last' or 'Last, First').")
@click.option("--dob", required=True, metavar="YYYY-MM-DD", help="The client's date of birth.")
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="The .docx or .html to write.")
@click.option("--consents", "consents", multiple=True, type=click.Path(dir_okay=False),
              help="Releases of information (CSV: agency, client_id, scope, expires); repeatable. A consents "
                   "file among the EXPORTs is read as one too.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help="Merge an agency's client only at or above this match score. Default 0.90.")
@click.option("--possible-from", type=click.FloatRange(0, 1), default=None,
              help="List clients scoring from here up to the threshold as possible matches, not merged. "
                   "Default 0.20.")
@click.option("--gap-days", type=click.IntRange(min=1), default=None,
              help="Report a gap in service when no record falls in more than this many days. Default 30.")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Date consents must be in force on (YYYY-MM-DD). Default: today.")
@force_option
@_handle_errors
def history(exports: tuple[str, ...], client: str, dob: str, out: str, consents: tuple[str, ...],
            threshold: float | None, possible_from: float | None, gap_days: int | None, as_of, force: bool) -> None:
    """A dated history of one client across several agencies' exports (CSV, JSONL), as DOCX or HTML.

    Records are linked to the client by match score; records from an agency without a current release
    appear only as "record withheld: no consent on file". A record or file that cannot be read is
    reported on its own line and the others are still used (exit 2 at the end). See docs/history.md.
    """
    from .history import (DEFAULT_GAP_DAYS, DEFAULT_POSSIBLE_FROM, DEFAULT_THRESHOLD, OUTPUT_SUFFIXES,
                          build_history, render)
    from .history.load import parse_date
    from .io import write_atomic

    if not out.lower().endswith(OUTPUT_SUFFIXES):
        raise NoteassistError(f"{out}: the history must be a .docx or .html file")
    try:
        birth = parse_date(dob)
    except ValueError as exc:
        raise NoteassistError(f"--dob: {exc}") from None
    if birth is None:
        raise NoteassistError("--dob: empty; expected YYYY-MM-DD")
    threshold = DEFAULT_THRESHOLD if threshold is None else threshold
    possible_from = DEFAULT_POSSIBLE_FROM if possible_from is None else possible_from
    if possible_from > threshold:
        raise NoteassistError(f"--possible-from {possible_from:.2f}: above --threshold {threshold:.2f}")
    _check_output(out, force, [*exports, *consents])
    result = build_history(list(exports), client=client, dob=birth, consents=list(consents),
                           threshold=threshold, possible_from=possible_from,
                           gap_days=gap_days or DEFAULT_GAP_DAYS, as_of=as_of.date() if as_of else None)
    for line in result.errors:
        click.echo(f"noteassist: {line}", err=True)
    timeline = result.timeline
    for line in timeline.possible:
        click.echo(f"noteassist: history: {line}", err=True)
    write_atomic(out, render(timeline, out), overwrite=True, source=exports[0])
    click.echo(f"wrote {out} ({len(timeline.entries)} entries; {len(timeline.linked)} agency clients linked, "
               f"{timeline.withheld_count} withheld; {len(timeline.gaps)} gap{'s' if len(timeline.gaps) != 1 else ''} "
               f"over {timeline.gap_days} days)", err=True)
    if result.errors:
        sys.exit(2)


def _claim_inputs(source) -> list[Path]:
    """The files of a claim folder a report read: all but hidden ones and those it ignored (a scan)."""
    return [path for path in source.folder.iterdir()
            if path.is_file() and not path.name.startswith((".", "~$")) and path.name not in source.ignored]


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


@main.command()
@templates_option
@click.option("--fields", "fields_of", metavar="TEMPLATE",
              help="List the facts fields TEMPLATE prints, and the set fields it leaves out.")
@_handle_errors
def templates(template_dirs: tuple[str, ...], fields_of: str | None) -> None:
    """List templates with their note type and required facts."""
    from .render import list_templates, template_fields

    if fields_of:
        printed, dropped = template_fields(fields_of, template_dirs)
        for path in printed:
            click.echo(path)
        for path in dropped:
            click.echo(f"{path}  (not printed)")
        return
    for info in list_templates(template_dirs):
        click.echo(f"{info.name}  [{info.note_type}]  {info.description}")
        click.echo(f"    requires: {', '.join(info.requires) or '-'}")


@main.command()
@config_option
@_handle_errors
def rules(config_path: str | None) -> None:
    """List every rule: code, category, state (on/off) and severity under the configuration in force."""
    from .lint import all_rules

    config = _config(config_path, ".")
    for code, rule in all_rules().items():
        state = "on " if config.is_enabled(rule) else "off"
        click.echo(f"{code}  {rule.category:<24} {state} {config.severity_for(rule):<8} {rule.name}: {rule.summary}")


@main.command()
@click.argument("code")
@_handle_errors
def rule(code: str) -> None:
    """Explain one rule, with a bad and a good example."""
    from .lint import all_rules

    found = all_rules().get(code.upper())
    if found is None:
        raise NoteassistError(f"unknown rule {code!r}; `noteassist rules` lists them")
    options = ", ".join(f"{k}={v!r}" for k, v in found.defaults.items())
    click.echo(f"{found.code} {found.name} ({found.category}, default {found.severity})\n")
    click.echo(f"{found.summary}\n\n{found.explanation.strip()}\n")
    click.echo(f"Bad:  {found.bad}\nGood: {found.good}")
    if options:
        click.echo(f"\nOptions: {options}")
    if found.source:
        click.echo(f"Source: {found.source}")


@main.command()
@click.option("--host", default=None, help="Address to listen on.  [default: 127.0.0.1, or NOTEASSIST_HOST]")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on.  [default: 8080, or NOTEASSIST_PORT]")
@click.option("--db", "database_url", metavar="URL", default=None,
              help="Database: sqlite:///PATH or postgresql+psycopg://... Default: NOTEASSIST_DATABASE_URL, else "
                   "a SQLite file under the user's data directory.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes, each with its own copy of the model.  [default: 1, or NOTEASSIST_WORKERS]")
@templates_option
@config_option
@_handle_errors
def serve(host: str | None, port: int | None, database_url: str | None, workers: int | None,
          template_dirs: tuple[str, ...], config_path: str | None) -> None:
    """Run the HTTP API (OpenAPI at /openapi.json, docs at /docs) until stopped.

    The database schema is created or upgraded at start-up; each worker loads the spaCy model once
    (GET /readyz answers 200 when it has). Make the first accounts with `noteassist users add` and
    `noteassist tokens create`.
    """
    from .service.server import serve as run_server
    from .settings import load_settings

    flags = {"host": host, "port": port, "database_url": database_url, "workers": workers,
             "template_dirs": tuple(Path(d).resolve() for d in template_dirs) or None}
    settings = load_settings(config_path, ".")
    settings = settings.model_copy(update={k: v for k, v in flags.items() if v is not None})
    run_server(settings)


# --- the service's database, accounts and audit (`db`, `users`, `tokens`, `audit`) -------------------------

db_option = click.option(
    "--db", "database_url", metavar="URL", default=None,
    help="Database: sqlite:///PATH or postgresql+psycopg://... Default: NOTEASSIST_DATABASE_URL, else a SQLite "
         "file under the user's data directory.",
)


def _database_url(flag: str | None) -> str:
    from .settings import Settings
    from .storage import default_database_url

    return flag or Settings().database_url or default_database_url()


class _Database:
    """An engine and sessions on --db for one command; database errors become one line, with no URL
    (it may hold a password) and no SQL (it may hold a name)."""

    def __init__(self, flag: str | None, *, migrate: bool, read_only: bool = False) -> None:
        from .storage import ensure_schema, make_engine, session_factory

        self.engine = make_engine(_database_url(flag))
        with self._errors():
            if migrate:
                ensure_schema(self.engine)
            elif not self._has_schema():
                raise NoteassistError("--db: no noteassist database there yet; run `noteassist db upgrade`")
        # Checking the audit trail writes nothing, so it must not hold the service's writers up.
        self.Session = session_factory(self.engine, read_only=read_only)

    def _has_schema(self) -> bool:
        from .storage import current_revision

        return current_revision(self.engine) is not None

    @staticmethod
    def _errors():
        import contextlib

        from sqlalchemy.exc import SQLAlchemyError

        @contextlib.contextmanager
        def guard():
            try:
                yield
            except SQLAlchemyError as exc:
                cause = type(getattr(exc, "orig", None) or exc).__name__
                raise NoteassistError(f"--db: the database refused the operation ({cause}); is it reachable "
                                      "and migrated (`noteassist db upgrade`)?") from None
        return guard()

    def run(self, work):
        """`work(session)` in one transaction; returns its result."""
        try:
            with self._errors(), self.Session() as session, session.begin():
                return work(session)
        finally:
            self.engine.dispose()


@main.group()
def db() -> None:
    """Create, upgrade or downgrade the service's database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
@db_option
@_handle_errors
def db_upgrade(revision: str, database_url: str | None) -> None:
    """Migrate the database to REVISION (default: the newest); creates it when new."""
    from .storage import current_revision, make_engine, upgrade

    engine = make_engine(_database_url(database_url))
    try:
        with _Database._errors():
            upgrade(engine, revision)
            click.echo(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()


@db.command("downgrade")
@click.argument("revision")
@db_option
@_handle_errors
def db_downgrade(revision: str, database_url: str | None) -> None:
    """Migrate the database down to REVISION ("base" removes every table, and the data in them)."""
    from .storage import current_revision, downgrade, make_engine

    engine = make_engine(_database_url(database_url))
    try:
        with _Database._errors():
            downgrade(engine, revision)
            click.echo(f"database at revision {current_revision(engine) or 'base'}")
    finally:
        engine.dispose()


@main.group()
def users() -> None:
    """Make and list the service's user accounts (as the local administrator)."""


@users.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["case_manager", "supervisor", "admin", "auditor"]))
@click.option("--name", "display_name", default=None, help="Display name.")
@click.option("--password", is_flag=True, help="Also set a password (asked for, never a flag value).")
@db_option
@_handle_errors
def users_add(username: str, role: str, display_name: str | None, password: bool, database_url: str | None) -> None:
    """Add USERNAME with a role; then `noteassist tokens create USERNAME` gives them a token."""
    from .app.accounts import create_user

    secret = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True) if password else None
    user = _Database(database_url, migrate=True).run(
        lambda s: create_user(s, None, username, role, display_name=display_name, password=secret))
    click.echo(f"user {user.id} {user.username} ({user.role})")


@users.command("list")
@db_option
@_handle_errors
def users_list(database_url: str | None) -> None:
    """Every user: id, username, role, active or not, display name."""
    from .app.accounts import list_users

    def rows(session):
        return [(u.id, u.username, u.role, u.active, u.display_name) for u in list_users(session, None)]

    for id_, username, role, active, name in _Database(database_url, migrate=False).run(rows):
        click.echo(f"{id_}\t{username}\t{role}\t{'active' if active else 'inactive'}\t{name or ''}")


@users.command("disable")
@click.argument("username")
@db_option
@_handle_errors
def users_disable(username: str, database_url: str | None) -> None:
    """Turn USERNAME's account off: every token of theirs gets 401 from now on."""
    from .app.accounts import set_active

    _Database(database_url, migrate=False).run(lambda s: set_active(s, None, username, False))
    click.echo(f"user {username} disabled")


@users.command("enable")
@click.argument("username")
@db_option
@_handle_errors
def users_enable(username: str, database_url: str | None) -> None:
    """Turn USERNAME's account on again."""
    from .app.accounts import set_active

    _Database(database_url, migrate=False).run(lambda s: set_active(s, None, username, True))
    click.echo(f"user {username} enabled")


@main.group()
def tokens() -> None:
    """Create, list and revoke API tokens (only their SHA-256 is stored)."""


@tokens.command("create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for (a laptop, an integration).")
@db_option
@_handle_errors
def tokens_create(username: str, name: str, database_url: str | None) -> None:
    """Print a new token for USERNAME on stdout: it is shown this once and cannot be recovered."""
    from .app.accounts import create_token

    def create(session):
        token, plaintext = create_token(session, None, username, name)
        return token.id, plaintext

    token_id, plaintext = _Database(database_url, migrate=True).run(create)
    click.echo(plaintext)
    click.echo(f"token {token_id} for {username}: store it now; it is not shown again", err=True)


@tokens.command("list")
@click.argument("username", required=False)
@db_option
@_handle_errors
def tokens_list(username: str | None, database_url: str | None) -> None:
    """Tokens (never their secrets): id, user, name, created, revoked."""
    from .app.accounts import list_tokens

    def rows(session):
        return [(t.id, t.user.username, t.name, t.created_at, t.revoked_at) for t in list_tokens(session, None, username)]

    for id_, user, name, created, revoked in _Database(database_url, migrate=False).run(rows):
        state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "active"
        click.echo(f"{id_}\t{user}\t{name}\t{created:%Y-%m-%d %H:%M}\t{state}")


@tokens.command("revoke")
@click.argument("token_id", type=int)
@db_option
@_handle_errors
def tokens_revoke(token_id: int, database_url: str | None) -> None:
    """Revoke token TOKEN_ID: requests with it get 401 from now on."""
    from .app.accounts import revoke_token

    _Database(database_url, migrate=False).run(lambda s: revoke_token(s, None, token_id))
    click.echo(f"token {token_id} revoked")


@main.group()
def audit() -> None:
    """Check the audit trail."""


@audit.command("verify")
@click.option("--head", "known_head", metavar="ID:HASH", default=None,
              help="An event id and hash noted earlier (`noteassist audit head`): it must still be there, "
                   "unchanged, which catches events cut off the end.")
@db_option
@_handle_errors
def audit_verify(known_head: str | None, database_url: str | None) -> None:
    """Walk the hash chain: exit 0 when intact, 1 naming the first edited, deleted or reordered event."""
    import re

    from .app.audit import verify

    head = None
    if known_head is not None:
        event_id, _, digest = known_head.partition(":")
        if not event_id.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise NoteassistError("--head: expected ID:HASH as `noteassist audit head` prints it")
        head = (int(event_id), digest)
    result = _Database(database_url, migrate=False, read_only=True).run(lambda s: verify(s, known_head=head))
    if result.ok:
        click.echo(f"audit trail intact: {result.checked} events")
        return
    click.echo(f"audit event {result.first_bad_id}: {result.reason} ({result.checked} events before it intact)")
    sys.exit(1)


@audit.command("head")
@db_option
@_handle_errors
def audit_head(database_url: str | None) -> None:
    """Print the last event as ID:HASH; keep it elsewhere and give it to `audit verify --head` later."""
    from .app.audit import head

    found = _Database(database_url, migrate=False, read_only=True).run(head)
    if found is None:
        raise NoteassistError("the audit trail is empty")
    click.echo(f"{found[0]}:{found[1]}")


def _fix_diff(path: str, edits) -> str:
    from .io.records import read_note
    from .lint.fix import apply_edits, unified_diff

    _check_fixable(path)
    before = read_note(path)
    return unified_diff(path, before, apply_edits(before, edits))


class _QAGroup(click.Group):
    """`noteassist qa INPUT...` runs a review; `qa queries DIR` and `qa responses DIR CSV` work on one. Arguments
    that do not start with a subcommand's name go to `qa run`, so the review keeps its short form."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx, formatter):
        formatter.write_usage(ctx.command_path, "[run] INPUT... [OPTIONS] | queries DIR | responses DIR ANSWERS.csv")


@main.group(cls=_QAGroup)
def qa() -> None:
    """QA review of many notes, and the reviewer's loop of queries to their authors (see docs/qa.md).

    \b
    noteassist qa INPUT... -o DIR           review: scores, findings.jsonl, notes.csv, summary.json
    noteassist qa queries DIR --by-author   a DOCX and CSV of queries per author
    noteassist qa responses DIR answers.csv import the authors' answers; summary.json shows the rates
    """


@qa.command("queries")
@click.argument("directory", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.option("--by-author", is_flag=True, help="One DOCX and CSV per author (else one queries.docx).")
@click.option("--min-severity", type=click.Choice(["info", "warning", "error"]), default="warning",
              show_default=True, help="Query findings at or above this severity.")
@click.option("--select", help="Comma-separated rule codes or categories to query (default: all).")
@_handle_errors
def qa_queries(directory: str, by_author: bool, min_severity: str, select: str | None) -> None:
    """Turn the findings of the qa run in DIR into queries to their authors, in DIR/queries/: each cites the
    note and quotes it, states the standard, and offers non-leading options (including "other" and "not
    clinically determinable")."""
    from .review.aggregate import write_summary
    from .review.outputs import read_summary
    from .review.queries import build_queries, query_rates, write_queries

    queries = build_queries(directory, min_severity=min_severity, rules=_split(select))
    written = write_queries(directory, queries, by_author=by_author)
    _refresh_query_rates(Path(directory), read_summary, write_summary, query_rates)
    authors = len({q.author for q in queries})
    click.echo(f"{len(queries)} quer{'y' if len(queries) == 1 else 'ies'} for {authors} author"
               f"{'' if authors == 1 else 's'}: {len(written)} files in {Path(directory) / 'queries'}")


@qa.command("responses")
@click.argument("directory", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.argument("answers", metavar="ANSWERS.csv", type=click.Path())
@_handle_errors
def qa_responses(directory: str, answers: str) -> None:
    """Import the authors' answers (CSV: query_id, answer, comment, answered_on) into DIR/queries/responses.jsonl
    and update summary.json's query, response and agreement rates. A bad row is reported on its own line and
    the others are kept; exit 2 if any row was bad."""
    from .review.aggregate import write_summary
    from .review.outputs import read_summary
    from .review.queries import import_responses, query_rates

    result = import_responses(directory, answers)
    for error in result.errors:
        click.echo(f"noteassist: {error}", err=True)
    rates = _refresh_query_rates(Path(directory), read_summary, write_summary, query_rates)
    click.echo(f"{result.imported} answer{'' if result.imported == 1 else 's'} imported"
               + (f" ({result.replaced} replacing an earlier answer)" if result.replaced else "")
               + (f"; response rate {rates['response_rate']:.0%}" if rates and rates["response_rate"] is not None else "")
               + (f", agreement {rates['agreement_rate']:.0%}" if rates and rates["agreement_rate"] is not None else ""))
    if result.errors:
        sys.exit(2)


def _refresh_query_rates(directory: Path, read_summary, write_summary, query_rates):
    """Put the current query rates into the run's summary.json (kept whole otherwise)."""
    rates = query_rates(directory)
    if (directory / "summary.json").is_file():
        summary = read_summary(directory)
        summary["queries"] = rates
        write_summary(directory, summary)
    return rates


@qa.command("run")
@click.argument("inputs", nargs=-1, metavar="INPUT...", type=click.Path())
@click.option("-o", "--out", type=click.Path(file_okay=False), help="Folder to write the outputs to.")
@click.option("--jobs", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=None, help="Notes per batch (default 64).")
@click.option("--resume", is_flag=True, help="Continue the interrupted run in DIR.")
@click.option("--sample", type=int, default=None, metavar="N", help="Review N notes, stratified by author.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample's draw.")
@click.option("--baseline", type=click.Path(exists=True), metavar="DIR", help="An earlier qa run to compare with.")
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--select", help="Comma-separated rule codes, prefixes or categories to run.")
@click.option("--ignore", help="Comma-separated rule codes, prefixes or categories to skip.")
@click.option("--column", "columns", multiple=True, metavar="KEY=NAME", help="Export column for KEY (repeatable).")
@click.option("--type", "note_type", help="Note type of every note (default: from metadata, or inferred).")
@click.option("--explain-score", is_flag=True, help="Print the scoring rubric in force and exit.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="For --explain-score.")
@click.option("--no-progress", is_flag=True, help="No progress on stderr.")
@click.option("--engine", type=click.Choice(["local", "spark"]), default="local", show_default=True,
              help="Lint here (--jobs processes) or on Spark (see docs/qa.md).")
@click.option("--spark-master", metavar="URL", envvar="NOTEASSIST_SPARK_MASTER", default=None,
              help="Spark master for --engine spark (default local[*], or spark-submit's).")
@config_option
@_handle_errors
def qa_run(inputs: tuple[str, ...], out: str | None, jobs: int | None, batch_size: int | None, resume: bool,
       sample: int | None, seed: int, baseline: str | None, fail_on: str, select: str | None, ignore: str | None,
       columns: tuple[str, ...], note_type: str | None, explain_score: bool, fmt: str, no_progress: bool,
       engine: str, spark_master: str | None, config_path: str | None) -> None:
    """QA review of many notes (files, folders, .csv/.jsonl exports), streaming: a 0-100 score per note,
    findings.jsonl, notes.csv and summary.json in DIR (see docs/qa.md). Exit 2 if any note could not be
    read, 1 if a finding reached --fail-on, else 0."""
    from .review.command import qa as run_qa_command

    sys.exit(run_qa_command(inputs, out=out, jobs=jobs, batch_size=batch_size, resume=resume, sample=sample,
                            seed=seed, baseline=baseline, fail_on=fail_on, select=_split(select),
                            ignore=_split(ignore), columns=_key_values(columns, "--column"), note_type=note_type,
                            config_path=config_path, explain_score=explain_score, explain_format=fmt,
                            progress=not no_progress, engine=engine, spark_master=spark_master))


def _check_fixable(path: str) -> None:
    if path.lower().endswith(FACTS_SUFFIXES):
        raise NoteassistError(f"{path}: fixes apply to note files, not to the visit facts a note is drafted from; "
                              "correct the facts and draft the note again")
    if path == "-" or path.lower().endswith((".csv", ".jsonl", ".ndjson")):
        raise NoteassistError(f"{'<stdin>' if path == '-' else path}: fixes apply to .txt, .md and .docx note files; "
                              "use --diff with a file, or fix the note in the case-management system")


def _apply_fixes(path: str, label: str, edits, fix_to: str | None, force: bool) -> None:
    """Write the fixed note to `fix_to`, or in place after keeping the original as NOTE.bak (NOTE.bak1...).

    The note keeps its encoding: the edits are made on the text as read, so CRLF line ends stay, and a
    UTF-8 BOM is put back. In place, the complete backup is on disk before the note is touched, and the
    note keeps its mode, owner, hard links and symlink (the real note is fixed; see `io.write`).
    """
    import codecs

    from .io.files import read_bytes
    from .io.write import write_atomic, write_backup
    from .lint.fix import apply_edits

    _check_fixable(path)
    is_docx = path.lower().endswith(".docx")
    if fix_to:
        if is_docx and Path(fix_to).suffix.lower() != ".docx":
            raise NoteassistError(f"{fix_to}: the fixed copy of a .docx note must be a .docx file")
        _check_output(fix_to, force, [path], same=f"{fix_to}: --fix-to must name a new file; use --fix to fix in place")
    elif not os.access(path, os.W_OK):  # a rename could replace it anyway: respect what the mode says
        raise NoteassistError(f"{path}: is read-only; make it writable, or write a fixed copy with --fix-to")
    original = read_bytes(path, expected="a .txt, .md or .docx note")
    if is_docx:
        from .export import fix_docx

        fixed = fix_docx(original, [(e.start, e.end, e.replacement) for e in edits], label=path)
    else:
        bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
        fixed = bom + apply_edits(original.decode("utf-8-sig"), edits).encode("utf-8")
    if fix_to:
        write_atomic(fix_to, fixed, overwrite=True, source=path)
        where = f"to {fix_to}"
    else:
        backup = write_backup(path, original)
        write_atomic(path, fixed, overwrite=True)
        where = f"in place; original kept as {backup}"
    click.echo(f"{label}: fixed {len(edits)} problem{'s' if len(edits) != 1 else ''} {where}", err=True)


def _note_from_input(input_path: str, template: str | None, template_dirs: tuple[str, ...]) -> str:
    """Note text from facts (rendered) or from a note file (as written)."""
    from .io.records import read_note

    if input_path.lower().endswith(FACTS_SUFFIXES):
        from .facts import load_facts
        from .render import render_note

        return render_note(load_facts(input_path), template, template_dirs, front_matter=True)
    return read_note(input_path)


def _write(out: str, data: str | bytes, force: bool, *, source: str) -> None:
    """Text to stdout for `-`; else a file made from `source`, checked by `_check_output` first."""
    if out == "-":
        click.echo(data, nl=not data.endswith("\n"))
        return
    from .io import write_atomic

    _check_output(out, force, [source])
    write_atomic(out, data, overwrite=True, source=source)


def _check_output(out: str, force: bool, inputs=(), *, same: str | None = None) -> None:
    """Refuse an output that is one of the command's inputs (also through a symlink, a hard link or
    another spelling of the path), then ask before replacing an existing file unless --force."""
    for source in inputs:
        if _same_file(out, source):
            raise NoteassistError(same or f"{out}: is the input {source}; write the output to a new file")
    if os.path.lexists(out) and not force:
        _confirm_overwrite(out)


def _same_file(one: str | Path | None, other: str | Path | None) -> bool:
    if not one or not other or "-" in (str(one), str(other)):
        return False
    try:
        return os.path.samefile(one, other)
    except OSError:  # one of them does not exist (yet), so it cannot be the other
        return False


def _confirm_overwrite(out: str) -> None:
    """Ask before replacing a user's file; without a terminal to ask on, refuse."""
    if sys.stdin.isatty() and click.confirm(f"{out} exists. Overwrite?", default=False, err=True):
        return
    raise NoteassistError(f"{out}: already exists; use --force to overwrite")


def _time_format(config_path: str | None, near: str, flag: str | None) -> str:
    """The time style drafts use: --time-format, else NOTEASSIST_TIME_FORMAT, else the config file's, else 12h."""
    from .settings import load_settings

    return load_settings(config_path, near, time_format=flag).lint.time_format


def _config(config_path: str | None, near: str):
    """The lint configuration in force: environment, then --config or the nearest config file above `near`."""
    from .settings import load_settings

    return load_settings(config_path, near).lint


def _key_values(pairs: tuple[str, ...], option: str) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise NoteassistError(f"{option} {pair!r}: expected KEY=NAME, e.g. {option} text=NoteBody")
        result[key.strip()] = value.strip()
    return result


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None
