"""check.yml on the session class: every check passes for a fully deployed student, and breaking one thing of a
student fails exactly the checks about it, each with its hint. Then site.yml puts it back."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import Kubectl, eventually
from labclass import LabClass, PlaybookRun
from report import junit_counts, rendered_cells, screenshot

STUDENTS = ("alice", "bob", "carol")
# The tutorial's load test: busybox sh runs the loop once, with the word {1..10}.
TUTORIAL_LOOP = "for run in {1..10}; do wget -q -O- http://simple-nodejs-webserver:5858/; done"


def check(lab: LabClass, *args: str) -> PlaybookRun:
    run = lab.playbook("check.yml", *args)
    assert not run.failed, run.messages()
    return run


def results(lab: LabClass) -> dict[str, dict[str, Any]]:
    report = json.loads((lab.output_dir / "report" / "results.json").read_text())
    return {student["student"]: student for student in report["students"]}


def failing(result: dict[str, Any]) -> dict[str, str]:
    return {c["check"]: c["hint"] for c in result["checks"] if not c["passed"]}


def self_check(lab: LabClass, student: str, kubectl: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``kubectl kubelab-check`` as the student runs it: their folder on PATH, their kubeconfig, their kubectl."""
    folder = lab.student_dir(student)
    env = {**os.environ, "PATH": f"{folder}:{kubectl.parent}:{os.environ['PATH']}",
           "KUBECONFIG": str(folder / "kubeconfig")}
    return subprocess.run([str(kubectl), "kubelab-check", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def cronjobs_ran(admin: Kubectl) -> bool:
    return all(admin.in_namespace(s).get("cronjob", "availability-test").get("status", {}).get("lastSuccessfulTime")
               for s in STUDENTS)


@pytest.fixture(scope="module")
def ran(sim_class: LabClass, admin: Kubectl) -> None:
    eventually(lambda: cronjobs_ran(admin), 150, "each student's availability CronJob to have run once")


def load_test(image: str, script: str, **spec: Any) -> dict[str, Any]:
    container = {"name": "load-test", "image": image, "command": ["/bin/sh", "-c", script],
                 "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}}
    pod = {"restartPolicy": "Never", "containers": [container],
           "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "seccompProfile": {"type": "RuntimeDefault"}}}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "load-test"},
            "spec": {"backoffLimit": 0, "template": {"spec": pod}, **spec}}


def test_every_student_of_the_deployed_class_passes_every_check(sim_class: LabClass, ran: None) -> None:
    run = check(sim_class)
    graded = results(sim_class)
    assert sorted(graded) == list(STUDENTS)
    for student, result in graded.items():
        assert failing(result) == {}, student
        assert result["total"] == 39, student
    changed = [task.split(" : ", 1)[-1] for task in run.changed_tasks()]
    assert changed == ["Write the report to " + str(sim_class.output_dir / "report")], "it reads, and writes the report"


def test_a_student_gets_the_self_check_which_passes_as_the_report_does(
        sim_class: LabClass, binaries: dict[str, Path], ran: None) -> None:
    folder = sim_class.student_dir("alice")
    assert stat.S_IMODE((folder / "kubectl-kubelab_check").stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "kubelab-check.json").stat().st_mode) == 0o600
    assert "credentials" not in json.loads((folder / "kubelab-check.json").read_text())
    done = self_check(sim_class, "alice", binaries["kubectl"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("alice in namespace alice: 39 of 39 checks passed\n"), done.stdout


def restore(sim_class: LabClass, admin: Kubectl) -> None:
    """site.yml puts back what was broken; a Job's template cannot change, so the load tests go first."""
    for student in ("bob", "carol"):
        admin.in_namespace(student).run("delete", "job", "load-test", "--ignore-not-found", "--wait=true")
    restored = sim_class.up("--limit", "bob,carol")
    assert not restored.failed, restored.messages()


@pytest.fixture(scope="module")
def broken(sim_class: LabClass, admin: Kubectl, ran: None) -> Iterator[dict[str, bool]]:
    """bob: a typo in a Service's selector, nginx's ConfigMap mount gone, the game on a bad tag, a failed load test;
    carol: the tutorial's load test. The last test of the module puts it back; else this does."""
    bob, carol = admin.in_namespace("bob"), admin.in_namespace("carol")
    state = {"restored": False}
    try:
        bob.run("patch", "service", "my-emailservice", "-p", '{"spec": {"selector": {"app": "emailservice-dem"}}}')
        # nginx's, not the tutorial's Deployment: its rollout history is the tutorial's, which other tests read.
        mounts = bob.get("deployment", "nginx")["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
        index = next(i for i, m in enumerate(mounts) if m["mountPath"] == "/etc/nginx/conf.d")
        bob.run("patch", "deployment", "nginx", "--type=json",
                "-p", json.dumps([{"op": "remove", "path": f"/spec/template/spec/containers/0/volumeMounts/{index}"}]))
        bob.run("rollout", "status", "deployment/nginx", "--timeout=60s")
        bob.run("set", "image", "deployment/game-2048", "*=alexwhen/docker-2048:typo")
        for ns in (bob, carol):
            ns.run("delete", "job", "load-test", "--wait=true")
        bob.apply(load_test("busybox:1.28-typo", "exit 0", activeDeadlineSeconds=2))
        carol.apply(load_test("busybox:1.28", TUTORIAL_LOOP))
        load_test_ends(bob, "Failed")
        load_test_ends(carol, "Complete")
        yield state
    finally:
        if not state["restored"]:
            restore(sim_class, admin)


def job_condition(ns: Kubectl, kind: str) -> bool:
    conditions = ns.get("job", "load-test").get("status", {}).get("conditions") or []
    return any(c["type"] == kind and c["status"] == "True" for c in conditions)


def load_test_ends(ns: Kubectl, condition: str) -> None:
    """Wait for the load test's condition; a timeout tells the Job's, its pods' and their events' story."""
    try:
        eventually(lambda: job_condition(ns, condition), 60, f"{ns.namespace}'s load test: {condition}")
    except AssertionError as err:
        raise AssertionError(f"{err}\n{job_story(ns)}") from None


def job_story(ns: Kubectl) -> str:
    """The load test's status, its pods and the events about both: what a timeout leaves to read."""
    job = ns.get("job", "load-test")
    pods = [{"name": p["metadata"]["name"], "node": p["spec"].get("nodeName"), "phase": p["status"].get("phase"),
             "deleting": p["metadata"].get("deletionTimestamp"), "finalizers": p["metadata"].get("finalizers"),
             "waiting": [c["state"].get("waiting", {}).get("reason") for c in p["status"].get("containerStatuses", [])]}
            for p in ns.get("pods", "-l", f"batch.kubernetes.io/controller-uid={job['metadata']['uid']}")["items"]]
    events = ns.get("events")["items"]
    own = [e for e in events if e["involvedObject"].get("uid") == job["metadata"]["uid"]]
    names = {p["name"] for p in pods} | {e.get("message", "").rpartition(" ")[2] for e in own}
    own += [e for e in events if e["involvedObject"]["kind"] == "Pod" and e["involvedObject"]["name"] in names]
    told = [f"{e['involvedObject']['kind']} {e['involvedObject']['name']}: {e['reason']} {e.get('message', '')}" for e in own]
    return json.dumps({"job": job["status"], "pods": pods, "events": told}, indent=1)


def passwords_of(lab: LabClass, student: str) -> list[str]:
    """The passwords a student's user-info.yaml hands out (credentials: Secret: key: value)."""
    info = yaml.safe_load((lab.student_dir(student) / "user-info.yaml").read_text())
    return [value for secret in info["credentials"].values() for key, value in secret.items() if "PASSWORD" in key.upper()]


def test_breaking_one_thing_fails_exactly_the_checks_about_it_with_its_hint(
        sim_class: LabClass, binaries: dict[str, Path], broken: dict[str, bool]) -> None:
    check(sim_class)
    graded = results(sim_class)
    assert failing(graded["alice"]) == {}
    bob = failing(graded["bob"])
    assert sorted(bob) == ["emailservice.service", "game_2048.deployment", "nginx_flask_mongodb.nginx-conf",
                           "simple_nodejs_webserver.load-test"]
    assert bob["emailservice.service"] == (
        "Service my-emailservice has no endpoints: its selector app=emailservice-dem matches no pod (kubectl get pods --show-labels)")
    assert bob["nginx_flask_mongodb.nginx-conf"] == "Deployment nginx mounts no ConfigMap at /etc/nginx/conf.d"
    assert bob["game_2048.deployment"].startswith("Deployment game-2048 is not rolled out: ")
    assert "ImagePullBackOff (image alexwhen/docker-2048:typo)" in bob["game_2048.deployment"]
    assert bob["simple_nodejs_webserver.load-test"].startswith("Job load-test failed: ")
    own = self_check(sim_class, "bob", binaries["kubectl"], "--json")
    assert own.returncode == 1, own.stderr
    assert json.loads(own.stdout) == graded["bob"], "the self-check says what the report says"
    carol = failing(graded["carol"])
    assert list(carol) == ["simple_nodejs_webserver.load-test-loop"]
    assert "busybox sh does no brace expansion: 'for run in {1..10}' runs once" in carol[
        "simple_nodejs_webserver.load-test-loop"]


def test_the_report_of_a_class_with_failures_reads_the_same_in_chromium_junit_and_json(
        sim_class: LabClass, broken: dict[str, bool]) -> None:
    check(sim_class)
    folder = sim_class.output_dir / "report"
    report = json.loads((folder / "results.json").read_text())
    totals = report["summary"]
    assert (totals["students"], totals["checks"], totals["failed"], totals["errors"]) == (3, 117, 5, 0)
    cells = rendered_cells(folder / "index.html")
    assert cells == {"pass": totals["passed"], "fail": totals["failed"]}
    assert junit_counts(folder / "junit.xml") == {"tests": 117, "failures": 5, "errors": 0}
    bob = rendered_cells(folder / "students" / "bob.html")
    assert bob == {"pass": 35, "fail": 4}
    screenshot(folder / "index.html", "class-report.png")
    screenshot(folder / "students" / "bob.html", "student-report-bob.png")
    text = "".join(p.read_text() for p in [folder / "index.html", folder / "junit.xml", folder / "results.json",
                                            *folder.glob("students/*.html")])
    passwords = [p for s in STUDENTS for p in passwords_of(sim_class, s)]
    assert "carol-from-the-vault-7" in passwords
    assert not [p for p in passwords if p in text], "no secret in the report"


def test_a_students_self_check_of_another_namespace_is_denied(sim_class: LabClass, binaries: dict[str, Path]) -> None:
    done = self_check(sim_class, "bob", binaries["kubectl"], "--namespace", "carol")
    assert done.returncode == 2
    assert "cannot read namespace carol" in done.stderr and "forbidden" in done.stderr, done.stderr
    assert done.stdout == ""


def test_after_site_yml_put_it_back_every_check_passes_again(
        sim_class: LabClass, admin: Kubectl, broken: dict[str, bool]) -> None:
    restore(sim_class, admin)
    broken["restored"] = True
    check(sim_class, "--limit", "bob,carol")
    graded = results(sim_class)
    assert sorted(graded) == ["bob", "carol"]
    assert all(failing(result) == {} for result in graded.values())
    assert not (sim_class.output_dir / "report" / "students" / "alice.html").exists(), "the report is the run's"
