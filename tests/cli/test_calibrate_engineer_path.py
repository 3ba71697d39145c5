"""Fixes from an audit of the engineer's path (calibrate, its profiles, their validation): each
finding's reproduction, now answered as it should be."""

from __future__ import annotations

import json
import tomllib

import pytest
from busy_calibration import BUSY, IDLE, STEADY, fake_cpu, readings, run_command_calibration

from estimator.cli import main
from estimator.core.base.errors import InputError, ProfileError
from estimator.device import machine_load
from estimator.io.datafiles import PROFILES_DIR, default_profiles, load_profile_file


def _calibrate(monkeypatch, *args: str, load=(IDLE, IDLE), fallback: str | None = None) -> int:
    import estimator.device.backends as measure

    def backend(*a, **k):
        meter = fake_cpu(monkeypatch, STEADY)
        if fallback:
            meter.fallback_reason = fallback
        return meter
    monkeypatch.setattr(machine_load, "read_load", readings(*load))
    monkeypatch.setattr(measure, "open_backend", backend)
    return main(["calibrate", *args])


def test_a_calibration_that_warns_replaces_a_profile_only_with_force(monkeypatch, tmp_path, capsys):
    """Audit 1: a busy re-run (3 of 4 checks missed) replaced a good calibration without a word of asking.
    Issue 55: it was then written beside it as cal.toml.new, to move by hand. One rule now: a profile in the
    output file is replaced only with --force, the run refused before it measures, nothing written."""
    out = tmp_path / "cal.toml"
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out)) == 0
    good = out.read_text()
    capsys.readouterr()
    # the same calibration again (same base, the built-in workload), busy or idle: refused in one line
    for load in ((BUSY, BUSY), (IDLE, IDLE)):
        assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out), load=load) == 2
        cap = capsys.readouterr()
        assert cap.out == "" and cap.err.count("\n") == 1
        assert cap.err.startswith(f"error: {out} holds this calibration's earlier result ('")
        assert "on the built-in matrix products with base cpu-server-2s-epyc" in cap.err
        assert cap.err.endswith("the new one replaces it only with --force: give --force, or --out for another "
                                "file\n")
        assert out.read_text() == good and sorted(p.name for p in tmp_path.iterdir()) == ["cal.toml"]
    # --force replaces it atomically, says the values it replaced in one line, and keeps the warning
    earlier = tomllib.loads(good)["calibration"]
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out), "--force", load=(BUSY, BUSY)) == 0
    lines = capsys.readouterr().out.splitlines()
    (note,) = [line for line in lines if "replaced the profile" in line]
    assert note.startswith(f"note          replaced the profile that was in {out}, '{earlier_id(good)}': ")
    assert f"measured at {earlier['measured_at']} on the built-in matrix products" in note
    assert any(line.startswith("warning       the machine looked busy") for line in lines)
    assert out.read_text() != good and sorted(p.name for p in tmp_path.iterdir()) == ["cal.toml"]
    # the JSON says what was replaced, its figures as numbers
    forced = tomllib.loads(out.read_text())["calibration"]
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out), "--force", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["profile_path"] == str(out) and doc["replaced_existing_file"] is True and "not_replaced" not in doc
    assert doc["replaced_profile"] == {
        "profile_id": earlier_id(good), "achieved_flops_per_s": forced["achieved_flops_per_s"],
        "precision": forced["precision"], "mean_power_w": forced["mean_power_w"], "measured_at": forced["measured_at"],
        "base_profile": "cpu-server-2s-epyc", "workload": "the built-in matrix products"}


def earlier_id(text: str) -> str:
    return tomllib.loads(text)["id"]


