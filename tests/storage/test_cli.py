"""`noteassist db`, `users`, `tokens` and `audit verify` from the command line."""

from __future__ import annotations

import re
import sqlite3

from click.testing import CliRunner

from noteassist.cli import main


def _run(*args, env=None):
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_first_accounts_from_an_empty_machine_then_verify_and_tamper(tmp_path):
    url = f"sqlite:///{tmp_path / 'service.db'}"
    assert _run("db", "upgrade", "--db", url).output.strip() == "database at revision 0003"
    made = _run("users", "add", "alice", "--role", "case_manager", "--name", "Alice Moss", "--db", url)
    assert made.exit_code == 0 and "alice (case_manager)" in made.output
    created = _run("tokens", "create", "alice", "--name", "laptop", "--db", url)
    token = created.stdout.strip()
    assert re.fullmatch(r"na_[A-Za-z0-9_-]{43}", token)
    assert "not shown again" in created.stderr
    listed = _run("tokens", "list", "--db", url)
    assert "laptop" in listed.output and token not in listed.output
    assert "alice\tcase_manager\tactive\tAlice Moss" in _run("users", "list", "--db", url).output
    assert _run("users", "disable", "alice", "--db", url).output.strip() == "user alice disabled"
    assert "alice\tcase_manager\tinactive" in _run("users", "list", "--db", url).output
    assert _run("users", "enable", "alice", "--db", url).exit_code == 0
    assert _run("tokens", "revoke", "1", "--db", url).output.strip() == "token 1 revoked"

    verified = _run("audit", "verify", "--db", url)
    assert verified.exit_code == 0 and "intact" in verified.output

    with sqlite3.connect(tmp_path / "service.db") as connection:
        connection.execute("DROP TRIGGER audit_events_no_delete")
        connection.execute("DELETE FROM audit_events WHERE id = 2")
    broken = _run("audit", "verify", "--db", url)
    assert broken.exit_code == 1
    assert broken.output.startswith("audit event 3: deleted: event 2")


def test_the_database_url_comes_from_the_environment(tmp_path):
    url = f"sqlite:///{tmp_path / 'env.db'}"
    assert _run("users", "add", "sue", "--role", "supervisor", env={"NOTEASSIST_DATABASE_URL": url}).exit_code == 0
    assert (tmp_path / "env.db").exists()
    assert "sue" in _run("users", "list", "--db", url).output


def test_the_default_database_is_under_the_users_data_directory(tmp_path):
    result = _run("users", "add", "root", "--role", "admin", env={"XDG_DATA_HOME": str(tmp_path),
                                                                  "NOTEASSIST_DATABASE_URL": None})
    assert result.exit_code == 0
    assert (tmp_path / "noteassist" / "noteassist.db").is_file()


def test_errors_are_one_line_exit_2_without_secrets(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    bad_role = _run("users", "add", "x", "--role", "boss", "--db", url)
    assert bad_role.exit_code == 2
    bad_name = _run("users", "add", "Not Valid", "--role", "admin", "--db", url)
    assert bad_name.exit_code == 2 and bad_name.stderr.startswith("noteassist: username:")
    assert len(bad_name.stderr.strip().splitlines()) == 1
    missing = _run("tokens", "revoke", "42", "--db", url)
    assert (missing.exit_code, missing.stderr.strip()) == (2, "noteassist: token 42 not found")
    nowhere = _run("audit", "verify", "--db", f"sqlite:///{tmp_path / 'new.db'}")
    assert nowhere.exit_code == 2 and "db upgrade" in nowhere.stderr
    unreachable = _run("users", "list", "--db", "postgresql+psycopg://u:hunter2@127.0.0.1:9/x")
    assert unreachable.exit_code == 2 and "hunter2" not in unreachable.stderr
    assert "Traceback" not in unreachable.output


def test_downgrade_to_base_and_back(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    _run("db", "upgrade", "--db", url)
    assert _run("db", "downgrade", "base", "--db", url).output.strip() == "database at revision base"
    assert _run("db", "upgrade", "--db", url).output.strip() == "database at revision 0003"


def test_events_cut_off_the_end_are_caught_against_a_head_kept_elsewhere(tmp_path):
    url = f"sqlite:///{tmp_path / 'service.db'}"
    for name in ("a", "b", "c"):
        _run("users", "add", name, "--role", "auditor", "--db", url)
    head = _run("audit", "head", "--db", url).output.strip()
    assert re.fullmatch(r"3:[0-9a-f]{64}", head)
    assert _run("audit", "verify", "--head", head, "--db", url).exit_code == 0
    with sqlite3.connect(tmp_path / "service.db") as connection:
        connection.execute("DROP TRIGGER audit_events_no_delete")
        connection.execute("DELETE FROM audit_events WHERE id = 3")
    assert _run("audit", "verify", "--db", url).exit_code == 0  # no gap: the chain alone cannot tell
    cut = _run("audit", "verify", "--head", head, "--db", url)
    assert cut.exit_code == 1 and cut.output.startswith("audit event 3: deleted: the chain ends at event 2")
    bad = _run("audit", "verify", "--head", "3:nothex", "--db", url)
    assert bad.exit_code == 2 and "--head" in bad.stderr
