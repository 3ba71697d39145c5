"""Atomic profile writing and the CodeCarbon CSV import.

tests/data/codecarbon/ holds files from real CodeCarbon runs on the project's 2-core CI VM
(country FRA, log_level "error", a float32 512×512 numpy matmul loop; FLOPs = 2·512³ × reps):
- emissions_codecarbon_3.3.2.csv: CodeCarbon 3.3.2, 38 columns, two runs appended
  (cce-new-a: 1,732 products = 464,930,209,792 FLOP; cce-new-b: 2,683 = 720,212,328,448 FLOP);
- emissions_codecarbon_2.2.7.csv: CodeCarbon 2.2.7 (pip-installed in a separate venv), 31 columns,
  one run (2,698 products = 724,238,860,288 FLOP).
"""

import json
import os
from pathlib import Path

import pytest

from estimator.cli import main
from estimator.core.base.errors import InputError, ProfileError
from estimator.core.calibration.calibrate import profile_to_dict
from estimator.io.calibration_io import (
    MAX_CSV_BYTES,
    decode_csv_bytes,
    measurement_from_codecarbon,
    parse_codecarbon_csv,
    read_codecarbon_csv,
    select_run,
    write_profile,
)
from estimator.io.datafiles import default_profiles, load_profile_file
from estimator.services import api

DATA = Path(__file__).resolve().parents[1] / "data" / "codecarbon"
NEW = DATA / "emissions_codecarbon_3.3.2.csv"
OLD = DATA / "emissions_codecarbon_2.2.7.csv"
FLOPS_NEW_B = 2683 * 2 * 512 ** 3
FLOPS_OLD = 2698 * 2 * 512 ** 3
CPU = default_profiles().get("cpu-server-2s-epyc")


# --- atomic write -------------------------------------------------------------------------

def test_write_then_overwrite(tmp_path):
    out = tmp_path / "p.toml"
    write_profile(profile_to_dict(CPU), out)
    assert load_profile_file(out).id == CPU.id
    data = profile_to_dict(CPU)
    data["id"] = "cpu-two"
    write_profile(data, out)
    assert load_profile_file(out).id == "cpu-two"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["p.toml"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not mkstemp's 0600


def test_interrupt_during_replace_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch):
    out = tmp_path / "p.toml"
    write_profile(profile_to_dict(CPU), out)
    before = out.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", interrupted)
    data = profile_to_dict(CPU)
    data["id"] = "other"
    with pytest.raises(KeyboardInterrupt):
        write_profile(data, out)
    assert out.read_bytes() == before and [x.name for x in tmp_path.iterdir()] == ["p.toml"]


def test_invalid_profile_is_refused_before_the_file_is_touched(tmp_path):
    data = profile_to_dict(CPU)
    data["power"]["average_w"] = -5
    with pytest.raises(ProfileError, match="power.average_w"):
        write_profile(data, tmp_path / "p.toml")
    assert list(tmp_path.iterdir()) == []


# --- CodeCarbon CSV -------------------------------------------------------------------------

def test_new_38_column_file():
    runs = read_codecarbon_csv(NEW)
    assert [r.project_name for r in runs] == ["cce-new-a", "cce-new-b"] and runs[0].columns == 38
    last = select_run(runs)
    assert last.project_name == "cce-new-b" and select_run(runs, "a9798c66").project_name == "cce-new-a"
    assert last.duration_s == 3.010322530999474
    assert last.cpu_energy_j == pytest.approx(6.677293976184782e-06 * 3.6e6)
    assert (last.gpu_count, last.codecarbon_version, last.tracking_mode) == (0, "3.3.2", "machine")


def test_old_31_column_file_with_blank_gpu_count():
    (run,) = read_codecarbon_csv(OLD)
    assert run.columns == 31 and run.codecarbon_version == "2.2.7" and run.gpu_count == 0
    assert run.cpu_energy_j == pytest.approx(3.547299653291702e-05 * 3.6e6)
    m, devices = measurement_from_codecarbon(run, "cpu")
    assert devices == 1 and m.mean_power_w == pytest.approx(run.cpu_energy_j / run.duration_s)
    assert m.power_source == "codecarbon-csv-cpu-method-not-recorded" and m.power_is_estimate


