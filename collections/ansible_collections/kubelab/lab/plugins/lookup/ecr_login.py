"""A login to an account's ECR registry, minted with the given key (GetAuthorizationToken)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: ecr_login
short_description: The server, user name and password of a login to ECR, minted with the given key
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - Asks ECR for an authorization token (C(GetAuthorizationToken)) with the key given and returns what
    C(docker login) takes, the registry's host, the user name and the password. The token is good for 12 hours
    and allows what the key's policy allows.
  - The ec2 provider mints one per student with the student's own key, so a student's machine pushes the
    course's apps to that student's repositories and to no other; the key itself stays on the controller.
  - amazon.aws and community.aws have no module for it.
extends_documentation_fragment:
  - kubelab.lab.aws
"""

EXAMPLES = r"""
- name: Alice's login
  ansible.builtin.debug:
    msg: "{{ lookup('kubelab.lab.ecr_login', region='eu-west-1', access_key=key.id, secret_key=key.secret) }}"
  no_log: true
"""

RETURN = r"""
_raw:
  description: One login.
  type: list
  elements: dict
  contains:
    server:
      description: The registry's host, without a scheme.
      type: str
      sample: 123456789012.dkr.ecr.eu-west-1.amazonaws.com
    username:
      description: The user name of the login (C(AWS)).
      type: str
    password:
      description: The token.
      type: str
"""

import base64
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.aws import ERRORS, client


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[dict[str, str]]:
        self.set_options(var_options=variables, direct=kwargs)
        ecr = client("ecr", self, "kubelab.lab.ecr_login")
        try:
            [data] = ecr.get_authorization_token()["authorizationData"]
        except ERRORS as err:
            raise AnsibleLookupError(f"minting a login to ECR: {err}") from err
        username, password = base64.b64decode(data["authorizationToken"]).decode().split(":", 1)
        server = data["proxyEndpoint"].removeprefix("https://")
        return [{"server": server, "username": username, "password": password}]
