"""One home for each fact (issue 12): the site fields live once (``scenario.Site``) and every list
of them is derived; whole numbers have one check (``validation.require_whole``); a preset's values
keep their origin and their source when the user overrides another field; devices are whole
numbers everywhere, JSON included."""

from __future__ import annotations

import json
import math
from dataclasses import fields, replace

import pytest

from estimator.cli import main
from estimator.cli.estimate_cmds import SCENARIO_ARGS
from estimator.core.base import bounds as B
from estimator.core.base import validation as v
from estimator.core.base.errors import InputError
from estimator.core.calibration.calibrate import achieved_flops_per_s
from estimator.core.serving.estimate import InferenceScenario, inference
from estimator.core.training.presets import DEVICE_FIELDS
from estimator.core.workload.scenario import FOOTPRINT_FIELDS, INPUT_FIELDS, SITE_FIELDS, SITE_INPUTS, Scenario, Site
from estimator.io import serving_data
from estimator.io.datafiles import default_profiles, get_preset
from estimator.services import api
from estimator.services.limits import reports as limits
from estimator.services.serving import inference as serving

SITE = ("power_w", "pue", "carbon_intensity_g_per_kwh", "carbon_intensity_source", "grid_country",
        "price_usd_per_device_hour", "electricity_usd_per_kwh")


def test_the_site_fields_are_written_once_and_shared():
    assert SITE_FIELDS == SITE
    for cls in (Scenario, InferenceScenario):
        assert issubclass(cls, Site)
        assert {f.name for f in fields(cls)} >= set(SITE)
    assert SITE_INPUTS == tuple(n for n in SITE if n not in ("carbon_intensity_source", "grid_country"))


def test_the_hand_lists_are_derived_from_the_dataclasses():
    assert limits.RUN_KEYS == ("devices", "utilization", "precision") + SITE_INPUTS
    # every scenario input is a flag of `estimate` and `compare` (argparse dests), none missing or extra
    from estimator.cli.main import build_parser
    subs = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction").choices
    for command in ("estimate", "compare"):
        dests = {a.dest for a in subs[command]._actions}
        assert set(SCENARIO_ARGS) <= dests, (command, set(SCENARIO_ARGS) - dests)
    # active_params: a mixture of experts' N, set by the service from the catalog or the step model's input
    assert set(INPUT_FIELDS) == {f.name for f in fields(Scenario)} - {"origins", "sources", "flops_source",
                                                                      "carbon_intensity_source", "grid_country",
                                                                      "active_params"}
    assert api.FOOTPRINT_FIELDS == FOOTPRINT_FIELDS == ("embodied", "lifetime_years", "cooling", "wue_l_per_kwh",
                                                        "ewif_l_per_kwh")
    assert set(DEVICE_FIELDS) == {"utilization", "precision", "hours", "device_hours", "year", "power_w",
                                  "price_usd_per_device_hour"}


def test_scenarios_keep_their_keyword_api():
    s = InferenceScenario(1e9, 1e6, pue=1.2)  # params and tokens stay positional; the site is by keyword
    assert (s.params, s.tokens, s.pue) == (1e9, 1e6, 1.2)
    assert Scenario(flops=1e20, pue=1.1).pue == 1.1


@pytest.mark.parametrize("site, field", [({"pue": 10.0}, "pue"), ({"carbon_intensity_g_per_kwh": -5.0},
                                                                   "carbon_intensity_g_per_kwh"),
                                         ({"price_usd_per_device_hour": 1.0, "electricity_usd_per_kwh": 0.1},
                                          ("price_usd_per_device_hour", "electricity_usd_per_kwh"))])
def test_the_serving_site_is_checked_as_the_training_one(site, field):
    m = serving_data.catalog_model("llama-2-7b")
    s = InferenceScenario(params=m.params, tokens=1e6, architecture=m.arch, **site)
    with pytest.raises(InputError) as serving:
        inference(s, default_profiles().get("a100-sxm-80gb"), serving_data.load_serving_fit())
    with pytest.raises(InputError) as training:
        api.run(hardware="a100-sxm-80gb", flops=1e20, **site)
    assert str(serving.value) == str(training.value)
    assert serving.value.field == training.value.field == field


