"""After site.yml every student has the exercises' objects, as they work on a real cluster."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kube import Kubectl, eventually, ready_endpoint_ips
from labclass import LabClass

STUDENTS = ["alice", "bob", "carol"]
GAME_2048 = "alexwhen/docker-2048:latest@sha256:4913452e5bd092db9c8b005523127b8f62821867021e23a9acb1ae0f7d2432e1"


@pytest.fixture(params=STUDENTS)
def student(request: pytest.FixtureRequest, admin: Kubectl) -> Kubectl:
    """The admin's view of one student's namespace."""
    return admin.in_namespace(request.param)


def published(lab: LabClass, student: str, service: str) -> dict[str, Any]:
    """What the student's user-info.yaml says of ``service``."""
    info = yaml.safe_load((lab.student_dir(student) / "user-info.yaml").read_text())
    found: list[dict[str, Any]] = [entry for entry in info["services"] if entry["name"] == service]
    assert len(found) == 1, info["services"]
    return found[0]


def test_the_2048_game_runs_its_pinned_image_behind_a_service_on_5858(student: Kubectl) -> None:
    deployment = student.get("deployment", "game-2048")
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == GAME_2048
    assert container["ports"] == [{"name": "http", "containerPort": 80, "protocol": "TCP"}]
    assert deployment["status"]["readyReplicas"] == 1
    service = student.get("service", "game-2048")
    assert service["spec"]["ports"] == [{"name": "http", "port": 5858, "targetPort": "http", "protocol": "TCP"}]
    pods = {p["status"]["podIP"] for p in student.get("pods", "-l", "app=game-2048")["items"]}
    assert ready_endpoint_ips(student, "game-2048") == pods and len(pods) == 1


def test_user_info_says_how_to_reach_the_game_with_port_forward(sim_class: LabClass, student: Kubectl) -> None:
    assert student.namespace
    assert published(sim_class, student.namespace, "game-2048") == {
        "name": "game-2048",
        "type": "ClusterIP",
        "address": "game-2048:5858",
        "port_forward": "kubectl port-forward service/game-2048 5858:5858",
    }


def test_the_availability_cronjob_checks_the_game_every_minute_and_its_jobs_complete(student: Kubectl) -> None:
    cronjob = student.get("cronjob", "availability-test")
    spec = cronjob["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == ("* * * * *", "Forbid")
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    [container] = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "busybox:1.36.1"
    assert "wget --spider --timeout=5 --tries=3" in container["command"][2]
    assert container["args"] == ["http://game-2048:5858"]

    def completed() -> list[str] | None:
        jobs = student.get("jobs")["items"]
        done = [
            job["metadata"]["name"]
            for job in jobs
            if job["metadata"].get("ownerReferences", [{}])[0].get("name") == "availability-test"
            and any(c["type"] == "Complete" and c["status"] == "True" for c in job["status"].get("conditions", []))
        ]
        return done or None

    # The first run is due within a minute of the class coming up.
    assert eventually(completed, 90, "a Job of the availability CronJob to complete")
