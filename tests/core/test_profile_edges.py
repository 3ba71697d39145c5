"""Profiles, tracked runs and the deployment tools at their edges (an audit: a 400-digit number or
a `points = 5` in a profile crashed every command; implausible power and bandwidth loaded; a
unit hint was given for a year and a fraction; a run stopped early read "finished")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from estimator.core.base.errors import EstimatorError, ProfileError
from estimator.core.hardware.fields import MAX_OVER_TDP
from estimator.core.hardware.schema import FRACTION_HINT
from estimator.core.tracking.predict import drift_text
from estimator.io.datafiles import PROFILES_DIR, load_profile_file, load_profiles
from estimator.report.track_report import _num

GOOD = (PROFILES_DIR / "h100-sxm.toml").read_text()
A100 = (PROFILES_DIR / "a100-sxm-80gb.toml").read_text()


def _broken(tmp_path: Path, text: str) -> ProfileError:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    assert str(path) in str(info.value)
    return info.value


def test_a_number_too_large_for_a_float_is_a_profile_error_and_the_others_still_load(tmp_path):
    text = GOOD.replace("bf16 = 9.89e14", "bf16 = " + "9" * 400)
    err = _broken(tmp_path, text)
    assert err.field == "peak_flops_per_s.bf16" and "(400 digits) is too large" in err.problem
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path)
    ps = load_profiles(tmp_path)
    assert set(ps.profiles) == {"brain"} and len(ps.errors) == 1


def test_calibration_points_must_be_an_array_of_tables(tmp_path):
    err = _broken(tmp_path, GOOD + "\n[calibration]\nmethod = \"by hand\"\npoints = 5\n")
    assert err.field == "calibration.points" and "[[calibration.points]]" in err.fix


@pytest.mark.parametrize("old, new, field, fix", [
    ('family = "h100"', "default = 30\nrange = [20, 40]", "utilization.default", FRACTION_HINT),
    ('family = "h100"', "default = 1e-9", "utilization.default", FRACTION_HINT),  # --utilization's bound (CLI audit)
    ('family = "h100"', "default = 0.3\nrange = [1e-9, 0.5]", "utilization.range", FRACTION_HINT),
    ("release_year = 2022", "release_year = 20220", "release_year", "four-digit year"),
    ("pue = 1.1", "pue = 0.5", "datacenter.pue", "ratio of at least 1"),
])
def test_a_ratio_or_a_year_out_of_bounds_gets_its_own_fix_not_a_unit_hint(tmp_path, old, new, field, fix):
    assert old in GOOD
    err = _broken(tmp_path, GOOD.replace(old, new))
    assert err.field == field and fix in err.fix and "unit" not in err.fix


def test_implausible_bandwidth_and_power_are_refused(tmp_path):
    err = _broken(tmp_path, GOOD.replace("bandwidth_gb_per_s = 3350.0", "bandwidth_gb_per_s = 1e-300"))
    assert err.field == "memory.bandwidth_gb_per_s" and "implausible" in err.problem
    explicit = A100.replace('fit = "gpu-system"', 'average_w = 400000.0\nincludes_host = false')
    assert 'fit = "gpu-system"' in A100 and "tdp_w = 400.0" in A100
    err = _broken(tmp_path, explicit)
    assert err.field == "power.average_w" and f"more than {MAX_OVER_TDP:g} × tdp_w = 400 W" in err.problem
    assert "not kW" in err.fix


def test_a_stated_range_beside_a_fitted_family_is_refused(tmp_path):
    err = _broken(tmp_path, GOOD.replace('family = "h100"', 'family = "h100"\nrange = [0.9, 0.95]'))
    assert err.field == "utilization.range" and "takes the fit's interval" in err.problem


def test_an_id_is_ascii_only(tmp_path):
    for pid in ("h100²", "h100-ß"):
        err = _broken(tmp_path, GOOD.replace('id = "h100-sxm"', f'id = "{pid}"'))
        assert err.field == "id"


def test_validate_counts_every_file_a_duplicate_id_makes_unusable(tmp_path, monkeypatch, capsys):
    from estimator.cli import main
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "a.toml")
    shutil.copy(PROFILES_DIR / "brain.toml", tmp_path / "b.toml")
    shutil.copy(PROFILES_DIR / "h100-sxm.toml", tmp_path / "c.toml")
    ps = load_profiles(tmp_path)
    assert ps.counts == (2, 3)  # two files share an id: both unusable, one error line
    monkeypatch.setattr("estimator.cli.estimate_cmds.default_profiles", lambda: ps)
    assert main(["profiles", "validate"]) == 2
    assert "error: 2 of 3 profile file(s) are broken" in capsys.readouterr().err


def test_a_drift_is_never_said_as_zero():
    assert drift_text(0.12) == "+12%" and drift_text(-0.03) == "-3%"
    assert drift_text(0.004) == "+0.4%" and drift_text(-0.002) == "-0.2%"
    assert drift_text(0.0001) == "+less than 0.1%" and drift_text(-0.0001) == "-less than 0.1%"


def test_a_saved_report_with_a_number_no_float_holds_is_refused_in_words():
    with pytest.raises(EstimatorError, match=r"steps_done is 999999999999… \(400 digits\)"):
        _num("steps_done", int("9" * 400), high=1e12, whole=True)


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux's /proc, a folder that takes no files")
def test_calibrate_refuses_an_unwritable_output_before_it_measures(cli):
    res = cli("calibrate", "--backend", "cpu", "--seconds", "30", "--out", "/proc/x.toml")
    assert res.code == 2 and res.err.startswith("error: cannot write /proc/x.toml: /proc does not take new files")
    assert res.out == ""  # nothing measured: the check came first


@pytest.mark.parametrize("module, argv, text", [
    ("deploy.cluster", ["--listen", "bad"], "expected host:port"),
    ("deploy.cluster", ["--processes", "0"], "must be at least 1"),
    ("deploy.cluster", ["--listen", "127.0.0.1:70000"], "a port is at most 65535"),
    ("benchmarks.bench_load", ["--proxy", "-1"], "must be at least 1"),
    ("benchmarks.bench_load", ["--proxy", "0"], "must be at least 1"),
    ("benchmarks.bench_load", ["--sessions", "0"], "must be at least 1"),
])
def test_the_deployment_tools_refuse_bad_arguments_in_one_line(module, argv, text, capsys):
    import importlib
    with pytest.raises(SystemExit) as info:
        importlib.import_module(module).main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert text in err and "Traceback" not in err


@pytest.mark.parametrize("date", ["2099-13", "last tuesday", "24-06", "2024-6", "3024", "2024-06-32", "2024-06-15-1"])
def test_a_price_date_is_a_year_or_a_year_and_month(tmp_path, date):
    """Audit: "2099-13" passed and started a trend in 2099; "last tuesday" fell back silently."""
    old = next(line for line in GOOD.splitlines() if line.startswith("date = "))
    err = _broken(tmp_path, GOOD.replace(old, f'date = "{date}"'))
    assert err.field == "price.date" and '"YYYY", "YYYY-MM" or "YYYY-MM-DD"' in err.fix


@pytest.mark.parametrize("date", ["2024", "2024-06", "2022-01", "2024-06-15"])  # from the H100's release (2022)
def test_a_good_price_date_loads(tmp_path, date):
    old = next(line for line in GOOD.splitlines() if line.startswith("date = "))
    path = tmp_path / "ok.toml"
    path.write_text(GOOD.replace(old, f'date = "{date}"'))
    assert load_profile_file(path).price.date == date