def test_require_whole_is_the_one_whole_number_check():
    assert v.require_whole("devices", 8.0, B.DEVICES) == 8 and isinstance(v.require_whole("devices", 8.0, B.DEVICES), int)
    for bad in (2.5, True, math.nan, math.inf, 0, "8", None):
        with pytest.raises(InputError) as e:
            v.require_whole("devices", bad, B.DEVICES)
        assert e.value.field == "devices"
    with pytest.raises(InputError, match="must be a whole number") as e:
        v.require_whole("micro-batch", 1.5, B.BATCH, field="micro_batch")
    assert e.value.field == "micro_batch"  # a label is not a keyword: the caller names the field


def test_the_checks_name_their_field():
    with pytest.raises(InputError) as e:
        v.require_number_in("year", 1e9, B.YEAR)
    assert e.value.field == "year"
    with pytest.raises(InputError) as e:
        v.require_in("power per device (W)", -1.0, B.POWER_W)
    assert e.value.field is None  # a label, not a keyword
    with pytest.raises(InputError) as e:
        v.require_positive("power per device (W)", -1.0, field="power_w")
    assert e.value.field == "power_w"


def test_achieved_flops_per_s_takes_whole_devices_only():
    assert achieved_flops_per_s(1e15, 10.0, 2) == 1e15 / (10.0 * 2)
    for devices in (2.5, True, 0):
        with pytest.raises(InputError, match="devices") as e:
            achieved_flops_per_s(1e15, 10.0, devices)
        assert e.value.field == "devices"
    with pytest.raises(InputError, match="FLOPs"):
        achieved_flops_per_s(-1.0, 10.0, 1)


def _cli_json(capsys, *argv) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_devices_are_whole_numbers_in_the_json(capsys):
    d = _cli_json(capsys, "estimate", "--flops", "1e21", "--hardware", "h100-sxm", "--devices", "8", "--format", "json")
    for value in (d["devices"], d["scenario"]["devices"], d["assumptions"]["devices"]["value"]):
        assert value == 8 and type(value) is int
    e = api.run(hardware="h100-sxm", flops=1e21, devices=8.0).estimate
    assert type(e.devices) is int and type(e.assumption("devices").value) is int


def test_a_cli_count_that_is_not_whole_is_refused_by_the_core(capsys):
    assert main(["estimate", "--flops", "1e21", "--hardware", "h100-sxm", "--devices", "2.5"]) == 2
    err = capsys.readouterr().err
    assert "devices must be a whole number, got 2.5" in err and "(--devices)" in err


PRESET = "gpt3-175b"  # sets devices, power, PUE and grid intensity, each with its own note (why)


@pytest.mark.parametrize("override", [{"devices": 8}, {"pue": 1.2}, {"region": "FRA"}])
def test_a_preset_with_one_override_keeps_the_other_fields_origin_and_source(override):
    preset = get_preset(PRESET)
    a = {x.name: x for x in api.run(preset_id=PRESET, **override).estimate.assumptions}
    overridden = "carbon_intensity_g_per_kwh" if "region" in override else next(iter(override))
    assert a[overridden].origin == "user"
    for name in ("flops", "devices", "power_w", "pue", "carbon_intensity_g_per_kwh"):
        if name == overridden:
            continue
        assert a[name].origin == f"preset:{PRESET}", name
        assert a[name].source == preset.why.get(name, preset.source), name
    assert a["flops"].source == preset.source  # no note on the FLOPs: the preset's citation
    assert a[overridden].source != preset.why.get(overridden)


def test_the_cli_json_shows_the_presets_sources_after_an_override(capsys):
    preset = get_preset("lambda-gpt3-v100")
    d = _cli_json(capsys, "estimate", "--preset", "lambda-gpt3-v100", "--devices", "8", "--format", "json")["assumptions"]
    assert d["devices"]["origin"] == "user" and d["devices"]["source"] == "given"
    assert d["price_usd_per_device_hour"]["origin"] == "profile:v100-sxm2"  # Lambda's price: one home, the profile
    assert "price_usd_per_device_hour" not in preset.inputs and "Lambda" in d["price_usd_per_device_hour"]["source"]
    assert d["utilization"]["source"].startswith(preset.why["utilization"] + "; range:")
    assert d["flops"]["source"] == preset.why["flops"]


def test_every_command_has_one_default_hardware_in_the_cli_and_the_app(capsys):
    """Issue 55: `estimate` defaulted to the H100 SXM and `inference` to the A100 SXM 80GB; one default now."""
    pytest.importorskip("streamlit")
    from app_pages.pages import inference as page
    assert page.DEFAULT_HARDWARE == serving.INFERENCE_DEFAULT_HARDWARE == limits.DEFAULT_HARDWARE == "h100-sxm"
    served = _cli_json(capsys, "inference", "--model", "llama-2-7b", "--tokens", "1e6", "--format", "json")
    trained = _cli_json(capsys, "estimate", "--flops", "1e21", "--format", "json")
    assert served["hardware"] == trained["hardware"] == "h100-sxm"


