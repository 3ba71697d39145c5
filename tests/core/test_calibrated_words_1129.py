"""Measuring-engineer review 2026-11-29: a profile whose time has one measured figure and no range (a calibration on
the user's own command) was told "the time range comes from …'s stated ranges"; said only where there is a range."""

import tomllib
from pathlib import Path

from estimator import Scenario, estimate
from estimator.core.hardware.reader import profile_from_dict
from estimator.io.datafiles import load_power_fits, load_utilization_model


def _profile(low: float, high: float):
    with open(Path(__file__).resolve().parents[2] / "profiles" / "a100-sxm-80gb.toml", "rb") as f:
        data = tomllib.load(f)
    data["id"] = "stated-utilisation"
    data["utilization"] = {"basis": "measured", "default": 0.4, "range": [low, high], "source": "one measured figure"}
    return profile_from_dict(data, "stated.toml", load_utilization_model(), load_power_fits())


def test_the_stated_range_note_comes_only_with_a_range():
    said = [n for n in estimate(Scenario(flops=1e21, devices=8), _profile(0.4, 0.4)).notes if "time range comes" in n]
    assert said == []
    e = estimate(Scenario(flops=1e21, devices=8), _profile(0.3, 0.5))
    assert [n for n in e.notes if "time range comes" in n] == [
        "the time range comes from NVIDIA A100 SXM 80GB's stated ranges (its peak and utilisation), not from the fit to "
        "published runs: its coverage is not measured"]


CODECARBON_HEADER = ("timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,gpu_power,"
                     "ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,water_consumed,country_name,"
                     "country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,"
                     "cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,"
                     "cpu_utilization_percent,gpu_utilization_percent,ram_utilization_percent,ram_used_gb,on_cloud,pue,wue")


def test_a_gpu_log_without_its_gpu_count_is_told_the_count_is_missing(tmp_path, capsys, monkeypatch):
    """Measuring-engineer review 2026-11-29: a log with 0.3 kWh of GPU energy and an empty gpu_count was told it had
    "no GPU energy (gpu_count 0); use a CPU profile as the base" — the wrong fix."""
    from estimator.cli.main import main
    row = ("2026-11-20T10:00:00,mytrain,11111111-2222-3333-4444-555555555555,x,3600,0.1,2.8e-5,42.5,300,20,0.0425,0.3,"
           "0.02,0.3625,0,France,FRA,,,,Linux,3.11,3.3.2,32,AMD EPYC 7763,{count},1 x NVIDIA A100-SXM4-80GB,,,256,"
           "machine,10,90,20,50,N,1.0,0.0")
    monkeypatch.setenv("ESTIMATOR_CALIBRATED_DIR", str(tmp_path / "cal"))
    log = tmp_path / "log.csv"
    log.write_text(CODECARBON_HEADER + "\n" + row.format(count="") + "\n")
    args = ["calibrate", "--from-codecarbon", str(log), "--flops", "3.6e17", "--base", "a100-sxm-80gb"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "has GPU energy (1,080,000 J) but no GPU count (column 'gpu_count' empty, missing or 0)" in err
    assert "CPU profile" not in err
    log.write_text(CODECARBON_HEADER + "\n" + row.format(count="1") + "\n")
    assert main([*args, "--out", str(tmp_path / "one.toml")]) == 0


def test_a_calibrated_name_states_the_measurement_time_not_an_imports():
    """Final review 2026-11-29: a CodeCarbon log without a timestamp took the import's time into its name, as if
    measured then; a log's own zone-less timestamp is named without "UTC"."""
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data
    from estimator.device.base import Measurement
    from estimator.io.datafiles import default_profiles
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(10.0, 400.0, 40.0, "codecarbon-cpu-load-estimate", True, "AMD EPYC (2 CPUs)", "codecarbon", {})
    pts = [Throughput("fp32", 1e11, 512.0, (512, 512, 512), 10, 1.0)]

    def name(measured_at, extra=None):
        data, _ = calibrated_profile_data(base, pts, m, host="lab", measured_at=measured_at, method="built-in",
                                          extra=extra)
        return data["name"]
    assert name("2026-11-29T10:51:47Z") == "AMD EPYC (2 CPUs) (calibrated on lab at 2026-11-29 10:51 UTC, base cpu-server-2s-epyc)"
    assert name("2026-11-23T07:04:24") == "AMD EPYC (2 CPUs) (calibrated on lab at 2026-11-23 07:04, base cpu-server-2s-epyc)"
    assert name("2026-11-29T11:18:01Z", {"imported_at": "2026-11-29T11:18:01Z"}) == \
        "AMD EPYC (2 CPUs) (calibrated on lab, base cpu-server-2s-epyc)"


def test_a_calibration_under_an_id_of_ones_own_names_it():
    """Measuring engineer's review 2026-11-30: the built-in calibration and a tracked loop's under --id myloop, made in
    one minute on one machine, were both "AMD EPYC (2 CPUs) (calibrated on vm at … 01:52 UTC, base …)", 4.3x apart in
    utilisation; an id of one's own is in the name, the machine's default id is not."""
    from estimator.core.calibration.calibrate import Throughput, calibrated_profile_data, default_profile_id
    from estimator.device.base import Measurement
    from estimator.io.datafiles import default_profiles
    base = default_profiles().get("cpu-server-2s-epyc")
    m = Measurement(10.0, 400.0, 40.0, "codecarbon-cpu-load-estimate", True, "AMD EPYC (2 CPUs)", "codecarbon", {})
    pts = [Throughput("fp32", 1e11, 512.0, (512, 512, 512), 10, 1.0)]

    def name(profile_id):
        data, _ = calibrated_profile_data(base, pts, m, host="lab", measured_at="2026-11-30T01:52:00Z",
                                          method="built-in", profile_id=profile_id)
        return data["name"]
    assert name("myloop") == ("AMD EPYC (2 CPUs) (calibrated on lab at 2026-11-30 01:52 UTC, base cpu-server-2s-epyc, "
                              "id myloop)")
    assert name(None) == name(default_profile_id("cpu-server-2s-epyc", "lab")) == (
        "AMD EPYC (2 CPUs) (calibrated on lab at 2026-11-30 01:52 UTC, base cpu-server-2s-epyc)")
