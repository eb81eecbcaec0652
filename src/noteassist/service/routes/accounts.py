"""Users and API tokens (admins; anyone may list and make their own tokens). A token is shown once, when
made; only its SHA-256 is stored."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from ...app import accounts
from ..deps import CurrentUser, Database
from ..schemas import PathId, TokenCreate, TokenCreated, TokenOut, UserCreate, UserOut

router = APIRouter(tags=["users and tokens"])


@router.get("/users", response_model=list[UserOut])
async def list_users(user: CurrentUser, db: Database) -> list[UserOut]:
    return await db.run(user, lambda s, actor: [UserOut.model_validate(u) for u in accounts.list_users(s, actor)])


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
async def create_user(body: UserCreate, user: CurrentUser, db: Database) -> UserOut:
    return await db.run(user, lambda s, actor: UserOut.model_validate(
        accounts.create_user(s, actor, body.username, body.role, body.display_name)))


@router.get("/users/me", response_model=UserOut)
async def me(user: CurrentUser) -> UserOut:
    """The caller, as the token names them."""
    return UserOut.model_validate(user)


@router.post("/tokens", response_model=TokenCreated, status_code=status.HTTP_201_CREATED)
async def create_token(body: TokenCreate, user: CurrentUser, db: Database) -> TokenCreated:
    """A new token for `username` (an admin for anyone, a user for themself). The answer's `token` is the
    only time it is shown."""
    def work(s, actor) -> TokenCreated:
        token, plaintext = accounts.create_token(s, actor, body.username, body.name)
        return TokenCreated(**TokenOut.model_validate(token).model_dump(), token=plaintext)

    return await db.run(user, work)


@router.get("/tokens", response_model=list[TokenOut])
async def list_tokens(user: CurrentUser, db: Database,
                      username: Annotated[str | None, Query(description="Only this user's (default: all; admins)")]
                      = None) -> list[TokenOut]:
    return await db.run(user, lambda s, actor: [TokenOut.model_validate(t)
                                                for t in accounts.list_tokens(s, actor, username)])


@router.delete("/tokens/{token_id}", response_model=TokenOut)
async def revoke_token(token_id: PathId, user: CurrentUser, db: Database) -> TokenOut:
    """Revoke a token: it authenticates nothing from now on (the row stays, for the audit trail)."""
    return await db.run(user, lambda s, actor: TokenOut.model_validate(accounts.revoke_token(s, actor, token_id)))
