"""Accounts: users and roles, tokens stored only as SHA-256 and shown once, authentication."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import text

from noteassist.app import accounts
from noteassist.app.errors import Forbidden, Invalid, NotFound, Unauthorized


def test_a_token_is_shown_once_and_only_its_hash_is_stored(Session, people, engine):
    with Session() as s, s.begin():
        _, plaintext = accounts.create_token(s, people.admin, "alice", "laptop")
    assert re.fullmatch(r"na_[A-Za-z0-9_-]{43}", plaintext)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT * FROM api_tokens")).all()
    assert plaintext not in repr(stored) and plaintext[3:] not in repr(stored)
    assert stored[0].token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    with Session() as s:
        assert accounts.authenticate(s, plaintext).username == "alice"


@pytest.mark.parametrize("presented", [None, "", "na_wrong", "Bearer x", "na_" + "A" * 43, "na_" + "x" * 500,
                                       "na_\x00", "na_\ud800", "na_é"])
def test_a_missing_or_unknown_token_is_unauthorized(Session, people, presented):
    with Session() as s, s.begin():
        accounts.create_token(s, people.admin, "alice", "laptop")
    with Session() as s, pytest.raises(Unauthorized):
        accounts.authenticate(s, presented)


def test_a_revoked_token_and_a_deactivated_user_are_unauthorized(Session, people):
    with Session() as s, s.begin():
        token, plaintext = accounts.create_token(s, people.admin, "alice", "laptop")
        _, other = accounts.create_token(s, people.admin, "bob", "desk")
    with Session() as s, s.begin():
        assert accounts.revoke_token(s, people.admin, token.id).revoked_at is not None
    with Session() as s, pytest.raises(Unauthorized):
        accounts.authenticate(s, plaintext)
    with Session() as s, s.begin():
        accounts.get_user(s, "bob").active = False
    with Session() as s, pytest.raises(Unauthorized):
        accounts.authenticate(s, other)


def test_tokens_are_an_admins_or_their_owners_business(Session, people):
    with Session() as s, s.begin():
        mine, _ = accounts.create_token(s, people.alice, "alice", "my own")
        with pytest.raises(Forbidden):
            accounts.create_token(s, people.alice, "bob", "not mine")
        with pytest.raises(Forbidden):
            accounts.create_token(s, people.supervisor, "alice", "not mine")
        with pytest.raises(Forbidden):
            accounts.revoke_token(s, people.bob, mine.id)
        accounts.revoke_token(s, people.alice, mine.id)
        with pytest.raises(NotFound):
            accounts.revoke_token(s, people.admin, 999)
        with pytest.raises(NotFound):
            accounts.create_token(s, people.admin, "nobody", "x")
        with pytest.raises(Invalid) as caught:
            accounts.create_token(s, people.admin, "alice", " ")
        assert caught.value.field == "name"
        assert [t.id for t in accounts.list_tokens(s, people.alice, "alice")] == [mine.id]
        with pytest.raises(Forbidden):
            accounts.list_tokens(s, people.alice)


def test_only_admins_make_and_list_users(Session, people):
    with Session() as s, s.begin():
        for actor in (people.alice, people.supervisor, people.auditor):
            with pytest.raises(Forbidden):
                accounts.create_user(s, actor, "eve", "admin")
            with pytest.raises(Forbidden):
                accounts.list_users(s, actor)
        made = accounts.create_user(s, people.admin, "carol", "case_manager", display_name="Carol K")
        assert made.role == "case_manager" and made.display_name == "Carol K"
        assert [u.username for u in accounts.list_users(s, people.admin)] == [
            "root", "sue", "alice", "bob", "audrey", "carol"]


@pytest.mark.parametrize(("username", "role", "field"), [
    ("Carol", "case_manager", "username"),
    ("carol smith", "case_manager", "username"),
    ("", "case_manager", "username"),
    ("alice", "case_manager", "username"),  # taken
    ("carol", "boss", "role"),
])
def test_a_bad_user_names_the_field(Session, people, username, role, field):
    with Session() as s, s.begin(), pytest.raises(Invalid) as caught:
        accounts.create_user(s, None, username, role)
    assert caught.value.field == field


def test_passwords_are_argon2id_hashes_and_check(Session, people):
    with Session() as s, s.begin():
        user = accounts.create_user(s, None, "carol", "supervisor", password="correct horse battery")
        assert user.password_hash.startswith("$argon2id$") and "correct" not in user.password_hash
        assert not accounts.password_needs_rehash(user.password_hash)
        with pytest.raises(Invalid) as caught:
            accounts.create_user(s, None, "dave", "supervisor", password="short")
        assert caught.value.field == "password"
    with Session() as s:
        assert accounts.authenticate_password(s, "carol", "correct horse battery").username == "carol"
        for name, password in (("carol", "wrong horse battery"), ("nobody", "correct horse battery"),
                               ("alice", "no password set here"), ("carol\x00", "x"), ("carol", "\ud800\x00")):
            with pytest.raises(Unauthorized, match="wrong username or password"):
                accounts.authenticate_password(s, name, password)
    assert not accounts.verify_password("x", "garbage")
    assert not accounts.verify_password("x", "bcrypt$1$2$3$4$5")


def test_names_neither_database_can_store_are_invalid(Session, people):
    with Session() as s, s.begin():
        with pytest.raises(Invalid) as caught:
            accounts.create_user(s, None, "carol", "admin", display_name="Carol\x00")
        assert caught.value.field == "display_name"
        with pytest.raises(Invalid) as caught:
            accounts.create_token(s, people.admin, "alice", "lap\ud800top")
        assert caught.value.field == "name"


def test_a_token_id_no_table_can_hold_is_not_found(Session, people):
    with Session() as s, s.begin(), pytest.raises(NotFound):
        accounts.revoke_token(s, people.admin, 2**40)


def test_a_disabled_account_is_unauthorized_until_enabled_again(Session, people):
    with Session() as s, s.begin():
        _, plaintext = accounts.create_token(s, people.admin, "alice", "laptop")
        with pytest.raises(Forbidden):
            accounts.set_active(s, people.supervisor, "alice", False)
        with pytest.raises(Invalid):
            accounts.set_active(s, people.admin, "root", False)
        accounts.set_active(s, people.admin, "alice", False)
    with Session() as s, pytest.raises(Unauthorized):
        accounts.authenticate(s, plaintext)
    with Session() as s, s.begin():
        accounts.set_active(s, None, "alice", True)
    with Session() as s:
        assert accounts.authenticate(s, plaintext).username == "alice"
