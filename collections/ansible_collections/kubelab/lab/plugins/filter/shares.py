"""A cluster's objects split into shares by namespace, for hosts that apply one share each at once."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: shares
short_description: Split each cluster's objects into shares by namespace, Namespaces first
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - Each cluster's objects, Namespaces first, go into at most O(per_cluster) shares; all objects of one namespace
    (and the Namespace itself) go into the same share, namespaces dealt in turn, so no share waits on another's
    Namespace. Cluster-scoped objects other than Namespaces are dealt as one more namespace. Empty shares are
    left out.
options:
  _input:
    description: The clusters, each C({kubeconfig, objects}) as M(kubelab.lab.k8s_pending) returns them.
    type: list
    elements: dict
    required: true
  per_cluster:
    description: The most shares a cluster's objects are split into (at least 1).
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Split each cluster's objects to apply into shares by namespace
  ansible.builtin.set_fact:
    deploy_shares: "{{ deploy_pending.clusters | kubelab.lab.shares(2) }}"
"""

RETURN = r"""
_value:
  description: The shares, each C([kubeconfig, objects]), a cluster's in share order.
  type: list
  elements: list
"""

from typing import Any, Callable


def namespace_of(obj: dict[str, Any]) -> str:
    """The namespace an object belongs to: its own, its name for a Namespace, '' for other cluster-scoped ones."""
    metadata = obj.get("metadata") or {}
    return str(metadata.get("namespace") or (metadata.get("name") if obj.get("kind") == "Namespace" else "") or "")


def shares(clusters: list[dict[str, Any]], per_cluster: int) -> list[list[Any]]:
    count = max(1, int(per_cluster))
    found: list[list[Any]] = []
    for cluster in clusters:
        objects = sorted(cluster["objects"], key=lambda obj: obj.get("kind") != "Namespace")
        turn: dict[str, int] = {}
        for obj in objects:
            turn.setdefault(namespace_of(obj), len(turn))
        parts: list[list[dict[str, Any]]] = [[] for _share in range(count)]
        for obj in objects:
            parts[turn[namespace_of(obj)] % count].append(obj)
        found.extend([cluster["kubeconfig"], part] for part in parts if part)
    return found


class FilterModule:
    def filters(self) -> dict[str, Callable[..., list[list[Any]]]]:
        return {"shares": shares}
