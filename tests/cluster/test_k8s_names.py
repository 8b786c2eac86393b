"""kubelab.lab.k8s_names on the session's cluster: one sorted list per kubeconfig, by label and field selector."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.kubelab.lab.plugins.lookup.k8s_names import LookupModule
from kube import Kubectl


def test_objects_are_named_with_their_namespace_per_cluster_by_label_and_field(ns: Kubectl) -> None:
    for name, colour in (("b-map", "blue"), ("a-map", "blue"), ("c-map", "red")):
        ns.run("create", "configmap", name)
        ns.run("label", "configmap", name, f"test.kubelab.io/colour={colour}")
    kubeconfig = str(ns.kubeconfig)
    blue = LookupModule().run([kubeconfig, kubeconfig], api_version="v1", resource="configmaps",
                              label_selector="test.kubelab.io/colour=blue")
    assert blue == [[f"{ns.namespace}/a-map", f"{ns.namespace}/b-map"]] * 2
    one = LookupModule().run([kubeconfig], api_version="v1", resource="configmaps",
                             label_selector="test.kubelab.io/colour", field_selector="metadata.name=c-map")
    assert one == [[f"{ns.namespace}/c-map"]]


def test_cluster_scoped_objects_are_named_alone_and_groups_are_found(ns: Kubectl) -> None:
    kubeconfig = str(ns.kubeconfig)
    namespaces = LookupModule().run([kubeconfig], api_version="v1", resource="namespaces",
                                    field_selector=f"metadata.name={ns.namespace}")
    assert namespaces == [[ns.namespace]]
    none = LookupModule().run([kubeconfig], api_version="apps/v1", resource="deployments",
                              label_selector="test.kubelab.io/nothing-has-this")
    assert none == [[]]


def test_an_unreadable_kubeconfig_or_a_missing_option_is_an_error_naming_it(ns: Kubectl, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-kubeconfig"
    with pytest.raises(AnsibleLookupError, match=f"listing namespaces with {missing}"):
        LookupModule().run([str(ns.kubeconfig), str(missing)], api_version="v1", resource="namespaces")
    with pytest.raises(AnsibleLookupError, match="needs resource"):
        LookupModule().run([str(ns.kubeconfig)], api_version="v1")
