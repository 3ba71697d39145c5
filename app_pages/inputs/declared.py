"""The app's widgets for declared inputs (``estimator.services.inputs``): each takes its label, URL key, bounds and
tooltip from the input's declaration, so that a page names and bounds an input as the CLI and the API do. The
caller gives what depends on the run: the placeholder, a default, the options of a select box, a tooltip that
names the profile."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app_pages.ui import common as c
from estimator.core.base.bounds import SMALLEST_NONZERO
from estimator.core.base.errors import InputError
from estimator.services.inputs import Input

DECLARED: Any = object()  # the declaration's tooltip (a page may give its own, or none)


def _help(i: Input, help: Any) -> str | None:
    return i.widget_help if help is DECLARED else help


def number(i: Input, *, help: Any = DECLARED, min_value: float | None = None, max_value: float | None = None,
           integer: bool | None = None, **kwargs: Any) -> float | int | None:
    """A number field bound to ``i``'s URL key, inside its bound (whole numbers for an integer widget). A page
    may narrow what it takes (``min_value``, ``max_value``, ``integer=True``: a short run on this server, an
    open bound's smallest value), never widen it: a value outside the declared bound is refused as a mistake."""
    if i.widget not in ("number", "integer"):
        raise ValueError(f"{i.name} is drawn as a {i.widget}, not a number field")
    whole = i.widget == "integer"
    low, high = (i.bound.low, i.bound.high) if whole else (float(i.bound.low), float(i.bound.high))
    if integer is False and whole:
        raise ValueError(f"{i.name} is declared whole: a page cannot take fractions of it")
    low_open = i.bound.low_open  # the bound's own rules besides its ends, for a URL value (API review 2026-11-28)
    if min_value is not None:
        if not (low < min_value if i.bound.low_open else low <= min_value) or min_value > high:
            raise ValueError(f"{i.name}: a page narrows the declared bound, {min_value} is outside it")
        low, low_open = min_value, False
    if max_value is not None:
        if not low <= max_value <= high:
            raise ValueError(f"{i.name}: a page narrows the declared bound, {max_value} is outside it")
        high = max_value
    tiny = SMALLEST_NONZERO if low == 0 and not low_open else None
    return c.url_number(i.label, i.url_key, min_value=low, max_value=high, integer=bool(integer) or whole,
                        low_open=low_open, whole=i.bound.whole, smallest_nonzero=tiny, help=_help(i, help), **kwargs)


def select(i: Input, options: Sequence[str], *, help: Any = DECLARED, **kwargs: Any) -> str | None:
    """A select box bound to ``i``'s URL key."""
    return c.url_select(i.label, i.url_key, options, help=_help(i, help), **kwargs)


def radio(i: Input, options: Sequence[str], *, help: Any = DECLARED, **kwargs: Any) -> str:
    """A radio bound to ``i``'s URL key."""
    return c.url_radio(i.label, i.url_key, options, help=_help(i, help), **kwargs)


def toggle(i: Input, *, help: Any = DECLARED, **kwargs: Any) -> bool:
    """A toggle bound to ``i``'s URL key."""
    return c.url_toggle(i.label, i.url_key, help=_help(i, help), **kwargs)


def batch(i: Input, word: str, *, help: Any = DECLARED, **kwargs: Any) -> int | float | str | None:
    """A field bound to ``i``'s URL key that takes a whole number or ``word`` (the largest batch), read as the CLI
    reads its batch value: ``word`` in any case, a whole number as an int, another number as a float for the core
    to refuse in its own words, nothing (None) where empty; text that is neither is refused by ``i``'s name."""
    if i.widget != "batch":
        raise ValueError(f"{i.name} is drawn as a {i.widget}, not a batch field")
    text = c.url_number_or_word(i.label, i.url_key, word, min_value=i.bound.low, max_value=i.bound.high,
                                integer=i.bound.whole, help=_help(i, help), **kwargs)
    if not text:
        return None
    if text.lower() == word:
        return word
    try:
        x = float(text.replace(",", ""))
    except ValueError:
        raise InputError(f"{i.message_name or i.label.lower()} must be a whole number or {word}, got {text[:40]!r}",
                         field=i.name) from None
    return int(x) if x.is_integer() else x
