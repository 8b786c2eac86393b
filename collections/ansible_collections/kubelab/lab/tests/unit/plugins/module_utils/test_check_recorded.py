"""The course's checks on a namespace recorded from the sim class (alice, every solution deployed; recorded with
the check module's own read, managed fields and last-applied annotations left out): all pass, and each change a
student might make fails exactly the check about it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.kubelab.lab.plugins.module_utils.checks.course import SECTIONS, grade, student_of
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import snapshot

RECORDED = json.loads((Path(__file__).parent / "fixtures" / "alice-namespace.json").read_text())
Objects = dict[str, list[dict[str, Any]]]


def graded(change: Callable[[Objects], None] = lambda objects: None) -> dict[str, str]:
    """The failing checks of the recorded namespace after ``change``, with their hints."""
    objects: Objects = copy.deepcopy(RECORDED["objects"])
    change(objects)
    result = grade(snapshot("alice", objects.items()), student_of("alice", "alice", RECORDED["info"]))
    assert result["total"] == sum(len(section.checks) for section in SECTIONS) == 39
    return {c["check"]: c["hint"] for c in result["checks"] if not c["passed"]}


def named(objects: Objects, kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects[kind] if o["metadata"]["name"] == name)


def typo_in_selector(objects: Objects) -> None:
    named(objects, "Service", "my-emailservice")["spec"]["selector"] = {"app": "emailservice-dem"}
    for piece in objects["EndpointSlice"]:
        if piece["metadata"]["labels"].get("kubernetes.io/service-name") == "my-emailservice":
            piece["endpoints"] = []  # what the endpoint controller then does


def secret_mount_removed(objects: Objects) -> None:
    container = named(objects, "Deployment", "emailservice-deployment-demo")["spec"]["template"]["spec"]["containers"][0]
    container["volumeMounts"] = [m for m in container["volumeMounts"] if m["mountPath"] != "/etc/secret-volume"]


def tutorial_loop(objects: Objects) -> None:
    container = named(objects, "Job", "load-test")["spec"]["template"]["spec"]["containers"][0]
    container["command"] = ["/bin/sh", "-c", "for run in {1..10}; do wget -q -O- http://simple-nodejs-webserver:5858; done"]
    container.pop("args", None)


def datasources_deleted(objects: Objects) -> None:
    objects["ConfigMap"] = [c for c in objects["ConfigMap"] if c["metadata"]["name"] != "grafana-datasources"]


def cronjob_never_ran(objects: Objects) -> None:
    named(objects, "CronJob", "availability-test").pop("status", None)
    objects["Job"] = [j for j in objects["Job"] if not j["metadata"].get("ownerReferences")]


def test_the_recorded_namespace_passes_every_check() -> None:
    assert graded() == {}


def image(objects: Objects, deployment: str, reference: str) -> None:
    named(objects, "Deployment", deployment)["spec"]["template"]["spec"]["containers"][0]["image"] = reference


@pytest.mark.parametrize(("deployment", "reference"), [
    ("grafana", "grafana/grafana-oss"),
    ("grafana", "grafana/grafana-enterprise:12.3.1"),
    ("grafana", "docker.io/grafana/grafana:latest"),
    ("game-2048", "evilroot/docker-2048"),
    ("game-2048", "docker.io/alexwhen/docker-2048:latest"),
])
def test_another_image_of_the_same_app_passes_too(deployment: str, reference: str) -> None:
    assert graded(lambda objects: image(objects, deployment, reference)) == {}


@pytest.mark.parametrize(("change", "check", "hint"), [
    (typo_in_selector, "emailservice.service",
     "Service my-emailservice has no endpoints: its selector app=emailservice-dem matches no pod (kubectl get pods --show-labels)"),
    (secret_mount_removed, "emailservice.secret-volume",
     "Deployment emailservice-deployment-demo has a volume of Secret emailservice-user-pass but mounts it in no "
     "container"),
    (tutorial_loop, "simple_nodejs_webserver.load-test-loop",
     "Job load-test: busybox sh does no brace expansion: 'for run in {1..10}' runs once, with the word {1..10}; "
     'count instead: i=0; while [ "$i" -lt 10 ]; do ...; i=$((i + 1)); done'),
    (datasources_deleted, "grafana.datasource",
     "ConfigMap grafana-datasources mounted at /etc/grafana/provisioning/datasources is missing or empty"),
    (cronjob_never_ran, "availability.ran",
     "no Job of CronJob availability-test completed yet (it runs on * * * * *; kubectl get jobs)"),
])
def test_a_change_fails_exactly_the_check_about_it_with_its_hint(
        change: Callable[[Objects], None], check: str, hint: str) -> None:
    assert graded(change) == {check: hint}
