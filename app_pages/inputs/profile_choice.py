"""A page's default hardware when its profile file failed to load: another profile, with the load
error shown (audit: a broken h100-sxm.toml had crashed the Profiles page with a KeyError and the
Limits page with a ValueError). The CLI, given no hardware, names the same error."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app_pages.ui import common as c


def usable_hardware(preferred: str, options: Sequence[str]) -> tuple[str | None, Exception | None]:
    """``preferred`` when it is among ``options``, else the first GPU among them (the defaults are GPUs),
    or the first option (None: there is none), and why ``preferred`` is not there (its load error;
    None when it loaded but is not an option)."""
    if preferred in options or not options:
        return (preferred if options else None), None
    loaded = c.profiles().profiles
    gpus = [o for o in options if o in loaded and loaded[o].kind == "gpu"]
    return (gpus or list(options))[0], c.load_error(preferred)


def default_hardware(preferred: str, options: Sequence[str], where: Any, key: str | None = None) -> str | None:
    """A hardware selectbox's default: ``preferred``, or the first option with its load error shown in
    ``where``. ``key``: the selectbox's URL key, whose link to a broken profile shows that profile's
    load error rather than "unknown value" (``common.check_profile_link``)."""
    if key is not None:
        c.check_profile_link(key)
    chosen, err = usable_hardware(preferred, options)
    if err is not None:
        where.warning(c.md_escape(f"The default profile {preferred} failed to load, so {chosen} is used instead: {err}",
                                  limit=600))
    return chosen
