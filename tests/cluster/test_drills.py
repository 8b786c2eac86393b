"""playbooks/drills.yml on the session class: every drill passes for every student, live."""

from __future__ import annotations

from typing import Any

import pytest

from kube import Kubectl
from labclass import LabClass, PlaybookRun

DRILL_TASK = "Run the drills for every student at once"
DRILLS = ["replicaset", "rolling_update", "rollback", "services"]


def outcomes(run: PlaybookRun) -> dict[str, dict[str, Any]]:
    students: dict[str, dict[str, Any]] = run.results(DRILL_TASK)[0]["students"]
    return students


@pytest.fixture(scope="module")
def drilled(sim_class: LabClass) -> dict[str, dict[str, Any]]:
    run = sim_class.playbook("playbooks/drills.yml")
    assert not run.failed, run.messages()
    return outcomes(run)


def said(done: dict[str, Any], drill: str) -> str:
    return " ".join(done[drill]["said"])


@pytest.mark.parametrize("student", ["alice", "bob", "carol"])
def test_every_drill_passes_for_every_student(drilled: dict[str, dict[str, Any]], student: str) -> None:
    done = drilled[student]
    assert sorted(done) == sorted(DRILLS)
    assert all(done[drill]["passed"] for drill in DRILLS), done


def test_the_replicaset_drill_saw_the_controller_react(drilled: dict[str, dict[str, Any]]) -> None:
    text = said(drilled["alice"], "replicaset")
    assert "to keep 3 replicas" in text
    assert "counted 4 pods for 3 replicas" in text
    assert "the pods kept v0.7.0" in text


def test_the_rolling_update_stayed_within_25_percent(drilled: dict[str, dict[str, Any]]) -> None:
    assert "at most 4 pods and at least 3 ready" in said(drilled["bob"], "rolling_update")


def test_the_rollback_drill_stalled_and_recovered(drilled: dict[str, dict[str, Any]]) -> None:
    text = said(drilled["carol"], "rollback")
    assert "ImagePullBackOff" in text and "ProgressDeadlineExceeded" in text
    assert "3=v0.7.1, 4=v0.8.0, 5=v0.7.0" in text


def test_the_services_drill_saw_endpoints_follow_the_pods(drilled: dict[str, dict[str, Any]]) -> None:
    assert "endpoints went to 1; back to 3: 3" in said(drilled["alice"], "services")


def test_drills_leave_nothing_and_the_end_state_as_it_was(
    drilled: dict[str, dict[str, Any]], sim_class: LabClass, admin: Kubectl
) -> None:
    left = admin.get("replicasets,deployments", "-A", "-l", "app in (emailservice-replicaset-demo,"
                     "emailservice-rollout-drill,emailservice-rollback-drill)")["items"]
    assert left == []
    assert sim_class.up().changed == 0


def test_a_drill_for_one_student_prints_what_happened(sim_class: LabClass, drilled: dict[str, Any]) -> None:
    run = sim_class.playbook(
        "playbooks/drills.yml", "--limit", "alice", "-e", '{"drills_run": ["services"]}',
        env={"ANSIBLE_STDOUT_CALLBACK": "default"},
    )
    assert not run.failed
    assert "alice services" in run.stdout and "a Service follows the pods" in run.stdout
    assert "bob services" not in run.stdout


def test_a_failing_drill_fails_the_play_and_says_why(sim_class: LabClass, drilled: dict[str, Any]) -> None:
    run = sim_class.playbook(
        "playbooks/drills.yml", "--limit", "bob",
        "-e", '{"drills_run": ["rolling_update"], "drills_version": "v0.7.1", "drills_timeout": 5}',
    )
    assert run.failed
    assert "bob: rolling_update" in run.messages()
    assert outcomes(run)["bob"]["rolling_update"]["said"] == [
        "FAILED: timed out waiting for Deployment emailservice-rollout-drill to roll out"
    ]
