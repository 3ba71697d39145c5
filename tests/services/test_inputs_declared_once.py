"""Every user input is declared once (estimator/services/inputs.py), and the CLI, the app and the URL take it
from there: a flag, a label or a URL key typed a second time would drift from its declaration."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
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
        "inf_model", "inf_params", "inf_layers", "inf_dmodel", "inf_heads", "inf_kvheads", "inf_tokens", "inf_prompt",
        "inf_tpq", "inf_batch", "inf_devices", "inf_engine", "inf_bits", "inf_kvbits", "inf_sparsity", "inf_dense",
        "inf_student", "inf_train", "inf_hw", "inf_power", "inf_pue", "inf_grid", "inf_price"}


def test_the_labels_an_error_names_are_the_declared_ones():
    from app_pages.pages import inference
    from app_pages.ui import common
    assert common.FIELD_LABELS["power_w"] == inference.FIELD_LABELS["power_w"] == I.POWER.label
    assert inference.FIELD_LABELS["devices"] == "Devices (tensor parallel)"


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


def test_the_cli_and_the_api_refuse_alike():
    cli = subprocess.run([sys.executable, "-m", "estimator", "estimate", "--flops", "1e20", "--pue", "5"],
                         capture_output=True, text=True, cwd=ROOT)
    with pytest.raises(InputError) as exc:
        api.run(flops=1e20, pue=5)
    assert cli.returncode == 2 and cli.stderr == f"error: {exc.value} (--pue)\n"
