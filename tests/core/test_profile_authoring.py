"""An engineer's own profile (profile authoring audit): absurd pairs of figures, unit slips and misleading hints
that loaded or misled, each now refused naming the file, the field and the fix."""

from __future__ import annotations

import tomllib

import pytest
from profile_texts import CPU, H100, H100_GROUP_FIT
from profile_texts import swap as _swap

from estimator.cli.main import main
from estimator.core.base.errors import ProfileError
from estimator.core.hardware.plausibility import MAX_FLOPS_PER_J
from estimator.core.hardware.reader import profile_from_dict
from estimator.io.datafiles import load_power_fits, load_profiles, load_utilization_model

FITS, MODEL = load_power_fits(), load_utilization_model()


def _load(text: str):
    return profile_from_dict(tomllib.loads(text), "mine.toml", utilization_model=MODEL, power_fits=FITS)


def _refused(text: str) -> ProfileError:
    with pytest.raises(ProfileError) as exc:
        _load(text)
    assert exc.value.source == "mine.toml" and exc.value.fix
    return exc.value


def test_a_peak_absurd_for_its_power_is_refused():
    """1e18 FLOP/s at 1 W timed 1e23 FLOPs on 8 devices at 111 Wh: each figure inside its kind's limits."""
    acc = _swap(_swap(_swap(H100_GROUP_FIT, 'kind = "gpu"', 'kind = "accelerator"'), "bf16 = 9.89e14", "bf16 = 1e18"),
                'fit = "gpu-system"', 'average_w = 1.0\naverage_range_w = [1.0, 1.0]\nincludes_host = false')
    acc = _swap(acc, "tdp_w = 700.0\n", "")
    # its fp8 and int8 above the bf16 as a device's are (a narrower peak below the 16-bit one is its own error)
    acc = _swap(_swap(acc, "fp8 = 1.979e15", "fp8 = 1e18"), "int8 = 1.979e15", "int8 = 1e18")
    err = _refused(acc)
    assert err.field == "power.average_w" and err.problem.startswith("10¹⁸ FLOP/s (bf16) at 1 W is 10¹⁸ FLOP/J") and "check the units" in err.fix
    gpu = _swap(H100, "fp8 = 1.979e15", "fp8 = 8e16")  # 8e16 at 700 W: 1.1e14 FLOP/J
    err = _refused(gpu)
    assert err.field == "peak_flops_per_s" and f"above {MAX_FLOPS_PER_J:g}".replace("1e+14", "10¹⁴") in err.problem
    # every bundled profile is within it, the brain and AlphaGo not held to it
    assert not load_profiles().errors


@pytest.mark.parametrize("old, new, field", [
    ("bandwidth_gb_per_s = 3350.0", "bandwidth_gb_per_s = 4.0", "memory.bandwidth_gb_per_s"),  # TB/s typed
    ("capacity_gb = 85.52", "capacity_gb = 0.096", "memory.capacity_gb"),                          # TB typed
])
def test_a_gpus_unit_slips_are_refused(old, new, field):
    assert _refused(_swap(H100, old, new)).field == field


def test_an_unknown_precision_is_named_as_one_never_a_near_miss():
    """fp4 got "did you mean 'fp64'?": following it was a 1000× error (fp4 is now a precision; fp6 is not)."""
    err = _refused(_swap(H100, "fp8 = 1.979e15", "fp8 = 1.979e15\nfp6 = 4e15"))
    assert err.field == "peak_flops_per_s.fp6" and err.problem == "unknown precision"
    assert err.fix.startswith("use one of fp64, fp32, tf32, bf16, fp16, fp8, fp4, int8, int4") and "fp64'?" not in err.fix


def test_a_power_fit_is_for_the_kinds_it_was_measured_on():
    cpu = _swap(CPU, "average_w = 450.0\n", 'fit = "gpu-system"\n')
    cpu = _swap(_swap(cpu, "average_range_w = [337.5, 450.0]\n", ""), "includes_host = false\n", "")
    err = _refused(cpu)
    assert err.field == "power.fit" and "measured on other devices than this cpu" in err.problem
    assert err.fix == "give average_w, average_range_w and includes_host instead"
    err = _refused(_swap(H100, 'fit = "gpu-system"', 'fit = "tpu-system"\n#'))
    assert err.field == "power.fit" and err.fix == "use gpu-system or gpu-chip"


