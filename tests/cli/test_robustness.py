"""Issue 10: every bad input refused with exit 2 and one line, every file protected.

One test per numbered root cause of the issue (the number is in the test name); the file causes (10 to
13) are in tests/io/test_robustness_files.py, the shared helpers in tests/robustness_helpers.py."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from robustness_helpers import CSV, H100, ROOT, refused, run

from estimator.cli.main import main
from estimator.core.base.errors import DataFileError, EstimatorError, InputError, ProfileError
from estimator.core.training.estimate import estimate
from estimator.core.training.sweep import sweep
from estimator.core.workload.scenario import Scenario
from estimator.io.datafiles import PROFILES_DIR, default_profiles, load_profile_file, load_profiles
from estimator.report.export import to_markdown
from estimator.services import api

# 1 --------------------------------------------------------------------------------------


def import_argv(out, *extra):
    return ["calibrate", "--from-codecarbon", str(CSV), "--base", "cpu-server-2s-epyc", "--flops", "1e13",
            "--out", str(out), *extra]


def test_1_calibrate_never_writes_the_bundled_profiles_folder(capsys):
    before = (PROFILES_DIR / "h100-sxm.toml").read_bytes()
    refused(capsys, *import_argv(PROFILES_DIR / "h100-sxm.toml"), needle="bundled profiles/ folder")
    assert (PROFILES_DIR / "h100-sxm.toml").read_bytes() == before
    refused(capsys, *import_argv(PROFILES_DIR / "new-one.toml"), needle="bundled profiles/ folder")
    assert not (PROFILES_DIR / "new-one.toml").exists()
    # a measurement refused for its --out: the one error line, not a note on the meter before it
    refused(capsys, "calibrate", "--out", str(PROFILES_DIR / "new-one.toml"), "--seconds", "1",
            needle="bundled profiles/ folder")


def test_1_out_holding_another_profile_is_replaced_only_with_force(capsys, tmp_path):
    out = tmp_path / "mine.toml"
    shutil.copy(PROFILES_DIR / "brain.toml", out)
    before = out.read_bytes()
    refused(capsys, *import_argv(out), needle="already holds the profile 'brain'")
    assert out.read_bytes() == before
    out.write_text("not a profile")
    refused(capsys, *import_argv(out), needle="not a valid profile")
    code, _, _ = run(capsys, *import_argv(out, "--force", "--format", "json"))
    assert code == 0 and load_profile_file(out).id != "brain"
    # re-calibrating the same id into its own file needs --force too (issue 55: one rule), said as such
    pid = load_profile_file(out).id
    refused(capsys, *import_argv(out, "--id", pid, "--format", "json"), needle="holds this calibration's earlier result")
    assert run(capsys, *import_argv(out, "--id", pid, "--format", "json", "--force"))[0] == 0


# 2 --------------------------------------------------------------------------------------


def test_2_a_duplicate_id_is_reported_and_neither_file_wins(tmp_path, capsys):
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "a.toml")
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "z.toml")
    shutil.copy(PROFILES_DIR / "h100-sxm.toml", tmp_path / "h.toml")
    ps = load_profiles(tmp_path)
    assert set(ps.profiles) == {"h100-sxm"}
    with pytest.raises(ProfileError, match="defined by 2 files"):
        ps.get("brain")


# 3 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, field, hint", [
    ("usd_per_device_hour = 6.88", "usd_per_device_hr = 6.88", "price.usd_per_device_hr", "usd_per_device_hour"),
    ('fit = "gpu-system"', 'fit = "gpu-system"\nhost_share = 100.0', "power.host_share", "host_share_w"),
    ("capacity_gb = 85.52", "capacity_gb = 85.52\nbandwith_gb_per_s = 3350.0", "memory.bandwith_gb_per_s", "bandwidth"),
    ('family = "h100"', 'family = "h100"\nbais = "x"', "utilization.bais", "basis"),
])
def test_3_unknown_keys_inside_tables_are_refused(tmp_path, capsys, old, new, field, hint):
    assert old in H100
    path = tmp_path / "typo.toml"
    path.write_text(H100.replace(old, new))
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    assert info.value.field == field and hint in info.value.fix
    refused(capsys, "profiles", "validate", str(path), needle="broken", details_on_stdout=True)


# 4 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, needle", [
    (["estimate", "--flops", "1e23", "--hardware", "h100-sxm", "--pue", "1e300"], "PUE must be"),
    (["estimate", "--flops", "1e23", "--hardware", "h100-sxm", "--devices", "1e300"], "devices must be"),
    (["estimate", "--hours", "10", "--flops", "1e30", "--hardware", "h100-sxm"], "more than the peak is impossible"),
    (["estimate", "--flops", "1e23", "--hardware", "h100-sxm", "--price-usd-per-hour", "1e308"], "price per device-hour"),
    (["scaling", "chinchilla", "--flops", "1e23", "--tokens-per-param", "1e-320"], "tokens per parameter"),
])
def test_4_absurd_values_are_input_errors(capsys, argv, needle):
    refused(capsys, *argv, needle=needle)


def test_4_an_import_implying_an_implausible_throughput_writes_nothing(capsys, tmp_path):
    out = tmp_path / "x.toml"
    argv = import_argv(out)
    argv[argv.index("--flops") + 1] = "1"
    refused(capsys, *argv, needle="not plausible")
    assert not out.exists()


# 5 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv, needle", [
    (["--flops", "1e23", "--params", "7e9", "--tokens", "1e12"], "not both"),
    (["--flops", "1e23", "--recompute"], "recomputation"),
    (["--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000", "--tokens", "1e12",
      "--forward-flops", "1e9", "--examples", "1e6", "--epochs", "1"], "not both"),
    (["--layers", "32", "--d-model", "4096", "--context", "2048", "--vocab", "32000", "--tokens", "1e12",
      "--params", "7e9"], "not both"),
])
def test_5_conflicting_workloads_are_refused(capsys, argv, needle):
    refused(capsys, "estimate", "--hardware", "h100-sxm", *argv, needle=needle)


# 6 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, needle", [
    (dict(flops=1e23, devices=2.5), "whole number"),
    (dict(flops=1e23, year=2020.5), "whole number"),
    (dict(flops=1e23, devices=float("nan")), "finite"),
])
def test_6_the_api_refuses_what_the_cli_refuses(kwargs, needle):
    with pytest.raises(InputError, match=needle):
        estimate(Scenario(**kwargs), default_profiles().get("h100-sxm"))
    with pytest.raises(InputError, match=needle):
        api.run(hardware="h100-sxm", **kwargs)


def test_6_a_scenario_without_devices_is_refused():
    # found by the fuzz test; in api.run, None means "not given" (1 device)
    with pytest.raises(InputError, match="devices must be a number"):
        estimate(Scenario(hours=1.0, devices=None), default_profiles().get("h100-sxm"))
    assert api.run(hardware="h100-sxm", hours=1.0, devices=None).estimate.devices == 1


@pytest.mark.parametrize("price, elec", [(-1.0, None), (float("nan"), None), (None, -0.1), (None, float("inf"))])
def test_6_sweep_refuses_negative_or_nan_prices(price, elec):
    with pytest.raises(InputError):
        sweep(flops=np.array([1e20]), peak_flops_per_s=1e14, utilization=0.3, devices=1, power_w=300, pue=1.1,
              carbon_intensity_g_per_kwh=400, price_usd_per_device_hour=price, electricity_usd_per_kwh=elec)


# 7, 8, 9 --------------------------------------------------------------------------------------

DENORMAL = "1e-320"


@pytest.mark.parametrize("argv", [
    ["estimate", "--hardware", "h100-sxm", "--flops", DENORMAL],
    ["estimate", "--hardware", "h100-sxm", "--params", DENORMAL, "--tokens", "1e12"],
    ["estimate", "--hardware", "h100-sxm", "--params", "7e9", "--tokens", DENORMAL],
    ["estimate", "--hardware", "h100-sxm", "--forward-flops", DENORMAL, "--examples", "1e6", "--epochs", "1"],
    ["estimate", "--hardware", "h100-sxm", "--forward-flops", "1e9", "--examples", DENORMAL, "--epochs", "1"],
    ["inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e9", "--train-flops", DENORMAL],
    ["inference", "--params", "7e9", "--hardware", "a100-sxm-80gb", "--tokens", "1e9", "--train-tokens", DENORMAL],
    ["scaling", "diminishing", "--base-flops", DENORMAL],
    ["scaling", "trend", "--flops", DENORMAL],
    ["compare", "--flops", DENORMAL, "--hardware", "h100-sxm", "a100-sxm-80gb"],
])
def test_7_denormal_inputs_are_refused_not_divided_by(capsys, argv):
    refused(capsys, *argv)


@pytest.mark.parametrize("option", ["--layers", "--d-model", "--context", "--vocab"])
@pytest.mark.parametrize("value", ["nan", "inf", "1e309", "2.5", "-3"])
def test_8_architecture_numbers_are_checked_before_use(capsys, option, value):
    arch = {"--layers": "32", "--d-model": "4096", "--context": "2048", "--vocab": "32000"}
    arch[option] = value
    argv = ["estimate", "--hardware", "h100-sxm", "--tokens", "1e12"] + [x for kv in arch.items() for x in kv]
    refused(capsys, *argv)


@pytest.mark.parametrize("argv", [
    ["--flops", "1e23", "--utilization", "1e-320"],
    ["--flops", "1e23", "--power-w", "1e308"],
    ["--params", "1e200", "--tokens", "1e200"],
])
@pytest.mark.parametrize("fmt", ["table", "json"])
def test_9_results_that_would_overflow_are_refused_in_every_format(capsys, argv, fmt):
    refused(capsys, "estimate", "--hardware", "h100-sxm", *argv, "--format", fmt)


# 14, 15 --------------------------------------------------------------------------------------


def test_14_profiles_validate_prints_one_summary_error_line(capsys, tmp_path):
    bad1, bad2 = tmp_path / "a.toml", tmp_path / "b.toml"
    bad1.write_text('id = "x"\n')
    bad2.write_text("not toml [[[")
    code, out, err = run(capsys, "profiles", "validate", str(bad1), str(bad2), str(PROFILES_DIR / "brain.toml"))
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: 2 of 3 profile file(s) are broken")
    assert out.count("broken: ") == 2 and "ok: " in out and "field 'name'" in out


@pytest.mark.parametrize("argv, needle", [
    (["profiles", "validate", ""], "empty path"),
    (["profiles", "show", "a100-sxm-80gb", "h100-sxm"], "exactly one"),
    (["profiles", "show"], "exactly one"),
    (["profiles", "list", "extra"], "no arguments"),
])
def test_15_arguments_are_never_silently_ignored(capsys, argv, needle):
    refused(capsys, *argv, needle=needle)


def test_15_empty_out_is_refused(capsys, tmp_path):
    argv = import_argv("")
    refused(capsys, *argv, needle="--out is empty")


# 16 --------------------------------------------------------------------------------------


def test_16_newlines_in_profile_text_never_break_the_markdown_table(tmp_path):
    # a name with a line break is refused on load (audit: it split its row in `profiles list`)
    path = tmp_path / "nl.toml"
    path.write_text(H100.replace('name = "NVIDIA H100 SXM 80GB"', 'name = "NVIDIA\\nH100 | evil"'))
    with pytest.raises(ProfileError, match="field 'name'.*control characters"):
        load_profile_file(path)
    # a pipe is text: escaped in the table
    path.write_text(H100.replace('name = "NVIDIA H100 SXM 80GB"', 'name = "NVIDIA H100 | evil"'))
    p = load_profile_file(path)
    est = estimate(Scenario(flops=1e22), p)
    md = to_markdown(est)
    for line in md.splitlines():
        if line.startswith("|"):
            assert line.endswith("|") and line.count("|") - line.count("\\|") in (4, 5), line
    assert "NVIDIA H100 \\| evil" in md


# 17 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("call", [
    lambda: estimate(Scenario(flops=[1e20, 2e20]), default_profiles().get("h100-sxm")),
    lambda: estimate(Scenario(flops=10 ** 400), default_profiles().get("h100-sxm")),
    lambda: estimate(Scenario(flops="1e20"), default_profiles().get("h100-sxm")),
    lambda: estimate(Scenario(flops=1e20, recompute="yes"), default_profiles().get("h100-sxm")),
    lambda: estimate("not a scenario", default_profiles().get("h100-sxm")),
    lambda: api.run(hardware=5, flops=1e20),
    lambda: api.run(hardware="h100-sxm", flops=1e20, devices=[1, 2]),
    lambda: api.run(preset_id=3),
    lambda: default_profiles().get(None),
])
def test_17_wrong_types_raise_the_projects_errors(call):
    with pytest.raises(EstimatorError):
        call()


def test_17_profile_and_data_file_errors_are_value_errors():
    assert issubclass(ProfileError, ValueError) and issubclass(DataFileError, ValueError)
    assert issubclass(InputError, ValueError)


def test_json_output_never_holds_a_non_finite_number(capsys):
    code, out, _ = run(capsys, "estimate", "--flops", "1e32", "--hardware", "brain", "--format", "json")
    assert code == 0
    json.loads(out, parse_constant=lambda c: pytest.fail(f"non-finite {c} in JSON"))


def test_the_docs_state_every_bound_as_bounds_py_has_it():
    from estimator.core.base import bounds as B
    readme = (ROOT / "docs" / "reference" / "contract.md").read_text()
    all_bounds = [b for b in vars(B).values() if isinstance(b, B.Bound)] + list(B.BUDGET.values())
    for b in all_bounds:
        low = f"{'> ' if b.low_open else ''}{b.low:.6g}"
        row = f"| {low} | {b.high:g} | {'yes' if b.whole else ''} | {b.source} |"
        assert row in readme, f"docs/reference/contract.md's bounds table has no row ending {row!r} (add-an-input.md, step 1)"


def test_served_tokens_are_bounded_by_serving_traffic_not_training_sets(capsys):
    """`inference --tokens` counts tokens served; its bound's reason says so (it cited training sets)."""
    assert main(["inference", "--model", "llama-2-7b", "--hardware", "h100-sxm", "--tokens", "1e30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: tokens must be") and "Google's whole AI traffic" in err and "training sets" not in err


def test_a_time_only_preset_on_other_hardware_is_one_clear_error(capsys):
    err = refused(capsys, "estimate", "--preset", "resnet50-imagenet", "--hardware", "a100-sxm-80gb",
                  needle="gives a time on h100-sxm, not FLOPs")
    assert "no workload" not in err
    err = refused(capsys, "compare", "--preset", "resnet50-imagenet", needle="to compare hardware, give the FLOPs")
    assert err.count("\n") == 1
    # with a workload of the user's, or on the preset's own hardware, it runs
    assert api.compare(["a100-sxm-80gb", "h100-sxm"], preset_id="resnet50-imagenet", flops=1e18).results
    assert api.compare(["h100-sxm"], preset_id="resnet50-imagenet").results
    assert api.run(preset_id="resnet50-imagenet", hardware="a100-sxm-80gb", hours=1.0).estimate.device_hours == 8


def test_without_hardware_or_preset_the_cli_and_the_app_take_the_same_default(capsys):
    """The service layer's default (h100-sxm), said in a note; the app's Estimate page shows it too."""
    r = api.run(flops=1e23)
    assert r.profile.id == api.DEFAULT_HARDWARE == "h100-sxm"
    assert r.estimate.notes[0].startswith("no hardware given: the default")
    code, out, _ = run(capsys, "estimate", "--flops", "1e23", "--format", "json")
    code2, out2, _ = run(capsys, "estimate", "--flops", "1e23", "--hardware", "h100-sxm", "--format", "json")
    assert code == code2 == 0 and json.loads(out)["wall_clock_s"] == json.loads(out2)["wall_clock_s"]
    from apptest_pages import shared_page

    from app_pages.inputs import sidebar as inputs
    assert inputs.DEFAULT_HARDWARE == api.DEFAULT_HARDWARE
    at = shared_page("estimate", {"workload": "flops", "flops": "1e23"})
    assert not at.exception and "16.6 years" in [m.value for m in at.metric]
    from estimator.core.base.units import S_PER_YEAR
    assert r.estimate.wall_clock_s / S_PER_YEAR == pytest.approx(16.6, abs=0.05)


def test_small_cli_messages_name_what_is_wrong(capsys):
    """`profiles` alone names the missing action (not its optional files too); a shape given in part
    names what is missing."""
    err = refused(capsys, "profiles", needle="profiles needs an action")
    assert "required" not in err
    refused(capsys, "estimate", "--params", "7e9", "--tokens", "1e12", "--heads", "7", "--hardware", "a100-sxm-80gb",
            needle="heads given without the layers and d_model")
