"""The self-check handed to students: a zip application of the checks that runs on a bare python3, the same bytes
for the same checks (so a re-run of site.yml writes nothing)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from ansible_collections.kubelab.lab.plugins.action.self_check import plugin, student_info
from ansible_collections.kubelab.lab.plugins.plugin_utils.actions import write_file


def test_the_plugin_runs_on_the_standard_library_alone(tmp_path: Path) -> None:
    program = tmp_path / "kubectl-kubelab_check"
    program.write_bytes(plugin())
    program.chmod(0o700)
    # -I -S: no site-packages, no user site, no PYTHONPATH: what any student's python3 has.
    done = subprocess.run(["python3", "-I", "-S", str(program), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "Check your work in your namespace" in done.stdout


def test_the_same_checks_give_the_same_bytes_and_a_file_is_written_only_when_it_differs(tmp_path: Path) -> None:
    assert plugin() == plugin()
    target = tmp_path / "alice" / "kubectl-kubelab_check"
    assert write_file(target, plugin(), 0o700, check_mode=False)
    assert not write_file(target, plugin(), 0o700, check_mode=False)
    target.chmod(0o755)
    assert write_file(target, plugin(), 0o700, check_mode=False)


def test_the_students_info_keeps_what_the_checks_compare_with_and_no_credentials() -> None:
    info = {"nodeports": {"first": 30100, "last": 30109}, "registry": {"pull_secret": "regcred"},
            "credentials": {"grafana-admin": {"GF_SECURITY_ADMIN_PASSWORD": "s3cret"}}}
    assert json.loads(student_info({"name": "alice", "namespace": "alice", "info": info})) == {
        "name": "alice", "namespace": "alice", "nodeports": {"first": 30100, "last": 30109},
        "registry": {"pull_secret": "regcred"}}
