"""The students of a run: each one's namespace, slot, NodePort block, cluster and files, as pure functions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# A student as the modules take one from the roster: the options they all have (argument_spec).
STUDENT_OPTIONS: dict[str, dict[str, Any]] = {
    "name": {"type": "str", "required": True},
    "namespace": {"type": "str", "required": True},
    "output_dir": {"type": "path", "required": True},
}


def students_option(**more: dict[str, Any]) -> dict[str, Any]:
    """A module's required ``students`` option: roster entries with what every student has, and ``more``."""
    return {"type": "list", "elements": "dict", "required": True, "options": {**STUDENT_OPTIONS, **more}}


@dataclass(frozen=True)
class Settings:
    """What the class sets for every student."""

    lab_class: str
    namespace_prefix: str
    nodeport_base: int
    nodeports_per_student: int
    own_range: tuple[int, int]  # the NodePorts of a student alone on their cluster
    class_kubeconfig: str  # the class's cluster
    own_kubeconfig: str | None  # "%s" pattern of each student's own cluster, when the provider gives one
    output_dir: str
    sections: tuple[str, ...] = ()  # the workloads whose objects are a section's solution (lab_sections)
    external_host: Mapping[str, Any] | None = None  # the class's external host (address, port), when it has one
    registry: Mapping[str, Any] | None = None  # the class's registry (server, repository with {student}, pull_secret)


def slots(students: Sequence[str], pinned: Mapping[str, Any]) -> dict[str, int]:
    """Each student's slot: the one pinned (student_slot), or their position in the students group."""
    return {name: int(pinned[name]) if pinned.get(name) is not None else index for index, name in enumerate(students)}


def cluster_of(name: str, own: Mapping[str, Any], settings: Settings) -> str:
    """A student's cluster: their own (given, or the provider's per student), or the class's."""
    if own.get(name):
        return str(own[name])
    return settings.own_kubeconfig % name if settings.own_kubeconfig else settings.class_kubeconfig


def solutions(student: str, value: Any, sections: Sequence[str]) -> list[str]:
    """The sections whose solutions ``student`` gets, from their lab_solutions: all (or unset), none, or a list."""
    if value is None or value == "all":
        return list(sections)
    if value == "none":
        return []
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"student {student}: lab_solutions must be all, none or a list of sections, not {value!r}")
    unknown = [name for name in value if name not in sections]
    if unknown:
        raise ValueError(
            f"student {student}: lab_solutions names no section {', '.join(unknown)}; "
            f"the sections are {', '.join(sections)}"
        )
    return [name for name in sections if name in value]


def registry_of(name: str, registry: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Where a student's images are: the registry's server, their repository and the Secret their pods pull with."""
    if not registry:
        return None
    return {"server": str(registry["server"]),
            "repository": str(registry["repository"]).replace("{student}", name),
            "pull_secret": str(registry.get("pull_secret") or "")}


def roster(play: Sequence[str], students: Sequence[str], hostvars: Mapping[str, Mapping[str, Any]],
           settings: Settings) -> list[dict[str, Any]]:
    """One entry per student of the run (``play``, sorted), knowing the whole class (``students``)."""
    pinned = {name: (hostvars.get(name) or {}).get("student_slot") for name in students}
    own = {name: (hostvars.get(name) or {}).get("student_admin_kubeconfig") for name in students}
    slot_of = slots(students, pinned)
    clusters = [cluster_of(name, own, settings) for name in students]
    entries = []
    for name in sorted(set(play) & set(students)):
        slot, cluster = slot_of[name], cluster_of(name, own, settings)
        first = settings.nodeport_base + slot * settings.nodeports_per_student
        shared = clusters.count(cluster) > 1
        block = (first, first + settings.nodeports_per_student - 1) if shared else settings.own_range
        nodeports = {"first": block[0], "last": block[1]}
        namespace = settings.namespace_prefix + name
        info: dict[str, Any] = {"class": settings.lab_class}
        email = (hostvars.get(name) or {}).get("student_email")
        if email is not None:
            info["email"] = email
        info["nodeports"] = dict(nodeports)
        if settings.external_host:
            info["external_host"] = dict(settings.external_host)
        registry = registry_of(name, settings.registry)
        if registry:
            info["registry"] = dict(registry)
        entries.append({
            "name": name,
            "namespace": namespace,
            "slot": slot,
            "nodeport_first": first,
            "nodeports": nodeports,
            "admin_kubeconfig": cluster,
            "shared": shared,
            "registry": registry,
            "output_dir": f"{settings.output_dir}/{name}",
            "solutions": solutions(name, (hostvars.get(name) or {}).get("lab_solutions"), settings.sections),
            "access": {"name": name, "namespace": namespace, "output_dir": f"{settings.output_dir}/{name}",
                       "info": info},
        })
    return entries
