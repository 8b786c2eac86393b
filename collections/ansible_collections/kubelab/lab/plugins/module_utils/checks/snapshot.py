"""One read of a student's namespace: every kind the checks look at, listed once, held by kind."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

# (API path prefix, resource, kind). Secrets are listed as metadata only (PartialObjectMetadataList): a check needs
# a Secret's name, never its data, which so never leaves the API server.
KINDS = (
    ("/api/v1", "pods", "Pod"),
    ("/apis/apps/v1", "deployments", "Deployment"),
    ("/apis/apps/v1", "replicasets", "ReplicaSet"),
    ("/api/v1", "services", "Service"),
    ("/apis/discovery.k8s.io/v1", "endpointslices", "EndpointSlice"),
    ("/api/v1", "configmaps", "ConfigMap"),
    ("/api/v1", "secrets", "Secret"),
    ("/api/v1", "persistentvolumeclaims", "PersistentVolumeClaim"),
    ("/apis/batch/v1", "jobs", "Job"),
    ("/apis/batch/v1", "cronjobs", "CronJob"),
)
METADATA_ONLY = {"Secret"}
METADATA_ACCEPT = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"


@dataclass(frozen=True)
class Snapshot:
    """The objects of one namespace, by kind, as a list of each kind returned them."""

    namespace: str
    objects: Mapping[str, list[dict[str, Any]]] = field(default_factory=dict)

    def all(self, kind: str) -> list[dict[str, Any]]:
        return list(self.objects.get(kind, []))

    def named(self, kind: str, name: str) -> dict[str, Any] | None:
        return next((o for o in self.all(kind) if o["metadata"]["name"] == name), None)

    def owned_by(self, kind: str, owner: Mapping[str, Any]) -> list[dict[str, Any]]:
        uid = owner["metadata"].get("uid")
        return [o for o in self.all(kind) if any(ref.get("uid") == uid for ref in o["metadata"].get("ownerReferences") or [])]

    def matching(self, kind: str, selector: Mapping[str, str]) -> list[dict[str, Any]]:
        """The objects of ``kind`` whose labels hold every label of ``selector`` (none when it is empty)."""
        if not selector:
            return []
        return [o for o in self.all(kind) if labels_match(selector, o["metadata"].get("labels") or {})]


def labels_match(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


# What of a Secret's metadata a check may see: not its annotations, where a client-side apply keeps the data
# (kubectl.kubernetes.io/last-applied-configuration).
SECRET_METADATA = ("name", "namespace", "uid", "labels", "ownerReferences")


def without_data(item: dict[str, Any]) -> dict[str, Any]:
    """A listed object with nothing secret: a Secret keeps its name, labels and type only."""
    if item.get("kind") in METADATA_ONLY:
        metadata = {key: value for key, value in (item.get("metadata") or {}).items() if key in SECRET_METADATA}
        return {"kind": item["kind"], "metadata": metadata, "type": item.get("type", "")}
    return item


def snapshot(namespace: str, lists: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> Snapshot:
    """The snapshot of ``namespace`` from (kind, items) pairs, each item given its kind, no secret kept."""
    objects: dict[str, list[dict[str, Any]]] = {}
    for kind, items in lists:
        objects[kind] = [without_data({**item, "kind": kind}) for item in items]
    return Snapshot(namespace, objects)


Lister = Callable[[str, str, str], list[dict[str, Any]]]


def read(namespace: str, listing: Lister) -> Snapshot:
    """Read ``namespace`` with ``listing(path prefix, resource, kind)``, one list request per kind."""
    return snapshot(namespace, ((kind, listing(prefix, resource, kind)) for prefix, resource, kind in KINDS))
