"""The course's apps as real processes: started on a free loopback port, stopped after the test."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

APPS = Path(__file__).resolve().parents[2] / "apps"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_listening(port: int, served: Served, seconds: float = 15) -> None:
    """Return once ``port`` accepts connections; fail with the process's output if it exits or never listens."""
    proc = served.proc
    command = " ".join(map(str, proc.args)) if isinstance(proc.args, list) else str(proc.args)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{command} exited with {proc.returncode} before listening:\n{served.stop()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{command} did not listen on {port} within {seconds} s")


@dataclass
class Served:
    """A running app: its base URL; stop() ends it and gives what it printed."""

    url: str
    proc: subprocess.Popen[str]
    output: IO[str]

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.output.seek(0)
        return self.output.read()


@contextmanager
def serving(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Iterator[Served]:
    """Run ``argv`` in ``cwd`` with PORT set to a free port, its output in a file (a pipe could fill up)."""
    port = free_port()
    with tempfile.TemporaryFile("w+") as output:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env={**os.environ, **(env or {}), "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        served = Served(f"http://127.0.0.1:{port}", proc, output)
        try:
            wait_listening(port, served)
            yield served
        finally:
            served.stop()


def node_app(folder: Path) -> Path:
    """``folder``, once `make apps` has installed its locked dependencies."""
    if not (folder / "node_modules").is_dir():
        raise AssertionError(f"{folder} has no node_modules: run `make apps` (npm ci of its package-lock.json)")
    return folder