def test_calibrating_a_command_over_a_profile_is_refused_before_it_runs(monkeypatch, tmp_path, capsys):
    """Issue 55: calibrating one's own command after an earlier calibration wrote <file>.toml.new. Another
    workload's profile there is refused before the command runs, named with its figures."""
    import sys
    out = tmp_path / "cal.toml"
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out)) == 0
    good = out.read_text()
    capsys.readouterr()
    ran = tmp_path / "ran"
    cmd = [sys.executable, "-c", f"open({str(ran)!r}, 'w')"]
    assert _calibrate(monkeypatch, "--flops", "2e11", "--out", str(out), "--", *cmd) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {out} already holds the profile '{earlier_id(good)}': ")
    assert f"calibrating the command `{' '.join(cmd)}` with base cpu-server-2s-epyc would replace it: give --force " \
           "to replace it, or --out for another file" in err
    assert not ran.exists() and out.read_text() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.toml"]


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_command_far_from_the_machines_products_warns_or_is_refused(monkeypatch):
    """Audit 2: `-- sleep 2` became a profile at 8.4 × 10⁻⁵ of peak with no warning; its check on the
    machine's matrix products missed by +8193%. The fake command runs 1 × 10¹¹ FLOP/s. Twenty times faster
    than the products is refused (measuring engineer's review 2026-11-30: the FLOPs given are wrong)."""
    result = run_command_calibration(monkeypatch, readings(IDLE, IDLE), holdout_flops_per_s=2e12)
    (warning,) = result.warnings
    assert warning.startswith("the command reached 1/20 of the throughput of this machine's matrix products")
    with pytest.raises(InputError, match="^the command reached 20× the throughput of this machine's matrix products"):
        run_command_calibration(monkeypatch, readings(IDLE, IDLE), holdout_flops_per_s=5e9)
    assert run_command_calibration(monkeypatch, readings(IDLE, IDLE), holdout_flops_per_s=9e11).warnings == ()


def test_a_refused_base_is_one_error_line_after_no_note(monkeypatch, tmp_path, capsys):
    """Audit 3: `calibrate --base h100-sxm` without a GPU printed the CPU-fallback note, then the error."""
    code = _calibrate(monkeypatch, "--base", "h100-sxm", "--out", str(tmp_path / "x.toml"),
                      fallback="NVML is not available (no NVIDIA GPU)")
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: the measurement is of a cpu, but the base "
                                                                  "profile h100-sxm is a gpu")


def test_a_command_that_fails_is_one_error_line_and_a_measured_run_says_its_fallback(monkeypatch, tmp_path, capsys):
    """Measuring engineer's review 2026-11-29: `calibrate --flops 1e9 -- false` printed the CPU-fallback note, then
    the error; the note now follows a measured run, never a refused one."""
    import sys
    fallback = "NVML is not available (no NVIDIA GPU)"
    code = _calibrate(monkeypatch, "--flops", "1e9", "--out", str(tmp_path / "x.toml"), "--", sys.executable, "-c",
                      "raise SystemExit(1)", fallback=fallback)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("error: the command exited with status 1")
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(tmp_path / "y.toml"), fallback=fallback) == 0
    assert f"note: {fallback}; measuring the CPU instead" in capsys.readouterr().err


