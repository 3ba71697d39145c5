"""The app browser audit's findings (2026-11-25): a linear axis's small ticks written out, the worked
steps' device-hours to four figures, and the model-size sweep around a scenario of any size."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")
from app_pages.ui import charts  # noqa: E402
from estimator.core.base import bounds as B  # noqa: E402
from estimator.report import explain  # noqa: E402
from estimator.services import api  # noqa: E402
from estimator.services.training.size_sweep import SWEEP_DECADES, model_size_sweep  # noqa: E402


def test_the_energy_bars_axis_writes_small_ticks_out_not_as_powers_of_ten():
    axis = charts.energy_breakdown_chart(api.run(flops=1e15).estimate).to_dict()["encoding"]["x"]["axis"]
    expr = axis["labelExpr"]
    assert expr.endswith(": format(datum.value, '~g')) + ''") and "round(log(" not in expr.rsplit(":", 1)[-1]
    assert "round(log(" in charts.human_labels()  # a log axis keeps its powers of ten


def test_the_worked_steps_give_device_hours_to_four_figures():
    est = api.run(flops=1e17).estimate
    time = next(s for s in explain.steps(est) if s.title.startswith("2. Time"))
    assert f"= {est.device_hours:.4g} device-hours" in time.numbers.replace(",", "")  # 0.4263, not "0"
    assert "= 0 device-hours" not in time.numbers


@pytest.mark.parametrize("params", [1.0, 7e9, 1e15])
def test_the_size_sweep_spans_two_decades_around_any_scenario_within_the_bounds(params):
    sweep = model_size_sweep(api.run(params=params, tokens=1e3))
    drawn = sweep.df[sweep.df["kind"] == "sweep"]["params"]
    assert drawn.min() == pytest.approx(max(B.PARAMS.low, params / 10 ** SWEEP_DECADES))
    assert drawn.max() == pytest.approx(min(B.PARAMS.high, params * 10 ** SWEEP_DECADES))
    assert drawn.min() <= sweep.n <= drawn.max()  # the scenario's point lies on the curve's span


def test_the_profiles_csv_writes_whole_years_and_the_brains_empty():
    from app_pages.pages.profiles import profile_table
    from app_pages.ui import common as c
    from estimator.io.datafiles import default_profiles
    rows = c.table_csv(profile_table(default_profiles().profiles.values())).splitlines()
    head = rows[0].split(",")
    years = {r.split(",")[0]: r.split(",")[head.index("year")] for r in rows[1:]}
    assert years["h100-sxm"] == "2022" and years["brain"] == ""
    assert not any(y.endswith(".0") for y in years.values())
