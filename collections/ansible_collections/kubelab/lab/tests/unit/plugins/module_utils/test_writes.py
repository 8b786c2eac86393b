"""What k8s_apply writes: kubernetes.core's client-side apply decisions, in waves, only for what changed."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, passing
from ansible_collections.kubelab.lab.plugins.module_utils.writes import (
    Resource,
    Write,
    merge_patched,
    plan,
    run_waves,
    send,
    servable,
    served,
    stored,
    unlisted,
)
from ansible_collections.kubernetes.core.plugins.module_utils.apply import LAST_APPLIED_CONFIG_ANNOTATION

DISCOVERY = {
    "v1": {
        "resources": [
            {"name": "namespaces", "kind": "Namespace", "namespaced": False},
            {"name": "namespaces/status", "kind": "Namespace", "namespaced": False},
            {"name": "configmaps", "kind": "ConfigMap", "namespaced": True},
            {"name": "resourcequotas", "kind": "ResourceQuota", "namespaced": True},
            {"name": "pods", "kind": "Pod", "namespaced": True},
            {"name": "secrets", "kind": "Secret", "namespaced": True},
        ]
    },
    "apps/v1": {"resources": [{"name": "deployments", "kind": "Deployment", "namespaced": True}]},
}
KINDS = {("v1", "Namespace"), ("v1", "ConfigMap"), ("v1", "ResourceQuota"), ("v1", "Pod"), ("v1", "Secret"),
         ("apps/v1", "Deployment")}
RESOURCES = served(DISCOVERY, KINDS)


def obj(kind: str, name: str, namespace: str = "", **fields: Any) -> dict[str, Any]:
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "apps/v1" if kind == "Deployment" else "v1", "kind": kind, "metadata": meta, **fields}


def student(name: str) -> list[dict[str, Any]]:
    """A student's objects, in the order the roles render them: the workloads before the quota."""
    return [
        obj("Namespace", name),
        obj("ConfigMap", "c", name, data={"k": "v"}),
        obj("Pod", "p", name, spec={"containers": [{"name": "a", "image": "i"}]}),
        obj("ResourceQuota", "q", name, spec={"hard": {"pods": "10"}}),
    ]


def live_after_apply(desired: dict[str, Any], **server_fields: Any) -> dict[str, Any]:
    """The object as the API holds it after a client-side apply: the desired fields, the last-applied annotation."""
    annotation = json.dumps(desired, separators=(",", ":"), sort_keys=True)
    live = json.loads(json.dumps(desired))
    live["metadata"].update(annotations={LAST_APPLIED_CONFIG_ANNOTATION: annotation}, uid="u", resourceVersion="1")
    live.update(server_fields)
    return live


def key_of(o: dict[str, Any]) -> tuple[str, str, str, str]:
    return o["apiVersion"], o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]


def test_discovery_gives_each_kind_its_collection_and_skips_subresources() -> None:
    assert RESOURCES[("v1", "Namespace")] == Resource("/api/v1", "namespaces", False)
    assert RESOURCES[("apps/v1", "Deployment")].collection("alice") == "/apis/apps/v1/namespaces/alice/deployments"
    assert RESOURCES[("v1", "Namespace")].collection("ignored") == "/api/v1/namespaces"


def test_a_class_of_one_is_created_in_waves_namespace_then_quota_then_the_rest() -> None:
    waves = plan(student("alice"), {}, RESOURCES)
    assert [[w.name for w in wave] for wave in waves] == [
        ["Namespace alice"],
        ["ResourceQuota alice/q"],
        ["ConfigMap alice/c", "Pod alice/p"],
    ]
    pod = waves[2][1]
    assert (pod.method, pod.path) == ("POST", "/api/v1/namespaces/alice/pods")
    recorded = json.loads(pod.body["metadata"]["annotations"][LAST_APPLIED_CONFIG_ANNOTATION])
    assert recorded == student("alice")[2], "created with its last-applied configuration, as kubectl apply does"


def test_a_wave_goes_namespace_by_namespace_in_the_rendered_order_and_cronjobs_come_last() -> None:
    cronjob = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "check", "namespace": "alice"}}
    resources = {**RESOURCES, **served({"batch/v1": {"resources": [
        {"name": "cronjobs", "kind": "CronJob", "namespaced": True}]}}, {("batch/v1", "CronJob")})}
    # As the roles render a class: each role's objects for every student in turn.
    rendered = [cronjob] + [obj("ConfigMap", "c", s) for s in ("bob", "alice")] + [
        obj("Pod", "p", s, spec={"containers": [{"name": "a", "image": "i"}]}) for s in ("bob", "alice")]
    waves = plan(rendered, {}, resources)
    assert [[w.name for w in wave] for wave in waves] == [
        ["ConfigMap alice/c", "Pod alice/p", "ConfigMap bob/c", "Pod bob/p"],
        ["CronJob alice/check"],
    ]


