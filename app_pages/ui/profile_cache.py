"""The app's hardware profiles, cached for the server process and loaded again when
``profiles/calibrated/`` changes (the CLI wrote or re-calibrated a profile while the server ran),
so that a link to a new profile works on every page. ``app_pages.ui.common`` re-exports these."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from estimator.core.base.errors import ProfileError
from estimator.io import datafiles


@st.cache_resource(show_spinner=False)
def _profiles() -> datafiles.ProfileSet:
    return datafiles.default_profiles()


def profiles() -> datafiles.ProfileSet:
    """All hardware profiles (profiles/*.toml and profiles/calibrated/*.toml) and load errors;
    loaded again when profiles/calibrated/ changed (the CLI wrote or re-calibrated one), so that a
    link to a new profile works on every page, not only after a visit to the Calibrate page."""
    refresh_profiles_if_changed()
    return _profiles()


def calibrated_dir_signature() -> tuple:
    """(name, mtime, size) of every file in profiles/calibrated/: changes when a profile is written."""
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size)
                            for p in datafiles.CALIBRATED_DIR.glob("*.toml")))
    except OSError:
        return ()  # the folder is not there (yet) or not readable: nothing to reload


_SEEN = {"signature": None}  # for this server process: what the profile cache was last checked against


def refresh_profiles_if_changed() -> bool:
    """Forget the cached profiles when profiles/calibrated/ changed (e.g. the CLI wrote one)."""
    sig = calibrated_dir_signature()
    if sig == _SEEN["signature"]:
        return False
    clear_profile_cache()  # resets the signature: record the new one after it (audit: before it, every
    _SEEN["signature"] = sig  # call counted as a change, and the Compare page loaded every profile 38 times)
    return True


def clear_profile_cache() -> None:
    """Forget loaded profiles, e.g. after a calibrated profile was written to profiles/calibrated/."""
    datafiles.default_profiles.cache_clear()
    _profiles.clear()
    _SEEN["signature"] = None


def hardware_ids() -> list[str]:
    """Profile ids sorted by kind, then id (stable order for selectboxes)."""
    ps = profiles().profiles
    return sorted(ps, key=lambda i: (ps[i].kind, i))


def load_error(hardware: str | None) -> ProfileError | None:
    """Why the profile ``hardware`` (an id) did not load: its file's error, or None (it loaded, or
    no file names it). As ``ProfileSet.get`` finds it, without reading a file a link names."""
    ps = profiles()
    if not hardware or hardware in ps.profiles:
        return None
    found = ps.broken_ids.get(hardware)
    return found or next((e for e in ps.errors if (e.field == "id" and f"'{hardware}' is defined by" in e.problem)
                          or Path(e.source).stem == hardware), None)

