"""The contract between the workload roles and the deploy role, as pure functions.

A workload role renders its objects for the students of each cluster and adds them to the class's
objects, ``{phase: {cluster admin kubeconfig: [object, ...]}}`` (phase ``first``; ``after`` for what
follows a first rollout, ``last`` for what follows that); the Services it names are published in the students' user-info,
``{student: [service, ...]}``, and so are the Secrets it names, ``{student: {secret: {key: value}}}``
(what a student signs in with, written only to their own 0600 file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

PHASES = ("first", "after", "last")

Objects = dict[str, dict[str, list[dict[str, Any]]]]
Published = dict[str, list[dict[str, Any]]]
Credentials = dict[str, dict[str, dict[str, str]]]


def by_cluster(students: Iterable[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
    """The students grouped by their cluster's admin kubeconfig, in the order the clusters first appear."""
    clusters: dict[str, list[Mapping[str, Any]]] = {}
    for student in students:
        clusters.setdefault(student["admin_kubeconfig"], []).append(student)
    return clusters


def with_solution(students: Iterable[Mapping[str, Any]], section: str | None,
                  sections: Sequence[str]) -> list[Mapping[str, Any]]:
    """The students who get ``section``'s solution (their roster entry's ``solutions``); every student when
    ``section`` is None (what the exercises need from outside); a section not in ``sections`` is an error."""
    if section is None:
        return list(students)
    if section not in sections:
        raise ValueError(f"section {section} is not one of lab_sections ({', '.join(sections) or 'none'})")
    return [student for student in students if section in student["solutions"]]


def add_objects(objects: Mapping[str, Mapping[str, list[dict[str, Any]]]] | None, phase: str,
                rendered: Mapping[str, list[dict[str, Any]]]) -> Objects:
    """The class's objects with ``rendered`` (cluster -> objects) appended to ``phase``; the input is not changed."""
    if phase not in PHASES:
        raise ValueError(f"phase must be one of {', '.join(PHASES)}, not {phase!r}")
    merged: Objects = {name: {cluster: list(items) for cluster, items in (objects or {}).get(name, {}).items()}
                       for name in PHASES}
    for cluster, items in rendered.items():
        merged[phase].setdefault(cluster, []).extend(items)
    return merged


def service_entry(service: Mapping[str, Any], shared: bool = False) -> dict[str, Any]:
    """What a student's user-info says of a Service: its name and type, and its NodePort, or its address and the
    port-forward that reaches it (through a pod of its selector: none without one). A ``shared`` Service, outside
    the student's namespace, is named with its namespace, and reached by its NodePort or from a pod (a student may
    not port-forward there)."""
    spec = service.get("spec") or {}
    name, kind = service["metadata"]["name"], spec.get("type", "ClusterIP")
    namespace = service["metadata"].get("namespace")
    ports = spec.get("ports") or [{}]
    entry: dict[str, Any] = {"name": name, "type": kind, **({"namespace": namespace} if shared else {})}
    if kind == "NodePort":
        return {**entry, "nodePort": ports[0].get("nodePort")}
    port = ports[0].get("port")
    entry["address"] = f"{name}.{namespace}:{port}" if shared else f"{name}:{port}"
    # kubectl port-forward reaches a Service through a pod of its selector: one without has none.
    if port and not shared and spec.get("selector"):
        # From the student's own machine; a port below 1024 would need root there, so 80 is reached on 8080.
        entry["port_forward"] = f"kubectl port-forward service/{name} {port if port >= 1024 else port + 8000}:{port}"
    return entry


def by_place(objects: Iterable[Mapping[str, Any]], kind: str) -> dict[tuple[str, str], Mapping[str, Any]]:
    """The objects of ``kind`` by their (namespace, name)."""
    return {(obj["metadata"].get("namespace"), obj["metadata"]["name"]): obj
            for obj in objects if obj.get("kind") == kind}


def add_published(published: Mapping[str, list[dict[str, Any]]] | None, students: Iterable[Mapping[str, Any]],
                  objects: Iterable[Mapping[str, Any]], names: Iterable[str]) -> Published:
    """``published`` with, for each student, the Services named in ``names`` that ``objects`` (those of the
    students' cluster) holds, in the order of ``names``: a name is a Service of the student's namespace, a
    ``namespace/name`` one of the cluster that its students share (the Dashboard's). A named Service missing is
    an error."""
    wanted = list(names)
    services = by_place(objects, "Service")
    merged: Published = {student: list(entries) for student, entries in (published or {}).items()}
    for student in students:
        where = {name: place(student["namespace"], name) for name in wanted}
        missing = [name for name in wanted if where[name] not in services]
        if missing:
            raise ValueError(f"no Service {', '.join(missing)} rendered in namespace {student['namespace']}")
        merged.setdefault(student["name"], []).extend(
            service_entry(services[where[name]], shared="/" in name) for name in wanted
        )
    return merged


def place(namespace: str, name: str) -> tuple[str, str]:
    """Where a published name is: ``namespace/name`` as written, a bare name in ``namespace``."""
    other, bare = name.rpartition("/")[::2]
    return (other or namespace, bare)


def add_credentials(credentials: Mapping[str, Mapping[str, Mapping[str, str]]] | None,
                    students: Iterable[Mapping[str, Any]], objects: Iterable[Mapping[str, Any]],
                    names: Iterable[str]) -> Credentials:
    """``credentials`` with, for each student, the ``stringData`` of the Secrets named in ``names`` that
    ``objects`` holds in their namespace; a named Secret missing from a namespace, or one without ``stringData``,
    is an error."""
    wanted = list(names)
    secrets = by_place(objects, "Secret")
    merged: Credentials = {student: {name: dict(values) for name, values in entries.items()}
                           for student, entries in (credentials or {}).items()}
    for student in students:
        found = {name: secrets.get((student["namespace"], name)) or {} for name in wanted}
        missing = [name for name in wanted if not found[name].get("stringData")]
        if missing:
            raise ValueError(f"no Secret {', '.join(missing)} with stringData rendered in namespace "
                             f"{student['namespace']}")
        merged.setdefault(student["name"], {}).update(
            {name: {key: str(value) for key, value in found[name]["stringData"].items()} for name in wanted}
        )
    return merged
