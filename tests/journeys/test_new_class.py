"""A new class, made as the README's "Add a class" says, with `lab_solutions: none`: the instructor copies
inventories/sim, edits it, vaults the password and runs site.yml; ada does the tutorial and every exercise by hand
with her own kubeconfig and plain kubectl (manifests as the tutorial shows them, its mistakes fixed as a student
would, and images of her choosing), ben does half, cy nothing; check.yml grades exactly that, each student's own
`kubectl kubelab-check` says the same, and teardown.yml leaves nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import eventually
from labclass import ROOT, VENV_BIN
from procs import cluster_pids
from readme import readme_command, said, user_shell

CLASS = "journey-fall"
INVENTORY = ROOT / "inventories" / CLASS
OUTPUT = ROOT / "output" / CLASS
PASSWORD = "39528$vdg7Jb"
STUDENT_FILES = Path(__file__).parent / "student"
SECTIONS = ("emailservice", "game_2048", "simple_nodejs_webserver", "nginx_flask_mongodb", "breaking_rollingupdate",
            "availability", "grafana", "external_service")
# What each student did by hand; the images of the 2048 game each picked.
WORK = {"ada": SECTIONS, "ben": ("emailservice", "game_2048", "availability", "external_service"), "cy": ()}
GAME = {"ada": "evilroot/docker-2048", "ben": "alexwhen/docker-2048"}


def rollout(deployment: str) -> str:
    return f"kubectl rollout status deployment/{deployment} --timeout=90s"


# The commands of each section, typed in the student's ~/lab where her manifests are (tests/journeys/student/k8s).
BY_HAND: dict[str, tuple[str, ...]] = {
    "emailservice": (
        "kubectl apply -f k8s/pod-demo.yaml",
        "kubectl create secret generic emailservice-user-pass --from-literal='username=online-boutique-emailer' "
        f"--from-literal='password={PASSWORD}'",
        "kubectl apply -f k8s/configmap-demo.yaml",
        "kubectl apply -f k8s/deployment-demo.yaml",
        rollout("emailservice-deployment-demo"),
        "kubectl set image deployment/emailservice-deployment-demo "
        "server=gcr.io/google-samples/microservices-demo/emailservice:v0.8.0",
        rollout("emailservice-deployment-demo"),
        "kubectl apply -f k8s/deployment-demo-configmap-mount.yaml",
        rollout("emailservice-deployment-demo"),
        "kubectl apply -f k8s/service-demo.yaml",
        "kubectl apply -f k8s/service-nodeport-demo.yaml",
    ),
    "game_2048": (
        "kubectl create deployment my-2048 --image={game} --port=80",
        "kubectl expose deployment my-2048 --port=5858 --target-port=80",
        rollout("my-2048"),
    ),
    "availability": ("kubectl apply -f k8s/availability-test.yaml",),
    "external_service": ("kubectl apply -f k8s/external-web.yaml",),
    "simple_nodejs_webserver": (
        "kubectl apply -f k8s/simple-nodejs-webserver.yaml",
        "kubectl expose deployment simple-nodejs-webserver --port=5858 --target-port=8080",
        rollout("simple-nodejs-webserver"),
        "kubectl apply -f k8s/load-test.yaml",
        "kubectl wait --for=condition=complete job/load-test --timeout=90s",
    ),
    "nginx_flask_mongodb": (
        "kubectl create configmap nginx-conf --from-file=nginx_flask_mongodb/nginx/default.conf",
        "kubectl apply -f k8s/nginx-flask-mongodb.yaml",
        rollout("nginx"), rollout("flask-app"), rollout("mongo"),
    ),
    "breaking_rollingupdate": (
        "kubectl apply -f k8s/breaking-rollingupdate.yaml",
        rollout("breaking-rollingupdate"),
        "kubectl set image deployment/breaking-rollingupdate server={repository}/breaking-rollingupdate:v2",
        rollout("breaking-rollingupdate"),
        "kubectl rollout undo deployment/breaking-rollingupdate",
        rollout("breaking-rollingupdate"),
    ),
    "grafana": (
        "kubectl create secret generic grafana-admin --from-literal=username=admin "
        "--from-literal='password=ada-picked-this-1'",
        "kubectl apply -f k8s/grafana.yaml",
        "kubectl expose deployment grafana --port=3000",
        rollout("grafana"),
    ),
}


def edit(path: Path, old: str, new: str) -> None:
    """What the instructor changes in a copied file, as in an editor: the old text must be there."""
    text = path.read_text()
    assert old in text, f"{path.name} has no {old!r}"
    path.write_text(text.replace(old, new))


@pytest.fixture(scope="module")
def instructor(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The instructor's environment: a home with the vault's password file, exported as the README says."""
    home = tmp_path_factory.mktemp("instructor")
    (home / ".kubelab-vault").write_text("a vault password of the instructor's\n")
    (home / ".kubelab-vault").chmod(0o600)
    cache = os.environ.get("XDG_CACHE_HOME", str(Path.home() / ".cache"))
    return {"HOME": str(home), "XDG_CACHE_HOME": cache}


