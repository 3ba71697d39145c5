"""The README's first command installs the package, so that a script anywhere on the machine can
`from estimator import track, estimate`: here the same install (`pip install -e <checkout>`) in a
fresh venv outside the checkout, and a script run from another folder."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_readme_install_gives_the_public_face_outside_the_checkout(tmp_path):
    venv = tmp_path / "venv"
    # no pip of its own: the test environment's pip and setuptools (>= 70.1, requirements-dev.txt), through the
    # .pth below, build and install into this venv
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    # the test environment's packages (numpy, tomli-w, ...) without its own copy of this project: the
    # venv's --system-site-packages reaches the base interpreter's, not the test venv's
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "test_env_packages.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    # as the README's command does, editable; no network: the test environment's setuptools builds it
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                              "-e", str(ROOT)], capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = elsewhere / "my_script.py"
    script.write_text(textwrap.dedent("""
        import estimator
        from estimator import estimate, track

        e = estimate(preset_id="lambda-gpt3-v100")
        print(round(e.wall_clock_s / (365.25 * 86400)), round(e.cost_usd / 1e6, 1), callable(track))
        print(estimator.__file__)
    """))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([str(python), str(script)], cwd=elsewhere, capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    first, where = done.stdout.splitlines()
    assert first == "355 4.6 True"
    assert Path(where).resolve() == (ROOT / "estimator" / "__init__.py").resolve()  # the checkout, editable
