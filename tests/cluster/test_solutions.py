"""lab_solutions: which sections' solutions go into each student's namespace, and a student's own work kept.

Class `solutions`: alice gets none (she does the exercises by hand), bob only the 2048 game, carol all (unset).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import Kubectl, eventually
from labclass import LabClass, standing

SOLUTIONS = ("emailservice-deployment-demo", "game-2048", "simple-nodejs-webserver", "nginx", "flask-app", "mongo",
             "breaking-rollingupdate", "grafana")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabClass]:
    workdir = tmp_path_factory.mktemp("solutions")
    lab = LabClass("solutions", workdir, port_base=16580, students=("alice", "bob", "carol"))
    host_vars = lab.inventory.parent / "host_vars"
    host_vars.mkdir()
    (host_vars / "alice.yml").write_text("lab_solutions: none\n")
    (host_vars / "bob.yml").write_text("lab_solutions: [game_2048]\n")
    with standing(lab):
        yield lab


@pytest.fixture(scope="module")
def admin(lab: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], lab.admin_kubeconfig)


def names(admin: Kubectl, student: str, kinds: str) -> set[str]:
    return {item["metadata"]["name"] for item in admin.in_namespace(student).get(kinds)["items"]}


def published(lab: LabClass, student: str) -> list[str]:
    info: dict[str, Any] = yaml.safe_load((lab.student_dir(student) / "user-info.yaml").read_text())
    return [service["name"] for service in info["services"]]


def test_each_student_gets_the_solutions_of_their_sections_and_everyone_the_environment(
    lab: LabClass, admin: Kubectl
) -> None:
    assert names(admin, "alice", "deployments") == {"redis-cart"}, "what the exercises need from outside"
    assert names(admin, "alice", "cronjobs") == set()
    assert names(admin, "bob", "deployments") == {"redis-cart", "game-2048"}
    assert names(admin, "carol", "deployments") == {"redis-cart", *SOLUTIONS}
    assert names(admin, "carol", "cronjobs") == {"availability-test"}
    for student in ("alice", "bob", "carol"):
        assert {"student"} <= names(admin, student, "serviceaccounts")
        assert names(admin, student, "resourcequotas") == {"student"}
        assert (lab.student_dir(student) / "kubeconfig").is_file()
        info = yaml.safe_load((lab.student_dir(student) / "user-info.yaml").read_text())
        assert set(info["external_host"]) == {"address", "port"}, "what the exercises need from outside"
        assert info["registry"]["repository"] == f"registry.kubelab.test/kubelab-solutions/{student}"
        assert "registry-pull" in names(admin, student, "secrets"), "the login to the class's registry, for everyone"
    assert published(lab, "alice") == ["kubernetes-dashboard"]
    assert published(lab, "bob") == ["kubernetes-dashboard", "game-2048"]
    assert published(lab, "carol") == [
        "my-emailservice", "my-emailservice-external", "kubernetes-dashboard", "game-2048", "simple-nodejs-webserver",
        "nginx", "breaking-rollingupdate", "grafana", "external-web",
    ]


GAME = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "my-2048"},
    "spec": {
        "selector": {"matchLabels": {"app": "my-2048"}},
        "template": {
            "metadata": {"labels": {"app": "my-2048"}},
            "spec": {"containers": [{
                "name": "game",
                "image": "alexwhen/docker-2048:latest@sha256:"
                         "4913452e5bd092db9c8b005523127b8f62821867021e23a9acb1ae0f7d2432e1",
                "ports": [{"containerPort": 80}],
            }]},
        },
    },
}


# The tutorial's Grafana, as a student writes it: the datasource with the comma the tutorial misses.
GRAFANA_ENV = [
    {"name": "GF_AUTH_BASIC_ENABLED", "value": "true"},
    {"name": "GF_SECURITY_ADMIN_USER", "valueFrom": {"secretKeyRef": {"name": "my-grafana", "key": "user"}}},
    {"name": "GF_SECURITY_ADMIN_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "my-grafana", "key": "password"}}},
    {"name": "GF_INSTALL_PLUGINS", "value": "redis-datasource"},
]
GRAFANA = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "my-grafana"},
    "spec": {
        "selector": {"matchLabels": {"app": "my-grafana"}},
        "template": {
            "metadata": {"labels": {"app": "my-grafana"}},
            "spec": {
                "containers": [{
                    "name": "grafana",
                    "image": "grafana/grafana",
                    "env": GRAFANA_ENV,
                    "volumeMounts": [{"name": "sources", "mountPath": "/etc/grafana/provisioning/datasources"}],
                }],
                "volumes": [{"name": "sources", "configMap": {"name": "grafana-datasources"}}],
            },
        },
    },
}
# The webserver from her repository, pulled with the class's login, and the tutorial's load test with a loop that
# counts (busybox sh has no {1..10}).
def webserver(repository: str) -> list[dict[str, Any]]:
    pod = {"imagePullSecrets": [{"name": "registry-pull"}],
           "containers": [{"name": "web", "image": f"{repository}/simple-nodejs-webserver:1.0.0"}]}
    load = ("i=0; while [ $i -lt 10 ]; do wget -q -O- http://my-webserver:5858; i=$((i+1)); done")
    return [
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "my-webserver"},
         "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "my-webserver"}},
                  "template": {"metadata": {"labels": {"app": "my-webserver"}}, "spec": pod}}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "my-load-test"},
         "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [
             {"name": "load", "image": "busybox:1.28", "command": ["/bin/sh", "-c", load]}]}}}},
    ]


# MongoDB of the Compose project, its named volume a claim of her own.
MONGO = [
    {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "my-mongo-data"},
     "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}},
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "my-mongo"},
     "spec": {"selector": {"matchLabels": {"app": "my-mongo"}}, "strategy": {"type": "Recreate"},
              "template": {"metadata": {"labels": {"app": "my-mongo"}}, "spec": {
                  "containers": [{"name": "mongo", "image": "mongo:4.4",
                                  "volumeMounts": [{"name": "data", "mountPath": "/data/db"}]}],
                  "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "my-mongo-data"}}]}}}},
]


DATASOURCES = ('{ "apiVersion": 1, "datasources": [ { "version":2, "name":"Redis", "type":"redis-datasource", '
               '"url":"redis-cart:6379", "isDefault":true } ] }')


def test_a_student_does_the_exercises_with_her_own_token_and_a_rerun_keeps_them(
    lab: LabClass, admin: Kubectl
) -> None:
    alice = Kubectl(admin.binary, lab.student_dir("alice") / "kubeconfig")
    alice.run("apply", "-f", "-", stdin=yaml.safe_dump(GAME))
    alice.run("expose", "deployment", "my-2048", "--port=5858", "--target-port=80")
    alice.run("create", "secret", "generic", "my-grafana", "--from-literal=user=alice", "--from-literal=password=pw")
    alice.run("create", "configmap", "grafana-datasources", f"--from-literal=datasources.yaml={DATASOURCES}")
    alice.run("apply", "-f", "-", stdin=yaml.safe_dump(GRAFANA))
    alice.run("expose", "deployment", "my-grafana", "--port=3000")
    info = yaml.safe_load((lab.student_dir("alice") / "user-info.yaml").read_text())
    host = info["external_host"]
    alice.apply(*webserver(info["registry"]["repository"]))
    alice.apply(*MONGO)
    alice.run("expose", "deployment", "my-webserver", "--port=5858", "--target-port=8080")
    alice.apply(
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "my-external"},
         "spec": {"ports": [{"port": 80, "targetPort": host["port"]}]}},
        {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
         "metadata": {"name": "my-external-1", "labels": {"kubernetes.io/service-name": "my-external"}},
         "addressType": "IPv4", "ports": [{"port": host["port"]}], "endpoints": [{"addresses": [host["address"]]}]},
    )
    for deployment in ("my-2048", "my-grafana", "my-webserver", "my-mongo"):
        alice.run("rollout", "status", f"deployment/{deployment}", "--timeout=60s")
    # The breaking rolling update, as the tutorial has her do it: v1, v2, and back with rollout undo.
    server = f"{info['registry']['repository']}/breaking-rollingupdate"
    alice.apply({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "my-server"},
                 "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "my-server"}},
                          "template": {"metadata": {"labels": {"app": "my-server"}}, "spec": {
                              "imagePullSecrets": [{"name": "registry-pull"}],
                              "containers": [{"name": "server", "image": f"{server}:v1"}]}}}})
    alice.run("rollout", "status", "deployment/my-server", "--timeout=60s")
    alice.run("set", "image", "deployment/my-server", f"server={server}:v2")
    alice.run("rollout", "status", "deployment/my-server", "--timeout=60s")
    alice.run("rollout", "undo", "deployment/my-server")
    alice.run("rollout", "status", "deployment/my-server", "--timeout=60s")
    history = alice.run("rollout", "history", "deployment/my-server").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["2", "3"]
    alice.run("wait", "--for=condition=Complete", "job/my-load-test", "--timeout=60s")
    assert lab.up().changed == 0
    assert names(admin, "alice", "deployments") == {
        "redis-cart", "my-2048", "my-grafana", "my-webserver", "my-mongo", "my-server"}
    assert names(admin, "alice", "persistentvolumeclaims") == {"my-mongo-data"}
    assert {"my-2048", "my-grafana", "my-external", "my-webserver"} <= names(admin, "alice", "services")
    assert names(admin, "alice", "jobs") == {"my-load-test"}
    assert "credentials" not in yaml.safe_load((lab.student_dir("alice") / "user-info.yaml").read_text())


def test_the_drills_skip_the_students_without_the_tutorials_objects(lab: LabClass) -> None:
    run = lab.playbook("playbooks/drills.yml", "-e", '{"drills_run": ["services"]}',
                       env={"ANSIBLE_STDOUT_CALLBACK": "default"})
    assert not run.failed, run.stdout[-3000:]
    assert "Skipped alice, bob: their lab_solutions leaves out emailservice" in run.stdout
    assert "carol services" in run.stdout and "alice services" not in run.stdout


# What alice did by hand above, under names of her own: every check of it passes; what she left out fails.
ALICE_PASSES = {
    "game_2048.deployment", "game_2048.service",
    "simple_nodejs_webserver.deployment", "simple_nodejs_webserver.pull-secret", "simple_nodejs_webserver.service",
    "simple_nodejs_webserver.load-test-loop", "simple_nodejs_webserver.load-test",
    "nginx_flask_mongodb.mongo", "nginx_flask_mongodb.mongo-data",
    "breaking_rollingupdate.deployment", "breaking_rollingupdate.version", "breaking_rollingupdate.history",
    "grafana.deployment", "grafana.basic-auth", "grafana.admin-secret", "grafana.redis-plugin", "grafana.datasource",
    "grafana.service",
    "external_service.endpointslice",
}


def test_check_grades_work_done_by_hand_and_the_solutions_alike(lab: LabClass, admin: Kubectl) -> None:
    eventually(lambda: admin.in_namespace("carol").get("cronjob", "availability-test").get("status", {})
               .get("lastSuccessfulTime"), 150, "carol's availability CronJob to have run")
    run = lab.playbook("check.yml")
    assert not run.failed, run.messages()
    report = json.loads((lab.output_dir / "report" / "results.json").read_text())
    passed = {s["student"]: {c["check"] for c in s["checks"] if c["passed"]} for s in report["students"]}
    assert passed["alice"] == ALICE_PASSES
    assert passed["bob"] == {"game_2048.deployment", "game_2048.service"}
    assert len(passed["carol"]) == 39
    hints = {c["check"]: c["hint"] for c in report["students"][0]["checks"]}
    assert hints["grafana.dashboard-provider"] == "Deployment my-grafana mounts no ConfigMap at /etc/grafana/provisioning/dashboards"
    assert hints["nginx_flask_mongodb.mongo-service"] == "no Service mongo"
    assert hints["emailservice.pod"] == "there is no Pod emailservice-pod-test (kubectl get pods)"