def test_a_datasheet_peak_takes_no_range():
    err = _refused(_swap(H100, "int8 = 1.979e15", "int8 = 1.979e15\nrange = [1e14, 1e15]"))
    assert err.field == "peak_flops_per_s.range" and "drop range" in err.fix


@pytest.mark.parametrize("pid", ["-acme", ".", "..", "_x"])
def test_an_id_starts_with_a_letter_or_a_digit(pid):
    err = _refused(_swap(H100, 'id = "h100-sxm"', f'id = "{pid}"'))
    assert err.field == "id" and "does not start with a letter or a digit" in err.problem


def test_validate_refuses_a_file_no_command_would_use(tmp_path, capsys):
    txt = tmp_path / "mine.txt"
    txt.write_text(_swap(H100, 'id = "h100-sxm"', 'id = "acme-x1"'))
    assert main(["profiles", "validate", str(txt)]) == 2
    out = capsys.readouterr().out
    assert out.startswith(f"broken: {txt}: field '(file)': a profile is a .toml file")


def test_the_profiles_page_names_the_calibrated_folder_in_use():
    """It said profiles/calibrated/ whatever ESTIMATOR_CALIBRATED_DIR pointed at (the tests point it elsewhere)."""
    from apptest_pages import run_page

    from estimator.io.datafiles import display_path
    from estimator.io.paths import CALIBRATED_DIR

    caption = next(x.value for x in run_page("profiles").caption if x.value.startswith("Every hardware profile"))
    assert f"calibrated ones in `{display_path(CALIBRATED_DIR)}/`" in caption


def test_an_id_is_taken_in_any_case_and_a_broken_files_name_never_hides_a_profile(tmp_path):
    from estimator.io.datafiles import PROFILES_DIR

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "h200.toml").write_text(_swap(_swap(H100, 'id = "h100-sxm"', 'id = "h200"'),
                                          'name = "NVIDIA H100 SXM 80GB"', 'name = "My H200 NVL"'))
    ps = load_profiles(PROFILES_DIR, mine)
    assert ps.get("h200").name == ps.get("H200").name == "My H200 NVL"  # the app ignored case, the CLI did not
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "h200.toml").write_text(_swap(_swap(H100, 'id = "h100-sxm"', 'id = "my-broken"'), "bf16 = 9.89e14",
                                            "bf16 = nan"))
    ps = load_profiles(PROFILES_DIR, broken)
    assert ps.errors and ps.get("h200").id == "h200-sxm"  # the bundled H200 by its name, not the broken file's error
    with pytest.raises(ProfileError, match="bf16"):
        ps.get("my-broken")


def test_a_typo_of_the_peak_tables_other_keys_keeps_its_hint():
    err = _refused(_swap(H100, 'source = "NVIDIA H100 datasheet (SXM): FP64', 'sorce = "x"\nsource = "NVIDIA H100 datasheet (SXM): FP64'))
    assert err.field == "peak_flops_per_s.sorce" and err.fix == "did you mean 'source'?"


def test_a_broken_ids_error_is_found_in_any_case(tmp_path):
    from estimator.io.datafiles import PROFILES_DIR

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "x.toml").write_text(_swap(_swap(H100, 'id = "h100-sxm"', 'id = "my-broken"'), "bf16 = 9.89e14",
                                         "bf16 = nan"))
    ps = load_profiles(PROFILES_DIR, broken)
    for given in ("my-broken", "MY-BROKEN"):
        with pytest.raises(ProfileError, match="bf16"):
            ps.get(given)


@pytest.mark.parametrize("value", ["5", "true", '"fast"', "[1, 2]"])
def test_peaks_written_as_no_table_are_refused_by_that_field_alone(value):
    """Conventions audit 2026-11-28: `peak_flops_per_s = 5` raised Python's TypeError (a traceback from `profiles
    validate` and `estimate --hardware FILE`) where [matmul] checked its rate against the 16-bit peak."""
    start = H100.index("[peak_flops_per_s]")
    end = H100.index("[memory]")
    text = H100[:start].replace('default_precision = "bf16"', f'default_precision = "bf16"\npeak_flops_per_s = {value}') \
        + H100[end:]
    err = _refused(text)
    assert err.field == "peak_flops_per_s" and "expected a table" in str(err)
