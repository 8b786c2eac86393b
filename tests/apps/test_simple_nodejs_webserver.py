"""simple_nodejs_webserver over real HTTP: two replicas, each answers with its name and logs every request."""

from __future__ import annotations

import json
import urllib.request
from contextlib import ExitStack

from served import APPS, serving

APP = APPS / "simple-nodejs-webserver"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as reply:
        body: str = reply.read().decode()
        return body


def test_each_replica_answers_with_its_pod_name_and_logs_each_request() -> None:
    with ExitStack() as stack:
        replicas = {
            name: stack.enter_context(serving(["node", "server.js"], APP, {"POD_NAME": name}))
            for name in ("webserver-a", "webserver-b")
        }
        for name, server in replicas.items():
            for run in range(3):
                assert get(f"{server.url}/run/{run}") == f"Hello from {name}\n"
        logs = {name: server.stop() for name, server in replicas.items()}
    for name, output in logs.items():
        requests = [line for line in output.splitlines() if " GET /run/" in line]
        assert [line.rsplit(" ", 1)[1] for line in requests] == ["/run/0", "/run/1", "/run/2"], output


def test_the_package_names_its_entry_point_and_start_script() -> None:
    package = json.loads((APP / "package.json").read_text())
    assert (APP / package["main"]).is_file()
    assert package["scripts"]["start"] == "node server.js"
