"""The minikube class after converge: a real cluster, its addons, every student's objects."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

testinfra_hosts = ["local://"]

OUTPUT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"]) / "output" / "molecule-minikube"
KUBECTL = f"/usr/local/bin/kubectl --kubeconfig {OUTPUT / 'admin.kubeconfig'}"


def get(host: Any, *args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(host.check_output(f"{KUBECTL} get {' '.join(args)} -o json"))
    return result


def test_the_node_is_ready_on_the_pinned_version(host: Any) -> None:
    [node] = get(host, "nodes")["items"]
    assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.37.2"
    assert {c["type"]: c["status"] for c in node["status"]["conditions"]}["Ready"] == "True"


def test_the_addons_run(host: Any) -> None:
    dashboard = get(host, "deployments", "-n", "kubernetes-dashboard")["items"]
    system = {d["metadata"]["name"] for d in get(host, "deployments", "-n", "kube-system")["items"]}
    assert {"kubernetes-dashboard"} <= {d["metadata"]["name"] for d in dashboard}
    assert {"metrics-server", "registry-creds"} <= system


def test_registry_creds_has_its_four_secrets(host: Any) -> None:
    secrets = get(host, "secrets", "-n", "kube-system", "-l", "app=registry-creds")["items"]
    assert sorted(s["metadata"]["name"] for s in secrets) == [f"registry-creds-{c}" for c in ("acr", "dpr", "ecr", "gcr")]


def test_every_student_has_the_tutorial_deployment_rolled_out(host: Any) -> None:
    for student in ("alice", "bob"):
        deployment = get(host, "deployment", "emailservice-deployment-demo", "-n", student)
        assert deployment["status"].get("availableReplicas") == 3
