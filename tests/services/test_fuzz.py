"""Fuzzing the contract (issue 10): whatever the options, the CLI exits 0 with finite, sane
numbers, or 2 with one line `error: …` and no traceback; the Python API returns an Estimate
with finite numbers or raises the project's own error.

Bounded in time: a fixed number of examples per test (the whole file runs in well under a
minute on a 2-core machine), no deadline per example, derandomized so CI is reproducible.
"""

from __future__ import annotations

import contextlib
import io
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from estimator.cli.main import main
from estimator.core.base.errors import EstimatorError
from estimator.core.training.estimate import RESULT_KEYS, estimate
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import default_profiles
from estimator.services import api

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])

# Numbers as text, the way a user or a script types them: ordinary, huge, tiny, denormal,
# negative, non-finite, malformed.
NUMBER_TEXT = st.one_of(
    st.sampled_from(["0", "1", "-1", "1e-320", "5e-324", "1e308", "1e309", "inf", "-inf", "nan", "NaN", "1e400",
                     "2.5", "1e23", "7e9", "2e12", "0.3", "1.1", "400", "", " ", "abc", "1e", "0x10", "1_000"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10, 10 ** 40).map(str),
)
HARDWARE = st.sampled_from(sorted(default_profiles().profiles) + ["nope", "", "/dev/null", "../x.toml"])

ESTIMATE_OPTIONS = ["--flops", "--params", "--tokens", "--devices", "--utilization", "--hours", "--device-hours",
                    "--power-w", "--pue", "--carbon-intensity", "--price-usd-per-hour", "--electricity-usd-per-kwh",
                    "--year", "--layers", "--d-model", "--context", "--vocab", "--forward-flops", "--examples",
                    "--epochs"]


def run_cli(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def no_nan(c):
    raise AssertionError(f"non-finite {c} in JSON output")


def assert_contract(argv, code, out, err):
    assert code in (0, 2), (argv, code, err)
    assert "Traceback" not in out + err, (argv, err)
    if code == 2:
        assert err.startswith("error: ") and err.count("\n") == 1, (argv, err)
        return None
    return json.loads(out, parse_constant=no_nan) if out.lstrip().startswith(("{", "[")) else out


def assert_sane_estimate(d):
    for key in RESULT_KEYS:
        value = d[key]
        if value is None:
            continue
        assert math.isfinite(value) and value >= 0, (key, value)
        low, high = d["range"][key]
        if low is not None:
            assert low <= value * (1 + 1e-9) and value <= high * (1 + 1e-9), (key, low, value, high)
    assert d["wall_clock_s"] > 0 and d["device_hours"] > 0


@pytest.mark.slow
@FUZZ
@given(options=st.lists(st.tuples(st.sampled_from(ESTIMATE_OPTIONS), NUMBER_TEXT), min_size=1, max_size=6),
       hardware=HARDWARE, extra=st.sampled_from([[], ["--recompute"], ["--preset", "lambda-gpt3-v100"],
                                                 ["--region", "FRA"], ["--region", "XXX"]]))
def test_estimate_cli_contract(options, hardware, extra):
    argv = ["estimate", "--hardware", hardware, "--format", "json", *extra]
    for opt, value in options:
        argv += [opt, value]
    code, out, err = run_cli(argv)
    doc = assert_contract(argv, code, out, err)
    if code == 0:
        assert_sane_estimate(doc)
        if doc["achieved_flops_per_s_per_device"] is not None:
            peak = default_profiles().get(hardware).peak_range(doc["precision"])[1]
            assert doc["achieved_flops_per_s_per_device"] <= peak * (1 + 1e-9)


OTHER_COMMANDS = st.sampled_from([
    ["compare", "--flops"], ["scaling", "chinchilla", "--flops"], ["scaling", "chinchilla", "--budget-usd"],
    ["scaling", "chinchilla", "--flops", "1e23", "--tokens-per-param"], ["scaling", "diminishing", "--base-flops"],
    ["scaling", "diminishing", "--exponent"], ["scaling", "trend", "--flops"], ["scaling", "trend", "--years"],
    ["inference", "--hardware", "a100-sxm-80gb", "--tokens", "1e9", "--params"],
    ["inference", "--hardware", "a100-sxm-80gb", "--params", "7e9", "--tokens"],
    ["inference", "--hardware", "a100-sxm-80gb", "--params", "7e9", "--tokens", "1e9", "--batch-size"],
    ["inference", "--hardware", "a100-sxm-80gb", "--params", "7e9", "--tokens", "1e9", "--train-flops"],
    ["estimate", "--hardware", "h100-sxm", "--flops", "1e23", "--year"],
])


@pytest.mark.slow
@FUZZ
@given(prefix=OTHER_COMMANDS, value=NUMBER_TEXT)
def test_other_commands_contract(prefix, value):
    argv = [*prefix, value, "--format", "json"]
    if prefix[0] == "compare":
        argv = ["compare", "--flops", value, "--hardware", "h100-sxm", "v100-sxm2", "brain", "--format", "json"]
    code, out, err = run_cli(argv)
    doc = assert_contract(argv, code, out, err)

    def finite(x):
        if isinstance(x, dict):
            for v in x.values():
                finite(v)
        elif isinstance(x, list):
            for v in x:
                finite(v)
        elif isinstance(x, float):
            assert math.isfinite(x), (argv, x)
    if code == 0:
        finite(doc)


SCENARIO_VALUES = st.one_of(
    st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10 ** 400),
    st.sampled_from([True, "1e20", [1e20], b"x", 1e-320, 2.5, 0.3, 1e23]))
SCENARIO_FIELDS = ["flops", "params", "tokens", "devices", "utilization", "hours", "device_hours", "power_w", "pue",
                   "carbon_intensity_g_per_kwh", "price_usd_per_device_hour", "electricity_usd_per_kwh", "year"]


@FUZZ
@given(kwargs=st.dictionaries(st.sampled_from(SCENARIO_FIELDS), SCENARIO_VALUES, min_size=1, max_size=5),
       hardware=st.sampled_from(sorted(default_profiles().profiles)))
def test_api_contract(kwargs, hardware):
    profile = default_profiles().get(hardware)
    try:
        est = estimate(Scenario(**kwargs), profile)
    except EstimatorError:
        pass
    else:
        assert_sane_estimate(est.to_dict())
    try:
        r = api.run(hardware=hardware, **kwargs)
    except EstimatorError:
        return
    assert_sane_estimate(r.estimate.to_dict())
