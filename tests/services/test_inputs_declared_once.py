"""Every user input is declared once (estimator/services/inputs.py), and the CLI, the app and the URL take it
from there: a flag, a label or a URL key typed a second time would drift from its declaration."""

from __future__ import annotations

import argparse
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from estimator.cli.main import build_parser
from estimator.core.base import bounds as B
from estimator.core.base.errors import InputError
from estimator.services import api
from estimator.services import inputs as I
from estimator.services.serving import inference as serving

ROOT = Path(__file__).resolve().parents[2]


def _subparser(*path: str) -> argparse.ArgumentParser:
    p = build_parser()
    for name in path:
        sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        p = sub.choices[name]
    return p


def _flags(p: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {a.option_strings[0]: a for a in p._actions if a.option_strings and a.dest not in ("help", "format")}


@pytest.mark.parametrize("command, table", [(("estimate",), I.TRAINING), (("compare",), I.COMPARE),
                                            (("inference",), I.SERVING)])
def test_every_flag_of_a_command_is_a_declared_inputs_and_back(command, table):
    flags = _flags(_subparser(*command))
    declared = {i.flag: i for i in table.values() if i.flag}
    assert set(flags) == set(declared)
    for flag, action in flags.items():
        assert action.dest == declared[flag].cli_dest and action.help == declared[flag].help


def test_the_scaling_setting_flags_are_the_declared_ones():
    for sub in ("chinchilla", "diminishing", "trend"):
        flags = _flags(_subparser("scaling", sub))
        for i in I.SETTING.values():
            assert flags[i.flag].help == i.help


def test_a_flag_and_a_label_are_typed_once_in_the_code():
    code = [p for d in ("estimator", "app_pages") for p in (ROOT / d).rglob("*.py")]
    text = {p: p.read_text(encoding="utf-8") for p in code}
    assert [p.name for p, t in text.items() if '"--devices"' in t] == ["inputs.py"]
    assert sum(t.count('"Power per device (W)"') for t in text.values()) == 1
    assert sum(t.count('"--power-w"') for t in text.values()) == 1


def test_every_sidebar_widgets_url_key_is_a_declared_inputs():
    from app_pages.inputs.defaults import SWITCH_KEYS
    from app_pages.inputs.links import address_keys
    declared = set(I.url_keys(I.TRAINING))
    keys = set(address_keys("preset", "country", True)) | set(address_keys("params", "cloud", True)) | \
        set(address_keys("flops", "g/kWh", True))
    assert keys - set(SWITCH_KEYS) == declared


def test_the_inference_pages_url_keys_are_declared():
    source = (ROOT / "app_pages/pages/inference.py").read_text(encoding="utf-8")
    assert not re.search(r'url_(number|select|radio|toggle)\("', source)  # every widget through a declaration
    assert set(I.url_keys(I.SERVING)) == {
        "inf_model", "inf_params", "inf_layers", "inf_dmodel", "inf_heads", "inf_kvheads", "inf_headdim", "inf_tokens", "inf_prompt",
        "inf_tpq", "inf_batch", "inf_devices", "inf_tp", "inf_ep", "inf_ttft", "inf_tpot", "inf_beams", "inf_draft", "inf_accept", "inf_engine", "inf_plimit", "inf_bits", "inf_kvbits", "inf_sparsity", "inf_dense",
        "inf_student", "inf_train", "inf_hw", "inf_power", "inf_pue", "inf_grid", "inf_country", "inf_cloud", "inf_price"}


def test_the_labels_an_error_names_are_the_declared_ones():
    from app_pages.pages import inference
    from app_pages.ui import common
    assert common.FIELD_LABELS["power_w"] == inference.FIELD_LABELS["power_w"] == I.POWER.label
    assert inference.FIELD_LABELS["devices"] == "Devices (all replicas)"


def test_a_malformed_declaration_fails_at_once():
    with pytest.raises(ValidationError):
        I.Input(name="x", flags=("-x",))
    with pytest.raises(ValidationError):
        I.Input(name="x", label="X", widget="number")  # no URL key, no bound
    with pytest.raises(ValidationError):
        I.Input(name="x", label="X", url_key="x", widget="integer", bound=B.POWER_W)  # not a whole-number bound
    with pytest.raises(ValidationError):
        I.Input(name="x", colour="red")
    with pytest.raises(ValidationError):
        I.DEVICES.but(flags=("devices",))
    with pytest.raises(ValidationError):
        I.POWER.label = "another"  # frozen


def test_a_declared_input_keeps_its_core_bound_and_unit():
    assert I.DEVICES.bound is B.DEVICES and I.SERVING["devices"].bound is B.DEVICES
    assert I.POWER.unit == "W" and I.SERVING["power_w"].label == I.POWER.label


@pytest.mark.parametrize("devices", [8, 8.0, Fraction(8), np.int64(8), np.float32(8)])
def test_any_real_number_is_a_number_to_the_api(devices):
    assert api.run(flops=1e20, devices=devices).estimate.devices == 8


def test_a_bool_is_no_number_to_the_api():
    with pytest.raises(InputError, match="devices must be a number, got True"):
        api.run(flops=1e20, devices=True)


def test_the_cli_and_the_api_refuse_alike(cli):
    refused = cli("estimate", "--flops", "1e20", "--pue", "5")
    with pytest.raises(InputError) as exc:
        api.run(flops=1e20, pue=5)
    assert refused.code == 2 and refused.err == f"error: {exc.value} (--pue)\n"


# -- scaling, calibrate, the Limits and Calibrate pages ------------------------------------------------------------


@pytest.mark.parametrize("command, table", [(("scaling", "chinchilla"), I.CHINCHILLA),
                                            (("scaling", "diminishing"), I.DIMINISHING),
                                            (("scaling", "trend"), I.TREND), (("calibrate",), I.CALIBRATE)])
def test_every_scaling_and_calibrate_flag_is_a_declared_inputs_and_back(command, table):
    flags = _flags(_subparser(*command))
    declared = {i.flag: i for i in table.values() if i.flag}
    assert set(flags) == set(declared)
    for flag, action in flags.items():
        i = declared[flag]
        assert (action.dest, action.help) == (i.cli_dest, i.help)
        if i.default is not I.UNSET:
            assert action.default == i.default
        if i.choices is not None:
            assert tuple(action.choices) == tuple(i.choices)


def test_scaling_and_calibrate_type_no_flag_of_their_own():
    for module in ("estimator/cli/scaling_cmds.py", "estimator/cli/calibrate_cmd.py"):
        source = (ROOT / module).read_text(encoding="utf-8")
        assert re.findall(r"add_argument\(\s*\"--(?!format)", source) == [], module


def test_every_limits_and_calibrate_widgets_url_key_is_declared():
    for page in ("limits", "calibrate"):  # every URL-bound widget through a declaration, none typed in the page
        source = (ROOT / f"app_pages/pages/{page}.py").read_text(encoding="utf-8")
        assert not re.search(r"url_(number|select|radio|toggle)\(", source), page
    limits_keys = set(I.url_keys(I.CHINCHILLA)) | set(I.url_keys(I.DIMINISHING)) | set(I.url_keys(I.TREND))
    assert limits_keys == {"lim_budget", "lim_method", "lim_flops", "lim_usd", "lim_kwh", "lim_tco2e", "lim_hw",
                           "dr_now", "dr_target", "dr_k", "dr_base", "tr_hw", "tr_flops", "tr_years", "tr_doubling"}
    assert set(I.url_keys(I.CALIBRATE)) == {"cal_flops", "cal_base", "cal_seconds"}


def test_the_pages_label_tables_are_the_declared_labels():
    from app_pages.pages import calibrate as calibrate_page
    from app_pages.pages import limits as limits_page
    assert limits_page.SCALING_LABELS["flops"] == I.CHINCHILLA["flops"].label == "Training FLOPs"
    assert limits_page.SCALING_LABELS["budget_tco2e"] == "Budget (t CO₂e)"
    assert limits_page.DIMINISHING_LABELS["hardware"] == limits_page.SCALING_LABELS["hardware"] == "Hardware for costs"
    assert limits_page.TREND_LABELS["flops"] == "Fixed workload (FLOPs)"
    assert calibrate_page.FIELD_LABELS["hardware"] == calibrate_page.FIELD_LABELS["base"] == I.CALIBRATE["base"].label
    assert calibrate_page.FIELD_LABELS["precision"] == I.PRECISION.label


def test_scalings_flops_is_the_flops_input_bounded_by_the_law():
    assert I.CHINCHILLA["flops"].flags == I.TREND["flops"].flags == I.CALIBRATE["flops"].flags == I.FLOPS.flags
    assert I.CHINCHILLA["flops"].bound is B.SCALING_FLOPS and I.TREND["flops"].bound is B.FLOPS


# -- the core's words, written once -----------------------------------------------------------------------------


def test_a_declarations_message_name_and_bound_are_the_cores():
    from estimator.core.serving.scenario import SERVING_BOUNDS
    from estimator.core.workload.scenario import INPUT_FIELDS, SCENARIO_BOUNDS
    assert set(INPUT_FIELDS) <= set(I.TRAINING)  # every scenario input is declared
    for core, table in ((SCENARIO_BOUNDS, I.TRAINING), (SERVING_BOUNDS, I.SERVING)):
        for name, (words, bound) in core.items():
            assert (table[name].message_name, table[name].bound) == (words, bound), (
                f"{name}: declare it with **checked({'SCENARIO' if core is SCENARIO_BOUNDS else 'SERVING'}_BOUNDS, "
                f"{name!r}) (docs/how-to/add-an-input.md, step 3)")
    with pytest.raises(ValidationError):
        I.Input(name="x", message_name="x")  # words with no bound to check


@pytest.mark.parametrize("name", [n for n, i in I.TRAINING.items() if i.message_name])
def test_the_api_refuses_a_training_input_out_of_bounds_in_its_declared_words(name):
    i = I.TRAINING[name]
    given = {"flops": 1e20, name: i.bound.high * 10}
    if name in ("params", "tokens"):
        given = {"params": 1e9, "tokens": 1e9, name: i.bound.high * 10}
    elif name in ("hours", "device_hours", "year"):
        given[name] = i.bound.low - 1 if name == "year" else i.bound.low / 10
    with pytest.raises(InputError) as exc:
        api.run(**given)
    assert str(exc.value).startswith(f"{i.message_name} must be"), str(exc.value)


@pytest.mark.parametrize("name", [n for n, i in I.SERVING.items() if i.message_name and n not in I.TRAINING])
def test_the_serving_api_refuses_an_input_out_of_bounds_in_its_declared_words(name):
    i = I.SERVING[name]
    with pytest.raises(InputError) as exc:
        serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, **{name: i.bound.high * 10})
    assert str(exc.value).startswith(f"{i.message_name} must be"), str(exc.value)


