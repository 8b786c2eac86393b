"""The kubeconfig option of the modules that speak to a cluster through kubelab's REST client."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  kubeconfig:
    description:
      - Kubeconfig of the cluster, its current context (client certificates, a token or an exec credential plugin).
    type: path
    required: true
"""
