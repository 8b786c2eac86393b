"""The sim registry's verdicts (kubelab.lab.sim_registry), run by kwok's own engines: gojq for the stage's
selector and Go templates with sprig for each container's status, as kwok-eval (tests/apps/build) runs them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.kubelab.lab.plugins.filter.sim_registry import normalize, sim_registry
from kube import cached_binaries
from labclass import ROOT

CATALOG = yaml.safe_load((ROOT / "roles/sim/defaults/main.yml").read_text())["sim_registry_catalog"]
PREFIX = "registry.kubelab.test/kubelab-fall/"
OWN = f"{PREFIX}alice/simple-nodejs-webserver"
GAME_DIGEST = "sha256:4913452e5bd092db9c8b005523127b8f62821867021e23a9acb1ae0f7d2432e1"
OTHER_DIGEST = "sha256:" + "0" * 64
EMAIL = "gcr.io/google-samples/microservices-demo/emailservice"

# image, pulls with the registry Secret, the pod's verdict and the container's reason (unknown: pull; stall).
CASES: list[tuple[str, bool, tuple[str, str], tuple[str, str]]] = [
    ("nginx", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    ("nginx:latest", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    ("docker.io/nginx", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    ("docker.io/library/nginx:1.25.2", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    ("index.docker.io/library/nginx", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    ("nginx:1.25.99", False, ("stall", "ImagePullBackOff"), ("stall", "ImagePullBackOff")),
    ("alexwhen/docker-2048", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    ("docker.io/alexwhen/docker-2048:latest", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    (f"alexwhen/docker-2048@{GAME_DIGEST}", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    (f"alexwhen/docker-2048:latest@{GAME_DIGEST}", False, ("pull", "ContainerCreating"),
     ("pull", "ContainerCreating")),
    (f"alexwhen/docker-2048@{OTHER_DIGEST}", False, ("pull-unknown", "ContainerCreating"),
     ("stall", "ImagePullBackOff")),
    (f"{EMAIL}:v0.7.0", False, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    (f"{EMAIL}:v0.7.1", False, ("stall", "ImagePullBackOff"), ("stall", "ImagePullBackOff")),
    (EMAIL, False, ("stall", "ImagePullBackOff"), ("stall", "ImagePullBackOff")),
    ("evilroot/docker-2048", False, ("pull-unknown", "ContainerCreating"), ("stall", "ImagePullBackOff")),
    ("localhost:5000/game", False, ("pull-unknown", "ContainerCreating"), ("stall", "ImagePullBackOff")),
    ("Nginx", False, ("stall", "InvalidImageName"), ("stall", "InvalidImageName")),
    ("nginx:", False, ("stall", "InvalidImageName"), ("stall", "InvalidImageName")),
    ("nginx::1", False, ("stall", "InvalidImageName"), ("stall", "InvalidImageName")),
    (f"{OWN}:1.0.0", True, ("pull", "ContainerCreating"), ("pull", "ContainerCreating")),
    (f"{OWN}:1.0.0", False, ("stall", "ImagePullBackOff"), ("stall", "ImagePullBackOff")),
    (f"{OWN}:1.0.1", True, ("stall", "ImagePullBackOff"), ("stall", "ImagePullBackOff")),
    (f"{PREFIX}simple-nodejs-webserver:1.0.0", True, ("stall", "ImagePullBackOff"), ("stall", "ImagePullBackOff")),
]


def pod(login: bool, *images: str) -> dict[str, Any]:
    return {"metadata": {"name": "p"},
            "spec": {"imagePullSecrets": [{"name": "registry-pull"}] if login else [],
                     "containers": [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]}}


def evaluate(unknown: str, pods: list[dict[str, Any]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each pod's verdict and its containers' (reason, message), by kwok's own query and template engines."""
    registry = sim_registry(CATALOG, server="registry.kubelab.test", prefix=PREFIX,
                            own_images=["simple-nodejs-webserver:1.0.0"], pull_secret="registry-pull",
                            unknown=unknown)
    template = (registry["setup"] + "{{- range .spec.containers -}}" + registry["state"]
                + "{{ $reason }}\t{{ $message }}\n{{ end -}}")
    kwok_eval = cached_binaries("test-binaries", ROOT / "tests/apps/build", "test-binaries")["kwok-eval"]
    done = subprocess.run([str(kwok_eval)], input=json.dumps({"query": registry["verdict"], "template": template,
                                                               "objects": pods}),
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    return [(r["query"][0] if r["query"] else "no verdict: the query failed",
             [tuple(line.split("\t", 1)) for line in r["template"].splitlines()]) for r in results]


@pytest.mark.parametrize("unknown", ["pull", "stall"])
def test_every_spelling_of_an_image_gets_the_verdict_a_registry_would_give(unknown: str) -> None:
    got = evaluate(unknown, [pod(login, image) for image, login, _, _ in CASES])
    wanted = [(image, *(when_pull if unknown == "pull" else when_stall)) for image, _, when_pull, when_stall in CASES]
    assert [(image, verdict, states[0][0]) for (image, *_), (verdict, states) in zip(CASES, got)] == wanted


def test_a_container_that_does_not_pull_says_why_and_the_others_of_its_pod_are_created() -> None:
    (verdict, states), = evaluate("stall", [pod(False, "nginx", f"{EMAIL}:v0.7.1", f"{OWN}:1.0.0", "evilroot/x",
                                                 "Nginx")])
    assert verdict == "stall"
    assert states[0] == ("ContainerCreating", "")
    assert states[1] == ("ImagePullBackOff", f'Back-off pulling image "{EMAIL}:v0.7.1": repository {EMAIL} has no '
                                             "tag v0.7.1 (the sim registry's catalog has: v0.7.0, v0.8.0)")
    assert "asks for a login; the pod pulls without the Secret registry-pull" in states[2][1]
    assert "the sim cannot know whether repository docker.io/evilroot/x exists" in states[3][1]
    assert states[4][0] == "InvalidImageName" and "invalid reference format" in states[4][1]


def test_an_init_container_that_does_not_pull_stalls_its_pod() -> None:
    stalled = pod(False, "nginx")
    stalled["spec"]["initContainers"] = [{"name": "init", "image": "busybox:1.99"}]
    assert evaluate("pull", [stalled])[0][0] == "stall"


@pytest.mark.parametrize(("image", "repository", "tag", "digest"), [
    ("nginx", "docker.io/library/nginx", "latest", None),
    ("library/nginx:1.25", "docker.io/library/nginx", "1.25", None),
    ("grafana/grafana-oss", "docker.io/grafana/grafana-oss", "latest", None),
    ("index.docker.io/grafana/grafana", "docker.io/grafana/grafana", "latest", None),
    ("localhost/app", "localhost/app", "latest", None),
    ("localhost:5000/team/app:v2", "localhost:5000/team/app", "v2", None),
    ("my.registry.example/app__x/y-z.w", "my.registry.example/app__x/y-z.w", "latest", None),
    (f"alexwhen/docker-2048@{GAME_DIGEST}", "docker.io/alexwhen/docker-2048", None, GAME_DIGEST),
])
def test_a_reference_is_normalized_as_a_registry_reads_it(image: str, repository: str, tag: str | None,
                                                          digest: str | None) -> None:
    found = normalize(image)
    assert (found.repository, found.tag, found.digest) == (repository, tag, digest)


@pytest.mark.parametrize("image", ["Nginx", "nginx:", "-nginx", "nginx/", "a//b", "nginx@sha256:abc",
                                   "nginx:" + "t" * 129])
def test_a_reference_that_does_not_parse_is_refused(image: str) -> None:
    with pytest.raises(ValueError, match="invalid reference format"):
        normalize(image)


@pytest.mark.parametrize(("catalog", "error"), [
    ({"nginx:1.25": ["latest"]}, "is a repository with a tag"),
    ({"Nginx": ["latest"]}, "repository 'Nginx'"),
    ({"nginx": ["bad tag"]}, "repository 'nginx'"),
])
def test_a_catalog_that_is_not_repositories_and_tags_is_refused(catalog: dict[str, list[str]], error: str) -> None:
    with pytest.raises(AnsibleFilterError, match=error):
        sim_registry(catalog, server="r", prefix="r/kubelab-x/", own_images=[], pull_secret="s", unknown="pull")


def test_spellings_of_one_repository_in_the_catalog_are_one_entry_with_their_tags() -> None:
    catalog = sim_registry({"nginx": ["latest"], "docker.io/library/nginx": ["1.25"]}, server="r",
                           prefix="r/kubelab-x/", own_images=[], pull_secret="s", unknown="stall")["catalog"]
    assert catalog == {"docker.io/library/nginx": {"tags": ["latest", "1.25"], "digests": []}}


def test_what_an_unknown_repository_does_is_pull_or_stall() -> None:
    with pytest.raises(AnsibleFilterError, match="pull or stall"):
        sim_registry({}, server="r", prefix="r/kubelab-x/", own_images=[], pull_secret="s", unknown="maybe")


def test_the_build_of_kwok_eval_pins_the_kwok_of_the_sim() -> None:
    def kwok_version(mod: Path) -> str:
        tokens = next(line.split() for line in mod.read_text().splitlines() if "sigs.k8s.io/kwok" in line.split())
        return tokens[tokens.index("sigs.k8s.io/kwok") + 1]
    assert kwok_version(ROOT / "tests/apps/build/kwok-eval/go.mod") == \
        kwok_version(ROOT / "roles/sim/files/build/kwok/go.mod")
