"""A user's template cannot spend the machine or read outside its folder (render/limits.py, ContainedLoader).

Each hostile template must end quickly with one line naming the template and its line; a normal template
with a long list still renders.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from noteassist.cli import main
from noteassist.errors import TemplateError
from noteassist.facts import load_facts
from noteassist.render import render_note
from noteassist.render.environment import build_environment

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_FACTS = ROOT / "examples" / "physician-visit-modified-duty.yaml"
SECRET = "root:$6$saltsalt$TOPSECRETHASH:19000"

#: (template, a phrase of the expected message). Each ran until killed before the limits.
HOSTILE = {
    "power": ("{{ 10**(10**9) }}", "a power of more than"),
    "power-in-a-variable": ("{% set n = 10**9 %}{{ 7 ** n }}", "a power of more than"),
    "product": ("{% set n = 2**4000 %}{{ n * n }}", "a product of more than"),
    "repeated-string": ('{{ "x" * 10**9 }}', "a repeated string or list"),
    "repeated-list": ("{{ [0] * 10**9 }}", "a repeated string or list"),
    "nested-ranges": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
                      "loop iterations"),
    "filter-inside-loop": ("{% set big = range(100000)|list %}{{ range(100000)|select('in', big)|list|length }}",
                           "loop iterations"),
    "list-doubled-in-a-loop": ("{% set l = [1] %}{% for i in range(40) %}{% set _ = l.extend(l) %}{% endfor %}",
                               "from .extend()"),
    "list-grown-in-a-loop": (('{% set l = [] %}{% for i in range(100000) %}{% set _ = l.append("y" * 999999) %}'
                              "{% endfor %}{{ l | join }}"), "produced more than"),
    "string-doubled-in-a-loop": (('{% set ns = namespace(s="x") %}{% for i in range(40) %}'
                                  "{% set ns.s = ns.s + ns.s %}{% endfor %}"), "a joined string"),
    "concat-doubled": (('{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
                        "{% endfor %}"), "a joined string"),
    "captured-block": ('{% set x %}{% for i in range(100000) %}{{ "y" * 999999 }}{% endfor %}{% endset %}{{ x }}',
                       "produced more than"),
    "output": ('{% for i in range(99999) %}{{ "x" * 99999 }}{% endfor %}', "the note is longer than"),
    "ljust": ('{{ "x".ljust(10**9) }}', "from .ljust()"),
    "center-filter": ('{{ "x" | center(10**9) }}', "center filter"),
    "format-width": ('{{ "{:>999999999}".format(1) }}', "a format width"),
    "printf-width": ('{{ "%999999999d" % 1 }}', "a format width"),
    "printf-star": ('{{ "%*d" % (999999999, 1) }}', "'*' width"),
    "batch-fill": ("{{ [1] | batch(10**9, 0) | list }}", "batch filter"),
    "replace-everywhere": ('{% set s = "a" * 999999 %}{{ s.replace("", s) }}', "from .replace()"),
    "branching-macro": ("{% macro f(n) %}{% if n < 40 %}{{ f(n+1) }}{{ f(n+1) }}{% endif %}{% endmacro %}{{ f(0) }}",
                        ""),
    "recursive-loop": ("{% for x in [1, 2] recursive %}{{ loop([1, 2]) }}{% endfor %}", "recursion too deep"),
    "self-calling-macro": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", "recursion too deep"),
    "lipsum": ("{{ lipsum(10**9) }}", "undefined variable 'lipsum'"),
}


def _template_dir(tmp_path: Path, source: str, name: str = "hostile") -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.md.j2").write_text("Visit note.\n" + source + "\n", encoding="utf-8")
    return folder


def _render_within(seconds: float, *args, **kwargs):
    """render_note in a thread: a template that hangs fails the test instead of hanging the run."""
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["text"] = render_note(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still rendering after {seconds} s"
    return outcome, time.monotonic() - started


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_template_stops_quickly_with_one_line(tmp_path: Path, case: str) -> None:
    source, phrase = HOSTILE[case]
    folder = _template_dir(tmp_path, source)
    outcome, elapsed = _render_within(30, load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    error = outcome.get("error")
    assert isinstance(error, TemplateError), outcome
    message = str(error)
    assert "\n" not in message and message.startswith("template hostile, line 2: "), message
    assert phrase in message
    assert elapsed < 5, f"{case} took {elapsed:.1f} s"


def test_the_cpu_budget_ends_work_the_counts_do_not_see(tmp_path: Path) -> None:
    # 100,000 iterations is within the loop budget, but each one scans a 100,000-item list.
    source = ("{% set big = [0] * 100000 %}{% for i in range(99000) %}{% if -1 in big %}x{% endif %}"
              "{% endfor %}")
    outcome, elapsed = _render_within(30, load_facts(EXAMPLE_FACTS), "hostile",
                                      template_dirs=[_template_dir(tmp_path, source)])
    assert "CPU time" in str(outcome.get("error")) and elapsed < 5


def test_the_cli_says_one_line_and_exits_2(tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "{{ 10**(10**9) }}")
    result = CliRunner().invoke(main, ["draft", str(EXAMPLE_FACTS), "-t", "hostile", "--templates", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "noteassist: template hostile, line 2: a power of more than 4,096 bits"]


def test_a_normal_template_with_a_200_item_list_still_renders(tmp_path: Path) -> None:
    source = ("{% set items = range(200)|list %}"
              "{% for i in items %}- Item {{ i }}: {{ '%03d' % i }} {{ ('entry ' ~ i) | upper }}"
              "{{ ' (%s)' | format(loop.index) }}\n{% endfor %}"
              "{% set rows = [] %}{% for i in items %}{% set _ = rows.append(i * 2) %}{% endfor %}"
              "Total {{ rows | sum }}; {{ items | map('string') | join(', ') | length }} characters.\n"
              "{{ 2 ** 64 }} {{ 'x' * 80 }}\n")
    outcome, _ = _render_within(30, load_facts(EXAMPLE_FACTS), "hostile",
                                template_dirs=[_template_dir(tmp_path, source)])
    text = outcome.get("text")
    assert text is not None, outcome
    assert "- Item 199: 199 ENTRY 199 (200)" in text and "Total 39800;" in text
    assert str(2 ** 64) in text


def test_every_built_in_template_renders_within_the_limits() -> None:
    from noteassist.render import list_templates

    for info in list_templates():
        facts = load_facts(EXAMPLE_FACTS)
        if info.note_type == facts.note_type:
            assert render_note(facts, info.name)


def test_limits_hold_for_report_templates_too(tmp_path: Path) -> None:
    env = build_environment([tmp_path], kind="reports")
    with pytest.raises(TemplateError, match="loop iterations"):
        env.from_string("{% for a in range(100000) %}{% for b in range(10) %}{% endfor %}{% endfor %}").render()


# --- only its own folder, and no file's text in a message ---------------------------------------------

@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "shadow"
    path.write_text(SECRET + "\n{% " + SECRET + " %}\n", encoding="utf-8")
    return path


def _assert_no_secret(message: str) -> None:
    assert "\n" not in message
    assert "TOPSECRET" not in message and "$6$" not in message and "19000" not in message


@pytest.mark.parametrize("statement", [
    '{% include "_part.md.j2" %}',
    '{% import "_part.md.j2" as part %}',
    '{% from "_part.md.j2" import anything %}',
    '{% extends "_part.md.j2" %}',
])
def test_a_symlink_out_of_the_folder_is_refused_for_every_way_in(tmp_path: Path, secret: Path,
                                                                 statement: str) -> None:
    folder = _template_dir(tmp_path, statement)
    (folder / "_part.md.j2").symlink_to(secret)
    with pytest.raises(TemplateError) as exc:
        render_note(load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    assert "links outside" in str(exc.value) and "line 2" in str(exc.value)
    _assert_no_secret(str(exc.value))


def test_a_symlinked_subfolder_out_of_the_folder_is_refused(tmp_path: Path, secret: Path) -> None:
    folder = _template_dir(tmp_path, '{% include "sub/shadow" %}')
    (folder / "sub").symlink_to(secret.parent)
    with pytest.raises(TemplateError, match="links outside") as exc:
        render_note(load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    _assert_no_secret(str(exc.value))


@pytest.mark.parametrize("name", ["../shadow", "sub/../../shadow", "/etc/passwd"])
def test_a_name_climbing_out_of_the_folder_is_not_found(tmp_path: Path, secret: Path, name: str) -> None:
    folder = _template_dir(tmp_path, f'{{% include "{name}" %}}')
    with pytest.raises(TemplateError) as exc:
        render_note(load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    assert str(exc.value).startswith(f"template hostile, line 2: no template '{name}'")
    _assert_no_secret(str(exc.value))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to hand a file to another user")
def test_a_hard_link_to_another_users_file_is_refused(tmp_path: Path, secret: Path) -> None:
    os.chown(secret, 12345, 12345)
    folder = _template_dir(tmp_path, '{% include "_part.md.j2" %}')
    os.link(secret, folder / "_part.md.j2")
    with pytest.raises(TemplateError, match="hard link") as exc:
        render_note(load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    _assert_no_secret(str(exc.value))


@pytest.mark.parametrize("content", [
    "{% " + SECRET + " %}",            # an unknown tag: Jinja quotes it
    "{{ " + SECRET + " }}",            # an unexpected token
    "{% for x in %}" + SECRET,
    "{{ '" + SECRET + " }}",           # an unclosed string
])
def test_a_syntax_error_names_the_file_and_line_without_its_text(tmp_path: Path, content: str) -> None:
    folder = _template_dir(tmp_path, '{% include "notes.txt" %}')
    (folder / "notes.txt").write_text("first line\n" + content + "\n", encoding="utf-8")
    with pytest.raises(TemplateError) as exc:
        render_note(load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    message = str(exc.value)
    assert message.startswith("template notes.txt, line 2: "), message
    _assert_no_secret(message)


def test_a_syntax_error_keeps_jinjas_own_words(tmp_path: Path) -> None:
    folder = _template_dir(tmp_path, "{% if x %}")
    with pytest.raises(TemplateError) as exc:
        render_note(load_facts(EXAMPLE_FACTS), "hostile", template_dirs=[folder])
    assert "'endif'" in str(exc.value) and "line" in str(exc.value)


def test_a_single_long_filter_call_is_stopped_by_the_watchdog(tmp_path: Path) -> None:
    # One urlize of a megabyte runs for seconds inside one filter call, where no hook checks the clock.
    source = '{% set s = "a. b " * 199999 %}{{ s | urlize | length }}'
    outcome, elapsed = _render_within(30, load_facts(EXAMPLE_FACTS), "hostile",
                                      template_dirs=[_template_dir(tmp_path, source)])
    assert "CPU time" in str(outcome.get("error")) and "line 2" in str(outcome.get("error"))
    assert elapsed < 10


def test_a_hostile_render_does_not_disturb_one_beside_it_or_the_next(tmp_path: Path) -> None:
    facts = load_facts(EXAMPLE_FACTS)
    folder = _template_dir(tmp_path, "{% set big = [0] * 100000 %}{% for a in range(100000) %}{{ -1 in big }}{% endfor %}")
    results: dict[str, object] = {}

    def hostile() -> None:
        try:
            render_note(facts, "hostile", template_dirs=[folder])
        except TemplateError as exc:
            results["hostile"] = str(exc)

    def normal() -> None:
        results["normal"] = [render_note(facts) for _ in range(20)]

    threads = [threading.Thread(target=hostile), threading.Thread(target=normal)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert "CPU time" in str(results["hostile"])
    assert len(results["normal"]) == 20 and len(set(results["normal"])) == 1
    # Nothing raised by the limits is left over for the thread's next work.
    for _ in range(200):
        assert render_note(facts) == results["normal"][0]
    time.sleep(0.3)
    assert render_note(facts) == results["normal"][0]


def test_renders_under_a_tracer_finish(tmp_path: Path) -> None:
    """Coverage tools and debuggers trace; a render must not leave the interpreter in a state where the
    next traced render never ends (as clearing a pending watchdog exception with NULL once did)."""
    import sys

    facts = load_facts(EXAMPLE_FACTS)
    folder = _template_dir(tmp_path, '{% set s = "a. b " * 199999 %}{{ s | urlize | length }}')
    finished: list[str] = []

    def traced() -> None:
        with pytest.raises(TemplateError, match="CPU time"):
            render_note(facts, "hostile", template_dirs=[folder])  # the watchdog fires
        render_note(facts)

        def tracer(frame, event, arg):
            return tracer

        sys.settrace(tracer)
        try:
            finished.append(render_note(facts))
        finally:
            sys.settrace(None)

    worker = threading.Thread(target=traced, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive() and finished and finished[0].startswith("---\n")


def test_compiling_an_included_template_is_not_charged_to_the_render(tmp_path: Path) -> None:
    """The first render of a template importing a big macro file compiles it inside the render; that
    compile is the loader's work, so the render's CPU deadline moves by what it cost."""
    from noteassist.render import limits

    folder = tmp_path / "templates"
    folder.mkdir()
    macros = "".join(f"{{% macro m{i}(x) %}}{{% if x %}}{{{{ x }}}}{{% else %}}-{{% endif %}}{{% endmacro %}}\n"
                     for i in range(400))
    (folder / "_big.md.j2").write_text(macros, encoding="utf-8")
    (folder / "uses.md.j2").write_text('{% import "_big.md.j2" as big %}{{ big.m7("ok") }}\n', encoding="utf-8")
    env = build_environment([folder])
    moved: list[float] = []
    real_excused = limits.excused

    def watching():
        import contextlib

        @contextlib.contextmanager
        def block():
            current = limits._BUDGET.get()  # None while get_template compiles the top-level file
            before = current.deadline if current else 0.0
            with real_excused():
                yield
            if current:
                moved.append(current.deadline - before)
        return block()

    limits.excused = watching
    try:
        assert env.get_template("uses.md.j2").render().strip() == "ok"
    finally:
        limits.excused = real_excused
    assert moved and moved[0] > 0  # the import compiled inside the render, and its time was given back


def test_the_watchdog_does_not_stop_a_compile_the_render_is_excused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A compile inside the render (excused) may take longer than the whole CPU limit on a loaded machine:
    the watchdog must not raise into it, and the render's own allowance is what it was before."""
    from noteassist.render import limits

    if not limits._Watchdog.available():
        pytest.skip("no per-thread CPU clocks here")
    monkeypatch.setattr(limits, "MAX_CPU_SECONDS", 0.05)
    monkeypatch.setattr(limits, "WATCHDOG_GRACE", 0.05)

    def burn(seconds: float) -> None:
        until = time.thread_time() + seconds
        while time.thread_time() < until:
            pass

    with limits.budget() as current:
        with limits.excused():
            burn(0.4)  # eight times the limit, with the watchdog looking every 50 ms
        current.clock()  # the allowance is intact afterwards
        assert current.fired == 0
        with pytest.raises(limits.CPUTimeExceeded):
            burn(1.0)  # the render's own work is still stopped
            current.clock()