def shell(env: dict[str, str], *commands: str) -> subprocess.CompletedProcess[str]:
    """The instructor's shell: the venv activated and the vault's password file exported, as the README says."""
    return user_shell(readme_command(". .venv/bin/activate"), readme_command("export ANSIBLE_VAULT_PASSWORD_FILE=~/.kubelab-vault"),
                      *commands, env=env)


def make_inventory(env: dict[str, str]) -> None:
    """inventories/<class> as "Add a class" says: copied, edited, the students named, the password vaulted."""
    copied = shell(env, readme_command("cp -r inventories/sim inventories/<class>", **{"class": CLASS}))
    assert copied.returncode == 0, said(copied)
    settings = INVENTORY / "group_vars" / "all" / "class.yml"
    edit(settings, "lab_class: sim", f"lab_class: {CLASS}")
    edit(settings, "sim_port_base: 16440", "sim_port_base: 16800")
    settings.write_text(settings.read_text() + "lab_solutions: none\n")
    hosts = INVENTORY / "hosts.yml"
    for old, new in (("alice:", "ada:"), ("bob:", "ben:"), ("carol:", "cy:")):
        edit(hosts, old, new)
    (INVENTORY / "host_vars").mkdir()
    (INVENTORY / "host_vars" / "ada.yml").write_text("---\nstudent_email: ada@school.example\n")
    vaulted = shell(env, readme_command("ansible-vault encrypt_string --name emailservice_password '<password>'", password=PASSWORD))
    assert vaulted.returncode == 0 and "!vault |" in vaulted.stdout, said(vaulted)
    edit(INVENTORY / "group_vars" / "all" / "emailservice.yml", f"emailservice_password: {PASSWORD}\n",
         vaulted.stdout if vaulted.stdout.endswith("\n") else vaulted.stdout + "\n")


@pytest.fixture(scope="module")
def made(instructor: dict[str, str]) -> Iterator[subprocess.CompletedProcess[str]]:
    assert not INVENTORY.exists() and not OUTPUT.exists(), f"inventories/{CLASS} or output/{CLASS} exists: " \
                                                           "this journey makes and removes that class"
    try:
        make_inventory(instructor)
        yield shell(instructor, readme_command("ansible-playbook site.yml -i inventories/<class>", **{"class": CLASS}))
    finally:
        if OUTPUT.exists():
            shell(instructor, readme_command("ansible-playbook teardown.yml -i inventories/<class>", **{"class": CLASS}))
        shutil.rmtree(INVENTORY, ignore_errors=True)


