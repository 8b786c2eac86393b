"""Every module of the kubelab.lab collection documents itself in a form ansible-doc reads."""

from __future__ import annotations

import json
import subprocess

import pytest

from labclass import ROOT, VENV_BIN, playbook_env

MODULES = sorted(p.stem for p in (ROOT / "collections/ansible_collections/kubelab/lab/plugins/modules").glob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_ansible_doc_reads_the_module(module: str) -> None:
    proc = subprocess.run(
        [str(VENV_BIN / "ansible-doc"), "--json", "-t", "module", f"kubelab.lab.{module}"],
        capture_output=True, text=True, env=playbook_env(), cwd=ROOT, check=False,
    )
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    doc = json.loads(proc.stdout)[f"kubelab.lab.{module}"]
    assert doc["doc"]["options"], "no options documented"
    assert doc["examples"].strip() and doc["return"], "no examples or return values"
