"""The minikube provider's registry-creds Secrets, on a real API server: what `addons configure` would write."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube import Kubectl
from labclass import LabClass, PlaybookRun, run_playbook

PASSWORD = "hub-pass-7Qx!"
CREDS = {"dpr": {"server": "https://index.docker.io/v1/", "user": "kubelab-class", "password": PASSWORD}}
CLOUDS = ("acr", "dpr", "ecr", "gcr")


def configure(lab: LabClass, *args: str) -> PlaybookRun:
    extra = {"lab_class": lab.name, "lab_admin_kubeconfig": str(lab.admin_kubeconfig), "minikube_registry_creds": CREDS}
    return run_playbook("tests/cluster/playbooks/registry_creds.yml", "-e", json.dumps(extra), *args)


@pytest.fixture(scope="module")
def configured(sim_class: LabClass, admin: Kubectl) -> Iterator[PlaybookRun]:
    run = configure(sim_class, "-vvv")
    assert not run.failed, run.messages()
    yield run
    admin.run("delete", "secrets", "-n", "kube-system", "-l", "app=registry-creds")


def secret(admin: Kubectl, cloud: str) -> dict[str, str]:
    data = admin.get("secret", f"registry-creds-{cloud}", "-n", "kube-system")["data"]
    return {key: base64.b64decode(value).decode() for key, value in data.items()}


def test_the_four_secrets_the_addon_reads_exist_with_its_labels(configured: PlaybookRun, admin: Kubectl) -> None:
    found = admin.get("secrets", "-n", "kube-system", "-l", "app=registry-creds,kubernetes.io/minikube-addons=registry-creds")
    assert sorted(s["metadata"]["labels"]["cloud"] for s in found["items"]) == list(CLOUDS)


def test_the_docker_registry_has_the_inventory_credentials(configured: PlaybookRun, admin: Kubectl) -> None:
    assert secret(admin, "dpr") == {
        "DOCKER_PRIVATE_REGISTRY_SERVER": "https://index.docker.io/v1/",
        "DOCKER_PRIVATE_REGISTRY_USER": "kubelab-class",
        "DOCKER_PRIVATE_REGISTRY_PASSWORD": PASSWORD,
    }


def test_registries_not_configured_are_disabled_as_the_prompt_leaves_them(configured: PlaybookRun, admin: Kubectl) -> None:
    ecr = secret(admin, "ecr")
    assert ecr["AWS_ACCESS_KEY_ID"] == ecr["aws-region"] == "MINIKUBE_DEFAULT_VALUE"
    assert ecr["AWS_SESSION_TOKEN"] == ""
    assert secret(admin, "gcr")["gcrurl"] == "https://gcr.io"
    assert set(secret(admin, "acr").values()) == {"MINIKUBE_DEFAULT_VALUE"}


def test_the_password_never_shows_in_the_output(configured: PlaybookRun) -> None:
    assert PASSWORD not in configured.stdout + configured.stderr


def test_a_second_run_changes_nothing(configured: PlaybookRun, sim_class: LabClass) -> None:
    rerun = configure(sim_class)
    assert not rerun.failed, rerun.messages()
    assert rerun.changed == 0, rerun.changed_tasks()