def test_gpu_rows_share_energy_per_device():
    text = NEW.read_text()
    header, row = text.splitlines()[0], text.splitlines()[2]
    cols = header.split(",")
    values = row.split(",")
    values[cols.index("gpu_count")] = "2"
    values[cols.index("gpu_energy")] = "0.001"  # kWh
    values[cols.index("gpu_model")] = "2 x NVIDIA A100-SXM4-80GB"
    (run,) = parse_codecarbon_csv(header + "\n" + ",".join(values) + "\n")
    m, devices = measurement_from_codecarbon(run, "gpu")
    # one device's share, energy and power alike (audit: the total energy sat beside a per-GPU power)
    assert devices == 2 and m.energy_j == pytest.approx(1800.0)
    assert m.mean_power_w == pytest.approx(3600.0 / run.duration_s / 2) and not m.power_is_estimate
    assert m.mean_power_w * m.duration_s == pytest.approx(m.energy_j)
    assert m.details["gpu_energy_j_all_devices"] == pytest.approx(3600.0)
    with pytest.raises(InputError, match="no GPU energy"):
        measurement_from_codecarbon(read_codecarbon_csv(OLD)[0], "gpu")


@pytest.mark.parametrize("text, match", [
    ("", "is empty"),
    ("a,b,c\n1,2,3\n", "not a CodeCarbon emissions.csv: no column"),
    (NEW.read_text().splitlines()[0] + "\n", "no runs"),
    (NEW.read_text().replace("3.010322530999474", "three"), "'duration' is not a number"),
    (NEW.read_text().replace("3.010322530999474", "-3"), "a number from 0 to"),
    (NEW.read_text().splitlines()[0] + "\n" + NEW.read_text().splitlines()[1] + ",extra,extra\n", "more values"),
])
def test_bad_files_get_clear_messages(text, match):
    with pytest.raises(InputError, match=match):
        parse_codecarbon_csv(text, "upload.csv")


def test_size_limit_and_binary():
    with pytest.raises(InputError, match="limit is 5 MB"):
        decode_csv_bytes(b"x" * (MAX_CSV_BYTES + 1), "big.csv")
    with pytest.raises(InputError, match="not a text"):
        decode_csv_bytes(b"\xff\xfe\x00\x81binary", "b.csv")
    with pytest.raises(InputError, match="no such file"):
        read_codecarbon_csv("/nonexistent/emissions.csv")


def test_unknown_run_id():
    with pytest.raises(InputError, match="no run .* matches run id 'zzz'"):
        select_run(read_codecarbon_csv(NEW), "zzz")


@pytest.mark.parametrize("path, flops", [(NEW, FLOPS_NEW_B), (OLD, FLOPS_OLD)])
def test_cli_import_writes_a_usable_profile(path, flops, tmp_path, capsys):
    out = tmp_path / "imported.toml"
    code = main(["calibrate", "--from-codecarbon", str(path), "--flops", str(flops), "--base", "cpu-server-2s-epyc",
                 "--out", str(out), "--format", "json"])
    assert code == 0, capsys.readouterr().err
    s = json.loads(capsys.readouterr().out)
    run = read_codecarbon_csv(path)[-1]
    assert s["achieved_flops_per_s"] == pytest.approx(flops / run.duration_s)
    assert s["duration_s"] == run.duration_s and s["energy_j"] == pytest.approx(run.cpu_energy_j)
    assert s["mean_power_w"] == pytest.approx(run.cpu_energy_j / run.duration_s)
    assert s["power_source"] == "codecarbon-csv-cpu-method-not-recorded"
    p = load_profile_file(out)
    assert p.calibration["details"]["csv_columns"] == (38 if path == NEW else 31)
    # the estimator takes it like any profile, and reproduces the imported run's time
    r = api.run(hardware=str(out), flops=flops, precision="fp32")
    assert r.estimate.wall_clock_s == pytest.approx(run.duration_s)
    # no "check" on the run the profile was fitted on (it would be 0% by construction), and the note says why
    assert s["prediction_checks"] == [] and any("no prediction check" in n for n in s["notes"])


def test_cli_import_needs_flops_and_base(capsys):
    assert main(["calibrate", "--from-codecarbon", str(NEW)]) == 2
    assert "needs --flops" in capsys.readouterr().err


