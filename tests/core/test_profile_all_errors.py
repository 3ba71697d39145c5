"""A profile with several broken sections reports all of them in one pass (each with its field and
fix); one broken section reads as it always did."""

from __future__ import annotations

import tomllib

import pytest

from estimator.core.base.errors import ProfileError
from estimator.core.hardware.fields import ProfileErrors
from estimator.core.hardware.reader import profile_from_dict
from estimator.io.datafiles import PROFILES_DIR, load_power_fits, load_profile_file, load_utilization_model


def h100() -> dict:
    with (PROFILES_DIR / "h100-sxm.toml").open("rb") as f:
        return tomllib.load(f)


def read(data: dict):
    return profile_from_dict(data, "h100.toml", load_utilization_model(), load_power_fits())


def test_every_broken_section_is_named_with_its_fix():
    data = h100()
    data["release_year"] = 20.5
    data["memory"]["capacity_gb"] = "80"
    data["datacenter"]["pue"] = 0.5
    with pytest.raises(ProfileErrors) as info:
        read(data)
    exc = info.value
    assert [e.field for e in exc.errors] == ["release_year", "memory.capacity_gb", "datacenter.pue"]
    assert isinstance(exc, ProfileError) and exc.field == "release_year"        # the first, as a single error reads
    text = str(exc)
    assert text.startswith("h100.toml: 3 problems: field 'release_year': 20.5 is implausible")
    for e in exc.errors:
        assert f"field '{e.field}': {e.problem}; fix: {e.fix}" in text


def test_one_broken_section_reads_as_before():
    data = h100()
    data["datacenter"]["pue"] = 0.5
    with pytest.raises(ProfileError) as info:
        read(data)
    assert type(info.value) is ProfileError
    assert str(info.value).startswith("h100.toml: field 'datacenter.pue': 0.5 is implausible (expected 1 to 3); fix:")


def test_a_section_that_depends_on_a_broken_one_is_not_blamed_for_it():
    """The calibration's power is checked against [power]; with [power] broken, only [power] is named."""
    data = h100()
    del data["power"]
    data["unknown_key"] = 1
    with pytest.raises(ProfileErrors) as info:
        read(data)
    assert [e.field for e in info.value.errors] == ["unknown_key", "power"]


def test_the_cli_names_every_problem_of_a_file(tmp_path, cli):
    text = (PROFILES_DIR / "h100-sxm.toml").read_text(encoding="utf-8")
    bad = "\n".join("pue = 0.5" if line.startswith("pue = ") else "release_year = 20.5"
                    if line.startswith("release_year = ") else line for line in text.splitlines())
    path = tmp_path / "bad.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ProfileErrors):
        load_profile_file(path)
    r = cli("estimate", "--flops", "1e20", "--hardware", str(path))
    assert r.code == 2 and r.err.count("\n") == 1
    assert "2 problems: field 'release_year'" in r.err and "field 'datacenter.pue'" in r.err
