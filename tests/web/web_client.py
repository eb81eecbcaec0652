"""Helpers for the web page tests (TestClient, no browser): a started app whose users have passwords, and a
browser-like client per person that signs in through the /signin form and keeps its cookies.

    web = start_web(tmp_path)             # one app per module, like service_api.start_api
    alice = web.signed_in("alice")        # a TestClient with alice's session cookie
    alice.get("/")                        # pages; alice.post(..., headers=web.csrf(alice)) for the API
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient
from service.service_api import Api, start_api

PASSWORD = "correct horse 12"


def set_passwords(url: str, people) -> None:
    from noteassist.app import accounts
    from noteassist.storage import make_engine, session_factory

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            for username in people:
                accounts.set_password(session, None, username, PASSWORD)
    finally:
        engine.dispose()


def form_csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no csrf field in the form"
    return match.group(1)


def meta_csrf(html: str) -> str:
    match = re.search(r'<meta name="csrf-token" content="([^"]*)">', html)
    assert match, "no csrf meta"
    return match.group(1)


@dataclass
class Web:
    api: Api

    @property
    def app(self):
        return self.api.client.app

    def browser(self) -> TestClient:
        """A fresh client with no cookies, sharing the started app (its lifespan already ran)."""
        client = TestClient(self.app, base_url="http://testserver", follow_redirects=False)
        return client

    def sign_in(self, client: TestClient, username: str, password: str = PASSWORD, next_path: str = "/", **fields):
        form = client.get("/signin")
        assert form.status_code == 200, form.text
        data = {"username": username, "password": password, "next": next_path, "csrf": form_csrf(form.text), **fields}
        return client.post("/signin", data=data)

    def signed_in(self, username: str) -> TestClient:
        client = self.browser()
        response = self.sign_in(client, username)
        assert response.status_code == 303, response.text
        return client

    def csrf(self, client: TestClient, path: str = "/") -> dict[str, str]:
        """The X-CSRF-Token header of the session, as a page gives it to api.js."""
        return {"X-CSRF-Token": meta_csrf(client.get(path).text)}


def start_web(folder, **settings):
    """Yields a Web over a started app with every person's password set to PASSWORD."""
    from service.service_api import PEOPLE

    for api in start_api(folder, **settings):
        set_passwords(api.url, PEOPLE)
        yield Web(api)
