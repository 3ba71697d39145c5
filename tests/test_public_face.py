"""The public face (``estimator/__init__.py``): every exported name resolves, and importing the package loads
none of the edges until a name is used (a script that needs ``estimate`` does not pay for ``track``)."""

import subprocess
import sys

import pytest

import estimator


def test_every_exported_name_resolves():
    for name in estimator.__all__:
        assert getattr(estimator, name) is not None, name
    assert estimator.estimate.__module__ == "estimator.services.public"
    assert estimator.track.__module__ == "estimator.monitor.track"
    assert set(estimator.__all__) <= set(dir(estimator))


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_importing_the_package_loads_no_edge_until_a_name_is_used():
    code = ("import sys, estimator; print(sorted(m for m in sys.modules if m.split('.')[:2] in "
            "(['estimator', 'services'], ['estimator', 'monitor'], ['estimator', 'cli']) or m == 'streamlit'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
