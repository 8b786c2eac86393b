"""Bad class settings fail fast, name the value, and change nothing."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labclass import LabClass, PlaybookRun, run_playbook
from procs import cluster_pids

PORT_BASE = 16500


@pytest.fixture
def lab(tmp_path: Path) -> LabClass:
    return LabClass("badinput", tmp_path, port_base=PORT_BASE)


def assert_refused(lab: LabClass, run: PlaybookRun, *named: str) -> None:
    assert run.failed
    for text in named:
        assert text in run.messages(), f"{text!r} not named in: {run.messages()}"
    assert not lab.output_root.exists() or not any(lab.output_root.iterdir()), "something was created"
    assert cluster_pids(lab.cluster_dir) == []


def test_an_unknown_provider_is_refused(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", "lab_provider=minikub")
    assert_refused(lab, run, '"minikub"', "sim")


@pytest.mark.parametrize("class_id", ["Bad_Class", "-lead", "a" * 41])
def test_a_class_id_that_is_no_dns_label_is_refused(lab: LabClass, class_id: str) -> None:
    run = lab.playbook("site.yml", "-e", f"lab_class={class_id}")
    assert_refused(lab, run, f'"{class_id}"', "DNS-1123")


def test_a_non_numeric_node_count_is_refused(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", "sim_node_count=three")
    assert_refused(lab, run, "sim_node_count")


@pytest.fixture
def taken_port() -> Iterator[int]:
    """Another program listening on the class's controller-manager port."""
    port = PORT_BASE + 3
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        yield port


def test_a_port_already_taken_is_refused_naming_it(lab: LabClass, taken_port: int) -> None:
    run = lab.playbook("site.yml")
    assert_refused(lab, run, f"Port {taken_port}", "already taken", "sim_port_base")


def test_without_go_and_without_binaries_it_says_what_to_install(lab: LabClass, tmp_path: Path) -> None:
    empty_cache = tmp_path / "empty-cache"
    run = lab.playbook(
        "site.yml",
        "-e",
        f"sim_cache_dir={empty_cache}",
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )
    assert_refused(lab, run, "no `go` is on PATH", "install Go")
    assert not empty_cache.exists() or not any(empty_cache.glob("kubernetes-*"))


def test_a_student_listed_twice_is_refused(lab: LabClass) -> None:
    text = lab.inventory.read_text().replace("bob: null", "bob: null\n        alice: null")
    assert text.count("alice: null") == 2
    lab.inventory.write_text(text)
    run = lab.playbook("site.yml")
    assert_refused(lab, run, "duplicate", "alice")


@pytest.mark.parametrize(
    ("student", "named"),
    [
        ("Bob_1", ['"Bob_1"', "DNS-1123"]),
        ("kube-system", ['"kube-system"', "reserved"]),
        ("kubernetes-dashboard", ['"kubernetes-dashboard"', "reserved"]),
    ],
)
def test_a_student_name_that_cannot_be_a_namespace_is_refused(lab: LabClass, student: str, named: list[str]) -> None:
    lab.students = ("alice", student)
    lab.write_inventory()
    assert_refused(lab, lab.playbook("site.yml"), *named)


def test_an_empty_class_is_refused(lab: LabClass) -> None:
    lab.students = ()
    lab.write_inventory()
    assert_refused(lab, lab.playbook("site.yml"), "has no students")


def test_an_unknown_option_is_refused(lab: LabClass) -> None:
    lab.options = {"student_qouta_pods": 10}
    lab.write_inventory()
    assert_refused(lab, lab.playbook("site.yml"), "student_qouta_pods", "Unknown option")


def test_check_refuses_an_unknown_option_before_it_reads_anything(lab: LabClass) -> None:
    lab.options = {"check_wrokers": 4}
    lab.write_inventory()
    assert_refused(lab, lab.playbook("check.yml"), "check_wrokers", "Unknown option")


def test_check_of_a_class_that_is_not_up_says_so(lab: LabClass) -> None:
    assert_refused(lab, lab.playbook("check.yml"), "admin.kubeconfig does not exist", "is not up")


def test_an_unknown_option_of_one_student_is_refused(lab: LabClass) -> None:
    host_vars = lab.inventory.parent / "host_vars"
    host_vars.mkdir()
    (host_vars / "bob.yml").write_text("student_emial: bob@example.org\n")
    assert_refused(lab, lab.playbook("site.yml"), "student_emial")


def test_solutions_of_an_unknown_section_for_one_student_are_refused_naming_them(lab: LabClass) -> None:
    host_vars = lab.inventory.parent / "host_vars"
    host_vars.mkdir()
    (host_vars / "bob.yml").write_text("lab_solutions: [game_2048, grafna]\n")
    assert_refused(lab, lab.playbook("site.yml"), "student bob: lab_solutions names no section grafna")


