"""The instructor's journey on a fresh checkout, as the README tells it: `make lab`, the students' and the
instructor's kubectl, `check.yml` on the class, `make teardown`. Nothing is set that the README does not show:
the class is inventories/sim itself, its output output/sim/, every command typed into a user's shell."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest

from kube import eventually
from labclass import ROOT
from procs import cluster_pids
from readme import readme_command, said, user_shell

OUTPUT = ROOT / "output" / "sim"
STUDENTS = ("alice", "bob", "carol")


@pytest.fixture(scope="module")
def made() -> Iterator[subprocess.CompletedProcess[str]]:
    assert not OUTPUT.exists(), "output/sim exists: this journey makes and removes inventories/sim's class; " \
                                "`make teardown` first"
    try:
        yield user_shell(readme_command("make lab"))
    finally:
        user_shell(readme_command("make teardown"))


@pytest.fixture(scope="module")
def activate() -> str:
    return readme_command(". .venv/bin/activate")


def test_make_lab_stands_the_class_up_and_says_where_the_kubeconfigs_are(
    made: subprocess.CompletedProcess[str],
) -> None:
    assert made.returncode == 0, said(made)
    assert "Kubeconfigs: output/sim/<student>/kubeconfig for each student" in made.stdout
    for student in STUDENTS:
        assert (OUTPUT / student / "kubeconfig").stat().st_mode & 0o777 == 0o600


def test_a_student_lists_her_pods_and_the_instructor_the_nodes(
    made: subprocess.CompletedProcess[str], activate: str
) -> None:
    pods = user_shell(activate, readme_command("KUBECONFIG=output/sim/alice/kubeconfig kubectl get pods"))
    assert pods.returncode == 0, said(pods)
    assert "emailservice-pod-test" in pods.stdout and "Running" in pods.stdout
    nodes = user_shell(activate, readme_command("KUBECONFIG=output/sim/admin.kubeconfig kubectl get nodes"))
    assert nodes.returncode == 0, said(nodes)
    assert nodes.stdout.count(" Ready ") >= 3


def cronjobs_ran(activate: str) -> bool:
    """Whether every student's availability CronJob has had a Job complete, as the instructor's kubectl shows it."""
    listed = user_shell(activate, "KUBECONFIG=output/sim/admin.kubeconfig kubectl get cronjobs -A "
                                  "-o jsonpath='{range .items[*]}{.status.lastSuccessfulTime}{\"\\n\"}{end}'")
    times = listed.stdout.split("\n")[:-1]
    return listed.returncode == 0 and len(times) == len(STUDENTS) and all(times)


def test_check_yml_as_the_readme_gives_it_passes_every_check_of_every_student(
    made: subprocess.CompletedProcess[str], activate: str
) -> None:
    # The availability CronJob runs every minute: docs/checking.md says a check in the first minute finds no Job yet.
    eventually(lambda: cronjobs_ran(activate), 150, "each student's availability CronJob to have run once", 5)
    checked = user_shell(activate, readme_command("ansible-playbook check.yml -i inventories/sim"))
    assert checked.returncode == 0, said(checked)
    report = json.loads((OUTPUT / "report" / "results.json").read_text())
    assert sorted(s["student"] for s in report["students"]) == sorted(STUDENTS)
    failed = {s["student"]: [c["check"] for c in s["checks"] if not c["passed"]] for s in report["students"]}
    assert failed == {student: [] for student in STUDENTS}
    assert all(len(s["checks"]) == 39 for s in report["students"])


def test_the_drills_as_the_readme_gives_them_run_and_leave_the_class_passing(
    made: subprocess.CompletedProcess[str], activate: str
) -> None:
    alice = user_shell(activate, readme_command("ansible-playbook playbooks/drills.yml -i inventories/sim --limit alice"))
    assert alice.returncode == 0, said(alice)
    rollback = user_shell(activate, readme_command(
        """ansible-playbook playbooks/drills.yml -i inventories/sim -e '{"drills_run": ["rollback"]}'"""))
    assert rollback.returncode == 0, said(rollback)
    for student in STUDENTS:
        assert f"'{student} rollback (" in rollback.stdout, rollback.stdout[-3000:]
    checked = user_shell(activate, readme_command("ansible-playbook check.yml -i inventories/sim --limit alice"))
    assert checked.returncode == 0, said(checked)
    report = json.loads((OUTPUT / "report" / "results.json").read_text())
    assert [(s["student"], s["passed"]) for s in report["students"]] == [("alice", 39)]


def test_make_teardown_leaves_nothing_of_the_class(made: subprocess.CompletedProcess[str]) -> None:
    cluster = OUTPUT / ".sim" / "kwok" / "clusters" / "kubelab-sim"
    assert cluster_pids(cluster), "the class's cluster runs before the teardown"
    done = user_shell(readme_command("make teardown"))
    assert done.returncode == 0, said(done)
    assert not OUTPUT.exists()
    assert cluster_pids(cluster) == []
    netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert "kubelab-sim" not in netns
