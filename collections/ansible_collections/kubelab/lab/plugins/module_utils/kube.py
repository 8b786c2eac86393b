"""A small Kubernetes REST client on the standard library, for kubelab's modules.

The kubernetes Python package takes about 1.6 s to import, which every module
run would pay; these modules make a handful of plain requests, so they speak
REST themselves. Authentication: client certificates, a bearer token, or an
exec credential plugin (as EKS and GKE kubeconfigs use) from the kubeconfig.
Each thread keeps one connection open: a class's writes, hundreds of requests,
pay one TLS handshake per thread, not one each.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import ssl
import subprocess
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import yaml
except ImportError:
    # Ansible needs PyYAML itself, so only an interpreter that is not Ansible's lacks it.
    YAML_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    YAML_IMPORT_ERROR = None
    # libyaml's, where PyYAML has it: the pure-Python emitter took 1.5 s of CPU for a class's 60 files (the
    # kubeconfigs' long CA), the C one 0.01 s, for the same text.
    SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    SafeDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def require_yaml(module: AnsibleModule) -> None:
    """Fail ``module`` as Ansible's modules do when its Python has no PyYAML (kubeconfigs are YAML)."""
    if YAML_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("PyYAML"), exception=YAML_IMPORT_ERROR)


def load_yaml(text: str, source: str | Path) -> Any:
    """The YAML document ``text`` read from ``source``; ValueError naming it when it is not YAML."""
    try:
        return yaml.load(text, Loader=SafeLoader)
    except yaml.YAMLError as err:
        raise ValueError(f"{source} is not YAML: {err}") from None


def dump_yaml(document: Any) -> str:
    """``document`` as YAML, its keys in their order."""
    text: str = yaml.dump(document, Dumper=SafeDumper, sort_keys=False)
    return text


def api_base(group_version: str) -> str:
    """Where the API serves ``group_version``: the core group (v1) under /api, every other under /apis."""
    return "/api/v1" if group_version == "v1" else f"/apis/{group_version}"


# How often a request the server answered with 429 Too Many Requests is made again, as client-go does.
TOO_MANY_REQUESTS_TRIES = 10


class ApiError(Exception):
    """A request the API server refused, with its HTTP status and message."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status


# Refusals that last only until a controller has caught up with what this run just created.
PASSING = ("status unknown for quota", "error looking up service account")
# The quota admission records each create in the namespace's ResourceQuota status; of writes at once, one whose
# update of that status lost the race is refused with 409 Conflict on the ResourceQuota, not on its own object.
QUOTA_RACE = "Operation cannot be fulfilled on resourcequotas"


def passing(err: ApiError) -> bool:
    """Whether a refusal is one that goes away when made again: a controller caught up, a quota update raced."""
    if err.status == 409:
        return QUOTA_RACE in str(err)
    return err.status == 403 and any(reason in str(err) for reason in PASSING)


T = TypeVar("T")


def retried(action: Callable[[], T], patience: float, pause: float = 0.2) -> T:
    """``action``, made again while its refusal is a passing one, until ``patience`` seconds have gone."""
    deadline = time.monotonic() + patience
    while True:
        try:
            return action()
        except ApiError as err:
            if not passing(err) or time.monotonic() > deadline:
                raise
        time.sleep(pause)


def api_message(payload: bytes) -> str:
    """The message of the Status object an API server sends with a refusal; empty when there is none."""
    try:
        message = json.loads(payload).get("message", "")
    except (ValueError, AttributeError):
        return ""
    return str(message)


def _data(entry: dict[str, Any], key: str, base: Path) -> bytes | None:
    """The bytes of ``key``-data, or of the file ``key`` names (relative to the kubeconfig)."""
    if entry.get(f"{key}-data"):
        return base64.b64decode(str(entry[f"{key}-data"]))
    if entry.get(key):
        return (base / str(entry[key])).read_bytes()
    return None


def _b64(pem: str | None) -> str | None:
    return base64.b64encode(pem.encode()).decode() if pem else None


def _named(entries: list[dict[str, Any]] | None, name: str, what: str, path: Path) -> dict[str, Any]:
    found = next((e for e in entries or [] if e.get("name") == name), None)
    if found is None:
        raise ValueError(f"{path}: no {what} named {name!r}")
    return found


def exec_credential(spec: dict[str, Any]) -> dict[str, Any]:
    """The status of the ExecCredential that a kubeconfig's exec plugin prints."""
    env = dict(os.environ, **{e["name"]: e["value"] for e in spec.get("env") or []})
    command = [str(spec["command"]), *map(str, spec.get("args") or [])]
    try:
        # Not the module's run_command (ansible-bad-function): KubeApi has no module, and run_command has no
        # timeout for a plugin that hangs.
        done = subprocess.run(  # pylint: disable=ansible-bad-function
            command, env=env, capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError) as err:
        raise ValueError(f"the kubeconfig's credential plugin {command[0]} failed: {err}") from None
    status: dict[str, Any] = json.loads(done.stdout).get("status") or {}
    return status


