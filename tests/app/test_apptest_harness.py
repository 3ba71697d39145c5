"""The test harness's shortcut is exact: the component scan that conftest runs once per session
answers what a fresh scan of the installed packages answers, with the real function's signature."""

from __future__ import annotations

import inspect

import pytest

pytest.importorskip("streamlit")
from streamlit.components.v2 import manifest_scanner  # noqa: E402


def test_the_reused_component_scan_equals_a_fresh_one():
    reused = manifest_scanner.scan_component_manifests
    assert reused.__name__ == "scan_once"  # conftest's fixture is in force in this session
    assert reused() == reused.real() and reused() is not reused()  # same answer, a fresh list
    assert inspect.signature(reused).parameters == inspect.signature(reused.real).parameters