# -- a keyword the API does not know is refused by name ------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda **kw: api.run(flops=1e20, **kw),
    lambda **kw: api.compare(["h100-sxm", "a100-sxm-80gb"], flops=1e20, **kw),
    lambda **kw: serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e9, **kw)])
def test_an_unknown_keyword_is_refused_by_name_with_the_nearest_declared_one(call):
    with pytest.raises(InputError, match=r"^unknown input 'devcies'; did you mean 'devices'\?$"):
        call(devcies=8)
    with pytest.raises(InputError, match=r"^unknown input 'colour'; the inputs are .*\bdevices\b"):
        call(colour="red")


def test_the_apis_keywords_are_declared_inputs():
    # what a run takes beyond its declared scenario inputs: the hardware, the preset and the model by id, the
    # grid's place, the memory inputs as one mapping, and the FLOPs' source, the tokens they count and whether those
    # are the illustrative count none given took
    own = {"preset_id", "params_model", "memory", "flops_source", "flops_tokens", "tokens_illustrative"}
    assert set(api.RUN_KEYWORDS) - own <= set(I.TRAINING)
    assert api.run(preset_id="gpt3-175b").estimate.flops == pytest.approx(3.14e23)
    with pytest.raises(InputError, match=r"^unknown input 'preset'; did you mean 'preset_id'\?$"):
        api.run(preset="gpt3-175b")  # was a TypeError


def test_the_cli_refuses_a_typo_of_a_flag_in_argparses_words(cli):
    for args in (["estimate", "--flops", "1e20", "--devcies", "8"], ["scaling", "trend", "--yeras", "3"],
                 ["calibrate", "--secnds", "3"]):
        refused = cli(*args)
        assert refused.code == 2 and f"unrecognized arguments: {args[-2]}" in refused.err
