"""After site.yml every student has the exercises' objects, as they work on a real cluster."""

from __future__ import annotations

import base64
import json
import stat
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

import grafana
from kube import Kubectl, eventually, ready_endpoint_ips
from labclass import ROOT, LabClass

STUDENTS = ["alice", "bob", "carol"]
GRAFANA = "grafana/grafana:12.3.1"
GAME_2048 = "alexwhen/docker-2048:latest@sha256:4913452e5bd092db9c8b005523127b8f62821867021e23a9acb1ae0f7d2432e1"


@pytest.fixture(params=STUDENTS)
def student(request: pytest.FixtureRequest, admin: Kubectl) -> Kubectl:
    """The admin's view of one student's namespace."""
    return admin.in_namespace(request.param)


def user_info(lab: LabClass, student: str) -> dict[str, Any]:
    info: dict[str, Any] = yaml.safe_load((lab.student_dir(student) / "user-info.yaml").read_text())
    return info


def published(lab: LabClass, student: str, service: str) -> dict[str, Any]:
    """What the student's user-info.yaml says of ``service``."""
    info = user_info(lab, student)
    found: list[dict[str, Any]] = [entry for entry in info["services"] if entry["name"] == service]
    assert len(found) == 1, info["services"]
    return found[0]


def test_the_2048_game_runs_its_pinned_image_behind_a_service_on_5858(student: Kubectl) -> None:
    deployment = student.get("deployment", "game-2048")
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == GAME_2048
    assert container["ports"] == [{"name": "http", "containerPort": 80, "protocol": "TCP"}]
    assert deployment["status"]["readyReplicas"] == 1
    service = student.get("service", "game-2048")
    assert service["spec"]["ports"] == [{"name": "http", "port": 5858, "targetPort": "http", "protocol": "TCP"}]
    pods = {p["status"]["podIP"] for p in student.get("pods", "-l", "app=game-2048")["items"]}
    assert ready_endpoint_ips(student, "game-2048") == pods and len(pods) == 1


def test_user_info_says_how_to_reach_the_game_with_port_forward(sim_class: LabClass, student: Kubectl) -> None:
    assert student.namespace
    assert published(sim_class, student.namespace, "game-2048") == {
        "name": "game-2048",
        "type": "ClusterIP",
        "address": "game-2048:5858",
        "port_forward": "kubectl port-forward service/game-2048 5858:5858",
    }


