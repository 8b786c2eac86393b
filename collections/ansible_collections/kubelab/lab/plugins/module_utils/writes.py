"""What an apply of rendered objects must write, and the writing, in kubernetes.core's client-side apply terms.

The decision and the bodies are kubernetes.core's own (``apply_patch``: a missing object is created with its
last-applied configuration, a present one merge-patched against it), so objects written here and by
``kubernetes.core.k8s`` or ``kubectl apply`` stay interchangeable. What differs is the transport: one list
request per kind instead of two reads per object, and the writes of a wave sent at once.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from ansible.module_utils.common.dict_transformations import dict_merge
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, api_base, passing, retried
from ansible_collections.kubernetes.core.plugins.module_utils.apply import (
    POD_SPEC_SUFFIXES,
    STRATEGIC_MERGE_PATCH_KEYS,
    annotate,
    apply_patch,
)

Key = tuple[str, str, str, str]

# kubernetes.core knows a CronJob's pod template as "Cronjob...", never matched by the kind "CronJob": its
# containers were compared whole, the server's defaults (imagePullPolicy, terminationMessagePath) included, and
# patched on every run. Their merge keys under the kind's real name, as kubectl merges them.
CRONJOB_POD_SPEC = "CronJob.spec.jobTemplate.spec.template.spec"
STRATEGIC_MERGE_PATCH_KEYS.update({f"{CRONJOB_POD_SPEC}.{path}": key for path, key in POD_SPEC_SUFFIXES.items()})

# Objects that others in the same run need in place first: a Namespace before what lives in it; its quota,
# limits and ServiceAccounts before its Pods (quota admission refuses a Pod while the quota has no status yet,
# ServiceAccount admission one whose account is missing). A CronJob goes after everything else: it fires once
# created, and its Jobs call what the rest makes (in a class of 200, 200 Jobs a minute that need not run while
# the class is still being written). Everything else goes in between.
WAVES: dict[str, int] = {
    "Namespace": 0,
    "CustomResourceDefinition": 0,
    "ValidatingAdmissionPolicy": 0,
    "MutatingAdmissionPolicy": 0,
    "ClusterRole": 0,
    "ValidatingAdmissionPolicyBinding": 1,
    "MutatingAdmissionPolicyBinding": 1,
    "ClusterRoleBinding": 1,
    "ResourceQuota": 1,
    "LimitRange": 1,
    "ServiceAccount": 1,
    "Role": 1,
    "RoleBinding": 1,
    "NetworkPolicy": 1,
    "CronJob": 3,
}
OTHER_WAVE = 2


@dataclass(frozen=True)
class Resource:
    """Where the API serves a kind: its collection path, and whether its objects live in namespaces."""

    base: str
    plural: str
    namespaced: bool

    def collection(self, namespace: str = "") -> str:
        if self.namespaced and namespace:
            return f"{self.base}/namespaces/{namespace}/{self.plural}"
        return f"{self.base}/{self.plural}"


@dataclass(frozen=True)
class Write:
    """One request: create a missing object, or merge-patch a present one, to bring it to ``desired``."""

    method: str
    path: str
    body: dict[str, Any]
    desired: dict[str, Any]
    resource: Resource

    @property
    def name(self) -> str:
        return display(self.desired)


def key(obj: dict[str, Any]) -> Key:
    meta = obj.get("metadata", {})
    return obj.get("apiVersion", ""), obj.get("kind", ""), meta.get("namespace", ""), meta.get("name", "")


def display(obj: dict[str, Any]) -> str:
    kind, namespace, name = key(obj)[1:]
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def served(discovery: dict[str, dict[str, Any]], kinds: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Resource]:
    """The resources of the given (apiVersion, kind) pairs, from the API's discovery documents by group version."""
    resources: dict[tuple[str, str], Resource] = {}
    wanted = set(kinds)
    for group_version, document in discovery.items():
        base = api_base(group_version)
        for entry in document.get("resources", []):
            if "/" not in entry["name"] and (group_version, entry["kind"]) in wanted:
                resources[(group_version, entry["kind"])] = Resource(base, entry["name"], bool(entry["namespaced"]))
    return resources


# An object with this annotation is for the clusters that serve its kind, and left out on the others.
IF_SERVED = "kubelab.io/if-served"


