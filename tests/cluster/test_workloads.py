"""The sim cluster behaves like a real one: controllers, scheduling, rollouts, RBAC."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from kube import Kubectl, eventually
from labclass import run_playbook

EMAIL = "gcr.io/google-samples/microservices-demo/emailservice"


def deployment(name: str, image: str, replicas: int = 3, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "server", "image": image}]},
            },
            **spec,
        },
    }


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    return next((c for c in obj.get("status", {}).get("conditions", []) if c["type"] == kind), {})


def test_deployment_rolls_out_and_its_service_gets_the_pod_ips(ns: Kubectl) -> None:
    ns.apply(
        deployment("email", f"{EMAIL}:v0.7.0"),
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "email"},
            "spec": {"selector": {"app": "email"}, "ports": [{"port": 8080, "targetPort": 8080}]},
        },
    )
    ns.run("rollout", "status", "deployment/email", "--timeout=30s")
    pod_ips = {pod["status"]["podIP"] for pod in ns.get("pods", "-l", "app=email")["items"]}
    assert len(pod_ips) == 3

    def endpoint_ips() -> set[str] | None:
        slices = ns.get("endpointslices", "-l", "kubernetes.io/service-name=email")["items"]
        ips = {a for s in slices for e in s.get("endpoints") or [] for a in e["addresses"]}
        return ips if ips == pod_ips else None

    assert eventually(endpoint_ips, 20, "the EndpointSlice to list the 3 pod IPs") == pod_ips


def test_job_pods_succeed_and_the_job_completes(ns: Kubectl) -> None:
    ns.run("create", "job", "load-test", "--image=busybox:1.28", "--", "wget", "-q", "-O-", "http://web:5858")
    ns.run("wait", "--for=condition=Complete", "job/load-test", "--timeout=30s")
    pods = ns.get("pods", "-l", "job-name=load-test")["items"]
    assert [p["status"]["phase"] for p in pods] == ["Succeeded"]


def test_rollout_undo_returns_to_the_previous_image(ns: Kubectl) -> None:
    ns.apply(deployment("email", f"{EMAIL}:v0.7.0"))
    ns.run("rollout", "status", "deployment/email", "--timeout=30s")
    ns.run("set", "image", "deployment/email", f"server={EMAIL}:v0.8.0")
    ns.run("rollout", "status", "deployment/email", "--timeout=30s")
    ns.run("rollout", "undo", "deployment/email")
    ns.run("rollout", "status", "deployment/email", "--timeout=30s")
    spec = ns.get("deployment", "email")["spec"]["template"]["spec"]
    assert spec["containers"][0]["image"] == f"{EMAIL}:v0.7.0"
    assert "3" in ns.run("rollout", "history", "deployment/email").stdout


def test_a_tag_missing_from_the_catalog_stalls_the_rollout(ns: Kubectl) -> None:
    ns.apply(deployment("email", f"{EMAIL}:v0.7.0", progressDeadlineSeconds=15))
    ns.run("rollout", "status", "deployment/email", "--timeout=30s")
    ns.run("set", "image", "deployment/email", f"server={EMAIL}:v0.7.1")

    def stalled() -> dict[str, Any] | None:
        progressing = condition(ns.get("deployment", "email"), "Progressing")
        return progressing if progressing.get("reason") == "ProgressDeadlineExceeded" else None

    eventually(stalled, 40, "ProgressDeadlineExceeded")
    waiting = [
        status["state"].get("waiting", {}).get("reason")
        for pod in ns.get("pods", "-l", "app=email")["items"]
        if pod["spec"]["containers"][0]["image"].endswith(":v0.7.1")
        for status in pod["status"].get("containerStatuses", [])
    ]
    assert waiting and set(waiting) == {"ImagePullBackOff"}
    # The old pods keep serving: 25% max unavailable of 3 is 0.
    assert ns.get("deployment", "email")["status"]["availableReplicas"] == 3
    ns.run("rollout", "undo", "deployment/email")
    ns.run("rollout", "status", "deployment/email", "--timeout=30s")


def test_an_unbound_serviceaccount_is_denied(ns: Kubectl) -> None:
    ns.run("create", "serviceaccount", "nobody")
    token = ns.run("create", "token", "nobody", "--duration=10m").stdout.strip()
    nobody = ns.as_token(token, "nobody")
    assert nobody.run("auth", "can-i", "list", "pods", check=False).stdout.strip() == "no"
    denied = nobody.run("get", "pods", check=False)
    assert denied.returncode != 0
    assert "Forbidden" in denied.stderr


def test_a_cronjob_creates_jobs(ns: Kubectl) -> None:
    ns.run("create", "cronjob", "availability", "--image=busybox", "--schedule=* * * * *", "--", "true")

    def jobs() -> list[dict[str, Any]] | None:
        items: list[dict[str, Any]] = ns.get("jobs")["items"]
        owned = [j for j in items if j["metadata"].get("ownerReferences", [{}])[0].get("name") == "availability"]
        return owned or None

    # The CronJob controller starts a Job at the next minute boundary.
    created = eventually(jobs, 75, "the CronJob to create a Job", interval=2)
    ns.run("wait", "--for=condition=Complete", f"job/{created[0]['metadata']['name']}", "--timeout=30s")


def wait_for(ns: Kubectl, selector: str, timeout: int) -> tuple[dict[str, Any], float]:
    extra = {"wait_kubeconfig": str(ns.kubeconfig), "wait_selector": selector, "wait_timeout": timeout}
    start = time.monotonic()
    run = run_playbook("tests/cluster/playbooks/k8s_wait.yml", "-e", json.dumps(extra))
    [result] = run.results("Wait for what the test labels")
    return result, time.monotonic() - start


def test_the_class_wait_gives_up_once_nothing_got_ready_for_its_timeout_naming_what_and_why(ns: Kubectl) -> None:
    label = f"kubelab.io/wait-test={uuid.uuid4().hex[:6]}"
    good, typo = deployment("good", f"{EMAIL}:v0.7.0", replicas=1), deployment("typo", f"{EMAIL}:v0.7.1", replicas=1)
    for obj in (good, typo):
        obj["metadata"]["labels"] = dict([label.split("=")])
    ns.apply(good, typo)
    result, seconds = wait_for(ns, label, 8)
    assert result["failed"]
    assert "not ready after 8 s without progress" in result["msg"]
    assert f"Deployment {ns.namespace}/typo: updated/available/total 1/0/1 of 1" in result["msg"]
    assert f"{ns.namespace}/good" not in result["msg"]
    assert result["ready"] == {"Deployment": 1}
    assert seconds < 60, "it gave up soon after the good one was ready"
    ns.run("delete", "deployment", "typo")
    result, _ = wait_for(ns, label, 8)
    assert not result.get("failed") and result["ready"] == {"Deployment": 1}