def test_help_text_is_built_from_the_constants(capsys):
    from estimator.core.footprint import embodied, water
    from estimator.core.training import memory
    from estimator.laws import scaling
    for argv in (["estimate", "--help"], ["inference", "--help"], ["scaling", "chinchilla", "--help"]):
        with pytest.raises(SystemExit):
            main(argv)
    text = " ".join(capsys.readouterr().out.split())
    for piece in (f"default {embodied.LIFETIME_YEARS:g}, range {embodied.LIFETIME_RANGE_YEARS[0]:g}–",
                  f"else default {water.EWIF_L_PER_KWH:g}, the U.S. average", f"default {memory.DEFAULT_SEQ_LEN}",
                  f"d_model ÷ {limits.DEFAULT_HEAD_DIM}", f"else {scaling.CHINCHILLA_TOKENS_PER_PARAM:g}·N)",
                  f"D = {scaling.CHINCHILLA_TOKENS_PER_PARAM:g}·N", f"(default {serving.INFERENCE_DEFAULT_HARDWARE})"):
        assert piece in text, piece


def test_every_data_file_goes_through_the_guarded_reader(monkeypatch):
    """Profiles, data files and CodeCarbon's data are read by one guarded reader (safe_read):
    regular files only, a size limit, errors that name the file."""
    from estimator.io import datafiles, safe_read
    read = []
    real = safe_read.read_bytes
    monkeypatch.setattr(safe_read, "read_bytes", lambda path, *a: read.append(str(path)) or real(path, *a))
    loaders = (datafiles.load_utilization_model, datafiles.load_power_measurements, datafiles.load_published_runs,
               datafiles.load_carbon_data)
    for load in loaders:
        load.cache_clear()  # so that each really reads its file here
    try:
        for load in loaders:
            load()
    finally:
        for load in loaders:
            load.cache_clear()
    names = {p.rsplit("/", 1)[-1] for p in read}
    assert {"utilization_fit.json", "measured_power.csv", "published_runs.csv", "global_energy_mix.json",
            "impact.csv"} <= names


def test_a_data_file_that_is_too_large_is_refused_by_name(tmp_path):
    from estimator.core.base.errors import DataFileError
    from estimator.io import safe_read
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2_000)
    with pytest.raises(DataFileError, match="big.csv: is larger than 0.001 MB; restore it"):
        safe_read.read_data_text(big, "restore it", max_bytes=1_000)


def test_labelled_checks_name_their_input_field():
    """A check whose label is prose ("PUE", "utilisation") still names the scenario field, so the CLI
    can add its flag and the app its widget."""
    from estimator.core.base import validation
    from estimator.core.base.errors import InputError
    from estimator.core.training.sweep import sweep
    with pytest.raises(InputError) as exc:
        validation.require_pue(0.5)
    assert exc.value.field == "pue"
    with pytest.raises(InputError) as exc:
        sweep(flops=1e20, peak_flops_per_s=1e14, utilization=2.0, devices=1, power_w=300, pue=1.1,
              carbon_intensity_g_per_kwh=400)
    assert exc.value.field == "utilization"


def test_the_app_s_limits_on_pruning_and_doubling_time_are_the_core_s():
    """The Inference page's sparsity and the Limits page's doubling time are bounded by
    core/base/bounds.py, as the CLI is: a value one accepts, the other accepts."""
    from app_pages.pages import limits as limits_page
    from estimator.services import inputs as declared
    # the Inference page draws its widgets from the declarations (tests/services/test_inputs_declared_once.py)
    assert declared.SERVING["sparsity"].bound is B.SPARSITY
    # and the Limits page's from theirs too (the page draws every widget through one: test_inputs_declared_once.py)
    assert declared.TREND["doubling_years"].bound is B.DOUBLING_YEARS
    assert limits_page.TREND_LABELS["doubling_years"] == declared.TREND["doubling_years"].label
    with pytest.raises(InputError):
        inference(replace(InferenceScenario(7e9, 1e6), sparsity=0.995), default_profiles().get("a100-sxm-80gb"),
                  serving_data.load_serving_fit())
