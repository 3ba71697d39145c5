"""A profile file loaded again is built again wherever its answer could differ (1af6d03 keeps built profiles by
their file's text): an edited file, another day (a price may not be dated after it), the utilisation fit or none."""

from __future__ import annotations

import datetime

import pytest

from estimator.core.base.errors import ProfileError
from estimator.io import datafiles
from estimator.io.datafiles import PROFILES_DIR, load_profile_file

H100 = (PROFILES_DIR / "h100-sxm.toml").read_text(encoding="utf-8")
PRICE_DATE = 'date = "2026-11"'  # h100-sxm.toml's price, read 2026-11


def _on(monkeypatch, day: datetime.date) -> None:
    class Day(datetime.date):
        @classmethod
        def today(cls):
            return day

    class Clock:
        date = Day

    monkeypatch.setattr(datafiles, "datetime", Clock)


def test_an_edited_file_is_read_as_edited(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(H100.replace('id = "h100-sxm"', 'id = "h100-mine"'), encoding="utf-8")
    assert load_profile_file(path).id == "h100-mine"
    path.write_text(H100.replace('id = "h100-sxm"', 'id = "h100-yours"'), encoding="utf-8")
    assert load_profile_file(path).id == "h100-yours"
    path.write_text(H100.replace('id = "h100-sxm"', 'id = ""'), encoding="utf-8")
    for _ in range(2):  # a file that fails fails each time
        with pytest.raises(ProfileError):
            load_profile_file(path)


def test_the_same_text_is_checked_against_each_day(tmp_path, monkeypatch):
    assert PRICE_DATE in H100
    path = tmp_path / "mine.toml"
    path.write_text(H100, encoding="utf-8")
    _on(monkeypatch, datetime.date(2026, 11, 20))
    assert load_profile_file(path).price.date == "2026-11"
    _on(monkeypatch, datetime.date(2026, 10, 20))  # a clock set back: the price's date is after that day
    with pytest.raises(ProfileError, match="after today"):
        load_profile_file(path)


def test_with_and_without_the_utilisation_fit_stay_apart(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(H100, encoding="utf-8")
    for _ in range(2):
        assert load_profile_file(path, None).utilization.default is None
        assert load_profile_file(path).utilization.default == pytest.approx(0.155, abs=0.001)