def test_nothing_after_the_separator_is_refused(capsys):
    """Audit 8: `calibrate --` alone ran the 10-second built-in workload and wrote a profile."""
    assert main(["calibrate", "--"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(
        "error: nothing follows `--`: give the command to measure after it, or leave `--` out to run the built-in "
        "workload")


def test_an_imported_gpu_profile_is_named_for_one_gpu(tmp_path, capsys, monkeypatch):
    """Audit 4: CodeCarbon's "8 x NVIDIA H100 80GB HBM3" named a one-device profile; with --devices 8
    its heading read as 64 GPUs."""
    monkeypatch.setenv("ESTIMATOR_CALIBRATED_DIR", str(tmp_path))
    log = tmp_path / "emissions.csv"
    log.write_text("timestamp,project_name,run_id,duration,cpu_energy,gpu_energy,ram_energy,gpu_count,gpu_model,"
                   "cpu_model,codecarbon_version\n2026-01-01T00:00:00,p,aaaa1111,3600,0.05,2.8,0.01,8,"
                   "8 x NVIDIA H100 80GB HBM3,Xeon,2.7.0\n")
    out = tmp_path / "h.toml"
    assert main(["calibrate", "--from-codecarbon", str(log), "--flops", "8e18", "--base", "h100-sxm",
                 "--out", str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["device_name"] == "NVIDIA H100 80GB HBM3"
    profile = load_profile_file(out)
    assert "8 x" not in profile.name and profile.name.startswith("NVIDIA H100 80GB HBM3")


def _calibrated(tmp_path, **changes) -> ProfileError:
    """A calibrated profile (the CLI's, on the fake CPU) with [calibration] fields changed."""
    import tomli_w
    out = tmp_path / "cal.toml"
    data = tomllib.loads(out.read_text())
    for key, value in changes.items():
        if value is None:
            data["calibration"].pop(key)
        else:
            data["calibration"][key] = value
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps(data))
    with pytest.raises(ProfileError) as err:
        load_profile_file(bad)
    return err.value


def test_a_hand_edited_calibration_record_is_checked(monkeypatch, tmp_path, capsys):
    """Audit 5: achieved_flops_per_s above the peak, against the utilisation, and a record without its
    method validated "ok"."""
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(tmp_path / "cal.toml")) == 0
    err = _calibrated(tmp_path, achieved_flops_per_s=9e12)
    assert err.field == "calibration.achieved_flops_per_s" and "9 × 10¹² FLOP/s, but calibration.utilization" in err.problem
    assert "make the two agree" in err.fix
    err = _calibrated(tmp_path, method=None)
    assert err.field == "calibration.method" and "remove the [calibration] table" in err.fix
    assert _calibrated(tmp_path, method="  ").field == "calibration.method"
    capsys.readouterr()
    assert main(["profiles", "validate", str(tmp_path / "bad.toml")]) == 2
    assert "calibration.method" in capsys.readouterr().out


def test_a_kept_warned_calibration_says_so_wherever_it_is_used(monkeypatch, tmp_path, capsys):
    """Review: a profile forced past its warnings read like any other once written. It now records them
    (calibration.warnings), `profiles show` lists them, and an estimate on it notes the first."""
    out = tmp_path / "cal.toml"
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out), load=(BUSY, BUSY)) == 0
    (warning,) = tomllib.loads(out.read_text())["calibration"]["warnings"]
    assert warning.startswith("the machine looked busy")
    capsys.readouterr()
    assert main(["profiles", "show", str(out)]) == 0
    assert f"warnings: {warning}" in capsys.readouterr().out
    assert main(["estimate", "--hardware", str(out), "--flops", "1e18", "--format", "json"]) == 0
    notes = json.loads(capsys.readouterr().out)["notes"]
    assert sum(n.startswith("the calibration behind") and f"likely unreliable ({warning})" in n for n in notes) == 1
    # an idle calibration records none, and its estimate has no such note
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(tmp_path / "idle.toml")) == 0
    assert "warnings" not in tomllib.loads((tmp_path / "idle.toml").read_text())["calibration"]
    # a hand edit of the record is checked like its other fields
    err = _calibrated(tmp_path, warnings=[3])
    assert err.field == "calibration.warnings" and "expected a list of texts" in err.problem


def test_a_calibrated_cpu_base_is_not_called_a_whole_server(monkeypatch, tmp_path):
    """Calibrate audit: with a calibrated profile as the base, its power was "a whole server" at its own 7.5 W."""
    from estimator.core.base.errors import MeasurementError
    from estimator.core.calibration.calibrate import require_power_or_base_device
    from estimator.io.datafiles import default_profiles
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(tmp_path / "cal.toml")) == 0
    calibrated = load_profile_file(tmp_path / "cal.toml")
    watts = calibrated.power.tdp_w
    with pytest.raises(MeasurementError, match=r"since the base profile \S+ holds an earlier calibration's draw, "
                                               rf"{watts:g} W, not the machine measured now"):
        require_power_or_base_device(calibrated, None)
    with pytest.raises(MeasurementError, match="cpu-server-2s-epyc is a whole server, 450 W, not the machine"):
        require_power_or_base_device(default_profiles().get("cpu-server-2s-epyc"), None)


