"""Adding a workload is a role and a line in lab_workloads: the fixture role greeting (a ConfigMap per student)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from kube import Kubectl
from labclass import ROOT, LabClass, PlaybookRun

WORKLOADS = ["emailservice", "online_boutique", "dashboard", "greeting"]
ROLES_PATH = {"ANSIBLE_ROLES_PATH": f"{ROOT / 'tests/fixtures/roles'}:{ROOT / 'roles'}"}


def with_greeting(lab: LabClass, **options: object) -> PlaybookRun:
    extra = json.dumps({"lab_workloads": WORKLOADS, **options})
    return lab.playbook("site.yml", "-e", extra, env=ROLES_PATH)


@pytest.fixture(scope="module")
def greeted(sim_class: LabClass, admin: Kubectl) -> Iterator[PlaybookRun]:
    run = with_greeting(sim_class, greeting_text="Welcome")
    yield run
    for student in ("alice", "bob", "carol"):
        admin.run("delete", "configmap", "greeting", "-n", student, "--ignore-not-found", check=False)


def test_a_workload_role_in_the_list_gives_every_student_its_objects(greeted: PlaybookRun, admin: Kubectl) -> None:
    assert not greeted.failed, greeted.messages()
    for student in ("alice", "bob", "carol"):
        data = admin.get("configmap", "greeting", "-n", student)["data"]
        assert data == {"greeting": f"Welcome, {student}"}


def test_a_rerun_with_the_new_workload_changes_nothing(greeted: PlaybookRun, sim_class: LabClass) -> None:
    again = with_greeting(sim_class, greeting_text="Welcome")
    assert not again.failed, again.messages()
    assert again.changed == 0, again.changed_tasks()


def test_the_new_roles_options_are_class_options_and_a_typo_is_refused(sim_class: LabClass) -> None:
    run = with_greeting(sim_class, greeting_txt="Hi")
    assert run.failed
    assert "Unknown option greeting_txt" in run.messages()
