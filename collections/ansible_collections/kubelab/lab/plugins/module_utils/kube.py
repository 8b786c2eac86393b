"""A small Kubernetes REST client on the standard library, for kubelab's modules.

The kubernetes Python package takes about 1.6 s to import, which every module
run would pay; these modules make a handful of plain requests, so they speak
REST themselves. Authentication: client certificates or a bearer token from
the kubeconfig, as the admin kubeconfigs of kubelab's clusters have.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml


class ApiError(Exception):
    """A request the API server refused, with its HTTP status and message."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}")
        self.status = status


def _data(entry: dict[str, Any], key: str, base: Path) -> bytes | None:
    """The bytes of ``key``-data, or of the file ``key`` names (relative to the kubeconfig)."""
    if entry.get(f"{key}-data"):
        return base64.b64decode(str(entry[f"{key}-data"]))
    if entry.get(key):
        return (base / str(entry[key])).read_bytes()
    return None


class KubeApi:
    """The cluster of a kubeconfig's current context, as its user."""

    def __init__(self, kubeconfig: str | Path) -> None:
        path = Path(kubeconfig)
        config = yaml.safe_load(path.read_text())
        context = next(c for c in config["contexts"] if c["name"] == config["current-context"])["context"]
        self.cluster: dict[str, Any] = next(c for c in config["clusters"] if c["name"] == context["cluster"])[
            "cluster"
        ]
        users: list[dict[str, Any]] = config.get("users") or []
        user: dict[str, Any] = next((u["user"] for u in users if u["name"] == context.get("user")), {})
        if "exec" in user or "auth-provider" in user:
            raise ValueError(f"{path}: only client certificates or a token are supported, not exec/auth-provider")
        self.server = self.cluster["server"].rstrip("/")
        self._headers = {"Accept": "application/json"}
        if user.get("token"):
            self._headers["Authorization"] = f"Bearer {user['token']}"
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

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        query: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> dict[str, Any]:
        url = self.server + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self._headers)
        if data is not None:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, context=self._context, timeout=30) as reply:
                result: dict[str, Any] = json.loads(reply.read() or b"{}")
                return result
        except urllib.error.HTTPError as err:
            try:
                message = json.loads(err.read()).get("message", "")
            except ValueError:
                message = ""
            raise ApiError(err.code, err.reason, message) from None

    def watch(self, path: str, resource_version: str, seconds: int, **selectors: str) -> Iterator[dict[str, Any]]:
        """The events of a collection from ``resource_version`` on, for at most ``seconds``."""
        query = {"watch": "true", "resourceVersion": resource_version, "timeoutSeconds": str(seconds), **selectors}
        url = self.server + path + "?" + urllib.parse.urlencode(query)
        req = urllib.request.Request(url, headers=self._headers)
        with urllib.request.urlopen(req, context=self._context, timeout=seconds + 10) as reply:
            for line in reply:
                if line.strip():
                    event: dict[str, Any] = json.loads(line)
                    yield event

    def patch(self, path: str, body: Any, patch_type: str = "merge") -> dict[str, Any]:
        kinds = {"merge": "application/merge-patch+json", "json": "application/json-patch+json"}
        return self.request("PATCH", path, body, content_type=kinds[patch_type])

    def delete(self, path: str) -> dict[str, Any]:
        options = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Foreground"}
        return self.request("DELETE", path, options)

    def get(self, path: str, **query: str) -> dict[str, Any]:
        return self.request("GET", path, query=query or None)

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return self.request("POST", path, body)
