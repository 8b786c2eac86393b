"""The roster of a run: slots, NodePort blocks, clusters, as the student role and the workloads read them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ansible_collections.kubelab.lab.plugins.module_utils.roster import Settings, roster, slots

SETTINGS = Settings(lab_class="fall", namespace_prefix="", nodeport_base=30100, nodeports_per_student=10,
                    own_range=(30000, 30098), class_kubeconfig="out/admin.kubeconfig", own_kubeconfig=None,
                    output_dir="out")
CLASS = ["carol", "alice", "bob"]


def test_a_slot_is_the_pinned_one_or_the_position_in_the_group() -> None:
    assert slots(CLASS, {"bob": 7}) == {"carol": 0, "alice": 1, "bob": 7}


def test_on_the_class_cluster_each_student_gets_their_slots_block_and_the_run_is_sorted() -> None:
    entries = roster(["bob", "alice", "carol"], CLASS, {}, SETTINGS)
    assert [e["name"] for e in entries] == ["alice", "bob", "carol"]
    alice = entries[0]
    assert (alice["slot"], alice["nodeport_first"], alice["nodeports"]) == (1, 30110, {"first": 30110, "last": 30119})
    assert alice["shared"] and alice["admin_kubeconfig"] == "out/admin.kubeconfig"
    assert alice["access"] == {"name": "alice", "namespace": "alice", "output_dir": "out/alice",
                               "info": {"class": "fall", "nodeports": {"first": 30110, "last": 30119}}}


def test_a_limited_run_keeps_the_slots_of_the_whole_class() -> None:
    [bob] = roster(["bob", "localhost"], CLASS, {}, SETTINGS)
    assert (bob["slot"], bob["nodeports"]["first"]) == (2, 30120)


def test_a_class_of_one_is_alone_on_its_cluster_with_the_own_range() -> None:
    [solo] = roster(["solo"], ["solo"], {}, SETTINGS)
    assert not solo["shared"] and solo["nodeports"] == {"first": 30000, "last": 30098}


def test_students_on_clusters_of_their_own_and_one_given_explicitly() -> None:
    settings = replace(SETTINGS, own_kubeconfig="out/%s/cluster.kubeconfig", namespace_prefix="fall-")
    hostvars = {"bob": {"student_admin_kubeconfig": "elsewhere.kubeconfig", "student_email": "bob@example.org"}}
    alice, bob, carol = roster(CLASS, CLASS, hostvars, settings)
    assert alice["admin_kubeconfig"] == "out/alice/cluster.kubeconfig" and not alice["shared"]
    assert bob["admin_kubeconfig"] == "elsewhere.kubeconfig" and bob["access"]["info"]["email"] == "bob@example.org"
    assert carol["namespace"] == "fall-carol" and carol["nodeports"] == {"first": 30000, "last": 30098}


def test_two_students_given_the_same_cluster_share_it() -> None:
    hostvars = {name: {"student_admin_kubeconfig": "lab.kubeconfig"} for name in ("alice", "bob")}
    settings = replace(SETTINGS, own_kubeconfig="out/%s/cluster.kubeconfig")
    entries = {e["name"]: e for e in roster(CLASS, CLASS, hostvars, settings)}
    assert entries["alice"]["shared"] and entries["bob"]["shared"] and not entries["carol"]["shared"]
    assert entries["bob"]["nodeports"] == {"first": 30120, "last": 30129}


def test_a_student_added_to_a_running_class_takes_the_next_slot() -> None:
    [dave] = roster(["dave"], [*CLASS, "dave"], {}, SETTINGS)
    assert dave["slot"] == 3 and dave["nodeports"]["first"] == 30130


SECTIONS = replace(SETTINGS, sections=("emailservice", "game_2048", "availability"))


def test_each_student_gets_the_solutions_their_lab_solutions_names_in_the_sections_order() -> None:
    hostvars = {
        "alice": {"lab_solutions": "none"},
        "bob": {"lab_solutions": ["availability", "emailservice"]},
        "carol": {"lab_solutions": "all"},
    }
    entries = {e["name"]: e["solutions"] for e in roster(CLASS, CLASS, hostvars, SECTIONS)}
    assert entries == {
        "alice": [],
        "bob": ["emailservice", "availability"],
        "carol": ["emailservice", "game_2048", "availability"],
    }
    [unset] = roster(["alice"], CLASS, {}, SECTIONS)
    assert unset["solutions"] == ["emailservice", "game_2048", "availability"], "all when unset"


def test_an_unknown_section_or_a_wrong_value_is_refused_naming_the_student() -> None:
    with pytest.raises(ValueError, match="student bob: lab_solutions names no section grafna; the sections are "
                                         "emailservice, game_2048, availability"):
        roster(["bob"], CLASS, {"bob": {"lab_solutions": ["grafna"]}}, SECTIONS)
    for wrong in ("some", 3, ["emailservice", 2]):
        with pytest.raises(ValueError, match="student bob: lab_solutions must be all, none or a list of sections"):
            roster(["bob"], CLASS, {"bob": {"lab_solutions": wrong}}, SECTIONS)


def test_every_student_learns_where_the_class_external_host_is_when_it_has_one() -> None:
    host = {"address": "198.18.64.98", "port": 80}
    entries = roster(["alice", "bob"], CLASS, {}, replace(SETTINGS, external_host=host))
    assert [e["access"]["info"]["external_host"] for e in entries] == [host, host]
    [alone] = roster(["alice"], CLASS, {}, SETTINGS)
    assert "external_host" not in alone["access"]["info"]


def test_each_student_has_their_own_repository_in_the_class_registry_and_the_secret_that_pulls_from_it() -> None:
    registry = {"server": "registry.kubelab.test", "repository": "registry.kubelab.test/kubelab-fall/{student}",
                "pull_secret": "registry-pull"}
    alice, bob = roster(["alice", "bob"], CLASS, {}, replace(SETTINGS, registry=registry))
    assert bob["registry"] == {"server": "registry.kubelab.test", "pull_secret": "registry-pull",
                               "repository": "registry.kubelab.test/kubelab-fall/bob"}
    assert alice["access"]["info"]["registry"]["repository"] == "registry.kubelab.test/kubelab-fall/alice"
    shared = {"server": "localhost", "repository": "localhost/kubelab-fall"}
    assert roster(["bob"], CLASS, {}, replace(SETTINGS, registry=shared))[0]["registry"] == {
        "server": "localhost", "repository": "localhost/kubelab-fall", "pull_secret": ""}
    [alone] = roster(["alice"], CLASS, {}, SETTINGS)
    assert alone["registry"] is None and "registry" not in alone["access"]["info"]
