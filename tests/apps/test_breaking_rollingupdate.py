"""The breaking rolling update's servers, v1 and v2, over real HTTP with one browser's cookie jar."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from http.cookiejar import CookieJar

import pytest

from served import APPS, node_app, serving

APP = APPS / "breaking-rollingupdate"


class Browser:
    """One user: a cookie jar that every visit sends and updates."""

    def __init__(self) -> None:
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def visit(self, url: str) -> str:
        with self.opener.open(url + "/", timeout=5) as reply:
            body: str = reply.read().decode()
            return body.strip()

    def cookies(self) -> set[str]:
        return {cookie.name for cookie in self.jar}


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """v1 with the tutorial's fix, v1 as the course hands it out (without it), and v2, each on its own port."""
    with ExitStack() as stack:
        yield {
            "v1": stack.enter_context(serving(["npm", "start", "--silent"], node_app(APP / "v1"))).url,
            "v1-unfixed": stack.enter_context(
                serving(["npm", "start", "--silent"], node_app(APP / "v1"), {"ACCEPT_V2_TOKEN": "false"})
            ).url,
            "v2": stack.enter_context(serving(["npm", "start", "--silent"], node_app(APP / "v2"))).url,
        }


@pytest.mark.parametrize("version, cookie", [("v1", "authTokenV1"), ("v2", "authTokenV2")])
def test_a_first_visit_is_not_authenticated_and_the_next_one_is(
    servers: dict[str, str], version: str, cookie: str
) -> None:
    browser = Browser()
    assert browser.visit(servers[version]) == "Not authenticated"
    assert browser.cookies() == {cookie}
    assert browser.visit(servers[version]) == "Authenticated"


def test_v2_keeps_a_v1_session_and_swaps_its_cookie(servers: dict[str, str]) -> None:
    browser = Browser()
    browser.visit(servers["v1"])
    assert browser.visit(servers["v2"]) == "Authenticated"
    assert browser.cookies() == {"authTokenV2"}


def test_back_on_the_course_v1_after_v2_the_session_is_lost(servers: dict[str, str]) -> None:
    browser = Browser()
    browser.visit(servers["v1-unfixed"])
    assert browser.visit(servers["v2"]) == "Authenticated"
    assert browser.visit(servers["v1-unfixed"]) == "Not authenticated", "the break the exercise is about"


def test_back_on_the_fixed_v1_after_v2_the_session_holds(servers: dict[str, str]) -> None:
    browser = Browser()
    assert [browser.visit(servers[v]) for v in ("v1", "v1", "v2", "v1", "v2")] == [
        "Not authenticated", "Authenticated", "Authenticated", "Authenticated", "Authenticated"
    ]


def test_each_package_names_its_entry_point_and_start_script() -> None:
    for version in ("v1", "v2"):
        package = json.loads((APP / version / "package.json").read_text())
        assert package["main"] == "server.js"
        assert (APP / version / package["main"]).is_file()
        assert package["scripts"]["start"] == "node server.js"
