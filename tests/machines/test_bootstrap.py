"""playbooks/machines.yml for real over SSH, against an offline test host in a network namespace."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from labclass import PlaybookRun, run_playbook
from sshhost import SshHost, ssh_host

MACHINE = "kubelab-boot-alice"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshHost]:
    with ssh_host(tmp_path_factory.mktemp("sshhost")) as host:
        yield host


@pytest.fixture(scope="module")
def inventory(host: SshHost, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The machine as the ec2 provider adds it: group lab_student_machines, reached with the class's key."""
    machine = {
        "ansible_host": host.address,
        "ansible_user": host.user,
        "ansible_ssh_private_key_file": str(host.private_key),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        "ansible_python_interpreter": "/usr/bin/python3",
        "lab_student": "alice",
        "lab_class": "boot",
    }
    path = tmp_path_factory.mktemp("inventory") / "hosts.yml"
    path.write_text(yaml.safe_dump({"all": {"children": {"lab_student_machines": {"hosts": {MACHINE: machine}}}}}))
    return path


def bootstrap(inventory: Path, *args: str) -> PlaybookRun:
    return run_playbook("playbooks/machines.yml", "-i", str(inventory), *args)


def installed(package: str) -> bool:
    return subprocess.run(["dpkg", "-s", package], capture_output=True, check=False).returncode == 0


def test_the_bootstrap_goes_over_ssh_as_far_as_the_package_install_offline(inventory: Path) -> None:
    run = bootstrap(inventory)
    assert run.failed
    [reached] = run.results("Wait until the machine answers over SSH")
    assert not reached.get("failed"), reached
    [facts] = run.results("Read the machine's facts")
    assert facts["ansible_facts"]["ansible_os_family"] == "Debian"
    assert f"{MACHINE} could not install docker.io" in run.messages()


@pytest.mark.skipif(installed("docker.io"), reason="docker.io is installed on this machine: nothing would change")
def test_in_check_mode_it_goes_on_to_minikube_and_stops_offline_naming_the_download(inventory: Path) -> None:
    run = bootstrap(inventory, "--check")
    [docker] = run.results("Install docker.io")
    assert docker["changed"] and not docker.get("failed"), "check mode says docker.io would be installed"
    assert not installed("docker.io")
    versions = run.results("Ask the installed minikube and kubectl for their versions")
    assert [v["item"]["name"] for v in versions] == ["minikube", "kubectl"]
    assert run.failed
    assert "minikube v1.37.0 is not at /usr/local/bin/minikube and could not be downloaded" in run.messages()
    assert not Path("/usr/local/bin/minikube").exists()


@pytest.mark.skipif(installed("docker.io"), reason="docker.io is installed on this machine: nothing would change")
def test_given_a_repository_it_copies_each_apps_files_and_stops_offline_at_the_docker_engine(
    inventory: Path,
) -> None:
    run = bootstrap(inventory, "--check", "-e", json.dumps({"machine_registry_repository": "registry.test/boot/alice"}))
    copied = run.results("Copy the apps' files")
    assert copied and all(c["changed"] and not c.get("failed") for c in copied), "check mode says each would be copied"
    files = {(c["item"]["ref"], Path(c["item"]["path"]).name) for c in copied}
    assert ("registry.test/boot/alice/breaking-rollingupdate:v2", ".npmrc") in files
    assert ("registry.test/boot/alice/flask-app:1.0.0", "requirements.txt") in files
    assert not any(name == "node_modules" for _, name in files), "the build installs node_modules itself"
    [listed] = run.results("List the images on the machine")
    assert listed["failed"] and "docker daemon" in (listed.get("stderr", "") + listed.get("msg", "")).lower()
