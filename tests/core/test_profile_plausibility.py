"""Profile checks audit: a price dated after today, on no calendar day or before the device's
release passed; every kind of device shared the same (system-wide) plausibility bounds, so a 900 kW
"cpu" or a GPU 1000 × an H100 loaded; a price of 1e-300 loaded; `profiles validate FILE` said ok for
a file whose id another file had; `compare` left broken files out silently; `profiles show` hid the
interconnect, the embodied figure, the peak range and the notes, and called integer peaks FLOP/s;
a name with a newline split its row."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from profile_texts import CPU, H100, H100_GROUP_FIT
from profile_texts import swap as _swap

from estimator.core.base.errors import ProfileError
from estimator.core.hardware.profile import KINDS
from estimator.core.hardware.reader import profile_from_dict
from estimator.io.datafiles import (
    PROFILES_DIR,
    load_power_fits,
    load_profile_file,
    load_profiles,
    load_utilization_model,
)

TPU = (PROFILES_DIR / "tpu-v5p.toml").read_text()
DATE_LINE = 'date = "2026-11"'
# the audit's "2030-01" (today being 2026-11-25), kept after today whenever the tests run
SOON = f"{max(2030, datetime.date.today().year + 1)}-01"


def _broken(tmp_path: Path, text: str, name: str = "broken.toml") -> ProfileError:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ProfileError) as info:
        load_profile_file(path)
    assert str(path) in str(info.value)
    return info.value


def _fields(err: ProfileError) -> set[str]:
    return {e.field for e in getattr(err, "errors", (err,))}


# 1. price dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("date", ["2100-12", SOON])
def test_a_price_dated_after_today_is_refused_on_load(tmp_path, date):
    err = _broken(tmp_path, _swap(H100, DATE_LINE, f'date = "{date}"'))
    assert err.field == "price.date" and "after today" in err.problem


@pytest.mark.parametrize("date", ["2024-02-31", "2023-02-29", "2024-04-31", "2024-02-00"])
def test_a_price_date_on_no_calendar_day_is_refused(tmp_path, date):
    assert _broken(tmp_path, _swap(H100, DATE_LINE, f'date = "{date}"')).field == "price.date"


def test_a_leap_day_loads(tmp_path):
    path = tmp_path / "ok.toml"
    path.write_text(_swap(H100, DATE_LINE, 'date = "2024-02-29"'))
    assert load_profile_file(path).price.date == "2024-02-29"


def test_a_price_dated_before_the_release_year_is_refused(tmp_path):
    err = _broken(tmp_path, _swap(H100, DATE_LINE, 'date = "1950"'))
    assert err.field == "price.date" and "release_year (2022)" in err.problem


def test_the_core_takes_today_from_its_caller_and_reads_no_clock():
    import tomllib
    data = tomllib.loads(_swap(H100, DATE_LINE, 'date = "2026-12"'))
    args = ("x.toml", load_utilization_model(), load_power_fits())
    with pytest.raises(ProfileError, match="after today"):
        profile_from_dict(data, *args, today=datetime.date(2026, 11, 25))
    assert profile_from_dict(data, *args, today=datetime.date(2026, 12, 1)).price.date == "2026-12"
    data["price"]["date"] = "2026-11"  # the month of today: read this month
    assert profile_from_dict(data, *args, today=datetime.date(2026, 11, 25)).price.date == "2026-11"


@pytest.mark.parametrize("date", ["2100-12", SOON, "2024-02-31", "1950"])
def test_validate_refuses_a_bad_price_date_naming_the_field(cli, tmp_path, date):
    path = tmp_path / "x.toml"
    path.write_text(_swap(_swap(H100, 'id = "h100-sxm"', 'id = "x-h100"'), DATE_LINE, f'date = "{date}"'))
    res = cli("profiles", "validate", path)
    assert res.code == 2 and "broken:" in res.out and "price.date" in res.out


def test_the_trend_never_starts_from_a_price_dated_in_the_future_nor_blames_a_flag_not_given(cli, tmp_path):
    for date in ("2100-12", "1950"):
        path = tmp_path / f"{date}.toml"
        path.write_text(_swap(_swap(H100, 'id = "h100-sxm"', 'id = "x-h100"'), DATE_LINE, f'date = "{date}"'))
        res = cli("scaling", "trend", "--hardware", path)
        assert res.code == 2 and res.err.startswith("error:") and "price.date" in res.err
        assert "--start-year" not in res.err and "2100" not in res.out


# 2. per-kind plausibility limits -------------------------------------------------------------------

@pytest.mark.parametrize("text, old, new, fields", [
    (CPU, "fp32 = 7.0656e12", "fp32 = 7e17", {"peak_flops_per_s.fp32"}),
    (CPU, "tdp_w = 450.0\naverage_w = 450.0\naverage_range_w = [337.5, 450.0]",
     "tdp_w = 900000.0\naverage_w = 900000.0\naverage_range_w = [700000.0, 900000.0]", {"power.tdp_w"}),
    (H100, "bf16 = 9.89e14", "bf16 = 9.89e17", {"peak_flops_per_s.bf16"}),
    (H100, "capacity_gb = 85.52", "capacity_gb = 80000", {"memory.capacity_gb"}),
    (H100, "bandwidth_gb_per_s = 3350.0", "bandwidth_gb_per_s = 3350000.0", {"memory.bandwidth_gb_per_s"}),
    (H100, "tdp_w = 700.0", "tdp_w = 7e7", {"power.tdp_w"}),
    (H100, "tdp_w = 700.0", "tdp_w = 1.0", {"power.tdp_w"}),
    (H100, "usd_per_device_hour = 6.88", "usd_per_device_hour = 99999", {"price.usd_per_device_hour"}),
    (TPU, "average_w = 465.30\naverage_range_w = [323.30, 607.30]",
     "average_w = 900000.0\naverage_range_w = [800000.0, 900000.0]", {"power.average_w"}),
    (H100_GROUP_FIT, 'tdp_w = 700.0\nfit = "gpu-system"', "average_w = 500000.0\nincludes_host = false", {"power.average_w"}),
])
def test_each_kind_is_held_to_its_own_limits(tmp_path, text, old, new, fields):
    err = _broken(tmp_path, _swap(text, old, new))
    assert _fields(err) == fields
    assert "implausible for a" in str(err) and 'kind = "system"' in str(err)


def test_a_cpu_at_900_kw_with_a_1000_times_peak_names_both_fields(tmp_path):
    text = _swap(_swap(CPU, "fp32 = 7.0656e12", "fp32 = 7e17"), "tdp_w = 450.0\naverage_w = 450.0\naverage_range_w = "
                 "[337.5, 450.0]", "tdp_w = 900000.0\naverage_w = 900000.0\naverage_range_w = [700000.0, 900000.0]")
    assert _fields(_broken(tmp_path, text)) == {"peak_flops_per_s.fp32", "power.tdp_w"}


@pytest.mark.parametrize("average", ["1.0", "20.0"])
def test_an_average_far_below_the_tdp_is_refused(tmp_path, average):
    from estimator.core.hardware.plausibility import MIN_OF_TDP
    text = _swap(H100_GROUP_FIT, 'fit = "gpu-system"', f"average_w = {average}\nincludes_host = false")
    err = _broken(tmp_path, text)
    assert err.field == "power.average_w" and f"less than {MIN_OF_TDP:g} × tdp_w = 700 W" in err.problem


def test_a_whole_system_keeps_the_wide_bounds(tmp_path):
    path = tmp_path / "big.toml"
    text = _swap(_swap(CPU, 'kind = "cpu"', 'kind = "system"'), "fp32 = 7.0656e12", "fp32 = 7e17")
    path.write_text(text)
    assert load_profile_file(path).peak() == 7e17


def test_every_shipped_profile_loads_and_each_limit_leaves_ten_times_room_above_its_kind():
    from estimator.core.hardware.plausibility import KIND_LIMITS, limits_for
    ps = load_profiles(PROFILES_DIR)
    assert not ps.errors and len(ps.profiles) >= 30
    assert set(KIND_LIMITS) == set(KINDS) - {"brain", "system"}
    assert all(lim.source for lim in KIND_LIMITS.values())
    for p in ps.profiles.values():
        lim = limits_for(p.kind)
        figures = [(max(p.peak_flops_per_s.values()), lim.peak_flops_per_s), (p.power.average_range_w[1], lim.power_w),
                   (p.memory_gb, lim.memory_gb), (p.memory_bandwidth_gb_per_s, lim.bandwidth_gb_per_s),
                   (p.price.usd_per_device_hour, lim.price_usd_per_hour)]
        for value, (low, high) in figures:
            if value:
                assert low <= value and 10 * value <= high, (p.id, value, high)


# 3. a price too small to mean anything ------------------------------------------------------------

def test_a_vanishing_price_is_refused_as_an_input_price_is(tmp_path, cli):
    err = _broken(tmp_path, _swap(H100, "usd_per_device_hour = 6.88", "usd_per_device_hour = 1e-300"))
    assert err.field == "price.usd_per_device_hour" and "must be 0 or at least 10⁻⁹" in err.problem
    free = tmp_path / "free.toml"
    free.write_text(_swap(H100, "usd_per_device_hour = 6.88", "usd_per_device_hour = 0"))
    assert load_profile_file(free).price.usd_per_device_hour == 0
    res = cli("estimate", "--flops", "1e20", "--hardware", tmp_path / "broken.toml")
    assert res.code == 2 and "10⁻²⁹⁷" not in res.out


# 4. validate FILE against the other loaded profiles -----------------------------------------------

def test_validate_refuses_a_file_whose_id_another_file_in_the_folder_has(cli, calibrated_dir):
    text = _swap(H100, 'id = "h100-sxm"', 'id = "dup-x"')
    (calibrated_dir / "a.toml").write_text(text)
    (calibrated_dir / "b.toml").write_text(text)
    res = cli("profiles", "validate", calibrated_dir / "a.toml")
    assert res.code == 2 and res.out.startswith(f"broken: {calibrated_dir / 'a.toml'}: field 'id': 'dup-x' is defined by 2")
    assert cli("profiles", "show", "dup-x").code == 2


def test_validate_refuses_a_file_that_takes_a_loaded_calibrated_profiles_id(cli, calibrated_dir, tmp_path):
    text = _swap(H100, 'id = "h100-sxm"', 'id = "mine"')
    (calibrated_dir / "mine.toml").write_text(text)
    (tmp_path / "copy.toml").write_text(text)
    res = cli("profiles", "validate", tmp_path / "copy.toml")
    assert res.code == 2 and "field 'id': 'mine' is also the id of" in res.out
    ok = cli("profiles", "validate", calibrated_dir / "mine.toml")  # the file that holds it: itself
    assert ok.code == 0 and ok.out.startswith("ok:")


# 5. compare says which files it left out ----------------------------------------------------------

def test_compare_notes_each_unusable_profile_file_and_still_succeeds(cli, calibrated_dir):
    (calibrated_dir / "bad.toml").write_text(_swap(H100, 'id = "h100-sxm"', 'id = "bad"').replace("pue = 1.1", "pue = 9"))
    res = cli("compare", "--flops", "1e20", "--format", "csv")
    notes = [line for line in res.err.splitlines() if line.startswith("note:")]
    assert res.code == 0 and len(notes) == 1 and "bad.toml" in notes[0] and "datacenter.pue" in notes[0]
    rows = [line.split(",")[0] for line in res.out.splitlines()[1:]]
    assert "h100-sxm" in rows and "bad" not in rows
    named = cli("compare", "--flops", "1e20", "--hardware", "h100-sxm", "a100-sxm-80gb")
    assert named.code == 0 and "bad.toml" not in named.err  # the user chose the profiles: none left out


# 6. profiles show -----------------------------------------------------------------------------------

def test_show_gives_the_interconnect_and_the_embodied_figure_with_their_sources(cli):
    out = cli("profiles", "show", "h100-sxm").out
    assert "interconnect 450 GB/s per direction" in out and "NVLink 900 GB/s total, half each way" in out
    assert "embodied 164 kg CO2e per device" in out and "basis vendor-pcf" in out and "HGX H100 PCF Summary" in out
    assert "scope: one GPU's eighth of an HGX H100 baseboard" in out


def test_show_labels_integer_peaks_as_operations(cli):
    lines = cli("profiles", "show", "h100-sxm").out.splitlines()
    int8 = next(line for line in lines if "peak int8" in line)
    assert "OP/s" in int8 and "FLOP/s" not in int8
    assert "FLOP/s" in next(line for line in lines if "peak bf16" in line)


def test_show_gives_the_brains_peak_range_and_notes(cli):
    out = cli("profiles", "show", "brain").out
    assert "peak range 10¹³–10¹⁷ FLOP/s" in out and "notes: Not a computer" in out


# 7. one-line names, and the kinds the README lists ----------------------------------------------

@pytest.mark.parametrize("name", ["H100\\nx", "H100\\tx", "H100\\u202ex", "H100\\u2028x"])
def test_a_name_with_control_characters_is_refused(tmp_path, name):
    err = _broken(tmp_path, _swap(H100, 'name = "NVIDIA H100 SXM 80GB"', f'name = "{name}"'))
    assert err.field == "name" and "control characters" in err.problem


def test_the_readme_lists_every_kind_the_profiles_take(root):
    line = next(x for x in (root / "profiles" / "README.md").read_text().splitlines() if x.startswith("kind = "))
    assert all(f" {kind} " in line.replace("|", " ") + " " for kind in KINDS)



def test_a_narrower_precisions_peak_below_the_16_bit_one_is_refused(tmp_path):
    """Compare review 2026-11-29: fp8 = 1e12 beside bf16 = 9.89e14 validated, and timed a run at 55 years."""
    err = _broken(tmp_path, _swap(H100, "fp8 = 1.979e15", "fp8 = 1.0e12"))
    assert err.field == "peak_flops_per_s.fp8" and "below the bf16 peak, 9.89 × 10¹⁴ FLOP/s" in str(err)
    # held to the highest wider peak present, not the bf16 alone (diff review 2026-11-29)
    err = _broken(tmp_path, _swap(_swap(H100, "fp16 = 9.89e14", "fp16 = 2e15"), "fp8 = 1.979e15", "fp8 = 1.5e15"))
    assert err.field == "peak_flops_per_s.fp8" and "below the fp16 peak" in str(err)
    # every bundled profile's narrower peaks are at least its widest precisions' (Gaudi 3's fp8 equals its bf16)
    for profile in load_profiles(PROFILES_DIR).profiles.values():
        peaks = profile.peak_flops_per_s
        top = max((peaks[k] for k in ("bf16", "fp16", "tf32", "fp32", "fp64") if k in peaks), default=0.0)
        assert all(peaks[k] >= top for k in ("fp8", "fp4", "int8", "int4") if k in peaks)


def test_a_kind_not_known_is_one_error_not_two(tmp_path):
    """Compare review 2026-11-29: kind = "gpuu" was also told "'gpu-system' is measured on other devices than this
    gpuu"."""
    err = _broken(tmp_path, _swap(H100, 'kind = "gpu"', 'kind = "gpuu"'))
    assert "not a known kind" in str(err) and "measured on other devices" not in str(err)