def test_solutions_that_are_neither_all_none_nor_a_list_are_refused(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", "lab_solutions=some")
    assert_refused(lab, run, "lab_solutions must be all, none or a list of sections, not 'some'")


def test_a_non_numeric_quota_is_refused(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", "student_quota_pods=lots")
    assert_refused(lab, run, "student_quota_pods", "lots")


def test_a_quota_that_is_no_quantity_is_refused(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", "student_quota_requests_memory=plenty")
    assert_refused(lab, run, "student_quota_requests_memory", '"plenty"')


def test_two_students_in_one_nodeport_slot_are_refused(lab: LabClass) -> None:
    host_vars = lab.inventory.parent / "host_vars"
    host_vars.mkdir()
    (host_vars / "carol.yml").write_text("student_slot: 0\n")
    assert_refused(lab, lab.playbook("site.yml"), "alice and carol", "same slot")


def path_without(program: str, bindir: Path) -> str:
    """This machine's PATH as one folder of links to every program on it but ``program``."""
    bindir.mkdir()
    for folder in map(Path, os.environ["PATH"].split(os.pathsep)):
        for executable in sorted(folder.iterdir()) if folder.is_dir() else []:
            link = bindir / executable.name
            if executable.name != program and not link.exists():
                link.symlink_to(executable)
    return str(bindir)


def test_minikube_without_docker_is_refused_naming_what_is_missing(lab: LabClass, tmp_path: Path) -> None:
    run = lab.playbook("site.yml", "-e", "lab_provider=minikube", env={"PATH": path_without("docker", tmp_path / "bin")})
    assert_refused(lab, run, "needs a running Docker engine", "there is no docker command")


def test_a_minikube_download_that_fails_names_the_binary_version_and_place(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    unreachable = "http://127.0.0.1:9/minikube-linux-amd64"  # the discard port: nothing answers
    extra = {"lab_class": "offline", "minikube_bin_dir": str(bin_dir), "minikube_url": unreachable}
    run = run_playbook("tests/playbooks/minikube_install.yml", "-e", json.dumps(extra))
    assert run.failed
    assert f"minikube v1.37.0 is not at {bin_dir}/minikube and could not be downloaded from {unreachable}" in run.messages()
    assert "Offline? Put minikube v1.37.0 there" in run.messages()
    assert list(bin_dir.iterdir()) == []


def test_on_ec2_every_student_is_looked_for_on_a_cluster_of_their_own(lab: LabClass) -> None:
    run = lab.playbook("playbooks/students.yml", "-e", "lab_provider=ec2")
    assert run.failed
    for student in lab.students:
        assert f"{lab.output_dir}/{student}/cluster.kubeconfig" in run.messages()
    assert "is not up" in run.messages()


def ec2_class(lab: LabClass, **settings: Any) -> PlaybookRun:
    """site.yml of the class on ec2, against an endpoint where nothing answers: the validation's
    network checks run for real and, if they pass, the credentials check after them fails."""
    aws = {"lab_provider": "ec2", "ec2_region": "eu-west-1", "ec2_endpoint_url": "http://127.0.0.1:9",
           "ec2_access_key": "AKIDEXAMPLE", "ec2_secret_key": "not-a-secret"}
    return lab.playbook("site.yml", "-e", json.dumps(aws | settings))


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        (
            {"lab_allowed_cidrs": ["0.0.0.0/1", "128.0.0.0/1"]},
            ['["0.0.0.0/1", "128.0.0.0/1"]', "cover 4,294,967,296 addresses"],
        ),
        # One address past the default limit (2^-15 of IPv4: 131,072 addresses).
        (
            {"lab_allowed_cidrs": ["198.18.0.0/15", "203.0.113.7/32"]},
            ["cover 131,073 addresses", "more than the 131,072"],
        ),
        (
            {"lab_allowed_cidrs": ["10.0.0.0/8"], "ec2_max_allowed_share": 0.001},
            ["cover 16,777,216 addresses", "more than the 4,294,967"],
        ),
    ],
)
def test_ec2_networks_that_cover_more_than_the_allowed_share_are_refused(
    lab: LabClass, settings: dict[str, Any], named: list[str]
) -> None:
    assert_refused(lab, ec2_class(lab, **settings), *named, "ec2_max_allowed_share", "ec2_allow_anywhere: true")


@pytest.mark.parametrize(
    "settings",
    [
        # Exactly the limit once the overlap is counted once (summed, it would be twice the limit).
        {"lab_allowed_cidrs": ["198.18.0.0/15", "198.18.0.0/16", "198.19.0.0/16"]},
        {"lab_allowed_cidrs": ["10.0.0.0/8"], "ec2_max_allowed_share": 0.004},
        {"lab_allowed_cidrs": ["0.0.0.0/1", "128.0.0.0/1"], "ec2_allow_anywhere": True},
    ],
)
def test_ec2_networks_within_the_allowed_share_pass_the_check(lab: LabClass, settings: dict[str, Any]) -> None:
    assert_refused(lab, ec2_class(lab, **settings), "AWS refused the credentials")


def test_an_ec2_share_that_is_no_share_is_refused(lab: LabClass) -> None:
    run = ec2_class(lab, lab_allowed_cidrs=["203.0.113.0/24"], ec2_max_allowed_share=2)
    assert_refused(lab, run, "ec2_max_allowed_share is 2")
