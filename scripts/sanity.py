"""`make sanity`: ansible-test sanity of the kubelab.lab collection, every test that needs no container.

Run with the venv's Python; arguments go on to ansible-test (`--test pylint`, a path, ...).

- `--local`: ansible-test runs from this venv, whose ansible-core is the locked one, and makes a venv
  of pinned tools per test in its own per-user cache (none in the repo). `--venv` adds a venv of its
  own under the collection's tests/output, made again in every fresh clone, and was no faster
  (first run 134 s against 131 s, later runs 46 s against 42 s).
- `--python`: this venv's version only. The modules run on the controller alone (tests/config.yml),
  with the Python that runs Ansible, so no other version needs testing.
- ansible-test finds the collections a collection imports only beside it: kubernetes.core (k8s_apply
  uses its apply) is linked there from the ansible package in the venv, for the run only, since a
  second copy on the collections path makes ansible-lint warn.
- ansible-test bootstraps pip in each test's venv with a script that it downloads from a host this
  project cannot reach, unless its cache has one: get_pip.py, put there.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import types
from pathlib import Path

# Where ansible-test pins the pip of its venvs; it has no public API for it.
from ansible_test._internal.python_requirements import get_venv_packages

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ROOT / "collections" / "ansible_collections"
COLLECTION = COLLECTIONS / "kubelab" / "lab"
DEPENDENCIES = ["kubernetes/core"]
BOOTSTRAP = Path(__file__).resolve().parent / "get_pip.py"


def python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def install_bootstrap() -> None:
    """get_pip.py where ansible-test looks for the pip version it pins, unless a script is there already."""
    pip = get_venv_packages(types.SimpleNamespace(version=python_version()))["pip"]
    cached = Path.home() / ".ansible" / "test" / "cache" / f"get_pip_{pip.replace('.', '_')}.py"
    ours = BOOTSTRAP.read_text()
    if cached.exists() and not cached.read_text().startswith(ours.splitlines()[0]):
        return  # the real get-pip.py, fetched where that host is reachable
    if not cached.exists() or cached.read_text() != ours:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(ours)


def link_dependencies() -> list[Path]:
    """Link each collection kubelab.lab imports beside it, unless one is there; the links made."""
    installed = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections"
    made = []
    for name in DEPENDENCIES:
        link = COLLECTIONS / name
        if link.is_symlink():
            link.unlink()  # left by a run that was killed: made again, for this venv
        elif link.exists():
            continue
        if not (installed / name).is_dir():
            sys.exit(f"{name.replace('/', '.')} is not in the venv's ansible package ({installed}): run make venv")
        link.parent.mkdir(exist_ok=True)
        link.symlink_to(installed / name, target_is_directory=True)
        made.append(link)
    return made


def unlink(links: list[Path]) -> None:
    for link in links:
        link.unlink()
        try:
            link.parent.rmdir()  # the namespace folder, when it was made for the link
        except OSError:
            pass


def main() -> int:
    install_bootstrap()
    links = link_dependencies()
    try:
        command = [
            str(Path(sys.executable).parent / "ansible-test"),
            "sanity", "--local", "--python", python_version(), *sys.argv[1:],
        ]
        return subprocess.run(command, cwd=COLLECTION, stdin=subprocess.DEVNULL, check=False).returncode
    finally:
        unlink(links)


if __name__ == "__main__":
    sys.exit(main())
