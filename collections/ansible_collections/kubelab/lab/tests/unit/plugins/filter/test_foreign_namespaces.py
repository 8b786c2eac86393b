"""kubelab.lab.foreign_namespaces: a class never adopts a namespace someone else made."""

from __future__ import annotations

from typing import Any

from ansible_collections.kubelab.lab.plugins.filter.foreign_namespaces import FilterModule, foreign_namespaces

STUDENTS = [{"name": "alice", "namespace": "fall-alice"}, {"name": "argocd", "namespace": "argocd"}]


def namespace(name: str, **labels: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}}


def test_a_namespace_the_cluster_lacks_is_free() -> None:
    assert foreign_namespaces(STUDENTS, [namespace("default")], "fall") == []


def test_the_students_own_namespace_of_this_class_is_theirs() -> None:
    mine = namespace("fall-alice", **{"kubelab.io/class": "fall", "kubelab.io/student": "alice"})
    assert foreign_namespaces(STUDENTS, [mine], "fall") == []


def test_an_unlabelled_namespace_of_the_same_name_is_foreign() -> None:
    assert foreign_namespaces(STUDENTS, [namespace("argocd")], "fall") == [
        "argocd (for argocd; its labels: kubelab.io/class=none, kubelab.io/student=none)"
    ]


def test_another_class_or_another_student_makes_it_foreign() -> None:
    other_class = namespace("fall-alice", **{"kubelab.io/class": "spring", "kubelab.io/student": "alice"})
    other_student = namespace("fall-alice", **{"kubelab.io/class": "fall", "kubelab.io/student": "bob"})
    assert foreign_namespaces(STUDENTS, [other_class], "fall")[0].startswith("fall-alice (for alice")
    assert "kubelab.io/student=bob" in foreign_namespaces(STUDENTS, [other_student], "fall")[0]


def test_a_namespace_without_labels_at_all_is_foreign() -> None:
    assert len(foreign_namespaces(STUDENTS, [{"metadata": {"name": "fall-alice"}}], "fall")) == 1


def test_a_class_of_one_on_an_empty_cluster_takes_nothing_foreign() -> None:
    assert foreign_namespaces(STUDENTS[:1], [], "fall") == []


def test_the_filter_is_registered() -> None:
    assert FilterModule().filters()["foreign_namespaces"] is foreign_namespaces
