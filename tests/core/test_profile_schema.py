"""The hardware profile's schema (estimator/core/hardware/schema.py) is the one home of its fields: every key a
bundled profile uses is declared there, every declared field the writer writes reads back to the same
profile, a key not declared is refused naming the file, the field and the fix, and a number outside its
declared bounds is refused with its declared fix."""

from __future__ import annotations

import copy
import re
import tomllib

import pytest

from estimator.core.base.errors import ProfileError
from estimator.core.hardware.profile import PRECISIONS
from estimator.core.hardware.reader import profile_from_dict
from estimator.core.hardware.schema import (
    FIELDS,
    NUMBER,
    PAIR,
    PEAKS,
    RECORD,
    SCHEMA,
    TABLE_KEYS,
    TABLES,
    TEXT_TABLE,
    TOP_LEVEL_KEYS,
    Table,
)
from estimator.core.hardware.writer import profile_to_dict
from estimator.io.datafiles import PROFILES_DIR, default_profiles, load_power_fits, load_utilization_model

FILES = sorted(PROFILES_DIR.glob("*.toml"))
RAW = {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in FILES}
MODEL, FITS = load_utilization_model(), load_power_fits()
FREE = ("sources", "calibration")  # tables whose keys are free text or checked by their own reader


def leaf_paths(data):
    """Every key of a profile's data as a path ("memory.capacity_gb"; a free table by its name)."""
    for key, value in data.items():
        if isinstance(value, dict) and key not in FREE:
            yield from (f"{key}.{k}" for k in value)
        else:
            yield key


def declared(path: str) -> bool:
    table, _, key = path.partition(".")
    return path in FIELDS or (table == "peak_flops_per_s" and key in PRECISIONS)


def read(data, source="profiles/test.toml"):
    return profile_from_dict(data, source, MODEL, FITS)


def test_each_field_is_declared_once_inside_its_table():
    paths = [f.path for entry in SCHEMA for f in (entry.fields if isinstance(entry, Table) else (entry,))]
    assert len(paths) == len(set(paths))
    for table in TABLES.values():
        for f in table.fields:
            assert f.table == table.key or (f.path == table.key and f.type in (RECORD, TEXT_TABLE)), f.path
    assert TOP_LEVEL_KEYS == {p.split(".")[0] for p in paths}


@pytest.mark.parametrize("pid", sorted(RAW))
def test_every_key_a_bundled_profile_uses_is_declared(pid):
    assert [p for p in leaf_paths(RAW[pid]) if not declared(p)] == []


@pytest.mark.parametrize("pid", sorted(RAW))
def test_every_declared_field_round_trips(pid):
    """read → write → read gives an equal profile, its fits written as fits or (snapshot) as numbers; what is
    written is declared, in the declared order."""
    p = default_profiles().get(pid)
    data = profile_to_dict(p)
    assert read(data, p.source_file) == p
    snap = profile_to_dict(p, snapshot=True)
    again = profile_from_dict(snap, p.source_file)
    assert profile_to_dict(again, snapshot=True) == snap == profile_to_dict(again)
    order = [f.path for entry in SCHEMA for f in (entry.fields if isinstance(entry, Table) else (entry,))]
    for written in (data, snap):
        paths = list(leaf_paths(written))
        assert [x for x in paths if not declared(x)] == []
        position = [order.index(x if x in FIELDS else "peak_flops_per_s.<precision>") for x in paths]
        assert position == sorted(position)


@pytest.mark.parametrize("table", sorted(set(TABLE_KEYS) - {"calibration"}))
def test_a_key_not_declared_is_refused_naming_the_file_the_field_and_the_fix(table):
    data = copy.deepcopy(RAW["h100-sxm"])
    data.setdefault(table, {})["zzqx"] = 1.0
    with pytest.raises(ProfileError) as err:
        read(data, "profiles/h100-sxm.toml")
    e = err.value
    assert e.source == "profiles/h100-sxm.toml" and e.field == f"{table}.zzqx"
    if table == "peak_flops_per_s":
        assert (e.problem, e.fix) == ("unknown precision", f"use one of {', '.join(PRECISIONS)}; a precision not "
                                                           "among them cannot be used here")
    else:
        assert (e.problem, e.fix) == ("unknown field", f"remove it; allowed: {', '.join(sorted(TABLE_KEYS[table]))}")
    assert str(e).startswith("profiles/h100-sxm.toml") and f"{table}.zzqx" in str(e) and e.fix in str(e)


def test_a_top_level_key_not_declared_is_refused():
    with pytest.raises(ProfileError) as err:
        read({**RAW["h100-sxm"], "zzqx": 1}, "profiles/h100-sxm.toml")
    assert (err.value.field, err.value.problem) == ("zzqx", "unknown field")
    assert err.value.fix == f"remove it; allowed: {', '.join(sorted(TOP_LEVEL_KEYS))}"


def _holder(f):
    """A bundled profile holding field ``f`` (or, for a field none holds, its table in the field's form)."""
    for pid, data in RAW.items():
        if f.path in leaf_paths(data):
            return pid
    return next(pid for pid, data in RAW.items() if f.table in data and f.form is None)


BOUNDED = [f for f in FIELDS.values() if f.type in (NUMBER, PAIR) and f.bounds is not None]


@pytest.mark.parametrize("f", BOUNDED, ids=[f.path for f in BOUNDED])
def test_a_number_outside_its_declared_bounds_is_refused_with_its_declared_fix(f):
    pid = _holder(f)
    data = copy.deepcopy(RAW[pid])
    where = data if f.table is None else data[f.table]
    where[f.key] = [1e30, 1e30] if f.type == PAIR else 1e30
    with pytest.raises(ProfileError) as err:
        read(data, f"profiles/{pid}.toml")
    assert err.value.field == f.path and "is implausible" in err.value.problem
    assert err.value.fix.startswith(f.fix)  # a kind's limits add what a whole system is written as


def test_the_readme_documents_every_declared_field():
    text = (PROFILES_DIR / "README.md").read_text(encoding="utf-8")
    block = text[text.index("```toml"):text.index("```", text.index("```toml") + 3)]
    missing = [f.path for f in FIELDS.values() if f.type not in (PEAKS, RECORD) and not re.search(rf"\b{f.key}\b", block)]
    assert missing == []