def test_a_year_given_as_text_is_told_to_write_a_year():
    """Audit 10: release_year = "2023" was told to write a number such as 312e12."""
    data = tomllib.loads((PROFILES_DIR / "h100-sxm.toml").read_text())
    data["release_year"] = "2023"
    from estimator.core.hardware.reader import profile_from_dict
    from estimator.io.datafiles import load_power_fits, load_utilization_model
    with pytest.raises(ProfileError) as err:
        profile_from_dict(data, "x.toml", load_utilization_model(), load_power_fits())
    assert err.value.field == "release_year" and err.value.fix == "write a plain number such as 2020, no quotes or units"


def test_the_calibrate_guide_gives_the_commands_factor_from_its_constant():
    from pathlib import Path

    from estimator.core.calibration.checks import COMMAND_FAR_FACTOR
    text = " ".join((Path(__file__).resolve().parents[2] / "docs" / "how-to" / "calibrate.md").read_text().split())
    assert f"unless the command ran more than {COMMAND_FAR_FACTOR:g} times slower than the matrix products" in text
    assert f"More than {COMMAND_FAR_FACTOR:g} times faster than the machine multiplies is refused" in text


def test_an_imported_run_too_slow_for_a_profile_is_told_in_the_commands_words(capsys, tmp_path):
    """Audit 6: a throughput below a millionth of peak was refused as the profile's 'utilization.default'
    with a fix for someone editing a file."""
    from pathlib import Path
    log = Path(__file__).resolve().parents[1] / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
    assert main(["calibrate", "--from-codecarbon", str(log),
                 "--flops", "1.5e7", "--base", "cpu-server-2s-epyc", "--out", str(tmp_path / "x.toml")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the measured throughput is ") and "of the fp32 peak of cpu-server-2s-epyc" in err
    assert "check the FLOPs given" in err and "utilization.default" not in err and err.count("\n") == 1
    assert not (tmp_path / "x.toml").exists()


def _no_nvml(monkeypatch):
    import pynvml
    from fake_nvml import FakeClock, FakeGpu

    from estimator.device import nvml as nvml_mod
    monkeypatch.setattr(nvml_mod, "_import_pynvml",
                        FakeGpu(FakeClock(), init_error=pynvml.NVML_ERROR_LIBRARY_NOT_FOUND).module)


def test_a_tracked_run_that_names_a_gpu_where_none_is_is_refused_before_the_training(monkeypatch):
    """Audit 9: track(device_index=2) on a machine without a GPU measured the CPU with a note only; then (measure
    review 2026-11-27) a failure line at the end of the run. Refused at the start now, as calibrate --device 3 is."""
    from track_fakes import Clock, run_steps

    from estimator.monitor.track import track
    _no_nvml(monkeypatch)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    clock = Clock()
    with pytest.raises(InputError, match="device_index 2 names a GPU, and NVML is not available") as refused:
        with track(total_steps=20, device_index=2, clock=clock, print_report=False) as run:
            run_steps(run, clock, [0.01] * 20)
    assert refused.value.field == "device_index"
    # what the start had opened is closed (the CPU's meter opened in NVML's place)
    from estimator.device import backends
    opened = []
    real_open = backends.open_backend

    def recording(*a, **kw):
        opened.append(real_open(*a, **kw))
        closed = opened[-1].close
        opened[-1].close = lambda: (setattr(opened[-1], "was_closed", True), closed())
        return opened[-1]
    monkeypatch.setattr(backends, "open_backend", recording)
    with pytest.raises(InputError):
        track(total_steps=20, device_index=2, clock=clock, print_report=False).start()
    assert opened and getattr(opened[-1], "was_closed", False)
    monkeypatch.setattr(backends, "open_backend", real_open)
    with track(total_steps=20, clock=clock, print_report=False) as run:  # no GPU named: the CPU, as asked
        run_steps(run, clock, [0.01] * 20)
    assert run.failures == []


def test_a_tracked_run_on_nvml_alone_is_refused_with_what_to_ask_for(monkeypatch):
    """Audit 9: backend='nvml' fell back to time only while its message said the CPU backend still works; measure
    review 2026-11-27: it went on, time only, where `calibrate --backend nvml` exits 2. Refused at the start now."""
    from estimator.core.base.errors import EstimatorError
    from estimator.monitor.track import track
    _no_nvml(monkeypatch)
    with pytest.raises(EstimatorError, match="opening the nvml backend: .*backend='nvml' measures a GPU only: give "
                                             "backend='auto' to measure the CPU"):
        track(total_steps=20, backend="nvml", print_report=False).start()


@pytest.mark.slow  # runs a subprocess (pytest.ini: slow)
def test_a_command_calibrated_on_the_cpu_is_given_no_gpu_number(monkeypatch, tmp_path):
    """Review: `calibrate -- CMD` on the CPU set the tracked run's GPU to 0, so a script's track() on a machine
    without a GPU was told it named GPU 0."""
    import sys

    from busy_calibration import BASE
    from track_fakes import FakeMeter

    from estimator.io.datafiles import default_profiles
    from estimator.monitor import calibration_command as cc
    from estimator.monitor.track_markers import ENV_TRACK_DEVICE
    fake_cpu(monkeypatch, STEADY)
    monkeypatch.delenv(ENV_TRACK_DEVICE, raising=False)
    seen = tmp_path / "env.txt"
    script = f"import os; open({str(seen)!r}, 'w').write(os.environ.get({ENV_TRACK_DEVICE!r}, 'unset'))"
    from fake_nvml import FakeClock
    cc.calibrate_command(FakeMeter(FakeClock(tick=2.0), power_w=20.0), default_profiles().get(BASE),
                         [sys.executable, "-c", script], 2e11, load=readings(IDLE, IDLE))
    assert seen.read_text() == "unset"


def test_the_flops_help_says_a_command_is_metered_on_one_device(cli):
    """Measure audit: NVML meters one GPU, and a command's FLOPs over 8 GPUs gave 8× the throughput beside one
    GPU's power, with nothing saying the FLOPs must be the metered device's."""
    out = " ".join(cli("calibrate", "--help").out.split())
    assert "FLOPs of the command after `--` on the one device it meters (on several GPUs: one GPU's share)" in out


def test_a_file_given_with_out_takes_its_own_id_or_is_refused_before_measuring(monkeypatch, tmp_path, capsys,
                                                                               calibrated_dir):
    """Review 2026-11-27: `calibrate --out FILE` beside a profile of the same id in profiles/calibrated/ wrote a file
    that every `--hardware FILE` then refused (two profiles of one id); refused before measuring, with a free id."""
    assert _calibrate(monkeypatch, "--seconds", "1") == 0
    (first,) = calibrated_dir.iterdir()
    pid = load_profile_file(first).id
    capsys.readouterr()
    elsewhere = tmp_path / "mine.toml"
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(elsewhere)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"profile id '{pid}' is already used by " in err
    assert err.rstrip().endswith(f"give --id another value (e.g. --id {pid}-2)") and not elsewhere.exists()
    # with its own id it is written and usable by its path, beside the first
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(elsewhere), "--id", f"{pid}-2") == 0
    capsys.readouterr()
    assert main(["estimate", "--flops", "1e18", "--hardware", str(elsewhere), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["hardware"] == f"{pid}-2"
    # the same calibration again in profiles/calibrated/: the way on is another id, not another --out
    assert _calibrate(monkeypatch, "--seconds", "1") == 2
    assert capsys.readouterr().err.rstrip().endswith("give --force, or --id for a profile beside it")


def test_an_out_given_in_the_calibrated_folder_is_told_to_take_another_file_and_id(monkeypatch, capsys, calibrated_dir):
    """Review 2026-11-27: with --out naming a file in profiles/calibrated/, the refusal's "--id" alone was refused in
    turn (the file still held the profile); it names both."""
    out = calibrated_dir / "mine.toml"
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out)) == 0
    capsys.readouterr()
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(out)) == 2
    assert capsys.readouterr().err.rstrip().endswith("give --force, or another --out and --id for a profile beside it")
    pid = load_profile_file(out).id
    assert _calibrate(monkeypatch, "--seconds", "1", "--out", str(calibrated_dir / "other.toml"), "--id",
                      f"{pid}-2") == 0


