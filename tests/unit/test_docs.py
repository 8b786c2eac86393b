"""The docs as a reader follows them: a README short enough to read first, every page of docs/ reached from it, and
every link between the pages landing on a file and a heading that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from readme import README, docs

LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def prose(page: Path) -> str:
    """The page without its code blocks (a `#` line in a shell block is no heading, a `](` in code no link)."""
    return FENCE.sub("", page.read_text())


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped but hyphens, spaces made hyphens."""
    text = re.sub(r"[`*_]|\[([^]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def local_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(prose(page)) if not re.match(r"[a-z]+:", target)]


def test_the_readme_is_read_in_ten_minutes() -> None:
    assert len(README.read_text().splitlines()) < 300


def test_every_page_of_docs_is_linked_from_the_readme() -> None:
    linked = {(README.parent / target.partition("#")[0]).resolve() for target in local_links(README)}
    unlinked = [page.name for page in docs()[1:] if page.resolve() not in linked]
    assert not unlinked, f"pages of docs/ the README does not link: {unlinked}"


@pytest.mark.parametrize("page", docs(), ids=lambda page: page.name)
def test_every_link_lands(page: Path) -> None:
    broken = []
    for target in local_links(page):
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(target)
        elif fragment and file.suffix == ".md" and fragment not in {anchor(h) for h in HEADING.findall(prose(file))}:
            broken.append(target)
    assert not broken, f"{page.name} links to what is not there: {broken}"


@pytest.mark.parametrize(("heading", "expected"), [
    ("Checking the class", "checking-the-class"),
    ("The `pods` policy: what it refuses", "the-pods-policy-what-it-refuses"),
    ("Writing a workload role (kubelab.lab)", "writing-a-workload-role-kubelablab"),
])
def test_anchors_are_githubs(heading: str, expected: str) -> None:
    assert anchor(heading) == expected