@pytest.mark.parametrize("evil", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_imported_text_cannot_become_a_spreadsheet_formula(tmp_path, evil):
    from estimator.io.calibration_io import parse_codecarbon_csv
    header = "timestamp,project_name,run_id,duration,cpu_energy,gpu_energy,cpu_model,gpu_model,gpu_count"
    row = f"2026-01-01T00:00:00,{evil},{evil},10,0.001,0,{evil},{evil},0"
    run = parse_codecarbon_csv(header + "\n" + row + "\n", "x.csv")[0]
    for text in (run.project_name, run.run_id, run.cpu_model, run.gpu_model):
        assert text == "'" + evil and not text.startswith(("=", "+", "-", "@"))


def _gpu_csv(tmp_path, *, duration_s: float, gpu_energy_kwh: float, gpu_count: int):
    header = "timestamp,project_name,run_id,duration,cpu_energy,gpu_energy,cpu_model,gpu_model,gpu_count"
    row = f"2026-01-01T00:00:00,p,r1,{duration_s},0.0001,{gpu_energy_kwh},cpu,NVIDIA H100,{gpu_count}"
    path = tmp_path / "gpu.csv"
    path.write_text(header + "\n" + row + "\n")
    return path


def test_a_power_far_above_the_tdp_is_refused(tmp_path, capsys):
    """Audit: 0.7 kWh over 100 s on one GPU (25.2 kW against the H100's 700 W) was written as the
    profile's power, and every estimate on it used 25.2 kW per device."""
    path = _gpu_csv(tmp_path, duration_s=100, gpu_energy_kwh=0.7, gpu_count=1)
    out = tmp_path / "p.toml"
    code = main(["calibrate", "--from-codecarbon", str(path), "--flops", "2e16", "--base", "h100-sxm", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "the measured mean power, 25,200 W per device, is 36× the 700 W TDP of h100-sxm" in err
    assert err.count("\n") == 1


def test_eight_gpus_give_a_per_device_profile(tmp_path, capsys):
    """5.6 kWh over an hour on 8 GPUs: 700 W and 2.52 MJ per GPU, power × time = energy."""
    path = _gpu_csv(tmp_path, duration_s=3600, gpu_energy_kwh=5.6, gpu_count=8)
    out = tmp_path / "p.toml"
    code = main(["calibrate", "--from-codecarbon", str(path), "--flops", "8e18", "--base", "h100-sxm", "--out", str(out),
                 "--format", "json"])
    assert code == 0, capsys.readouterr().err
    s = json.loads(capsys.readouterr().out)
    assert s["mean_power_w"] == pytest.approx(700.0) and s["energy_j"] == pytest.approx(2.52e6)
    p = load_profile_file(out)
    assert p.power.average_w == pytest.approx(700.0)
    assert p.calibration["energy_j"] == pytest.approx(p.calibration["mean_power_w"] * p.calibration["duration_s"])


def _calibrated(path, base_id: str, throughput, measurement, host: str):
    """A calibrated profile of ``base_id`` from one throughput and one power measurement, written to ``path``."""
    from estimator.core.calibration.calibrate import calibrated_profile_data
    from estimator.io.calibration_io import write_profile
    data, _ = calibrated_profile_data(default_profiles().get(base_id), [throughput], measurement, host=host,
                                      measured_at="2026-01-01T00:00:00Z", method="test")
    write_profile(data, path)
    return data, path


def test_serving_on_a_calibrated_profile_says_it_does_not_use_the_measurements(tmp_path):
    """Calibrate audit: `inference` on a calibrated profile gave the base profile's numbers (power at a
    fraction of TDP against a measured 7.8 W) without a word."""
    from estimator.core.calibration.calibrate import Throughput
    from estimator.device.base import Measurement
    from estimator.services.serving import inference as serving
    m = Measurement(2.0, 400.0, 200.0, "nvml", False, "NVIDIA A100-SXM4-80GB", "nvml", {})
    data, path = _calibrated(tmp_path / "cal.toml", "a100-sxm-80gb", Throughput("bf16", 1e14, seconds=1.0), m, "box")
    rep = serving.inference_report(hardware=str(path), params=7e9, tokens=1e6)
    assert any(n.startswith(f"{data['id']} is a calibrated profile: its measured matmul throughput and mean power "
                            "are training figures and are not used here") for n in rep.result.notes)
    plain = serving.inference_report(hardware="a100-sxm-80gb", params=7e9, tokens=1e6)
    assert not any("calibrated profile" in n for n in plain.result.notes)


def test_serving_on_a_calibrated_cpu_profile_says_its_power_is_the_machine_measured(tmp_path):
    """Measuring engineer's review 2026-11-29: a calibrated CPU's TDP is its measured draw, so `inference` took the
    measured VM's 4 W with the base server's bandwidth (energy per token 57× lower, time unchanged) while its note said
    the measured power was not used."""
    from estimator.core.calibration.calibrate import Throughput
    from estimator.device.base import Measurement
    from estimator.services.serving import inference as serving
    m = Measurement(10.0, 8.0, 80.0, "codecarbon-cpu-load-estimate", True, "AMD EPYC", "codecarbon", {})
    data, path = _calibrated(tmp_path / "cpu-cal.toml", "cpu-server-2s-epyc", Throughput("fp32", 3e10, seconds=1.0),
                             m, "vm")
    notes = serving.inference_report(hardware=str(path), params=1e8, tokens=1e6).result.notes
    assert any(n.startswith(f"{data['id']} is a calibrated CPU profile: its TDP is the draw measured during the "
                            "calibration, so the serving power here is the machine measured, while the time is the base "
                            "profile's") for n in notes)
    assert not any("are not used here" in n for n in notes)