def recap(stdout: str) -> dict[str, dict[str, int]]:
    """PLAY RECAP's counts by host, as ansible-playbook prints them."""
    rows = re.findall(r"^(\S+)\s+: ((?:\w+=\d+\s*)+)$", stdout, re.MULTILINE)
    return {host: {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", counts)} for host, counts in rows}


def test_site_yml_stands_up_the_class_made_as_the_readme_says(made: subprocess.CompletedProcess[str]) -> None:
    assert made.returncode == 0, said(made)
    assert f"Class {CLASS}: 3 students ready (sim)." in made.stdout
    for student in WORK:
        assert (OUTPUT / student / "kubeconfig").stat().st_mode & 0o777 == 0o600


def substitutions(info: dict[str, Any]) -> dict[str, str]:
    """What a student copies from her user-info.yaml into her manifests."""
    return {"${NODEPORT}": str(info["nodeports"]["first"]), "${EXTERNAL_ADDRESS}": info["external_host"]["address"],
            "${EXTERNAL_PORT}": str(info["external_host"]["port"]), "${REPOSITORY}": info["registry"]["repository"],
            "${PULL_SECRET}": info["registry"]["pull_secret"]}


@pytest.fixture(scope="module")
def homes(made: subprocess.CompletedProcess[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each student's home: ~/lab, the folder the instructor handed her, with her manifests and the Compose project;
    kubectl of her own in ~/bin."""
    assert made.returncode == 0, said(made)
    found = {}
    for student in WORK:
        home = tmp_path_factory.mktemp(f"home-{student}")
        lab = home / "lab"
        shutil.copytree(OUTPUT / student, lab)
        info = yaml.safe_load((lab / "user-info.yaml").read_text())
        (lab / "k8s").mkdir()
        for manifest in (STUDENT_FILES / "k8s").glob("*.yaml"):
            text = manifest.read_text()
            for placeholder, value in substitutions(info).items():
                text = text.replace(placeholder, value)
            assert "${" not in text, f"{manifest.name} has a value ada has not filled in"
            (lab / "k8s" / manifest.name).write_text(text)
        shutil.copytree(ROOT / "apps" / "nginx-flask-mongodb", lab / "nginx_flask_mongodb")
        (home / "bin").mkdir()
        (home / "bin" / "kubectl").symlink_to(VENV_BIN / "kubectl")
        found[student] = home
    return found


def student_shell(home: Path, *commands: str) -> subprocess.CompletedProcess[str]:
    """A student's shell in ~/lab: her kubectl, and her kubeconfig and folder exported as the README says."""
    path = f"{home / 'bin'}{os.pathsep}{os.environ['PATH']}"
    return user_shell(readme_command("export KUBECONFIG=~/lab/kubeconfig PATH=~/lab:$PATH"), *commands, cwd=home / "lab",
                      env={"HOME": str(home), "PATH": path})


@pytest.fixture(scope="module")
def worked(homes: dict[str, Path]) -> dict[str, subprocess.CompletedProcess[str]]:
    done = {}
    for student, sections in WORK.items():
        info = yaml.safe_load((homes[student] / "lab" / "user-info.yaml").read_text())
        commands = [step.format(game=GAME.get(student, ""), repository=info["registry"]["repository"])
                    for section in sections for step in BY_HAND[section]]
        done[student] = student_shell(homes[student], *commands)
    return done


def test_ada_does_the_tutorial_and_every_exercise_by_hand_and_ben_half(
    worked: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    for student, done in worked.items():
        assert done.returncode == 0, f"{student}: {said(done)}"


def cronjob_ran(home: Path) -> bool:
    done = student_shell(home, "kubectl get cronjob availability-test -o jsonpath='{.status.lastSuccessfulTime}'")
    return done.returncode == 0 and bool(done.stdout.strip())


@pytest.fixture(scope="module")
def ran(worked: dict[str, subprocess.CompletedProcess[str]], homes: dict[str, Path]) -> None:
    """The students' availability CronJobs have each had a Job complete: they run once a minute."""
    for student, sections in WORK.items():
        if "availability" in sections:
            eventually(partial(cronjob_ran, homes[student]), 150, f"{student}'s CronJob to have run", 5)


def test_a_rerun_of_site_yml_after_the_students_worked_changes_nothing(
    instructor: dict[str, str], homes: dict[str, Path], ran: None
) -> None:
    again = shell(instructor, readme_command("ansible-playbook site.yml -i inventories/<class>", **{"class": CLASS}))
    assert again.returncode == 0, said(again)
    changed = {host: counts["changed"] for host, counts in recap(again.stdout).items()}
    assert "localhost" in changed and set(changed.values()) == {0}, said(again)
    game = student_shell(homes["ada"], "kubectl get deployment my-2048 -o jsonpath='{.spec.template.spec.containers[0].image}'")
    assert game.stdout == GAME["ada"], "ada's own Deployment is hers as she made it"


@pytest.fixture(scope="module")
def report(instructor: dict[str, str], ran: None) -> dict[str, dict[str, Any]]:
    checked = shell(instructor, readme_command("ansible-playbook check.yml -i inventories/<class>", **{"class": CLASS}))
    assert checked.returncode == 0, said(checked)
    results = json.loads((OUTPUT / "report" / "results.json").read_text())
    return {s["student"]: s for s in results["students"]}


def passed_by_section(result: dict[str, Any]) -> dict[str, set[bool]]:
    """Each section's outcomes: {True} all passed, {False} none did."""
    outcomes: dict[str, set[bool]] = {}
    for check in result["checks"]:
        outcomes.setdefault(check["check"].split(".", 1)[0], set()).add(check["passed"])
    return outcomes


def test_check_yml_grades_everything_half_and_nothing_section_by_section(report: dict[str, dict[str, Any]]) -> None:
    assert sorted(report) == sorted(WORK)
    for student, sections in WORK.items():
        hints = {c["check"]: c["hint"] for c in report[student]["checks"] if not c["passed"]}
        wanted = {section: {section in sections} for section in SECTIONS}
        assert passed_by_section(report[student]) == wanted, f"{student}: {hints}"
        assert len(report[student]["checks"]) == 39


def test_each_students_own_kubelab_check_says_what_the_report_says(
    report: dict[str, dict[str, Any]], homes: dict[str, Path]
) -> None:
    for student, home in homes.items():
        own = student_shell(home, readme_command("kubectl kubelab-check --json") + " || test $? -eq 1")
        assert own.returncode == 0, f"{student}: {said(own)}"
        assert json.loads(own.stdout) == report[student], student
        summary = student_shell(home, readme_command("kubectl kubelab-check") + " || true")
        passed = sum(c["passed"] for c in report[student]["checks"])
        assert summary.stdout.startswith(f"{student} in namespace {student}: {passed} of 39 checks passed\n"), \
            summary.stdout


def test_teardown_yml_leaves_nothing_of_the_class(instructor: dict[str, str], report: dict[str, Any]) -> None:
    cluster = OUTPUT / ".sim" / "kwok" / "clusters" / f"kubelab-{CLASS}"
    assert cluster_pids(cluster), "the class's cluster runs before the teardown"
    done = shell(instructor, readme_command("ansible-playbook teardown.yml -i inventories/<class>", **{"class": CLASS}))
    assert done.returncode == 0, said(done)
    assert not OUTPUT.exists()
    assert cluster_pids(cluster) == []
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert f"kubelab-{CLASS}" not in netns
