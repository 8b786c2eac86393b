"""The class report as its readers see it: Chromium renders index.html, a JUnit parser reads junit.xml."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import junitparser

from labclass import ROOT

# Screenshots of the report, kept after the run for a person (or CI) to look at.
ARTIFACTS = ROOT / "output" / "test-artifacts"


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Debian's chromium, headless, in a profile of its own; root needs --no-sandbox."""
    binary = shutil.which("chromium")
    assert binary, "chromium is installed by make test-deps"
    profile = ARTIFACTS / "chromium-profile"
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def rendered_cells(page: Path) -> dict[str, int]:
    """The grid's cells by what they say, in the DOM that Chromium built from the page."""
    dom = chromium("--dump-dom", page.as_uri()).stdout
    cells = re.findall(r'<td class="(pass|fail|error)"[^>]*>([^<]*)</td>', dom)
    counts = {"pass": 0, "fail": 0}
    for css, text in cells:
        assert css == text.strip() or css == "error", (css, text)
        if css in counts:
            counts[css] += 1
    return counts


def screenshot(page: Path, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / name
    chromium(f"--screenshot={shot}", "--window-size=1600,900", page.as_uri())
    assert shot.stat().st_size > 10_000, "a screenshot of a rendered page"
    return shot


def junit_counts(path: Path) -> dict[str, int]:
    """Tests, failures and errors as a JUnit reader counts them, case by case."""
    xml = junitparser.JUnitXml.fromfile(str(path))
    counts = {"tests": 0, "failures": 0, "errors": 0}
    for suite in xml:
        for case in suite:
            counts["tests"] += 1
            for outcome in case.result:
                counts["failures" if isinstance(outcome, junitparser.Failure) else "errors"] += 1
    return counts
