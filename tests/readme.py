"""The README's commands as a user copies them (the lines of its ```sh blocks), run in a user's shell."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from labclass import ROOT, VENV_BIN

README = ROOT / "README.md"
COMMENT = re.compile(r"\s+#.*$")
# What `make` and the venv put in the environment of the tests, and a user's shell has not.
NOT_THE_USERS = ("ANSIBLE_CONFIG", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "UV_PROJECT_ENVIRONMENT")


def shell_lines(text: str) -> list[str]:
    """The command lines of the ```sh blocks of ``text``, without their comments."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            inside = not inside and line.strip() == "```sh"
            continue
        command = COMMENT.sub("", line).strip()
        if inside and command and not command.startswith("#"):
            lines.append(command)
    return lines


def readme_command(start: str, readme: Path = README) -> str:
    """The README's command line that starts with ``start``: a command the README does not show fails the test."""
    found = [line for line in shell_lines(readme.read_text()) if line.startswith(start)]
    assert found, f"{readme.name} shows no command that starts with {start!r}"
    return found[0]


def user_env() -> dict[str, str]:
    """The environment of a user's shell in the checkout: none of the venv, nor of the make that runs the tests."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_THE_USERS}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != VENV_BIN)
    return env


def user_shell(*commands: str) -> subprocess.CompletedProcess[str]:
    """``commands`` typed one after the other into bash at the checkout's root, stopping at the first that fails."""
    script = "set -e\n" + "\n".join(commands) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=ROOT, env=user_env(), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