def resolve_context(kubeconfig: str | Path, context_name: str | None = None) -> dict[str, Any]:
    """The context (the current one unless named), its cluster and user, file references read.

    Returns a kubeconfig with just that context, self-contained: certificate
    files referenced by path are embedded as data.
    """
    path = Path(kubeconfig)
    config = load_yaml(path.read_text(), path) or {}
    name = context_name or config.get("current-context")
    if not name:
        raise ValueError(f"{path}: no context named and no current-context")
    context = _named(config.get("contexts"), name, "context", path)["context"]
    cluster = dict(_named(config.get("clusters"), context["cluster"], "cluster", path)["cluster"])
    users = config.get("users") or []
    user = dict(_named(users, context["user"], "user", path)["user"]) if context.get("user") else {}
    for entry, keys in ((cluster, ["certificate-authority"]), (user, ["client-certificate", "client-key"])):
        for key in keys:
            if entry.get(key):
                entry[f"{key}-data"] = base64.b64encode(_data(entry, key, path.parent) or b"").decode()
                del entry[key]
    if user.get("tokenFile"):
        user["token"] = (path.parent / str(user.pop("tokenFile"))).read_text().strip()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context["cluster"], "cluster": cluster}],
        "users": [{"name": context.get("user", ""), "user": user}],
        "contexts": [{"name": name, "context": context}],
        "current-context": name,
    }


