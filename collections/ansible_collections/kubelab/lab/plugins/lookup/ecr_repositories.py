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
options:
  prefix:
    description: What the names start with, e.g. C(kubelab-fall/).
    type: str
    required: true
extends_documentation_fragment:
  - kubelab.lab.aws
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
from ansible_collections.kubelab.lab.plugins.plugin_utils.aws import ERRORS, client


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        self.set_options(var_options=variables, direct=kwargs)
        ecr = client("ecr", self, "kubelab.lab.ecr_repositories")
        prefix = self.get_option("prefix")
        try:
            pages = ecr.get_paginator("describe_repositories").paginate()
            return sorted(repository["repositoryName"] for page in pages for repository in page["repositories"]
                          if repository["repositoryName"].startswith(prefix))
        except ERRORS as err:
            raise AnsibleLookupError(f"listing the ECR repositories under {prefix}: {err}") from err