def test_the_availability_cronjob_checks_the_game_every_minute_and_its_jobs_complete(student: Kubectl) -> None:
    cronjob = student.get("cronjob", "availability-test")
    spec = cronjob["spec"]
    assert (spec["schedule"], spec["concurrencyPolicy"]) == ("* * * * *", "Forbid")
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    [container] = spec["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "busybox:1.36.1"
    assert "wget --spider --timeout=5 --tries=3" in container["command"][2]
    assert container["args"] == ["http://game-2048:5858"]

    def completed() -> list[str] | None:
        jobs = student.get("jobs")["items"]
        done = [
            job["metadata"]["name"]
            for job in jobs
            if job["metadata"].get("ownerReferences", [{}])[0].get("name") == "availability-test"
            and any(c["type"] == "Complete" and c["status"] == "True" for c in job["status"].get("conditions", []))
        ]
        return done or None

    # The first run is due within a minute of the class coming up.
    assert eventually(completed, 90, "a Job of the availability CronJob to complete")


def grafana_container(student: Kubectl) -> dict[str, Any]:
    containers: list[dict[str, Any]] = student.get("deployment", "grafana")["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def admin_login(student: Kubectl) -> dict[str, str]:
    data = student.get("secret", "grafana-admin")["data"]
    return {key: base64.b64decode(value).decode() for key, value in data.items()}


def test_grafana_runs_pinned_with_basic_auth_its_admin_from_a_secret_and_the_redis_plugin(student: Kubectl) -> None:
    container = grafana_container(student)
    assert container["image"] == GRAFANA
    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    assert env == {
        "GF_AUTH_BASIC_ENABLED": "true",
        "GF_SECURITY_ADMIN_USER": {"secretKeyRef": {"name": "grafana-admin", "key": "admin-user"}},
        "GF_SECURITY_ADMIN_PASSWORD": {"secretKeyRef": {"name": "grafana-admin", "key": "admin-password"}},
        "GF_PLUGINS_PREINSTALL_SYNC": "redis-datasource",
    }
    assert student.get("deployment", "grafana")["status"]["readyReplicas"] == 1
    assert student.get("service", "grafana")["spec"]["ports"] == [
        {"name": "http", "port": 3000, "targetPort": "http", "protocol": "TCP"}
    ]
    assert len(ready_endpoint_ips(student, "grafana")) == 1


def test_grafanas_provisioning_is_mounted_from_configmaps_and_every_file_is_one_grafana_reads(
    student: Kubectl,
) -> None:
    pod = student.get("deployment", "grafana")["spec"]["template"]["spec"]
    sources = {v["name"]: v["configMap"]["name"] for v in pod["volumes"]}
    mounts = {m["mountPath"]: sources[m["name"]] for m in grafana_container(student)["volumeMounts"]}
    assert mounts == {
        "/etc/grafana/provisioning/datasources": "grafana-datasources",
        "/etc/grafana/provisioning/dashboards": "grafana-dashboard-providers",
        "/etc/grafana/dashboards": "grafana-dashboards",
    }
    files = {name: student.get("configmap", name)["data"] for name in mounts.values()}
    [datasources] = files["grafana-datasources"].values()
    assert grafana.datasources(datasources) == []
    [[redis]] = [yaml.safe_load(datasources)["datasources"]]
    assert (redis["type"], redis["url"], redis["isDefault"]) == ("redis-datasource", "redis-cart:6379", True)
    [providers] = files["grafana-dashboard-providers"].values()
    assert grafana.providers(providers) == []
    [provider] = yaml.safe_load(providers)["providers"]
    assert provider["options"]["path"] == "/etc/grafana/dashboards"
    assert list(files["grafana-dashboards"]) == ["redis.json"]
    assert grafana.dashboard(files["grafana-dashboards"]["redis.json"], {redis["uid"]}) == []


def test_each_students_grafana_login_is_in_their_user_info_alone(sim_class: LabClass, student: Kubectl) -> None:
    name = student.namespace
    assert name
    login = admin_login(student)
    assert user_info(sim_class, name)["credentials"] == {"grafana-admin": login}
    assert published(sim_class, name, "grafana")["port_forward"] == "kubectl port-forward service/grafana 3000:3000"
    given = sim_class.options["grafana_admin_passwords"]
    if name in given:
        assert login == {"admin-user": "admin", "admin-password": given[name]}
    else:
        password = login["admin-password"]
        assert len(password) == 24 and password.isalnum()
        kept = sim_class.student_dir(name) / "grafana-admin-password"
        assert kept.read_text().strip() == password
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE((sim_class.student_dir(name) / "user-info.yaml").stat().st_mode) == 0o600


def test_generated_grafana_passwords_differ_between_students(admin: Kubectl) -> None:
    passwords = [admin_login(admin.in_namespace(name))["admin-password"] for name in STUDENTS]
    assert len(set(passwords)) == len(STUDENTS)


def test_the_service_without_a_selector_reaches_the_external_host_in_the_students_files(
    sim_class: LabClass, student: Kubectl
) -> None:
    assert student.namespace
    info = user_info(sim_class, student.namespace)
    host = info["external_host"]
    service = student.get("service", "external-web")["spec"]
    assert "selector" not in service
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": host["port"], "protocol": "TCP"}]
    slices = student.get("endpointslices", "-l", "kubernetes.io/service-name=external-web")["items"]
    assert [[e["addresses"] for e in s["endpoints"]] for s in slices] == [[[host["address"]]]], "one slice: no mirror"
    assert slices[0]["ports"] == [{"name": "http", "port": host["port"], "protocol": "TCP"}]
    [subset] = student.get("endpoints", "external-web")["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == [host["address"]]
    assert published(sim_class, student.namespace, "external-web") == {
        "name": "external-web", "type": "ClusterIP", "address": "external-web:80"
    }


def test_the_external_host_answers_from_this_machine_outside_the_cluster(sim_class: LabClass) -> None:
    host = user_info(sim_class, "alice")["external_host"]
    assert host["address"].startswith("198.18.")
    with urllib.request.urlopen(f"http://{host['address']}:{host['port']}/", timeout=5) as answer:
        assert answer.status == 200
        assert f"external host of class {sim_class.name}" in answer.read().decode()


def test_the_webserver_runs_two_replicas_from_the_students_repository_pulled_with_their_login(
    sim_class: LabClass, student: Kubectl
) -> None:
    name = student.namespace
    assert name
    registry = user_info(sim_class, name)["registry"]
    assert registry == {"server": "registry.kubelab.test", "pull_secret": "registry-pull",
                        "repository": f"registry.kubelab.test/kubelab-{sim_class.name}/{name}"}
    deployment = student.get("deployment", "simple-nodejs-webserver")
    spec = deployment["spec"]["template"]["spec"]
    assert spec["imagePullSecrets"] == [{"name": "registry-pull"}]
    assert [c["image"] for c in spec["containers"]] == [f"{registry['repository']}/simple-nodejs-webserver:1.0.0"]
    assert deployment["spec"]["replicas"] == 2 and deployment["status"]["readyReplicas"] == 2
    service = student.get("service", "simple-nodejs-webserver")
    assert service["spec"]["ports"] == [{"name": "http", "port": 5858, "targetPort": "http", "protocol": "TCP"}]
    assert len(ready_endpoint_ips(student, "simple-nodejs-webserver")) == 2
    assert published(sim_class, name, "simple-nodejs-webserver")["port_forward"] == (
        "kubectl port-forward service/simple-nodejs-webserver 5858:5858")
    secret = student.get("secret", "registry-pull")
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    login = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))["auths"]["registry.kubelab.test"]
    kept = sim_class.student_dir(name) / "registry-password"
    assert login["username"] == name and login["password"] == kept.read_text().strip()
    assert base64.b64decode(login["auth"]).decode() == f"{name}:{login['password']}"
    assert len(login["password"]) == 24 and stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_the_load_test_job_sends_ten_requests_with_a_counting_loop_and_completes(student: Kubectl) -> None:
    job = student.get("job", "load-test")
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "busybox:1.28"
    assert container["args"] == ["10", "http://simple-nodejs-webserver:5858/"]
    script = container["command"][2]
    assert "{1..10}" not in script and 'while [ "$i" -lt "$1" ]' in script
    assert job["status"]["succeeded"] == 1


def test_a_pod_pulls_from_the_class_registry_only_with_the_login_and_a_wrong_tag_stalls(
    sim_class: LabClass, student: Kubectl, binaries: dict[str, Path]
) -> None:
    name = student.namespace
    assert name
    own = Kubectl(binaries["kubectl"], sim_class.student_dir(name) / "kubeconfig")
    repository = user_info(sim_class, name)["registry"]["repository"]
    pods = {"no-login": ([], "1.0.0"), "login": ([{"name": "registry-pull"}], "1.0.0"),
            "wrong-tag": ([{"name": "registry-pull"}], "1.0.1")}
    own.apply(*({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pull-{pod}"},
                 "spec": {"imagePullSecrets": secrets, "containers": [
                     {"name": "web", "image": f"{repository}/simple-nodejs-webserver:{tag}"}]}}
                for pod, (secrets, tag) in pods.items()))
    try:
        def waiting(pod: str) -> dict[str, Any]:
            statuses = own.get("pod", f"pull-{pod}")["status"].get("containerStatuses") or [{}]
            state: dict[str, Any] = statuses[0].get("state", {})
            return state

        eventually(lambda: "running" in waiting("login") and "waiting" in waiting("no-login"), 30,
                   "the pod with the login running, the one without waiting")
        assert "asks for a login" in waiting("no-login")["waiting"]["message"]
        eventually(lambda: waiting("wrong-tag").get("waiting", {}).get("reason") == "ImagePullBackOff", 30,
                   "the wrong tag in ImagePullBackOff")
        assert "has no such image" in waiting("wrong-tag")["waiting"]["message"]
    finally:
        own.run("delete", "pod", "pull-no-login", "pull-login", "pull-wrong-tag", "--wait=false")


# What a student may write for the images of the course, and what a registry makes of it.
SPELLINGS = {"bare": ("nginx", "running"), "hub": ("docker.io/library/nginx:latest", "running"),
             "digest": ("alexwhen/docker-2048@sha256:4913452e5bd092db9c8b005523127b8f62821867021e23a9acb1ae0f7d2432e1",
                        "running"),
             "other-2048": ("evilroot/docker-2048", "running"), "typo": (
                 "gcr.io/google-samples/microservices-demo/emailservice:v0.7.1", "ImagePullBackOff"),
             "upper": ("Nginx", "InvalidImageName")}


def test_every_spelling_of_an_existing_image_runs_and_a_tag_that_does_not_exist_stalls(
    sim_class: LabClass, binaries: dict[str, Path]
) -> None:
    alice = Kubectl(binaries["kubectl"], sim_class.student_dir("alice") / "kubeconfig")
    alice.apply(*({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"spelling-{name}"},
                   "spec": {"containers": [{"name": "c", "image": image}]}} for name, (image, _) in SPELLINGS.items()))
    try:
        def states() -> dict[str, str]:
            found = {}
            for name in SPELLINGS:
                status = alice.get("pod", f"spelling-{name}")["status"].get("containerStatuses") or [{}]
                state = status[0].get("state", {})
                found[name] = "running" if "running" in state else state.get("waiting", {}).get("reason", "")
            return found

        wanted = {name: state for name, (_, state) in SPELLINGS.items()}
        eventually(lambda: states() == wanted, 30, f"the pods {wanted}")
        events = alice.get("events", "--field-selector", "involvedObject.name=spelling-other-2048")["items"]
        assert [e["message"] for e in events if e["reason"] == "SimUnknownImage"] == [
            "An image of this pod is of a repository (or a digest) that the sim's registry catalog does not list: "
            "the sim cannot know whether it exists, and runs it (sim_registry_unknown: pull); on a real cluster it "
            "may not pull. The instructor adds it with sim_registry_extra."]
    finally:
        alice.run("delete", "pod", *(f"spelling-{name}" for name in SPELLINGS), "--wait=false")