def test_what_the_cluster_holds_as_rendered_is_not_written_even_with_server_set_fields() -> None:
    objects = student("alice")
    live = {key_of(o): live_after_apply(o, status={"phase": "Running"}) for o in objects}
    assert plan(objects, live, RESOURCES) == []


def test_a_cronjob_whose_containers_the_server_defaulted_is_not_written_and_a_changed_one_is() -> None:
    container = {"name": "check", "image": "busybox:1.36.1", "command": ["/bin/sh", "-c", "true"]}
    pod_spec = {"restartPolicy": "Never", "containers": [container]}
    cronjob = {
        "apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "check", "namespace": "alice"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": pod_spec}}}},
    }
    live = live_after_apply(cronjob)
    live["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0].update(
        imagePullPolicy="IfNotPresent", terminationMessagePath="/dev/termination-log", resources={}
    )
    resources = served({"batch/v1": {"resources": [{"name": "cronjobs", "kind": "CronJob", "namespaced": True}]}},
                       {("batch/v1", "CronJob")})
    live_objects = {key_of(cronjob): live}
    assert plan([cronjob], live_objects, resources) == []
    changed = json.loads(json.dumps(cronjob))
    changed["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["image"] = "busybox:1.37.0"
    [[write]] = plan([changed], live_objects, resources)
    [sent] = write.body["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert (sent["image"], sent["imagePullPolicy"]) == ("busybox:1.37.0", "IfNotPresent"), "merged by name"


def test_a_secret_of_string_data_is_compared_as_the_server_stores_it_in_base64() -> None:
    secret = obj("Secret", "login", "alice", type="Opaque", stringData={"user": "admin", "password": "s3cret"})
    live = live_after_apply(secret)
    live.pop("stringData")
    live["data"] = {"user": "YWRtaW4=", "password": "czNjcmV0"}
    assert stored(secret)["data"] == live["data"] and "stringData" not in stored(secret)
    assert plan([secret], {key_of(secret): live}, RESOURCES) == []
    renewed = obj("Secret", "login", "alice", type="Opaque", stringData={"user": "admin", "password": "n3w"})
    [[write]] = plan([renewed], {key_of(secret): live}, RESOURCES)
    assert (write.method, write.body["stringData"]) == ("PATCH", {"user": "admin", "password": "n3w"})


def test_a_student_added_to_a_running_class_gets_only_their_objects_written() -> None:
    running = student("alice") + student("bob")
    live = {key_of(o): live_after_apply(o) for o in running}
    waves = plan(running + student("dave"), live, RESOURCES)
    assert {w.name.split()[-1].split("/")[0] for wave in waves for w in wave} == {"dave"}


def test_a_changed_object_is_merge_patched_with_only_the_change() -> None:
    objects = student("alice")
    live = {key_of(o): live_after_apply(o) for o in objects}
    live[key_of(objects[1])]["data"] = {"k": "edited by the student"}
    [[write]] = plan(objects, live, RESOURCES)
    assert (write.method, write.path) == ("PATCH", "/api/v1/namespaces/alice/configmaps/c")
    assert write.body == {"data": {"k": "v"}}


def test_a_field_dropped_from_the_rendering_is_removed_from_the_cluster() -> None:
    before = obj("ConfigMap", "c", "alice", data={"k": "v", "old": "x"})
    now = obj("ConfigMap", "c", "alice", data={"k": "v"})
    [[write]] = plan([now], {key_of(before): live_after_apply(before)}, RESOURCES)
    assert write.body["data"] == {"old": None}


def test_students_on_several_clusters_are_planned_per_cluster_from_that_clusters_listing() -> None:
    alice, bob = student("alice"), student("bob")
    cluster_a = {key_of(o): live_after_apply(o) for o in alice}
    assert plan(alice, cluster_a, RESOURCES) == []
    assert len([w for wave in plan(bob, cluster_a, RESOURCES) for w in wave]) == 4


def test_a_kind_the_cluster_does_not_serve_is_named() -> None:
    with pytest.raises(ValueError, match="Stage stages: the cluster serves no Stage in kwok.x-k8s.io/v1alpha1"):
        plan([{"apiVersion": "kwok.x-k8s.io/v1alpha1", "kind": "Stage", "metadata": {"name": "stages"}}], {}, RESOURCES)


def test_merge_patch_removes_nulls_and_replaces_lists() -> None:
    assert merge_patched({"a": 1, "b": [1, 2], "c": {"d": 1}}, {"a": None, "b": [3], "c": {"e": 2}}) == {
        "b": [3],
        "c": {"d": 1, "e": 2},
    }


def test_only_refusals_that_go_away_when_made_again_are_passing() -> None:
    assert passing(ApiError(403, "Forbidden", 'pods "p" is forbidden: status unknown for quota: q, resources: pods'))
    assert passing(ApiError(403, "Forbidden", "error looking up service account alice/default: not found"))
    assert not passing(ApiError(403, "Forbidden", "violates PodSecurity baseline:latest: privileged"))
    assert not passing(ApiError(422, "Unprocessable Entity", "status unknown for quota"))
    assert passing(ApiError(409, "Conflict", 'Operation cannot be fulfilled on resourcequotas "quota": the object '
                                             "has been modified; please apply your changes to the latest version"))
    assert not passing(ApiError(409, "Conflict", 'configmaps "c" already exists'))


def test_waves_go_in_order_and_a_failed_wave_stops_the_next() -> None:
    waves = plan(student("alice") + student("bob"), {}, RESOURCES)
    seen: list[str] = []
    lock = threading.Lock()

    def write(one: Write) -> None:
        with lock:
            seen.append(one.name)
        if one.name == "ResourceQuota bob/q":
            raise ApiError(403, "Forbidden", "exceeded quota")

    failures = run_waves(waves, write, workers=4)
    assert failures == ["ResourceQuota bob/q: 403 Forbidden: exceeded quota"]
    assert sorted(seen) == ["Namespace alice", "Namespace bob", "ResourceQuota alice/q", "ResourceQuota bob/q"]


def test_live_objects_that_the_rendering_no_longer_has_are_listed_for_pruning() -> None:
    objects = student("alice")
    live = {key_of(o): live_after_apply(o) for o in objects + [obj("ConfigMap", "old", "alice"), obj("Namespace", "x")]}
    assert unlisted(live, objects) == [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "old", "namespace": "alice"}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}},
    ]
    assert unlisted({key_of(o): o for o in objects}, objects) == []


