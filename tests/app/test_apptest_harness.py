"""The test harness's shortcuts are exact: the component scan that conftest runs once per session
answers what a fresh scan of the installed packages answers, with the real function's signature; the chart
check that conftest runs once per specification still refuses every invalid one, each time."""

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


def test_a_chart_checked_once_is_still_refused_when_invalid_and_passed_when_valid():
    import altair as alt
    from altair.utils import schemapi

    checked = schemapi._get_errors_from_spec
    assert checked.__name__ == "errors_once"  # conftest's fixture is in force in this session
    good = alt.Chart(alt.Data(values=[{"x": 1}])).mark_bar().encode(x="x:Q")
    assert good.to_dict() == good.to_dict()  # the second check is the remembered one
    spec = good.to_dict()
    assert checked(spec, alt.Chart._schema, alt.Chart._rootschema) == []
    assert checked.real(spec, alt.Chart._schema, alt.Chart._rootschema) == []
    bad = {**spec, "mark": {"type": "bar", "opacity": "half"}}  # a number in the schema, a string here
    for _ in range(2):  # an invalid specification is refused every time, never remembered
        assert checked(bad, alt.Chart._schema, alt.Chart._rootschema)
    for _ in range(2):
        with pytest.raises(schemapi.SchemaValidationError, match="half"):
            alt.Chart(alt.Data(values=[{"x": 1}])).mark_bar(opacity="half").encode(x="x:Q").to_dict()
