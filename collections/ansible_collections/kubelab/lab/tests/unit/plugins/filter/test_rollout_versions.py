"""kubelab.lab.rollout_versions: a new student's rollout starts at the first version, a running one stays final."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.filter.rollout_versions import FilterModule, rollout_versions


def test_a_fresh_student_starts_at_the_first_version_and_one_who_has_it_stays_at_the_final() -> None:
    students = [{"name": "alice", "namespace": "fall-alice"}, {"name": "dave", "namespace": "fall-dave"}]
    found = rollout_versions(students, ["fall-alice"], "v0.8.0", "v0.8.1")
    assert [(s["name"], s["fresh"], s["version"]) for s in found] == [
        ("alice", False, "v0.8.1"), ("dave", True, "v0.8.0")
    ]
    assert "fresh" not in students[0], "the roster is left as it was"


def test_a_class_of_none_is_none() -> None:
    assert rollout_versions([], [], "a", "b") == []
    assert FilterModule().filters()["rollout_versions"] is rollout_versions
