"""A class of kubelab under test: its inventory, its playbook runs, its cluster."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"


@dataclass
class PlaybookRun:
    """One ansible-playbook run, read through the json stdout callback."""

    returncode: int
    report: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def changed(self) -> int:
        return sum(host["changed"] for host in self.report.get("stats", {}).values())

    @property
    def failed(self) -> bool:
        return self.returncode != 0

    def messages(self) -> str:
        """Every failure message of the run, one per line."""
        lines = []
        for play in self.report.get("plays", []):
            for task in play["tasks"]:
                for result in task["hosts"].values():
                    if result.get("failed"):
                        # The json callback marks only the task failed, not its loop items.
                        outcomes = [result, *result.get("results", [])]
                        lines += [str(o["msg"]) for o in outcomes if "msg" in o]
        return "\n".join(lines) + self.stderr + ("" if self.report else self.stdout)

    def results(self, task: str) -> list[dict[str, Any]]:
        """The per-host results of the task named ``task``, role prefix aside (loop items flattened)."""
        found = []
        for play in self.report.get("plays", []):
            for entry in play["tasks"]:
                if entry["task"]["name"].split(" : ", 1)[-1] == task:
                    for result in entry["hosts"].values():
                        found += result.get("results", [result])
        return found

    def changed_tasks(self) -> list[str]:
        return [
            task["task"]["name"]
            for play in self.report.get("plays", [])
            for task in play["tasks"]
            if any(result.get("changed") for result in task["hosts"].values())
        ]


def json_report(stdout: str) -> dict[str, Any]:
    """The json callback's report: the document that starts on a line of its own."""
    start = stdout.find("\n{\n")
    if start < 0:
        return {}
    report, _ = json.JSONDecoder().raw_decode(stdout[start + 1 :])
    return report if isinstance(report, dict) else {}


def playbook_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_NOCOLOR="1",
    )
    env.update(extra or {})
    return env


def run_playbook(playbook: str, *args: str, env: dict[str, str] | None = None) -> PlaybookRun:
    """Run a playbook of the repository (path relative to it) and read its json report."""
    proc = subprocess.run(
        [str(VENV_BIN / "ansible-playbook"), str(ROOT / playbook), *args],
        capture_output=True,
        text=True,
        env=playbook_env(env),
        cwd=ROOT,
        check=False,
    )
    return PlaybookRun(proc.returncode, json_report(proc.stdout), proc.stdout, proc.stderr)


@dataclass
class LabClass:
    """A class inventory written to a temporary folder, with its own ports and output."""

    name: str
    workdir: Path
    port_base: int
    students: tuple[str, ...] = ("alice", "bob", "carol")
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.write_inventory()

    def write_inventory(self) -> None:
        """(Re)write the inventory from the current students and options."""
        inventory: dict[str, Any] = {
            "all": {
                "vars": {
                    "lab_class": self.name,
                    "lab_provider": "sim",
                    "lab_output_root": str(self.output_root),
                    "sim_port_base": self.port_base,
                    "sim_node_count": 2,
                    "emailservice_username": "online-boutique-emailer",
                    "emailservice_password": "39528$vdg7Jb",
                    "ansible_connection": "local",
                    "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                    **self.options,
                },
                "children": {"students": {"hosts": {s: None for s in self.students} or None}},
            }
        }
        # An option given as None is left to the roles' default.
        inventory["all"]["vars"] = {k: v for k, v in inventory["all"]["vars"].items() if v is not None}
        self.inventory.parent.mkdir(parents=True, exist_ok=True)
        self.inventory.write_text(yaml.safe_dump(inventory, sort_keys=False))

    @property
    def inventory(self) -> Path:
        return self.workdir / "inventory" / "hosts.yml"

    @property
    def output_root(self) -> Path:
        return self.workdir / "output"

    @property
    def output_dir(self) -> Path:
        return self.output_root / self.name

    @property
    def admin_kubeconfig(self) -> Path:
        return self.output_dir / "admin.kubeconfig"

    @property
    def cluster_dir(self) -> Path:
        return self.output_dir / ".sim" / "kwok" / "clusters" / f"kubelab-{self.name}"

    def playbook(self, playbook: str, *args: str, env: dict[str, str] | None = None) -> PlaybookRun:
        return run_playbook(playbook, "-i", str(self.inventory), *args, env=env)

    def student_dir(self, student: str) -> Path:
        return self.output_dir / student

    def up(self, *args: str) -> PlaybookRun:
        run = self.playbook("site.yml", *args)
        assert not run.failed, run.messages()
        return run

    def down(self, *args: str) -> PlaybookRun:
        run = self.playbook("teardown.yml", *args)
        assert not run.failed, run.messages()
        return run


@contextmanager
def standing(lab: LabClass) -> Iterator[LabClass]:
    """The class brought up for a while, then torn down whatever the tests did to it, or its bring-up did."""
    try:
        lab.up()
        yield lab
    finally:
        lab.playbook("teardown.yml")
