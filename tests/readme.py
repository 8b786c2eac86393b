"""The docs' commands as a user copies them (the lines of the ```sh blocks of README.md and docs/*.md), run in a
user's shell."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from labclass import ROOT, VENV_BIN

README = ROOT / "README.md"
COMMENT = re.compile(r"\s+#.*$")
# What `make` and the venv put in the environment of the tests, and a user's shell has not.
NOT_THE_USERS = ("ANSIBLE_CONFIG", "VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL", "MFLAGS", "UV_PROJECT_ENVIRONMENT",
                 "ANSIBLE_VAULT_PASSWORD_FILE")


def docs() -> list[Path]:
    """The pages a user reads: the README, then every page of docs/."""
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


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


def docs_lines() -> list[str]:
    """Every command line the docs show, page by page."""
    return [line for page in docs() for line in shell_lines(page.read_text())]


def readme_command(line: str, **placeholders: str) -> str:
    """The docs' command line ``line``, its ``<placeholder>``s filled in: a command the docs do not show (or no
    longer show) fails the test."""
    assert line in docs_lines(), f"no page of the docs shows the command {line!r}"
    for name, value in placeholders.items():
        assert f"<{name}>" in line, f"{line!r} has no <{name}>"
        line = line.replace(f"<{name}>", value)
    return line


def user_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a user's shell: none of the venv, nor of the make that runs the tests; then ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_THE_USERS}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != VENV_BIN)
    return {**env, **(extra or {})}


def user_shell(*commands: str, cwd: Path = ROOT, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``commands`` typed one after the other into bash in ``cwd`` (the checkout's root), stopping at the first
    that fails; ``env`` is what differs in this user's environment (HOME, PATH)."""
    script = "set -e\n" + "\n".join(commands) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=user_env(env), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)


def said(done: subprocess.CompletedProcess[str]) -> str:
    """What a failed shell said, for an assertion's message: its exit status and the end of its output."""
    return f"exit {done.returncode}\n{done.stdout[-6000:]}\n{done.stderr[-4000:]}"
