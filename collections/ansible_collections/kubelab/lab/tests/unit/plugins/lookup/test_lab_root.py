"""lab_root: the checkout that holds the collection, whatever the play's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.kubelab.lab.plugins.lookup import lab_root
from ansible_collections.kubelab.lab.plugins.lookup.lab_root import checkout_root

ROOT = Path(__file__).resolve().parents[8]


def test_the_root_is_the_checkout_of_the_collection() -> None:
    assert checkout_root(lab_root.__file__) == ROOT
    assert (ROOT / "site.yml").is_file() and (ROOT / "check.yml").is_file()


def test_a_collection_outside_a_checkout_is_refused_naming_it(tmp_path: Path) -> None:
    plugin = tmp_path / "collections/ansible_collections/kubelab/lab/plugins/lookup/lab_root.py"
    plugin.parent.mkdir(parents=True)
    plugin.write_text("")
    with pytest.raises(ValueError, match="not the collection of a kubelab checkout"):
        checkout_root(str(plugin))
    elsewhere = tmp_path / "site-packages/kubelab/lab/plugins/lookup/lab_root.py"
    elsewhere.parent.mkdir(parents=True)
    with pytest.raises(ValueError, match="site-packages/kubelab/lab"):
        checkout_root(str(elsewhere))
