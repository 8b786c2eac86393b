#!/usr/bin/env python3
"""check.yml on a class of N students on the sim cluster against a bare `kubectl get` of the same namespaces.

For each N (default 30 and 200) this builds class `checkbench` (every exercise deployed), then times, --runs
times each: check.yml for the whole class (validation, the roster, the reads and checks, the report), the
module's own reads and checks (what it reports as `seconds`), and the baseline: `kubectl get` of the kinds the
checks read, namespace by namespace, as a script would. Targets: 30 students checked in under 10 s, 200 in
under 30 s.

Usage: .venv/bin/python bench/check.py [--students 30 200] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from students import ROOT, timed

sys.path.insert(0, str(ROOT / "collections"))

from ansible_collections.kubelab.lab.plugins.plugin_utils.selfcheck import RESOURCES  # noqa: E402
from kube import Kubectl, sim_binaries  # noqa: E402
from labclass import LabClass, PlaybookRun  # noqa: E402

TASK = "Check the students, one read of each namespace; students {count}"
BASELINE = "kubectl get, namespace by namespace (baseline)"


def module_seconds(run: PlaybookRun, task: str) -> float:
    """The check module's own ``seconds`` (its result holds a ``results`` list, which PlaybookRun.results unfolds)."""
    for play in run.report["plays"]:
        for entry in play["tasks"]:
            if entry["task"]["name"].split(" : ", 1)[-1] == task:
                return float(next(iter(entry["hosts"].values()))["seconds"])
    raise LookupError(task)


def measure(students: int, workdir: Path, runs: int) -> dict[str, list[float]]:
    names = tuple(f"s{i:03d}" for i in range(students))
    lab = LabClass("checkbench", workdir, port_base=16520, students=names, options={"sim_node_count": None})
    admin = Kubectl(sim_binaries()["kubectl"], lab.admin_kubeconfig)
    seconds: dict[str, list[float]] = {"check.yml": [], "the module's reads and checks": [], BASELINE: []}
    try:
        up = lab.up()
        assert not up.failed, up.messages()
        for _ in range(runs):
            checked: list[PlaybookRun] = []
            seconds["check.yml"].append(timed(lambda: checked.append(lab.playbook("check.yml"))))
            assert not checked[0].failed, checked[0].messages()
            seconds["the module's reads and checks"].append(module_seconds(checked[0], TASK.format(count=students)))
            seconds[BASELINE].append(
                timed(lambda: [admin.run("get", RESOURCES, "-n", name, "-o", "json") for name in names]))
    finally:
        lab.down()
    return {step: [statistics.median(values), min(values), max(values)] for step, values in seconds.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for count in args.students:
        with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as tmp:
            seconds = measure(count, Path(tmp), args.runs)
        baseline = seconds[BASELINE][0]
        print(f"\n{count} students (median of {args.runs}, then min-max)")
        print(f"{'step':<48}{'seconds':>9}{'x baseline':>12}  spread")
        for step, (median, low, high) in seconds.items():
            print(f"{step:<48}{median:>9.1f}{median / baseline:>12.2f}  {low:.1f}-{high:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
