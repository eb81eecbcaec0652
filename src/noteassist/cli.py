"""The `noteassist` command line: a thin shell over facts, render, lint and export.

Exit codes (CONTRACT.md): 0 success and no finding at or above --fail-on,
1 findings at or above --fail-on, 2 usage or input error (one line on stderr,
no traceback). Heavy libraries load inside the commands that need them.
"""

from __future__ import annotations

import functools
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="noteassist")
def main() -> None:
    """Draft, lint and export case-management notes. Runs offline."""


@main.command()
@click.argument("facts", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("-t", "--template", help="Template name (default: the facts' note type).")
@templates_option
@click.option("-o", "--out", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="Write the note here (.md keeps front matter; .txt is plain text). Default: stdout.")
@force_option
@_handle_errors
def draft(facts: str, template: str | None, template_dirs: tuple[str, ...], out: str, force: bool) -> None:
    """Render visit facts (YAML or JSON, `-` for stdin) into a note."""
    from .facts import load_facts
    from .render import render_note

    visit = load_facts(facts)
    plain = out.lower().endswith(".txt")
    note = render_note(visit, template, template_dirs, front_matter=not plain)
    if plain:
        note = _markdown_to_plain(note)
    _write(out, note, force)
    if out != "-":
        click.echo(f"wrote {out}", err=True)


@main.command()
@click.argument("notes", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--type", "note_type", help="Note type (default: from front matter, or inferred).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["info", "warning", "error"]), default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--select", help="Comma-separated rule codes, prefixes or categories to run.")
@click.option("--ignore", help="Comma-separated rule codes, prefixes or categories to skip.")
@config_option
@_handle_errors
def lint(notes: tuple[str, ...], note_type: str | None, fmt: str, fail_on: str,
         select: str | None, ignore: str | None, config_path: str | None) -> None:
    """Lint notes (.txt, .md, .docx; `-` for stdin).

    Settings come from --config, else the nearest noteassist.toml or pyproject.toml [tool.noteassist]
    above the first note (or the current directory for stdin); --select replaces the configured
    selection and --ignore adds to it.
    """
    from .lint import Linter, NoteInput
    from .lint.finding import severity_rank
    from .lint.output import format_json, format_text
    from .notefile import read_note

    inputs = [NoteInput(text=read_note(path), path="<stdin>" if path == "-" else path, note_type=note_type)
              for path in notes]
    config = _config(config_path, notes[0])
    if select:
        config.select = _split(select)
    config.ignore = [*config.ignore, *(_split(ignore) or [])]
    results = list(Linter(config).lint_many(inputs))
    click.echo(format_json(results) if fmt == "json" else format_text(results))
    threshold = severity_rank(fail_on)
    if any(severity_rank(f.severity) >= threshold for r in results for f in r.findings):
        sys.exit(1)


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(allow_dash=True, dir_okay=False))
@click.option("-o", "--out", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
@click.option("-t", "--template", help="Template, when INPUT is visit facts.")
@templates_option
@force_option
@_handle_errors
def export(input_path: str, out: str, template: str | None, template_dirs: tuple[str, ...], force: bool) -> None:
    """Write a DOCX of one note, from visit facts (.yaml/.json) or from note text (.md/.txt/.docx)."""
    from .export import export_docx

    if not out.lower().endswith(".docx"):
        raise NoteassistError(f"{out}: the output must be a .docx file")
    if not force and Path(out).exists():
        _confirm_overwrite(out)
        force = True
    text = _note_from_input(input_path, template, template_dirs)
    export_docx(text, out, overwrite=force)
    click.echo(f"wrote {out}", err=True)


@main.command()
@templates_option
@_handle_errors
def templates(template_dirs: tuple[str, ...]) -> None:
    """List templates with their note type and required facts."""
    from .render import list_templates

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


def _note_from_input(input_path: str, template: str | None, template_dirs: tuple[str, ...]) -> str:
    """Note text from facts (rendered) or from a note file (as written)."""
    from .notefile import read_note

    if input_path.lower().endswith(FACTS_SUFFIXES):
        from .facts import load_facts
        from .render import render_note

        return render_note(load_facts(input_path), template, template_dirs, front_matter=True)
    return read_note(input_path)


def _write(out: str, text: str, force: bool) -> None:
    if out == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    path = Path(out)
    if path.exists() and not force:
        _confirm_overwrite(out)
    try:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise NoteassistError(f"{out}: cannot write: {exc.strerror}") from None


def _confirm_overwrite(out: str) -> None:
    """Ask before replacing a user's file; without a terminal to ask on, refuse."""
    if sys.stdin.isatty() and click.confirm(f"{out} exists. Overwrite?", default=False, err=True):
        return
    raise NoteassistError(f"{out}: already exists; use --force to overwrite")


def _config(config_path: str | None, near: str):
    """The configuration in force: --config, else the nearest config file above `near`, else defaults."""
    from .lint import LintConfig
    from .lint.config import find_config, load_config

    path = Path(config_path) if config_path else find_config(Path.cwd() if near == "-" else Path(near))
    return load_config(path) if path else LintConfig()


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _markdown_to_plain(note: str) -> str:
    """Markdown headings and emphasis to plain text, for pasting into a case-management system."""
    import re

    lines = []
    for line in note.splitlines():
        if m := re.match(r"^#{1,6}\s+(.*)$", line):
            line = m.group(1).upper() if not line.startswith("# ") else m.group(1)
        lines.append(line.replace("**", ""))
    return "\n".join(lines) + "\n"
