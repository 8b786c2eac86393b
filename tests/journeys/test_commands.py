"""Every command line the docs show is one that a journey runs: a journey takes each command from the docs, line
for line (readme_command), so a command shown and not run fails here, and one run and no longer shown fails there."""

from __future__ import annotations

import ast
from pathlib import Path

from readme import docs_lines

# Shown, and not run by a journey, with why.
NOT_RUN = {
    "make test": "it is the test suite itself, which runs the journeys (CI runs it)",
}


def taken() -> set[str]:
    """The command lines the journeys take from the docs."""
    return {str(call.args[0].value)
            for module in Path(__file__).parent.glob("test_*.py")
            for call in ast.walk(ast.parse(module.read_text()))
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "readme_command"
            and isinstance(call.args[0], ast.Constant)}


def test_every_command_the_docs_show_is_run_by_a_journey() -> None:
    assert [line for line in docs_lines() if line not in taken() | set(NOT_RUN)] == []


def test_every_command_a_journey_takes_is_one_the_docs_show() -> None:
    assert sorted(taken() - set(docs_lines())) == []