@pytest.mark.parametrize(("region", "iso"), [("France", "FRA"), ("FR", "FRA"), ("fra", "FRA"), ("usa:california", "USA")])
def test_a_region_reaches_codecarbon_as_its_iso_alpha_3_code(monkeypatch, tmp_path, region, iso):
    """Measuring engineer's review 2026-11-29: "France", "FR" and "usa:california" passed the check and reached
    CodeCarbon as "FRANCE", "FR" and "USA:CALIFORNIA", which it refused mid-run (and the profile recorded them)."""
    import estimator.device.backends as measure
    asked = {}

    def backend(*a, **k):
        asked.update(k)
        return fake_cpu(monkeypatch, STEADY)
    monkeypatch.setattr(machine_load, "read_load", readings(IDLE, IDLE))
    monkeypatch.setattr(measure, "open_backend", backend)
    assert main(["calibrate", "--seconds", "1", "--region", region, "--out", str(tmp_path / "r.toml")]) == 0
    assert asked["country_iso_code"] == iso


def test_a_built_in_run_shorter_than_the_cpu_meters_sampling_is_refused_before_it_runs(capsys, tmp_path):
    """Measuring engineer's review 2026-11-30: `--seconds 0.1` on the CPU ran 0.65 s, then was refused as shorter than
    CodeCarbon's 1-s power sampling; refused before it runs, naming --seconds."""
    out = tmp_path / "x.toml"
    assert main(["calibrate", "--backend", "cpu", "--seconds", "0.5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == ("error: the built-in workload's 0.5 s is shorter than the meter's 1-s power sampling (CodeCarbon), "
                   "so its power would be no reading: give at least 1 s (--seconds)\n")
    assert not out.exists()


def test_the_api_refuses_a_built_in_run_shorter_than_the_meters_sampling_before_it_runs(monkeypatch):
    """Diff review 2026-11-30: the refusal before running was the CLI's only; the Python API (and the app) ran the
    workload first."""
    from fake_nvml import FakeClock
    from track_fakes import FakeMeter

    from estimator.device import matmul_bench as mb
    from estimator.monitor.calibration_run import calibrate_builtin

    def ran(*args, **kwargs):
        raise AssertionError("the workload ran")
    monkeypatch.setattr(mb, "run_numpy", ran)
    meter = FakeMeter(FakeClock(tick=2.0), power_w=20.0)
    meter.measure_power_secs = 1.0  # CodeCarbon's sampling
    with pytest.raises(InputError, match=r"^the built-in workload's 0.5 s is shorter than the meter's 1-s power "
                                         r"sampling") as refused:
        calibrate_builtin(meter, default_profiles().get("cpu-server-2s-epyc"), 0.5)
    assert refused.value.fields == ("seconds",)


def test_an_imported_runs_precision_the_base_has_no_peak_for_names_the_flag(capsys, tmp_path):
    """Measuring reviewer 2026-12-02: the refusal named no flag here, where the same mistake with `-- CMD` did."""
    from pathlib import Path
    log = Path(__file__).resolve().parents[1] / "data" / "codecarbon" / "emissions_codecarbon_3.3.2.csv"
    assert main(["calibrate", "--from-codecarbon", str(log), "--flops", "1e11", "--base", "cpu-server-2s-epyc",
                 "--precision", "bf16", "--out", str(tmp_path / "x.toml")]) == 2
    assert capsys.readouterr().err == ("error: none of the measured precisions (bf16) has a peak in cpu-server-2s-epyc; "
                                       "it has: fp64, fp32 (--precision)\n")
    assert not (tmp_path / "x.toml").exists()