def test_the_compose_project_runs_as_deployments_and_services_of_the_same_names_mongo_on_a_bound_claim(
    sim_class: LabClass, student: Kubectl
) -> None:
    name = student.namespace
    assert name
    repository = user_info(sim_class, name)["registry"]["repository"]
    conf = student.get("configmap", "nginx-conf")["data"]["default.conf"]
    assert conf == (ROOT / "apps/nginx-flask-mongodb/nginx/default.conf").read_text(), "the Compose project's file"
    images = {}
    for deployment in ("nginx", "flask-app", "mongo"):
        found = student.get("deployment", deployment)
        assert found["status"]["readyReplicas"] == 1, deployment
        images[deployment] = found["spec"]["template"]["spec"]
    assert [c["image"] for c in images["nginx"]["containers"]] == ["nginx:1.25.2"]
    assert images["nginx"]["containers"][0]["volumeMounts"] == [
        {"name": "conf", "mountPath": "/etc/nginx/conf.d", "readOnly": True}]
    [app] = images["flask-app"]["containers"]
    assert app["image"] == f"{repository}/flask-app:1.0.0"
    assert images["flask-app"]["imagePullSecrets"] == [{"name": "registry-pull"}]
    assert app["env"] == [{"name": "MONGO_URL", "value": "mongodb://mongo:27017/"}]
    [mongo] = images["mongo"]["containers"]
    assert mongo["image"] == "mongo:4.4" and mongo["volumeMounts"] == [{"name": "data", "mountPath": "/data/db"}]
    assert images["mongo"]["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "mongo-data"}}]
    claim = student.get("pvc", "mongo-data")
    assert claim["status"]["phase"] == "Bound" and claim["spec"]["storageClassName"] == "standard"
    ports = {service: student.get("service", service)["spec"]["ports"][0]["port"]
             for service in ("nginx", "flask-app", "mongo")}
    assert ports == {"nginx": 80, "flask-app": 9090, "mongo": 27017}
    assert published(sim_class, name, "nginx")["port_forward"] == "kubectl port-forward service/nginx 8080:80"


def test_the_breaking_rolling_update_went_v1_v2_v1_and_both_versions_stand_in_the_history(
    sim_class: LabClass, student: Kubectl
) -> None:
    name = student.namespace
    assert name
    image = f"{user_info(sim_class, name)['registry']['repository']}/breaking-rollingupdate"
    deployment = student.get("deployment", "breaking-rollingupdate")
    assert [c["image"] for c in deployment["spec"]["template"]["spec"]["containers"]] == [f"{image}:v1"]
    assert deployment["status"]["readyReplicas"] == 2
    # Rolled back to v1, the Deployment takes v1's ReplicaSet again under a new revision: 1 becomes 3.
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    revisions = {
        rs["spec"]["template"]["spec"]["containers"][0]["image"]:
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
        for rs in student.get("replicasets", "-l", "app=breaking-rollingupdate")["items"]
    }
    assert revisions == {f"{image}:v2": "2", f"{image}:v1": "3"}
    history = student.run("rollout", "history", "deployment/breaking-rollingupdate").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["2", "3"]
    assert published(sim_class, name, "breaking-rollingupdate")["port_forward"] == (
        "kubectl port-forward service/breaking-rollingupdate 8080:8080")