def servable(
    objects: list[dict[str, Any]], resources: dict[tuple[str, str], Resource]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The objects to apply, and those left out (C(Kind name)): annotated IF_SERVED, of a kind the cluster does not
    serve. An object of a kind not served without the annotation stays, for plan to refuse."""
    kept, left = [], []
    for obj in objects:
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        if key(obj)[:2] not in resources and IF_SERVED in annotations:
            left.append(display(obj))
        else:
            kept.append(obj)
    return kept, left


def merge_patched(target: Any, patch: Any) -> Any:
    """``target`` with a JSON merge patch (RFC 7386) applied, as the API server applies it."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patched(result.get(name), value)
    return result


def stored(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` as the API server stores it: a Secret's ``stringData`` folded into its base64 ``data``."""
    if obj.get("kind") != "Secret" or not obj.get("stringData"):
        return obj
    encoded = {name: base64.b64encode(str(value).encode()).decode() for name, value in obj["stringData"].items()}
    return {**{k: v for k, v in obj.items() if k != "stringData"}, "data": {**(obj.get("data") or {}), **encoded}}


def write_for(desired: dict[str, Any], actual: dict[str, Any] | None, resource: Resource) -> Write | None:
    """The request that brings ``actual`` (None: missing) to ``desired``, or None when there is nothing to write.

    kubernetes.core's patch may restate what the object already holds (a list it merges is sent whole, a Secret's
    stringData, which the server never returns, is sent again): when it merges to the live object itself, as the
    server stores it, nothing is written.
    """
    namespace, name = key(desired)[2:]
    collection = resource.collection(namespace)
    if actual is None:
        return Write("POST", collection, dict_merge(desired, annotate(desired)), desired, resource)
    patch = apply_patch(actual, desired)[1]
    if stored(merge_patched(actual, patch)) == actual:
        return None
    return Write("PATCH", f"{collection}/{name}", patch, desired, resource)


def plan(
    objects: list[dict[str, Any]], live: dict[Key, dict[str, Any]], resources: dict[tuple[str, str], Resource]
) -> list[list[Write]]:
    """The writes that apply ``objects`` over ``live``, in waves (each may go at once).

    Within a wave the writes go namespace by namespace, each namespace's in the objects' order: writes at once into
    one namespace share its quota admission (one update of the quota's usage for all that wait), where writes into
    as many namespaces would each update their own.
    """
    waves: list[list[Write]] = [[] for wave in range(max(WAVES.values()) + 1)]
    for desired in objects:
        resource = resources.get(key(desired)[:2])
        if resource is None:
            raise ValueError(f"{display(desired)}: the cluster serves no {desired.get('kind')} in {desired.get('apiVersion')}")
        found = write_for(desired, live.get(key(desired)), resource)
        if found is not None:
            waves[WAVES.get(desired.get("kind", ""), OTHER_WAVE)].append(found)
    return [sorted(wave, key=lambda write: key(write.desired)[2]) for wave in waves if wave]


def unlisted(live: dict[Key, dict[str, Any]], objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live objects that ``objects`` do not include, each as a reference: apiVersion, kind, name, namespace."""
    wanted = {key(o) for o in objects}
    found = []
    for (api_version, kind, namespace, name) in sorted(set(live) - wanted):
        metadata = {"name": name, **({"namespace": namespace} if namespace else {})}
        found.append({"apiVersion": api_version, "kind": kind, "metadata": metadata})
    return found


def live_objects(
    api: KubeApi, resources: dict[tuple[str, str], Resource], selector: str
) -> dict[Key, dict[str, Any]]:
    """The cluster's objects of the given kinds that carry the label, as a get of each would return them."""

    def listing(kind: tuple[str, str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = api.get(resources[kind].collection(), labelSelector=selector).get("items", [])
        for item in items:
            # A list's items lack the type that a get of one object carries.
            item.update(apiVersion=kind[0], kind=kind[1])
        return items

    with ThreadPoolExecutor(max_workers=max(1, min(8, len(resources)))) as pool:
        return {key(item): item for items in pool.map(listing, resources) for item in items}


def discovery(api: KubeApi, objects: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The discovery documents of the objects' group versions that the cluster serves."""
    documents: dict[str, dict[str, Any]] = {}
    for group_version in sorted({key(o)[0] for o in objects}):
        try:
            documents[group_version] = api.get(api_base(group_version))
        except ApiError as err:
            if err.status != 404:
                raise
    return documents


def send(api: KubeApi, write: Write, patience: float = 10.0, pause: float = 0.2) -> None:
    """Make one write; a passing refusal is tried again until ``patience`` seconds have gone.

    An object created meanwhile (or one without the label, which the listing missed) is patched instead.
    """
    def write_once() -> None:
        if write.method == "POST":
            api.post(write.path, write.body)
        else:
            api.patch(write.path, write.body)

    try:
        retried(write_once, patience, pause)
    except ApiError as err:
        if write.method != "POST" or err.status != 409 or passing(err):
            raise
        actual = api.get(f"{write.path}/{key(write.desired)[3]}")
        instead = write_for(write.desired, actual, write.resource)
        if instead is not None:
            send(api, instead, patience, pause)


def run_waves(waves: list[list[Write]], write: Callable[[Write], None], workers: int) -> list[str]:
    """Each wave's writes at once, ``workers`` at a time, the next wave once a wave is done; the failures, named."""
    failures: list[str] = []

    def attempt(one: Write) -> str | None:
        try:
            write(one)
        except (ApiError, OSError) as err:
            return f"{one.name}: {err}"
        return None

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for wave in waves:
            failures += [failed for failed in pool.map(attempt, wave) if failed]
            if failures:
                break
    return failures
