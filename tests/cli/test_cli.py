import json
import subprocess
import sys
from pathlib import Path

import pytest

from estimator.cli import main
from estimator.io.datafiles import PROFILES_DIR, default_profiles
from estimator.services import api

ROOT = Path(__file__).resolve().parents[2]


def cli(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_lambda_preset_table(capsys):
    code, out, err = cli(capsys, "estimate", "--preset", "lambda-gpt3-v100")
    assert code == 0 and err == ""
    assert "355 years" in out and "$4.6M" in out
    assert "published 355 years" in out


def test_estimate_json_shape_matches_api(capsys):
    code, out, _ = cli(capsys, "estimate", "--params", "7e9", "--tokens", "1e12", "--hardware", "h100-sxm",
                       "--devices", "64", "--region", "FRA", "--format", "json")
    assert code == 0
    data = json.loads(out)
    for key in ("flops", "wall_clock_s", "device_hours", "energy_kwh", "co2e_kg", "cost_usd"):
        assert isinstance(data[key], float)
        low, high = data["range"][key]
        assert low <= data[key] <= high
    assert isinstance(data["assumptions"], dict) and isinstance(data["equivalents"], dict)
    r = api.run(hardware="h100-sxm", params=7e9, tokens=1e12, devices=64, region="FRA")
    assert data["co2e_kg"] == r.estimate.co2e_kg
    assert data["flops"] == 6 * 7e9 * 1e12
    assert data["assumptions"]["carbon_intensity_g_per_kwh"]["source"].startswith("France (FRA)")


def test_hours_make_flops_optional(capsys):
    code, out, _ = cli(capsys, "estimate", "--hours", "10", "--devices", "8", "--hardware", "a100-sxm-80gb",
                       "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["flops"] is None
    assert data["device_hours"] == 80.0
    a100 = default_profiles().get("a100-sxm-80gb")
    assert data["energy_kwh"] == pytest.approx(80 * a100.power.average_w / 1000 * 1.1)
    assert data["utilization"] is None  # the time was given: no utilisation is used


@pytest.mark.parametrize("fmt, needle", [("csv", "wall_clock_s,"), ("markdown", "| Training time |"),
                                         ("latex", "device-hours"), ("table", "Assumptions")])
def test_formats(capsys, fmt, needle):
    code, out, _ = cli(capsys, "estimate", "--preset", "gpt3-175b", "--format", fmt)
    assert code == 0 and needle in out


def test_hardware_path(capsys):
    code, out, _ = cli(capsys, "estimate", "--flops", "1e21", "--hardware", str(PROFILES_DIR / "tpu-v4.toml"),
                       "--format", "json")
    assert code == 0 and json.loads(out)["hardware"] == "tpu-v4"


BAD = [
    (["estimate", "--flops", "-1e20", "--hardware", "h100-sxm"], "FLOPs must be at least 1"),
    (["estimate", "--flops", "nan", "--hardware", "h100-sxm"], "finite"),
    (["estimate", "--flops", "inf", "--hardware", "h100-sxm"], "finite"),
    (["estimate", "--flops", "lots", "--hardware", "h100-sxm"], "argument --flops: expected a number, got 'lots'"),
    # a size with a suffix, in the form the CLI reads (researcher review 2026-11-27)
    (["estimate", "--params", "7B", "--tokens", "2T", "--hardware", "h100-sxm"],
     "argument --params: expected a number, got '7B' (for 7B, write 7e9)"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--devices", "8k"],
     "expected a whole number, got '8k' (for 8k, write 8e3)"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--devices", "0"], "devices"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--devices", "2.5"], "whole number"),
    # a name that says less than a profile's is refused with every id it could be (core/hardware/names.py; the
    # CLI reference): a bare "h100" never chose the SXM for --hardware, and the H100 NVL (94 GB, a PCIe card of its
    # own power and price) is a third H100 since issue 54; calibrate's NVML table still reads "NVIDIA H100" as the SXM
    (["estimate", "--flops", "1e20", "--hardware", "h100"], "could be h100-nvl or h100-pcie or h100-sxm"),
    (["estimate", "--flops", "1e20", "--hardware", "h1000"], "valid ids:"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--utilization", "1.2"], "utilisation must be at least 10⁻⁶ and at most 1"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--pue", "0.9"], "PUE"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--region", "XYZ"], "unknown region"),
    # a cloud's region name given as a region: the cloud region named (researcher review 2026-11-27)
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--region", "us-east-1"],
     "'us-east-1' is a cloud's region, not a country's: give the cloud region aws:us-east-1 (--cloud)"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--region", "aws:us-east-1"],
     "'aws:us-east-1' is a cloud region, not a country's: give it as the cloud region (--cloud)"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--cloud", "gcp:mars-1"], "unknown gcp region"),
    (["estimate", "--params", "7e9", "--hardware", "h100-sxm"], "needs the number of training tokens"),
    (["estimate", "--hardware", "h100-sxm"], "no workload"),
    (["estimate", "--preset", "gpt5"], "unknown preset"),
    (["estimate", "--flops", "1e20", "--hardware", "h100-sxm", "--power-w", "-3"], "power"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize("args, message", BAD)
def test_bad_input_exit_2_one_line(capsys, args, message):
    code, out, err = cli(capsys, *args)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert message in err
    assert "Traceback" not in err


def test_broken_profile_file_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((PROFILES_DIR / "h100-sxm.toml").read_text().replace("pue = 1.1", "pue = 9"))
    code, _, err = cli(capsys, "estimate", "--flops", "1e20", "--hardware", str(bad))
    assert code == 2 and "bad.toml" in err and "datacenter.pue" in err and "fix:" in err
    code, out, err = cli(capsys, "profiles", "validate", str(bad))
    assert code == 2 and "datacenter.pue" in out and err.startswith("error: 1 of 1 profile file(s) are broken")


@pytest.mark.slow
def test_subprocess_error_has_no_traceback():
    p = subprocess.run([sys.executable, "-m", "estimator", "estimate", "--flops", "abc"], cwd=ROOT,
                       capture_output=True, text=True)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith("error: ") and p.stderr.count("\n") == 1


@pytest.mark.slow
def test_subprocess_lambda():
    p = subprocess.run([sys.executable, "-m", "estimator", "estimate", "--preset", "lambda-gpt3-v100"],
                       cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0 and "355 years" in p.stdout and "$4.6M" in p.stdout


def test_compare_json(capsys):
    code, out, _ = cli(capsys, "compare", "--flops", "1e22", "--hardware", "v100-sxm2", "h100-sxm", "--format", "json")
    rows = {r["hardware"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["v100-sxm2"]["device_hours"] == api.run(hardware="v100-sxm2", flops=1e22).estimate.device_hours
    assert rows["h100-sxm"]["device_hours"] < rows["v100-sxm2"]["device_hours"]


def test_compare_table_all(capsys):
    code, out, _ = cli(capsys, "compare", "--flops", "1e22")
    table = out.split("\n\n")[0]  # the ranges' meaning below it names the brain's peak
    assert code == 0 and "tpu-v5p" in table and "brain" not in table  # reference points only when named
    code, out, _ = cli(capsys, "compare", "--flops", "1e22", "--hardware", "h100-sxm", "brain")
    assert code == 0 and "brain (reference point, × 1)" in out and "on-demand" in out


def test_presets_profiles_validate(capsys):
    code, out, _ = cli(capsys, "presets")
    assert code == 0 and len([x for x in out.strip().splitlines() if not x.startswith(" ")]) == 12
    assert "alphago-vs-brain" in out
    # each with what its source published, and who (lecturer review 2026-12-02: the lecture guide promised them)
    lines = out.splitlines()
    at = lines.index(next(x for x in lines if x.startswith("lambda-gpt3-v100 ")))
    assert lines[at + 1].split() == ["published:", "355", "years,", "3.11", "million", "device-hours,", "$4.6M"]
    assert lines[at + 2].strip() == 'source: Lambda Labs 2020, "OpenAI\'s GPT-3 Language Model: A Technical Overview"'
    code, out, _ = cli(capsys, "profiles", "list")
    assert code == 0 and "a100-sxm-80gb" in out
    # the columns line up however long an id or name is (calibrate audit: long ones overflowed)
    header, *lines = out.strip().splitlines()
    assert len({line.index(" FLOP/s") for line in lines}) == 1 and len({line.index("  util ") for line in lines}) == 1
    # a header row, which says what the utilisation is (audit: 0.171 beside compare's 0.232 for GPT-3)
    assert header.startswith("id ") and header.index("  util ") == lines[0].index("  util ")
    # the year only when the shipped fit uses it (cross-validation chooses the covariates)
    from estimator.io.datafiles import load_utilization_model
    uses_year = "maturity_years" in load_utilization_model().spec.covariates
    assert ("util (at 10²² FLOPs, year unknown)" if uses_year else "util (at 10²² FLOPs)") in header
    assert "util 1.00" in out  # three significant digits: a calibrated CPU's 0.0047 is not "0.00"
    code, out, _ = cli(capsys, "profiles", "show", "brain")
    assert code == 0 and "Carlsmith" in out
    code, out, _ = cli(capsys, "profiles", "validate")
    assert code == 0 and out.count("ok:") >= 17


@pytest.mark.slow  # a fresh nested leave-one-out (about 20 s)
def test_validate_json_energy_checks(capsys, shipped_validation):
    code, out, _ = cli(capsys, "validate", "--format", "json")
    doc = json.loads(out)
    checks = {r["run"]: r for r in doc["energy_checks"]}
    gpt3 = checks["gpt3-175b"]
    # 3.552e6 GPU-h × 330 W × PUE 1.1 = 1,289 MWh against the published 1,287 MWh (+0.2%)
    assert gpt3["energy_kwh_from_published_hours"] / gpt3["published_energy_kwh"] - 1 == pytest.approx(0.0018, abs=5e-4)
    runs = {r["run"]: r for r in doc["runs"]}
    assert runs["gpt3-175b"]["published_device_hours"] == pytest.approx(3.552e6)


def test_alphago_vs_brain(capsys):
    code, out, _ = cli(capsys, "estimate", "--preset", "alphago-vs-brain")
    assert code == 0
    assert "4.00 MWh" in out  # 1 MW × 4 h
    assert "50,000× less" in out  # 1 MW / 20 W


def test_architecture_workload(capsys):
    code, out, _ = cli(capsys, "estimate", "--layers", "96", "--d-model", "12288", "--context", "2048",
                       "--vocab", "50257", "--tokens", "300e9", "--hardware", "v100-sxm2", "--format", "json")
    data = json.loads(out)
    per_token = 3 * (2 * 12 * 96 * 12288**2 + 2 * 96 * 2048 * 12288 + 2 * 12288 * 50257)
    assert code == 0 and data["flops"] == pytest.approx(per_token * 300e9)
    assert "Kaplan" in data["assumptions"]["flops"]["source"]


def test_generic_network_workload(capsys):
    code, out, _ = cli(capsys, "estimate", "--forward-flops", "7.6e9", "--examples", "1281167", "--epochs", "90",
                       "--hardware", "a100-sxm-80gb", "--format", "json")
    assert code == 0 and json.loads(out)["flops"] == pytest.approx(3 * 7.6e9 * 1281167 * 90)


@pytest.mark.parametrize("args, message", [
    (["--layers", "96", "--tokens", "1e9"], "architecture needs"),
    (["--forward-flops", "1e9"], "generic network needs"),
    (["--layers", "2.5", "--d-model", "64", "--context", "64", "--vocab", "100", "--tokens", "1e9"], "whole number"),
])
def test_bad_workload_shapes(capsys, args, message):
    code, _, err = cli(capsys, "estimate", "--hardware", "h100-sxm", *args)
    assert code == 2 and message in err


def test_validate_names_a_broken_profile_instead_of_crashing(monkeypatch, capsys):
    """A shipped profile that fails to load (a bad edit) stops the energy checks with its file, field and fix, as
    `estimate` does: no KeyError traceback; `fit-utilization` runs them (`validate` prints what it wrote) and exits 2
    with one line (here its fit, stood in for by the checks, meets the error first)."""
    from estimator.core.base.errors import ProfileError
    from estimator.io.datafiles import ProfileSet
    ps = default_profiles()
    err = ProfileError(str(PROFILES_DIR / "v100-sxm2.toml"), "power.tdp_w", "expected a number, got 'oops'",
                       "write a plain number")
    broken = ProfileSet({k: v for k, v in ps.profiles.items() if k != "v100-sxm2"}, (err,))
    from estimator.services.accuracy import energy_checks
    monkeypatch.setattr(energy_checks, "default_profiles", lambda: broken)
    with pytest.raises(ProfileError, match="power.tdp_w"):
        energy_checks.energy_checks()
    # the CLI's one line for it: `fit-utilization --check`'s cross-validation runs the energy checks first
    from estimator.services.accuracy import utilization as accuracy
    monkeypatch.setattr(accuracy, "refit", energy_checks.energy_checks)
    assert main(["fit-utilization", "--check"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "v100-sxm2.toml" in lines[0]


def test_version_abbreviated_flags_and_near_miss_hardware(capsys):
    import estimator
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"python -m estimator {estimator.__version__}"
    # a shortened flag is refused, never read as the flag it begins
    assert main(["estimate", "--flop", "1e21", "--hardware", "h100-sxm"]) == 2
    assert "unrecognized arguments: --flop" in capsys.readouterr().err
    # an unknown id suggests the ids it begins, or close spellings (names people write are
    # tests/core/test_hardware_names.py's)
    for given, hint in (("h100-sx", "did you mean h100-sxm?"), ("tpu-v9", "did you mean tpu-v2 or tpu-v3 or tpu-v4")):
        assert main(["estimate", "--flops", "1e21", "--hardware", given]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and hint in err[0] and "valid ids:" in err[0]
    assert main(["estimate", "--flops", "1e21", "--hardware", "zzz"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_an_incomplete_architecture_names_what_is_missing(capsys):
    assert main(["estimate", "--tokens", "1e12", "--layers", "32", "--d-model", "4096", "--hardware", "h100-sxm"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("error: an architecture needs layers, d_model, context and vocab; missing: context, vocab "
                   "(--context, --vocab)")


def test_presets_and_profiles_as_json(capsys):
    """Export audit: no machine-readable list of presets or profiles (`--format json` was refused)."""
    from estimator.core.calibration.calibrate import profile_to_dict
    from estimator.io.datafiles import default_profiles, load_presets
    code, out, _ = cli(capsys, "presets", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and [p["id"] for p in doc] == list(load_presets())
    lam = next(p for p in doc if p["id"] == "lambda-gpt3-v100")
    assert lam["inputs"]["flops"] == 3.14e23 and lam["published"]["cost_usd"] == 4.6e6 and lam["hardware"] == "v100-sxm2"
    bloom = next(p for p in doc if p["id"] == "bloom-176b")
    assert bloom["tied_to_power"] == ["pue"] and bloom["shape"]["layers"] == 70 and bloom["published_run"] == "bloom-176b"
    code, out, _ = cli(capsys, "profiles", "list", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    h100 = default_profiles().get("h100-sxm")
    assert code == 0 and rows["h100-sxm"]["peak_flops_per_s"] == h100.peak() and rows["brain"]["reference_point"] is True
    code, out, _ = cli(capsys, "profiles", "show", "h100-sxm", "--format", "json")
    assert code == 0 and json.loads(out) == json.loads(json.dumps(profile_to_dict(h100)))
    code, _, err = cli(capsys, "profiles", "validate", "--format", "json")
    assert code == 2 and "--format json is for list and show" in err


def test_validating_a_file_with_a_bundled_id_says_it_would_be_set_aside(capsys, tmp_path):
    """Review: `profiles validate FILE` said "ok" for a file with a bundled profile's id, which
    loading sets aside."""
    import shutil

    from estimator.io.datafiles import PROFILES_DIR
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "copy.toml")
    code, out, err = cli(capsys, "profiles", "validate", str(tmp_path / "copy.toml"))
    assert code == 2 and f"broken: {tmp_path / 'copy.toml'}: field 'id': 'brain' is the id of the bundled profile" in out
    code, out, _ = cli(capsys, "profiles", "validate", str(PROFILES_DIR / "brain.toml"))
    assert code == 0 and out.startswith("ok:")
