"""Audit of the app's profile handling: the profile cache loads once per change of
profiles/calibrated/, a broken default profile falls back with its load error shown, broken
profiles are named on the Compare page and in a link, refusals of one kind share one box, and the
Profiles page shows every figure with its source."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("streamlit")
from apptest_pages import run_page, shared_page  # noqa: E402

from app_pages.ui import profile_cache  # noqa: E402
from estimator.io import datafiles  # noqa: E402
from estimator.io.paths import PROFILES_DIR  # noqa: E402

GOOD = (PROFILES_DIR / "h100-sxm.toml").read_text()
BROKEN_PUE = GOOD.replace('id = "h100-sxm"', 'id = "broken-one"').replace("pue = 1.1", "pue = nan")


def _text(at) -> str:
    """Everything the page wrote, markdown escapes removed."""
    parts = [*at.markdown, *at.caption, *at.warning, *at.error, *at.info, *at.header]
    return "\n".join(str(x.value) for x in parts).replace("\\", "")


@pytest.fixture
def load_count(monkeypatch):
    """How many times the profiles were read from their files."""
    calls = []
    real = datafiles.load_profiles

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(datafiles, "load_profiles", counted)
    return calls


@pytest.fixture
def broken_default(tmp_path, monkeypatch, calibrated_dir):
    """The bundled profiles with h100-sxm (the default hardware) broken: ``pue = nan``."""
    folder = tmp_path / "profiles"
    shutil.copytree(PROFILES_DIR, folder, ignore=shutil.ignore_patterns("calibrated", "*.md"))
    (folder / "h100-sxm.toml").write_text(GOOD.replace("pue = 1.1", "pue = nan"))
    monkeypatch.setattr(datafiles, "PROFILES_DIR", folder)
    profile_cache.clear_profile_cache()
    yield folder
    monkeypatch.undo()
    profile_cache.clear_profile_cache()


# ----------------------------------------------------------------------------- 1: one load per change


def test_the_cache_is_checked_not_cleared_when_nothing_changed(calibrated_dir):
    assert [profile_cache.refresh_profiles_if_changed() for _ in range(4)] == [True, False, False, False]
    (calibrated_dir / "mine.toml").write_text(GOOD.replace('id = "h100-sxm"', 'id = "mine"'))
    assert [profile_cache.refresh_profiles_if_changed() for _ in range(3)] == [True, False, False]


def test_the_compare_page_reads_the_profiles_once(calibrated_dir, load_count):
    run_page("compare")
    assert len(load_count) == 1
    run_page("compare")
    assert len(load_count) == 1  # nothing changed: the cached set
    (calibrated_dir / "mine.toml").write_text(GOOD.replace('id = "h100-sxm"', 'id = "mine"'))
    at = run_page("compare")
    assert len(load_count) == 2 and "mine" in list(at.dataframe[0].value["hardware"])


# ----------------------------------------------------------------------------- 2: broken default profile


def test_profiles_page_falls_back_when_the_default_profile_is_broken(broken_default):
    at = run_page("profiles")
    text = _text(at)
    assert "h100-sxm.toml: field 'datacenter.pue'" in text
    assert "The default profile h100-sxm failed to load" in text
    assert at.header and "H100 SXM" not in at.header[0].value


def test_limits_page_falls_back_when_the_default_profile_is_broken(broken_default):
    at = run_page("limits")
    text = _text(at)
    assert "h100-sxm.toml: field 'datacenter.pue'" in text and "The default profile h100-sxm failed to load" in text
    chosen = at.selectbox(key="lim_hw").value
    assert chosen != "h100-sxm" and f"({chosen})" in text


# ----------------------------------------------------------------------------- 3: compare names broken files


def test_compare_page_names_unusable_profile_files_in_one_warning(calibrated_dir):
    (calibrated_dir / "broken-one.toml").write_text(BROKEN_PUE)
    (calibrated_dir / "broken-two.toml").write_text(BROKEN_PUE.replace('"broken-one"', '"broken-two"'))
    at = run_page("compare")
    named = [w.value.replace("\\", "") for w in at.warning if "broken-one.toml" in w.value.replace("\\", "")]
    assert len(named) == 1 and "broken-two.toml" in named[0] and "Profiles" in named[0]


# ----------------------------------------------------------------------------- 4: a link to a broken profile


@pytest.mark.parametrize("page, key", [("estimate", "hardware"), ("profiles", "hardware"), ("compare", "hardware"),
                                       ("limits", "lim_hw")])
def test_a_link_to_a_broken_profile_shows_its_load_error(calibrated_dir, page, key):
    """As the CLI's ``estimate --hardware broken-one`` does: the file, the field and the fix."""
    (calibrated_dir / "broken-one.toml").write_text(BROKEN_PUE)
    at = run_page(page, {key: "broken-one", "workload": "flops"})
    text = _text(at)
    assert "unknown value" not in text
    assert "broken-one.toml: field 'datacenter.pue'" in text and f"`{key}` = `broken-one`" in text


# ----------------------------------------------------------------------------- 5: refusals grouped by kind


