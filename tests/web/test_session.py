"""Signing in to the web page: password (argon2id; an old scrypt hash still verifies and is upgraded) or API
token; the session cookie's flags; CSRF on the API with the cookie; idle logoff; sign-out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from service.service_api import error_code
from sqlalchemy import select, update

from noteassist.storage import User, WebSession, make_engine, session_factory

from .web_client import PASSWORD, form_csrf, start_web


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    yield from start_web(tmp_path_factory.mktemp("web-session"))


def database(web):
    engine = make_engine(web.api.url)
    return engine, session_factory(engine)


def test_a_page_without_a_session_sends_the_browser_to_sign_in(web):
    response = web.browser().get("/claims?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=/claims%3Fx%3D1"


def test_sign_in_with_a_password_sets_a_strict_httponly_cookie_and_goes_to_next(web):
    client = web.browser()
    response = web.sign_in(client, "alice", next_path="/claims")
    assert response.status_code == 303 and response.headers["location"] == "/claims"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("na_session=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/" in cookie and "Secure" not in cookie  # plain http: Secure would lose the cookie
    home = client.get("/")
    assert home.status_code == 200 and 'data-username="alice"' in home.text
    assert 'name="csrf-token"' in home.text and '<meta name="idle-minutes" content="15.0">' in home.text
    # Only the token's hash is stored.
    engine, Session = database(web)
    with Session() as session:
        stored = {row.token_hash for row in session.scalars(select(WebSession))}
    engine.dispose()
    assert client.cookies["na_session"] not in stored


def test_the_cookie_is_secure_under_https(web):
    client = web.browser()
    form = client.get("https://testserver/signin")
    response = client.post("https://testserver/signin", data={"username": "bob", "password": PASSWORD,
                                                               "csrf": form_csrf(form.text)})
    assert response.status_code == 303 and "Secure" in response.headers["set-cookie"]


def test_a_wrong_password_is_shown_at_the_form_and_sets_no_session(web):
    client = web.browser()
    response = web.sign_in(client, "alice", password="wrong horse 12")
    assert response.status_code == 401
    assert 'id="signin-error"' in response.text and "Wrong username or password." in response.text
    assert "na_session" not in client.cookies
    missing = web.sign_in(client, "alice", password="")
    assert missing.status_code == 422 and "enter both your username and password" in missing.text.lower()


def test_the_signin_form_needs_its_own_csrf_token(web):
    client = web.browser()
    client.get("/signin")
    response = client.post("/signin", data={"username": "alice", "password": PASSWORD, "csrf": "forged"})
    assert response.status_code == 400 and "na_session" not in client.cookies


def test_sign_in_with_an_api_token(web):
    client = web.browser()
    form = client.get("/signin")
    response = client.post("/signin", data={"token": web.api.tokens["sue"], "csrf": form_csrf(form.text)})
    assert response.status_code == 303
    assert 'data-role="supervisor"' in client.get("/").text
    bad = web.browser()
    form = bad.get("/signin")
    refused = bad.post("/signin", data={"token": "na_" + "x" * 43, "csrf": form_csrf(form.text)})
    assert refused.status_code == 401 and "unknown or revoked" in refused.text


def test_a_next_elsewhere_is_ignored(web):
    response = web.sign_in(web.browser(), "alice", next_path="//evil.example/")
    assert response.headers["location"] == "/"


def test_new_passwords_are_argon2id_and_an_old_scrypt_hash_still_signs_in_and_is_upgraded(web):
    import base64
    import hashlib
    import secrets

    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    legacy = f"scrypt${2**14}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    engine, Session = database(web)
    try:
        with Session() as session, session.begin():
            assert session.scalar(select(User.password_hash).where(User.username == "alice")).startswith("$argon2id$")
            session.execute(update(User).where(User.username == "bob").values(password_hash=legacy))
        assert web.sign_in(web.browser(), "bob", password="wrong horse 12").status_code == 401
        assert web.sign_in(web.browser(), "bob").status_code == 303
        with Session() as session:
            assert session.scalar(select(User.password_hash).where(User.username == "bob")).startswith("$argon2id$")
        assert web.sign_in(web.browser(), "bob").status_code == 303  # and the new hash verifies
    finally:
        engine.dispose()


def test_the_api_takes_the_cookie_and_refuses_unsafe_methods_without_the_csrf_token(web):
    client = web.signed_in("alice")
    me = client.get("/v1/users/me")
    assert me.status_code == 200 and me.json()["username"] == "alice"
    body = {"text": "The worker said her knee is better.\n"}
    refused = client.post("/v1/lint", json=body)
    assert refused.status_code == 403 and error_code(refused) == "csrf"
    forged = client.post("/v1/lint", json=body, headers={"X-CSRF-Token": "not-the-token"})
    assert forged.status_code == 403 and error_code(forged) == "csrf"
    headers = web.csrf(client)
    assert client.post("/v1/lint", json=body, headers=headers).status_code == 200
    # sendBeacon cannot set headers: the token in the query is accepted too.
    assert client.post(f"/v1/lint?csrf={headers['X-CSRF-Token']}", json=body).status_code == 200
    # Bearer requests are as before: no CSRF token needed.
    assert web.api.post("alice", "/v1/lint", json=body).status_code == 200


def _age_session(web, client, minutes: float) -> None:
    from noteassist.app.accounts import hash_token

    engine, Session = database(web)
    try:
        with Session() as session, session.begin():
            row = session.scalar(select(WebSession).where(
                WebSession.token_hash == hash_token(client.cookies["na_session"])))
            row.last_seen_at = row.last_seen_at - timedelta(minutes=minutes)
    finally:
        engine.dispose()


def test_an_idle_session_is_ended_server_side_and_stays_ended(web):
    client = web.signed_in("alice")
    assert client.get("/").status_code == 200
    _age_session(web, client, 16)  # past the default 15 idle minutes
    response = client.get("/claims")
    assert response.status_code == 303 and response.headers["location"] == "/signin?expired=1&next=/claims"
    api = client.get("/v1/users/me")
    assert api.status_code == 401 and error_code(api) == "session_expired"
    engine, Session = database(web)
    with Session() as session:
        from noteassist.app.accounts import hash_token

        row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(client.cookies["na_session"])))
        assert row.ended_at is not None
    engine.dispose()
    _age_session(web, client, -30)  # even a last use moved into the future does not revive it
    assert client.get("/").status_code == 303
    notice = client.get("/signin?expired=1")
    assert "signed out after 15 minutes without activity" in notice.text


def test_a_session_in_use_is_kept_and_keepalive_needs_csrf(web):
    client = web.signed_in("alice")
    headers = web.csrf(client)
    _age_session(web, client, 14)
    assert client.post("/session/keepalive").status_code == 403
    alive = client.post("/session/keepalive", headers=headers)
    assert alive.status_code == 200 and alive.json()["idle_minutes"] == 15
    _age_session(web, client, 14)  # 14 minutes after the keep-alive: still within the limit
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session(web):
    client = web.signed_in("alice")
    token = client.cookies["na_session"]
    page = client.get("/")
    refused = client.post("/signout", data={"csrf": "forged"})
    assert refused.status_code == 403
    response = client.post("/signout", data={"csrf": form_csrf(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/signin?signed_out=1"
    client.cookies.set("na_session", token)  # a copied cookie is worthless once signed out
    assert client.get("/").status_code == 303
    assert client.get("/v1/users/me").status_code == 401


def test_another_case_managers_claim_is_a_404_page(web):
    bob_claim = web.api.post("bob", "/v1/claims", json={"record": __import__("service.service_api", fromlist=["x"])
                                                         .claim_json()})
    assert bob_claim.status_code == 201, bob_claim.text
    alice = web.signed_in("alice")
    response = alice.get(f"/claims/{bob_claim.json()['id']}")
    assert response.status_code == 404 and "text/html" in response.headers["content-type"]
    assert "Nothing here, or nothing you have access to." in response.text
    assert web.signed_in("bob").get(f"/claims/{bob_claim.json()['id']}").status_code == 200


def test_a_disabled_account_is_signed_out_at_once(web):
    from noteassist.app import accounts

    client = web.signed_in("bob")
    assert client.get("/").status_code == 200
    engine, Session = database(web)
    try:
        with Session() as session, session.begin():
            accounts.set_active(session, None, "bob", False)
        assert client.get("/").status_code == 303
        assert client.get("/v1/users/me").status_code == 401
        assert web.sign_in(web.browser(), "bob").status_code == 401
        with Session() as session, session.begin():
            accounts.set_active(session, None, "bob", True)
    finally:
        engine.dispose()


def test_sessions_unused_for_a_day_are_deleted_at_the_next_sign_in(web):
    from noteassist.app.accounts import hash_token

    old = web.signed_in("alice")
    _age_session(web, old, 26 * 60)
    web.signed_in("alice")
    engine, Session = database(web)
    try:
        with Session() as session:
            assert session.scalar(select(WebSession).where(
                WebSession.token_hash == hash_token(old.cookies["na_session"]))) is None
    finally:
        engine.dispose()
