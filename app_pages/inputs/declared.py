"""The app's widgets for declared inputs (``estimator.services.inputs``): each takes its label, URL key, bounds and
tooltip from the input's declaration, so that a page names and bounds an input as the CLI and the API do. The
caller gives what depends on the run: the placeholder, a default, the options of a select box, a tooltip that
names the profile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app_pages.ui import common as c
from estimator.services.inputs import Input

DECLARED: Any = object()  # the declaration's tooltip (a page may give its own, or none)


def _help(i: Input, help: Any) -> str | None:
    return i.widget_help if help is DECLARED else help


def number(i: Input, *, help: Any = DECLARED, **kwargs: Any) -> float | int | None:
    """A number field bound to ``i``'s URL key, inside its bound (whole numbers for an integer widget)."""
    if i.widget not in ("number", "integer"):
        raise ValueError(f"{i.name} is drawn as a {i.widget}, not a number field")
    integer = i.widget == "integer"
    low, high = (i.bound.low, i.bound.high) if integer else (float(i.bound.low), float(i.bound.high))
    return c.url_number(i.label, i.url_key, min_value=low, max_value=high, integer=integer, help=_help(i, help),
                        **kwargs)


def select(i: Input, options: Sequence[str], *, help: Any = DECLARED, **kwargs: Any) -> str | None:
    """A select box bound to ``i``'s URL key."""
    return c.url_select(i.label, i.url_key, options, help=_help(i, help), **kwargs)


def radio(i: Input, options: Sequence[str], *, help: Any = DECLARED, **kwargs: Any) -> str:
    """A radio bound to ``i``'s URL key."""
    return c.url_radio(i.label, i.url_key, options, help=_help(i, help), **kwargs)


def toggle(i: Input, *, help: Any = DECLARED, **kwargs: Any) -> bool:
    """A toggle bound to ``i``'s URL key."""
    return c.url_toggle(i.label, i.url_key, help=_help(i, help), **kwargs)