class KubeApi:
    """The cluster of a kubeconfig's context (the current one unless named), as its user."""

    def __init__(self, kubeconfig: str | Path, context: str | None = None) -> None:
        path = Path(kubeconfig)
        # The context as resolve_context returns it: self-contained, what a copy of it should hold.
        self.config = resolve_context(path, context)
        self.cluster: dict[str, Any] = self.config["clusters"][0]["cluster"]
        user: dict[str, Any] = self.config["users"][0]["user"]
        if "auth-provider" in user:
            raise ValueError(f"{path}: auth-provider is not supported; use an exec credential plugin")
        if "exec" in user:
            status = exec_credential(user["exec"])
            user = {
                "token": status.get("token"),
                "client-certificate-data": _b64(status.get("clientCertificateData")),
                "client-key-data": _b64(status.get("clientKeyData")),
            }
        self.server = self.cluster["server"].rstrip("/")
        self._url = urllib.parse.urlsplit(self.server)
        self._local = threading.local()
        self._headers = {"Accept": "application/json"}
        if user.get("token"):
            self._headers["Authorization"] = f"Bearer {user['token']}"
        # Not ansible.module_utils.urls (replace-urlopen): its Request.open installs its opener process-wide and
        # opens through whichever was installed last, while the modules' threads talk to clusters with different
        # CAs; and it opens a connection per request.
        self._context = self._ssl_context(user, path.parent)

    def _ssl_context(self, user: dict[str, Any], base: Path) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.cluster.get("insecure-skip-tls-verify"):
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        ca = _data(self.cluster, "certificate-authority", base)
        if ca:
            context.load_verify_locations(cadata=ca.decode())
        cert, key = _data(user, "client-certificate", base), _data(user, "client-key", base)
        if cert and key:
            # ssl loads a client key only from a file: a private one, gone right after.
            with tempfile.TemporaryDirectory() as private:
                pair = Path(private) / "client.pem"
                pair.touch(mode=0o600)
                pair.write_bytes(cert + b"\n" + key)
                context.load_cert_chain(str(pair))
                os.unlink(pair)
        return context

    def _open(self, timeout: float) -> http.client.HTTPConnection:
        host, port = self._url.hostname or "localhost", self._url.port
        if self._url.scheme == "https":
            return http.client.HTTPSConnection(host, port, context=self._context, timeout=timeout)
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def _connection(self, fresh: bool = False) -> http.client.HTTPConnection:
        """This thread's connection to the server, opened on first use (or anew)."""
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None or fresh:
            if connection is not None:
                connection.close()
            connection = self._open(30)
            self._local.connection = connection
        return connection

    def _exchange(
        self, method: str, target: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes, str | None]:
        try:
            return self._send(self._connection(), method, target, data, headers)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # A kept connection that the server closed while idle fails on its next use: that request never
            # reached the server, so it goes again on a new connection.
            return self._send(self._connection(fresh=True), method, target, data, headers)

    def _send(
        self, connection: http.client.HTTPConnection, method: str, target: str, data: bytes | None, headers: dict[str, str]
    ) -> tuple[int, str, bytes, str | None]:
        try:
            connection.request(method, target, body=data, headers=headers)
            reply = connection.getresponse()
            return reply.status, reply.reason, reply.read(), reply.getheader("Retry-After")
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            raise
        except http.client.HTTPException as err:
            connection.close()
            raise OSError(f"{self.server}: {err!r}") from None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, str] | None = None,
        content_type: str = "application/json",
        accept: str | None = None,
    ) -> dict[str, Any]:
        target = self._url.path + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self._headers, **({"Accept": accept} if accept else {})}
        if data is not None:
            headers["Content-Type"] = content_type
        status, reason, payload, retry_after = self._exchange(method, target, data, headers)
        # 429 asks the client to come back (an apiserver whose storage is reinitializing after etcd restarted
        # says so for a few seconds); client-go does, up to 10 times.
        tries = 0
        while status == 429 and tries < TOO_MANY_REQUESTS_TRIES:
            tries += 1
            time.sleep(min(int(retry_after), 5) if retry_after and retry_after.isdigit() else 1)
            status, reason, payload, retry_after = self._exchange(method, target, data, headers)
        if status >= 400:
            raise ApiError(status, reason, api_message(payload))
        result: dict[str, Any] = json.loads(payload or b"{}")
        return result

    def watch(self, path: str, resource_version: str, seconds: int, **selectors: str) -> Iterator[dict[str, Any]]:
        """The events of a collection from ``resource_version`` on, for at most ``seconds``."""
        query = {"watch": "true", "resourceVersion": resource_version, "timeoutSeconds": str(seconds), **selectors}
        connection = self._open(seconds + 10)
        try:
            connection.request("GET", self._url.path + path + "?" + urllib.parse.urlencode(query), headers=self._headers)
            reply = connection.getresponse()
            if reply.status >= 400:
                raise ApiError(reply.status, reply.reason, api_message(reply.read()))
            for line in reply:
                if line.strip():
                    event: dict[str, Any] = json.loads(line)
                    yield event
        finally:
            connection.close()

    def patch(self, path: str, body: Any, patch_type: str = "merge") -> dict[str, Any]:
        kinds = {"merge": "application/merge-patch+json", "json": "application/json-patch+json"}
        return self.request("PATCH", path, body, content_type=kinds[patch_type])

    def delete(self, path: str) -> dict[str, Any]:
        options = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Foreground"}
        return self.request("DELETE", path, options)

    def get(self, path: str, accept: str | None = None, **query: str) -> dict[str, Any]:
        """A GET; ``accept`` asks for another representation (a list of metadata only)."""
        return self.request("GET", path, query=query or None, accept=accept)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", path, body)
