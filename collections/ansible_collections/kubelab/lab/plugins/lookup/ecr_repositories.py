"""The names of the ECR repositories under a prefix (amazon.aws and community.aws have no listing of them)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: ecr_repositories
short_description: The names of the ECR repositories of a region whose name starts with a prefix
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - A read-only listing (C(DescribeRepositories), every page) for the ec2 provider's teardown and its check that
    nothing of a class is left, which must find repositories no inventory names any more.
    M(community.aws.ecs_ecr) makes and deletes one repository by name but lists none.
requirements:
  - boto3
options:
  prefix:
    description: What the names start with, e.g. C(kubelab-fall/).
    type: str
    required: true
  region:
    description: The AWS region.
    type: str
    required: true
  endpoint_url:
    description: An ECR-compatible endpoint instead of AWS's own (the tests' moto server).
    type: str
  access_key:
    description: An access key id; none for boto3's own credential chain.
    type: str
  secret_key:
    description: Its secret.
    type: str
  session_token:
    description: A session token, for temporary credentials.
    type: str
"""

EXAMPLES = r"""
- name: The repositories of class fall
  ansible.builtin.debug:
    msg: "{{ query('kubelab.lab.ecr_repositories', prefix='kubelab-fall/', region='eu-west-1') }}"
"""

RETURN = r"""
_raw:
  description: The sorted names of the repositories found.
  type: list
  elements: str
  sample: [kubelab-fall/alice/simple-nodejs-webserver]
"""

from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

try:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:  # the plugin's requirement, said when it runs
    boto3 = None

CLIENT_OPTIONS = {"region": "region_name", "endpoint_url": "endpoint_url", "access_key": "aws_access_key_id",
                  "secret_key": "aws_secret_access_key", "session_token": "aws_session_token"}


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        if boto3 is None:
            raise AnsibleLookupError("kubelab.lab.ecr_repositories needs boto3 on the controller")
        self.set_options(var_options=variables, direct=kwargs)
        settings = {CLIENT_OPTIONS[name]: self.get_option(name) for name in CLIENT_OPTIONS if self.get_option(name)}
        prefix = self.get_option("prefix")
        try:
            pages = boto3.client("ecr", **settings).get_paginator("describe_repositories").paginate()
            return sorted(repository["repositoryName"] for page in pages for repository in page["repositories"]
                          if repository["repositoryName"].startswith(prefix))
        except (BotoCoreError, ClientError) as err:
            raise AnsibleLookupError(f"listing the ECR repositories under {prefix}: {err}") from err
