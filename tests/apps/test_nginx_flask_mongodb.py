"""The Compose project nginx -> Flask -> MongoDB, as real processes with its own files, in a network namespace.

The namespace gives the processes the project's own names and ports: nginx listens on 80 and reaches
flask-app:9090 with the very default.conf that the Kubernetes migration mounts from a ConfigMap, and the Flask
app finds mongo:27017 (a real MongoDB-wire server, FerretDB on SQLite) by its default URL. `ip netns exec`
gives the namespace its own /etc/hosts, which names both.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from pymongo import MongoClient

from kube import cached_binaries
from served import APPS, serving
from sshhost import netns

APP = APPS / "nginx-flask-mongodb"
NGINX = Path("/usr/sbin/nginx")


@dataclass(frozen=True)
class Project:
    """The running project: where nginx and MongoDB answer from outside the namespace."""

    url: str
    mongo_url: str


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def until_answered(url: str, procs: dict[str, subprocess.Popen[bytes]], logs: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        exited = {name: p.returncode for name, p in procs.items() if p.poll() is not None}
        if exited:
            raise AssertionError(f"exited: {exited}\n" + "\n".join(f.read_text() for f in logs.glob("*.log")))
        try:
            if fetch(url + "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s\n" + "\n".join(f.read_text() for f in logs.glob("*.log")))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    work = tmp_path_factory.mktemp("nginx-flask-mongodb")
    ferretdb = cached_binaries("test-binaries", Path(__file__).parent / "build", "test-binaries")["ferretdb"]
    (work / "nginx.conf").write_text(
        f"daemon off;\nuser nobody nogroup;\npid {work}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {APP}/nginx/default.conf;\n}}\n"
    )
    commands = {
        # On every address of the namespace: the app reaches it as mongo, the test from outside.
        "mongo": [str(ferretdb), "-listen", "0.0.0.0:27017", "-data", str(work / "data")],
        "flask-app": [sys.executable, str(APP / "flask-app" / "app.py")],
        "nginx": [str(NGINX), "-p", str(work), "-c", str(work / "nginx.conf")],
    }
    procs: dict[str, subprocess.Popen[bytes]] = {}
    with netns("nfm", 252) as host:
        hosts = Path("/etc/netns") / host.name / "hosts"
        try:
            hosts.parent.mkdir(parents=True, exist_ok=True)
            hosts.write_text("127.0.0.1 localhost flask-app mongo\n")
            for name, argv in commands.items():
                with open(work / f"{name}.log", "wb") as log:
                    procs[name] = subprocess.Popen(
                        ["ip", "netns", "exec", host.name, *argv], stdout=log, stderr=subprocess.STDOUT, cwd=work
                    )
            until_answered(f"http://{host.address}", procs, work)
            yield Project(f"http://{host.address}", f"mongodb://{host.address}:27017/")
        finally:
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                proc.wait(timeout=10)
            shutil.rmtree(hosts.parent, ignore_errors=True)


def test_nginx_serves_the_flask_page_that_counts_visits_in_mongodb(project: Project) -> None:
    first, second = fetch(project.url + "/"), fetch(project.url + "/")
    assert first[0] == second[0] == 200, (first, second)
    count = int(first[1].split("visit ")[1].split(",")[0])
    assert f"visit {count + 1}, counted in MongoDB" in second[1]
    client: MongoClient[dict[str, object]]
    with MongoClient(project.mongo_url, serverSelectionTimeoutMS=5000) as client:
        assert client["app"]["visits"].count_documents({}) == count + 1


def test_the_flask_app_says_when_mongodb_is_out_of_reach(tmp_path: Path) -> None:
    nowhere = {"MONGO_URL": "mongodb://127.0.0.1:9/", "HOST": "127.0.0.1"}
    with serving([sys.executable, "app.py"], APP / "flask-app", nowhere) as app:
        status, body = fetch(app.url + "/")
    assert status == 503
    assert "MongoDB at mongodb://127.0.0.1:9/ is not available" in body


def test_the_compose_project_wires_the_three_services_with_the_courses_versions() -> None:
    compose = yaml.safe_load((APP / "compose.yaml").read_text())
    services = compose["services"]
    assert services["nginx"]["image"] == "nginx:1.25.2"
    assert "./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro" in services["nginx"]["volumes"]
    assert services["flask-app"]["build"] == "./flask-app"
    assert services["flask-app"]["environment"]["MONGO_URL"] == "mongodb://mongo:27017/"
    assert services["mongo"]["image"] == "mongo:4.4"
    assert services["mongo"]["volumes"] == ["mongo-data:/data/db"]
    assert "mongo-data" in compose["volumes"]


def test_the_image_installs_the_versions_the_tests_ran() -> None:
    """The Flask image's requirements.txt pins what pyproject.toml (and so these tests) pins."""
    image = set((APP / "flask-app" / "requirements.txt").read_text().split())
    tested = set(tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"]["dependencies"])
    assert image and image <= tested, image - tested