@pytest.mark.parametrize("params, lead, accepted", [
    ({"workload": "flops", "flops": "1e21", "year": "2010"}, "the run's year 2010 is before the device was released …",
     lambda p: p.release_year is not None and p.release_year <= 2010),
    ({"workload": "flops", "hardware": "t4", "precision": "int4"}, "has no peak for precision 'int4' …",
     lambda p: "int4" in p.peak_flops_per_s)])
def test_compare_page_groups_refusals_of_one_kind(params, lead, accepted):
    """Before: 32 boxes (each message names its device and release year) and 15 (each lists its precisions)."""
    at = shared_page("compare", params)
    boxes = [w.value.replace("\\", "") for w in at.warning]
    assert len(at.dataframe[0].value) == 1 and len(boxes) == 1, boxes
    # the page compares every bundled profile but the reference points (the brain, AlphaGo); all but the one row
    # shown (the GTX 580, released 2010; the T4, the only profile with an int4 peak) are refused in one box: 53
    # since the nine profiles of issue 54, the two GH200s, the H200 CTS, the Arc Pro B60 (single and dual card), the
    # RTX 4000 Ada, the RTX 5090, RTX A6000 and RTX 6000 Ada, and the TPU7x and GB10 (32 before them)
    compared = [p for p in datafiles.default_profiles().profiles.values() if not p.reference_point]
    refused = sum(not accepted(p) for p in compared)
    assert refused == len(compared) - 1 == 53
    assert boxes[0].startswith(f"{refused} profiles (") and f", …): {lead} (for example " in boxes[0]


def test_the_grouping_keeps_refusals_of_different_kinds_apart():
    from app_pages.pages.compare import group_failures
    from estimator.core.base.errors import InputError
    failures = [("a100-sxm-80gb", "the run's year 2010 is before NVIDIA A100 SXM 80GB was released (2020): give a year "
                                  "from 2020 on"),
                ("h100-sxm", "the run's year 2010 is before NVIDIA H100 SXM 80GB was released (2022): give a year "
                             "from 2022 on"),
                ("gaudi2", "has no peak for precision 'int4'; it has: bf16")]
    errors = [InputError(m, field=f) for (_, m), f in zip(failures, ("year", "year", "precision"))]
    names = {"a100-sxm-80gb": "NVIDIA A100 SXM 80GB", "h100-sxm": "NVIDIA H100 SXM 80GB", "gaudi2": "Intel Gaudi 2",
             "h800": "NVIDIA H800 SXM5 80GB", "l4": "NVIDIA L4"}
    boxes = group_failures(failures, errors, {h: names[h] for h in ("a100-sxm-80gb", "h100-sxm", "gaudi2")})
    assert boxes == ["2 profiles (a100-sxm-80gb, h100-sxm): the run's year 2010 is before the device was released … "
                     f"(for example {failures[0][0]}: {failures[0][1]})",
                     "gaudi2: has no peak for precision 'int4'; it has: bf16"]
    precisions = [(h, f"has no peak for precision 'int4'; it has: {has}") for h, has in (("a", "bf16"), ("b", "fp32"))]
    assert group_failures(precisions, [InputError(m, field="precision") for _, m in precisions], {}) == [
        f"2 profiles (a, b): has no peak for precision 'int4' … (for example a: {precisions[0][1]})"]
    # without the exception (a bare message), the message with the device's name taken out
    assert group_failures([(h, f"{names[h]} is busy") for h in names], [], names) == [
        "5 profiles (a100-sxm-80gb, h100-sxm, gaudi2, h800, …): the device is busy"]


# ----------------------------------------------------------------------------- 6: every figure with its source


def test_profiles_page_shows_interconnect_embodied_and_integer_peaks(calibrated_dir):
    at = run_page("profiles", {"hardware": "h100-sxm"})
    text = _text(at)
    assert "**Interconnect**: 450 GB/s" in text and "NVLink 900 GB/s total" in text
    assert "**Embodied**: 164 kg CO₂e" in text and "vendor-pcf" in text and "HGX H100 PCF Summary" in text
    assert "int8 1979 TOP/s" in text and "int8 1979 TFLOP/s" not in text


def test_profiles_page_shows_a_stated_peak_range(calibrated_dir):
    text = _text(run_page("profiles", {"hardware": "brain"}))
    assert "range 10 – 100,000 TFLOP/s" in text


def test_profiles_page_shows_every_bundled_source_whole(calibrated_dir):
    """Compare review 2026-11-29: sources past 800 characters were cut mid-word (the RTX 5090's peak source, 1,688),
    where `profiles show` prints them whole."""
    from estimator.io.datafiles import default_profiles
    p = default_profiles().get("rtx-5090")
    assert len(p.peak_source) > 800
    text = _text(run_page("profiles", {"hardware": "rtx-5090"})).replace("\\", "")
    assert p.peak_source[-60:] in text


def test_profiles_page_says_a_profile_without_links_is_planned_on_one_device(calibrated_dir):
    text = _text(run_page("profiles", {"hardware": "gh200-144gb"}))
    assert ("**Training layouts**: it states no scale_up_devices, scale_out_gb_per_s in [interconnect]: `plan` and "
            "the step model lay a run out on one device of it only") in text
    assert "Training layouts" not in _text(run_page("profiles", {"hardware": "h100-sxm"}))
    assert "Training layouts" not in _text(run_page("profiles", {"hardware": "l40s"}))  # a PCIe card: servers of 8
