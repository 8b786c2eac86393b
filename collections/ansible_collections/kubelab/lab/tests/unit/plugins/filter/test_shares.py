"""kubelab.lab.shares: a cluster's objects dealt into shares by namespace, Namespaces first."""

from __future__ import annotations

from typing import Any

from ansible_collections.kubelab.lab.plugins.filter.shares import FilterModule, shares


def obj(kind: str, name: str, namespace: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "metadata": {"name": name, **({"namespace": namespace} if namespace else {})}}


def names(share: list[Any]) -> list[str]:
    return [f"{o['kind']}/{o['metadata']['name']}" for o in share[1]]


def test_one_share_holds_everything_namespaces_first() -> None:
    objects = [obj("Pod", "p", "a"), obj("Namespace", "a")]
    [share] = shares([{"kubeconfig": "k", "objects": objects}], 1)
    assert share[0] == "k" and names(share) == ["Namespace/a", "Pod/p"]


def test_a_namespace_and_its_objects_stay_in_one_share_and_namespaces_are_dealt_in_turn() -> None:
    objects = [obj("Namespace", n) for n in "abc"] + [obj("Pod", f"p{n}", n) for n in "abc"]
    found = shares([{"kubeconfig": "k", "objects": objects}], 2)
    assert [names(s) for s in found] == [
        ["Namespace/a", "Namespace/c", "Pod/pa", "Pod/pc"],
        ["Namespace/b", "Pod/pb"],
    ]


def test_cluster_scoped_objects_are_dealt_as_one_more_namespace() -> None:
    objects = [obj("Namespace", "a"), obj("ValidatingAdmissionPolicy", "v"), obj("Pod", "p", "a")]
    found = shares([{"kubeconfig": "k", "objects": objects}], 2)
    assert [names(s) for s in found] == [["Namespace/a", "Pod/p"], ["ValidatingAdmissionPolicy/v"]]


def test_empty_shares_and_clusters_without_objects_are_left_out() -> None:
    clusters = [{"kubeconfig": "a", "objects": [obj("Namespace", "x")]}, {"kubeconfig": "b", "objects": []}]
    assert [s[0] for s in shares(clusters, 3)] == ["a"]


def test_students_on_several_clusters_get_shares_of_their_own_cluster() -> None:
    clusters = [{"kubeconfig": c, "objects": [obj("Namespace", f"{c}1"), obj("Namespace", f"{c}2")]} for c in "ab"]
    assert [(s[0], names(s)) for s in shares(clusters, 2)] == [
        ("a", ["Namespace/a1"]), ("a", ["Namespace/a2"]), ("b", ["Namespace/b1"]), ("b", ["Namespace/b2"])
    ]


def test_a_count_below_one_means_one_share() -> None:
    assert len(shares([{"kubeconfig": "k", "objects": [obj("Namespace", "a"), obj("Namespace", "b")]}], 0)) == 1
    assert FilterModule().filters()["shares"] is shares