class RacingApi:
    """An API whose quota admission loses its race once: the create is refused with 409 on the ResourceQuota."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.calls.append(f"POST {path}")
        if len(self.calls) == 1:
            raise ApiError(409, "Conflict", 'Operation cannot be fulfilled on resourcequotas "q": the object has been '
                                            "modified; please apply your changes to the latest version and try again")
        return body

    def get(self, path: str) -> dict[str, Any]:
        self.calls.append(f"GET {path}")
        raise ApiError(404, "Not Found", "not found")


def test_a_create_refused_by_the_quota_race_is_made_again_not_taken_for_an_existing_object() -> None:
    api = RacingApi()
    write = plan([obj("ConfigMap", "c", "alice")], {}, RESOURCES)[0][0]
    send(api, write, pause=0)  # type: ignore[arg-type]
    assert api.calls == ["POST /api/v1/namespaces/alice/configmaps"] * 2


def test_an_object_for_the_clusters_that_serve_its_kind_is_left_out_where_none_does() -> None:
    policy = {"apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingAdmissionPolicy",
              "metadata": {"name": "pull-always", "annotations": {"kubelab.io/if-served": "Kubernetes 1.36"}}}
    needed = {**policy, "metadata": {"name": "needed"}}
    kept, left = servable([*student("alice"), policy, needed], RESOURCES)
    assert (kept, left) == ([*student("alice"), needed], ["MutatingAdmissionPolicy pull-always"])
    with pytest.raises(ValueError, match="the cluster serves no MutatingAdmissionPolicy"):
        plan(kept, {}, RESOURCES)
    served_too = {**RESOURCES, ("admissionregistration.k8s.io/v1", "MutatingAdmissionPolicy"):
                  Resource("/apis/admissionregistration.k8s.io/v1", "mutatingadmissionpolicies", False)}
    assert servable([policy], served_too) == ([policy], [])
