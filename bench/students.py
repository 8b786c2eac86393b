#!/usr/bin/env python3
"""A class of N students on the sim cluster: site.yml against `kubectl apply --server-side` of the same objects.

For each N (default 30 and 200) this builds class `bench` from nothing
(cluster, students, the tutorial's objects), re-runs it (nothing to change),
removes the students (`teardown.yml --limit students`) and builds them again
on the running cluster, then times the baseline. The baseline, measured in the same run on the same
cluster, is the plain `kubectl apply --server-side` of the very objects
site.yml made for those students (one apply, no rollout from v0.7.0, no wait,
no tokens). This machine's speed varies from minute to minute, so the
baseline and the no-change re-run are timed --runs times and their medians
compared. Targets: 30 students ready < 30 s, a no-change re-run < 15 s,
200 students < 180 s.

Usage: .venv/bin/python bench/students.py [--students 30 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from kube import Kubectl, sim_binaries  # noqa: E402
from labclass import LabClass  # noqa: E402

KINDS = (
    "namespaces,serviceaccounts,roles,rolebindings,resourcequotas,limitranges,networkpolicies,"
    "secrets,configmaps,services,deployments,pods,cronjobs,jobs,endpointslices.discovery.k8s.io,endpoints"
)
# The Endpoints the class applies itself (the Service without a selector's); the controllers copy the class's
# label onto the others.
APPLIED_ENDPOINTS = "endpointslice.kubernetes.io/skip-mirror"
SERVER_FIELDS = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation")
# Annotations the server or kubectl wrote; the rest (a Namespace's NodePort block, read by the admission
# policy) are the class's own.
BASELINE = "kubectl apply --server-side (baseline)"
SERVER_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision")
# What the Job controller adds to a Job it was given without a selector (given back, the API refuses it).
JOB_LABELS = ("controller-uid", "job-name", "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def class_objects(admin: Kubectl) -> list[dict[str, Any]]:
    """The class's objects as a user would write them (no server-set fields)."""
    items: list[dict[str, Any]] = admin.get(KINDS, "-A", "-l", "kubelab.io/class=bench")["items"]
    items = [i for i in items if not i["metadata"].get("ownerReferences")
             and (i["kind"] != "Endpoints" or APPLIED_ENDPOINTS in i["metadata"].get("labels", {}))]
    for item in items:
        item.pop("status", None)
        for field in SERVER_FIELDS:
            item["metadata"].pop(field, None)
        annotations = item["metadata"].pop("annotations", {})
        kept = {key: value for key, value in annotations.items() if key not in SERVER_ANNOTATIONS}
        if kept:
            item["metadata"]["annotations"] = kept
        if item["kind"] == "Service":
            for key in ("clusterIP", "clusterIPs"):
                item["spec"].pop(key, None)
        if item["kind"] == "Job":
            item["spec"].pop("selector", None)
            labels = item["spec"]["template"]["metadata"]["labels"]
            for key in JOB_LABELS:
                labels.pop(key, None)
    # Namespaces first, as any manifest would have them.
    return sorted(items, key=lambda item: item["kind"] != "Namespace")


def median_of(runs: int, action: Callable[[], object], between: Callable[[], object] = lambda: None) -> list[float]:
    """``runs`` timings of ``action`` (``between`` runs after each but the last, untimed), median first."""
    seconds = []
    for run in range(runs):
        seconds.append(timed(action))
        if run < runs - 1:
            between()
    return [statistics.median(seconds), min(seconds), max(seconds)]


def measure(students: int, workdir: Path, runs: int) -> dict[str, list[float]]:
    names = tuple(f"s{i:03d}" for i in range(students))
    # The simulated nodes a class of that size gets by default (the tests' classes pin 2).
    lab = LabClass("bench", workdir, port_base=16520, students=names, options={"sim_node_count": None})
    admin = Kubectl(sim_binaries()["kubectl"], lab.admin_kubeconfig)

    def remove_namespaces() -> None:
        admin.run("delete", "namespaces", "-l", "kubelab.io/class=bench", "--wait=true")

    try:
        seconds = {"site.yml, new cluster and students": [timed(lab.up)]}
        seconds["site.yml, no change"] = median_of(runs, lab.up)
        objects = class_objects(admin)
        manifest = workdir / "objects.yaml"
        manifest.write_text(yaml.safe_dump_all(objects))
        seconds["teardown.yml --limit students"] = [timed(lambda: lab.down("--limit", "students"))]
        # Before the baseline: its runs make and delete the class's objects again and again, and a step timed
        # after that churn times its wake too (at 200 students, 572 s after it against 488 s without it).
        seconds["site.yml, students on the running cluster"] = [timed(lab.up)]
        remove_namespaces()
        seconds[BASELINE] = median_of(
            runs, lambda: admin.run("apply", "--server-side", "-f", str(manifest)), remove_namespaces
        )
    finally:
        lab.down()
    seconds["objects"] = [float(len(objects))]
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[30, 200])
    parser.add_argument("--runs", type=int, default=3, help="timings of the baseline and of the no-change re-run")
    args = parser.parse_args()
    report = {}
    for count in args.students:
        with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as tmp:
            report[count] = measure(count, Path(tmp), args.runs)
    for count, seconds in report.items():
        objects = int(seconds.pop("objects")[0])
        baseline = seconds[BASELINE][0]
        print(f"\n{count} students, {objects} objects (repeated steps: median of {args.runs}, then min-max)")
        print(f"{'step':<44}{'seconds':>9}{'x baseline':>12}  spread")
        for step, values in seconds.items():
            spread = f"  {values[1]:.1f}-{values[2]:.1f}" if len(values) > 1 else ""
            print(f"{step:<44}{values[0]:>9.1f}{values[0] / baseline:>12.1f}{spread}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
