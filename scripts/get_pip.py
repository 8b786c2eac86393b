"""ansible-test's pip bootstrap, without its download.

ansible-test makes each sanity test's virtual environment without pip, then
runs get-pip.py in it, fetched from a file host of Ansible's CI that kubelab's
machines cannot reach. It uses a copy in its own cache when there is one:
`make sanity` puts this file there under the name ansible-test looks for.

It does what get-pip.py does: its arguments are `pip install` arguments (the
pip version ansible-test pins), `--no-setuptools` and `--no-wheel` are its own.
Only the first pip comes from the Python's own ensurepip instead of a copy
embedded in the script; the pinned pip is then installed from the package
index, as every other requirement of the test.
"""

from __future__ import annotations

import importlib
import runpy
import subprocess
import sys


def main() -> None:
    args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
    # In a child: ensurepip clears the PIP_* settings of the process it runs in.
    subprocess.run([sys.executable, "-m", "ensurepip"], check=True, stdout=subprocess.DEVNULL)
    importlib.invalidate_caches()
    sys.argv = ["pip", "install", "--upgrade", "--force-reinstall", *args]
    runpy.run_module("pip", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
