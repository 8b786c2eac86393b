"""The options that kubelab.lab.sim_health's module and lookup share: which ports to ask, and how long."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  ports:
    description: The loopback port of each component, by name (C(etcd), C(kube-apiserver), C(kube-controller-manager),
      C(kube-scheduler), C(kwok-controller)).
    type: dict
    required: true
  timeout:
    description: Seconds an endpoint may take to answer.
    type: float
    default: 5
"""
