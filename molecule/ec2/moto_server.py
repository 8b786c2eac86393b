#!/usr/bin/env python3
"""Start or stop the scenario's AWS API: a moto server on loopback that checks credentials.

``start STATE_DIR PORT`` starts ``moto_server`` detached, waits for its port,
creates the IAM user ``instructor`` with a policy that allows everything, and
writes its access key to ``STATE_DIR/credentials.json``. The server lets
exactly those three IAM calls through unauthenticated; from then on every
request must be signed with a key it knows, as AWS does, so wrong credentials
are refused. ``stop STATE_DIR`` ends it.

The server is moto's, plus the one IAM read it lacks that ``amazon.aws.iam_user``
makes before deleting a user: ListServiceSpecificCredentials (moto makes no
such credentials, so the answer is the real API's empty list; without it the
call is a 500); and ECR calls authorized on the repository they name, as AWS
does (moto asks the policies about the resource ``*`` for every ECR call, so
a policy scoped to some repositories would allow nothing). ``serve PORT``
runs that server in the foreground.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3

SETUP_CALLS = 3  # CreateUser, CreateAccessKey, PutUserPolicy
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def wait_for_port(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"moto server did not listen on 127.0.0.1:{port} within {seconds}s")


def serve(port: int) -> None:
    from moto.core.responses import ActionResult
    from moto.ecr.responses import ECRResponse
    from moto.iam.responses import IamResponse
    from moto.server import main as moto_server

    def list_service_specific_credentials(self: IamResponse) -> ActionResult:
        return ActionResult({"ServiceSpecificCredentials": []})

    def ecr_resource(self: ECRResponse) -> str:
        name = self._get_param("repositoryName")
        account = self._get_param("registryId") or self.current_account
        return f"arn:aws:ecr:{self.region}:{account}:repository/{name}" if name else "*"

    setattr(IamResponse, "list_service_specific_credentials", list_service_specific_credentials)
    setattr(ECRResponse, "_determine_resource", ecr_resource)
    moto_server(["-H", "127.0.0.1", "-p", str(port)])


def running(state: Path) -> int | None:
    """The pid of the scenario's server, if it still runs (a pid file outlives a reboot or a killed run)."""
    pid_file = state / "moto.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text())
    return pid if Path(f"/proc/{pid}").exists() else None


def start(state: Path, port: int) -> None:
    pid = running(state)
    if pid is not None:
        print(f"moto server pid {pid} already runs")
        return
    state.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_CALLS))
    with open(state / "moto.log", "ab") as log:
        proc = subprocess.Popen(
            [sys.executable, __file__, "serve", str(port)],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
        )
    (state / "moto.pid").write_text(str(proc.pid))
    wait_for_port(port, 30)
    iam = boto3.client(
        "iam", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id="setup", aws_secret_access_key="setup",
    )
    iam.create_user(UserName="instructor")
    key = iam.create_access_key(UserName="instructor")["AccessKey"]
    iam.put_user_policy(UserName="instructor", PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))
    credentials = state / "credentials.json"
    credentials.touch(mode=0o600)
    credentials.write_text(json.dumps({"access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}))
    print(f"moto server pid {proc.pid} on 127.0.0.1:{port}")


def stop(state: Path) -> None:
    pid_file = state / "moto.pid"
    if not pid_file.exists():
        print("no moto server")
        return
    pid = int(pid_file.read_text())
    for sig, seconds in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.1)
    pid_file.unlink()
    print("moto server stopped")


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "start":
        start(Path(sys.argv[2]), int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "stop":
        stop(Path(sys.argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
