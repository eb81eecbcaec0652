"""Accounts: users and their roles, API tokens, and authentication.

A token is "na_" and 43 URL-safe characters (32 random bytes). Only its SHA-256 hex is stored: the
plaintext is returned once, by `create_token`, and cannot be recovered. Passwords (optional, for the
web page) are hashed with argon2id (argon2-cffi); hashes made with the standard library's scrypt before it
still verify, and `password_needs_rehash` tells a sign-in to store the password anew as argon2id.

`actor=None` means the local administrator at the command line (`noteassist users add`), who needs no
account to make the first one. Otherwise admins manage every account and any user manages their own
tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..storage.models import ROLES, ApiToken, User, utcnow
from . import audit
from .caseload import insert_unique, storable, valid_id
from .errors import Forbidden, Invalid, NotFound, Unauthorized

__all__ = ["TOKEN_PREFIX", "authenticate", "authenticate_password", "create_token", "create_user", "get_user",
           "hash_password", "hash_token", "list_tokens", "list_users", "password_needs_rehash", "revoke_token",
           "set_active", "set_password", "verify_password"]

TOKEN_PREFIX = "na_"
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_DUMMY_HASH: str | None = None
_ARGON2: PasswordHasher | None = None


def _argon2() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile); made on first use."""
    global _ARGON2
    if _ARGON2 is None:
        _ARGON2 = PasswordHasher()
    return _ARGON2


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash in the PHC string format ("$argon2id$v=19$m=...,t=...,p=...$salt$hash")."""
    return _argon2().hash(password)


def password_needs_rehash(stored: str) -> bool:
    """True for a hash that verified but is not argon2id with today's parameters (an older scrypt hash)."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return _argon2().check_needs_rehash(stored)
    except InvalidHashError:
        return True


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _argon2().verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return _verify_scrypt(password, stored)


def _verify_scrypt(password: str, stored: str) -> bool:
    """A hash from before argon2id: "scrypt$n$r$p$salt$hash" (base64 salt and digest)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), maxmem=64 * 1024 * 1024, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _require_admin(actor: User | None, allow_self: User | None = None) -> None:
    if actor is None or actor.role == "admin":
        return
    if allow_self is not None and actor.id == allow_self.id:
        return
    raise Forbidden("only an admin manages accounts")


def create_user(session: Session, actor: User | None, username: str, role: str, display_name: str | None = None,
                password: str | None = None) -> User:
    _require_admin(actor)
    if not _USERNAME.match(username or ""):
        raise Invalid("username", "expected 1-64 lower-case letters, digits, '.', '_' or '-', starting with a "
                                  "letter or digit")
    if role not in ROLES:
        raise Invalid("role", f"expected one of {', '.join(ROLES)}")
    if password is not None and len(password) < 12:
        raise Invalid("password", "expected at least 12 characters")
    storable("display_name", display_name)
    storable("password", password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Invalid("username", "already taken")
    user = User(username=username, role=role, display_name=display_name or None, active=True,
                password_hash=hash_password(password) if password is not None else None)
    if not insert_unique(session, user):
        raise Invalid("username", "already taken")
    audit.record(session, actor.id if actor else None, "user.create", "user", user.id)
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user", username)
    return user


def list_users(session: Session, actor: User | None) -> list[User]:
    _require_admin(actor)
    users = list(session.scalars(select(User).order_by(User.id)))
    audit.record(session, actor.id if actor else None, "user.list", "user", None)
    return users


def set_password(session: Session, actor: User | None, username: str, password: str) -> None:
    user = get_user(session, username)
    _require_admin(actor, allow_self=user)
    if len(password) < 12:
        raise Invalid("password", "expected at least 12 characters")
    storable("password", password)
    user.password_hash = hash_password(password)
    audit.record(session, actor.id if actor else None, "user.password", "user", user.id)


def set_active(session: Session, actor: User | None, username: str, active: bool) -> User:
    """Turn an account off (its tokens stop working at once) or on again (admins)."""
    _require_admin(actor)
    user = get_user(session, username)
    if actor is not None and user.id == actor.id and not active:
        raise Invalid("username", "an admin cannot disable their own account")
    user.active = active
    audit.record(session, actor.id if actor else None, "user.enable" if active else "user.disable", "user", user.id)
    return user


def create_token(session: Session, actor: User | None, username: str, name: str) -> tuple[ApiToken, str]:
    """A new token for `username`: the row, and the plaintext (shown once, never stored)."""
    user = get_user(session, username)
    _require_admin(actor, allow_self=user)
    if not name or not name.strip() or len(name) > 200:
        raise Invalid("name", "expected a name of 1 to 200 characters (what the token is for)")
    storable("name", name)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip(), token_hash=hash_token(plaintext))
    session.add(token)
    session.flush()
    audit.record(session, actor.id if actor else None, "token.create", "api_token", token.id)
    return token, plaintext


def list_tokens(session: Session, actor: User | None, username: str | None = None) -> list[ApiToken]:
    """Tokens (without their secrets): an admin's view of all, or a user's own."""
    query = select(ApiToken).order_by(ApiToken.id)
    if username is not None:
        user = get_user(session, username)
        _require_admin(actor, allow_self=user)
        query = query.where(ApiToken.user_id == user.id)
    else:
        _require_admin(actor)
    tokens = list(session.scalars(query))
    audit.record(session, actor.id if actor else None, "token.list", "api_token", None)
    return tokens


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id) if valid_id(token_id) else None
    if token is None:
        raise NotFound("token", token_id)
    _require_admin(actor, allow_self=token.user)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    audit.record(session, actor.id if actor else None, "token.revoke", "api_token", token.id)
    return token


def authenticate(session: Session, plaintext: str | None) -> User:
    """The active user a token belongs to; Unauthorized for a missing, unknown or revoked token."""
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200 or not plaintext.isascii():
        raise Unauthorized("a valid API token is required")
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plaintext)))
    if token is None or token.revoked_at is not None or not token.user.active:
        raise Unauthorized("the API token is unknown or revoked")
    return token.user


def authenticate_password(session: Session, username: str, password: str) -> User:
    """The active user with this username and password; Unauthorized otherwise (same message either way)."""
    global _DUMMY_HASH
    if not _USERNAME.match(username or "") or "\x00" in password:
        raise Unauthorized("wrong username or password")
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        raise Unauthorized("wrong username or password") from None
    user = session.scalar(select(User).where(User.username == username))
    if user is None or user.password_hash is None:
        # Spend the same time as a real check, so a response time does not reveal which usernames exist.
        _DUMMY_HASH = _DUMMY_HASH or hash_password(secrets.token_hex(8))
        verify_password(password, _DUMMY_HASH)
        raise Unauthorized("wrong username or password")
    if not user.active or not verify_password(password, user.password_hash):
        raise Unauthorized("wrong username or password")
    return user
