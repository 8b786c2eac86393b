"""kubelab.lab.nodeport: the tutorial's port on a cluster of one's own, one of the student's block on a shared one."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.kubelab.lab.plugins.filter.nodeport import FilterModule, nodeport


def student(name: str, shared: bool, first: int) -> dict[str, Any]:
    block = {"first": first, "last": first + 9} if shared else {"first": 30000, "last": 30098}
    return {"name": name, "shared": shared, "nodeport_first": first, "nodeports": block}


def test_own_cluster_gets_the_fixed_port_and_a_shared_one_the_block_plus_offset() -> None:
    found = nodeport([student("alice", False, 30100), student("bob", True, 30110)], "web_port", 30002, 3)
    assert [s["web_port"] for s in found] == [30002, 30113]


def test_an_offset_outside_the_block_names_the_student_and_block() -> None:
    with pytest.raises(ValueError, match="web_port 30120 of bob is outside their block 30110-30119: the offset is 10"):
        nodeport([student("bob", True, 30110)], "web_port", 30002, 10)
    assert FilterModule().filters()["nodeport"] is nodeport
