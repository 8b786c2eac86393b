#!/usr/bin/env python3
"""How long the sim provider takes to stand a class's cluster up, against kwokctl alone.

The class is the smallest the validation accepts: one student, no solutions (her namespace, RBAC, quota, policies
and files; none of the tutorial's workloads but redis-cart and the Dashboard).

Baseline, measured in the same run: `kwokctl create cluster` with the very
configuration site.yml rendered, until the API server answers /readyz. The
ratios say what the playbook adds on top (validation, stages, nodes, waits,
the admin kubeconfig).

Usage: .venv/bin/python bench/cluster_start.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from kube import eventually, sim_binaries  # noqa: E402
from labclass import LabClass  # noqa: E402

PORT_BASE = 16520


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def api_ready(pki: Path, port: int) -> bool:
    context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    context.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
    try:
        with urllib.request.urlopen(f"https://127.0.0.1:{port}/readyz", context=context, timeout=2) as reply:
            return bool(reply.status == 200)
    except OSError:
        return False


def kwokctl_alone(config: Path, workdir: Path) -> float:
    kwokctl = str(sim_binaries()["kwokctl"])
    env = {**os.environ, "KWOK_WORKDIR": str(workdir)}
    pki = workdir / "clusters" / "kubelab-baseline" / "pki"

    def create() -> None:
        subprocess.run(
            [kwokctl, "--name", "kubelab-baseline", "--config", str(config), "create", "cluster"],
            env=env, check=True, capture_output=True,
        )
        eventually(lambda: api_ready(pki, PORT_BASE), 60, "the baseline API server")

    seconds = timed(create)
    subprocess.run([kwokctl, "--name", "kubelab-baseline", "delete", "cluster"], env=env, check=True, capture_output=True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the median is reported")
    args = parser.parse_args()
    rounds: dict[str, list[float]] = {"kwokctl create (baseline)": [], "site.yml, new cluster": [],
                                      "site.yml, no change": [], "teardown.yml": []}
    with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as tmp:
        for round_ in range(args.repeat):
            lab = LabClass("bench", Path(tmp) / f"round{round_}", port_base=PORT_BASE, students=("alice",),
                           options={"lab_solutions": "none"})
            rounds["site.yml, new cluster"].append(timed(lab.up))
            rounds["site.yml, no change"].append(timed(lab.up))
            config = Path(tmp) / "kwokctl.yaml"
            # The configuration names the certificates kwokctl makes in the class's cluster folder: the baseline's
            # are in its own.
            baseline_dir = Path(tmp) / f"baseline{round_}"
            own = str(lab.output_dir / ".sim/kwok/clusters/kubelab-bench")
            config.write_text((lab.output_dir / ".sim/kwokctl.yaml").read_text().replace(
                own, str(baseline_dir / "clusters/kubelab-baseline")))
            rounds["teardown.yml"].append(timed(lab.down))
            rounds["kwokctl create (baseline)"].append(kwokctl_alone(config, baseline_dir))
    baseline = statistics.median(rounds["kwokctl create (baseline)"])
    print(f"{'step':<28}{'median s':>10}{'x baseline':>12}   ({args.repeat} rounds)")
    for step, seconds in rounds.items():
        median = statistics.median(seconds)
        print(f"{step:<28}{median:>10.2f}{median / baseline:>12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
