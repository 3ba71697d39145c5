"""Shared helpers for the Streamlit pages: cached data, URL-bound widgets, safe messages.

Every page module in ``app_pages/`` exposes ``render()`` and builds on these helpers:

- **Cached loaders** (``profiles()``, ``presets()``, ``carbon_data()``, ``sources()``): the
  bundled data files are read once per server process
  (``st.cache_resource``; the objects are frozen dataclasses and mappings: treat them as
  read-only). After writing a calibrated profile call ``clear_profile_cache()``.
- **URL-bound widgets** (``url_number``, ``url_select``, ``url_radio``, ``url_toggle``): each
  input lives in the page's query string (``bind="query-params"``, the key is the parameter
  name), so the URL is a shareable scenario. On the session's first run the raw URL value is
  checked (text for numbers, NaN/inf, negatives or values outside [min, max], unknown ids);
  a bad value is removed from the URL, the widget falls back to its default and a visible
  ``st.warning`` names the parameter. Pick keys that no other page uses for something else.
- **Messages** (``show_error``, ``md_escape``): library errors (``EstimatorError``) are shown
  with ``st.error``; user text is escaped, never rendered as HTML.
- **Modes**: ``is_embedded()`` (``?embed=true``, Streamlit's own embed mode) and
  ``is_lecture()`` (``?lecture=1``); charts take the lecture's text size in either (``projector_charts()``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from pandas.api.types import is_numeric_dtype
from pandas.io.formats.style import Styler
from streamlit.errors import StreamlitAPIException

from app_pages.ui.claim_ids import CLAIM_IDS
from app_pages.ui.profile_cache import (  # noqa: F401 (re-exported)
    clear_profile_cache,
    hardware_ids,
    load_error,
    profiles,
    refresh_profiles_if_changed,  # noqa: F401 (re-exported)
)
from app_pages.ui.tables import (  # noqa: F401 (re-exported)
    LARGE_NUMBER_FORMAT,
    NO_VALUE,
    WHOLE_NUMBER_FORMAT,
    key_columns,
    number_table,
    pin_first,
    table_csv,  # noqa: F401 (re-exported)
    text_px,
)
from estimator.core.base.errors import EstimatorError
from estimator.core.base.number_text import gfmt
from estimator.io import datafiles
from estimator.report import humanize as hz
from estimator.services import inputs as declared_inputs

# --------------------------------------------------------------------------------------
# Cached loaders: the files do not change while the server runs. profiles(), hardware_ids() and the
# broken-profile helpers: app_pages/ui/profile_cache.py (loaded again when profiles/calibrated/ changes).


@st.cache_resource(show_spinner=False)
def presets():
    """Preset id → ``estimator.core.training.presets.Preset`` (famous runs with published figures)."""
    return datafiles.load_presets()


@st.cache_resource(show_spinner=False)
def carbon_data():
    """CodeCarbon's grid-intensity tables (``estimator.core.footprint.carbon.CarbonData``)."""
    return datafiles.load_carbon_data()


@st.cache_resource(show_spinner=False)
def sources() -> Mapping[str, Mapping[str, str]]:
    """Source key → {cite, bibtex} (estimator/data/sources.toml)."""
    return datafiles.load_sources()


# --------------------------------------------------------------------------------------
# Safe text


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# The most of a note of the tool's own a page shows: its longest notes (a catalog model's shape and its source, a site's
# settings with theirs) run to ~1,500 characters; the cut is against text without end, not for notes (browser review
# 2026-11-29: cut at 600, "…rests o…", "max_pos…").
NOTE_CHARS = 4000


# a cut text ends at the last word's end in its last fifth, else where the limit falls (a design choice)
WORD_CUT_WITHIN = 0.8


# A number and the energy, power or time unit after it ("1.40 GWh", "567 W", "1.47 s"): joined by a no-break space in
# the text a slide or a lecture page shows under its numbers, so that a line never ends between them (lecturer review
# 2026-12-03: "1.40" ended a line at 1,024 px, "GWh" began the next; tests/browser's SPLIT_UNITS finds any left)
NUMBER_UNIT = re.compile(r"(\d) (?=(?:[kMGT]?Wh|[kMGT]?W|s)(?![\w]))")


def units_whole(text: str) -> str:
    """``text`` with each number's space before its energy, power or time unit a no-break space (``NUMBER_UNIT``)."""
    return NUMBER_UNIT.sub("\\1\u00a0", text)


def md_escape(text: Any, limit: int = 200) -> str:
    """Text safe to put inside Streamlit markdown: special characters escaped, newlines
    flattened, cut to ``limit`` characters; paired backticks stay code spans (a command).
    Streamlit never renders raw HTML unless asked (``unsafe_allow_html``, which this app never
    uses for user text); escaping also stops links, images and formatting in user-supplied text."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    if len(s) > limit:
        # at a word's end where one is near (lecturer review 2026-12-01: "…tensor parallel 8, pipelin…")
        cut = s[:limit]
        space = cut.rfind(" ")
        s = (cut[:space] if space > limit * WORD_CUT_WITHIN else cut).rstrip(" ,;:") + "…"
    parts = s.split("`")
    if len(parts) % 2 == 0 or not all(parts[1::2]):  # an unpaired backtick or an empty span: escape everything
        return _MD_SPECIAL.sub(r"\\\1", s)
    # `command` spans stay code (rendered literally, so nothing inside them needs escaping); the
    # text between them is escaped
    return "".join(f"`{p}`" if i % 2 else _MD_SPECIAL.sub(r"\\\1", p) for i, p in enumerate(parts))


# The scenario sidebar's widgets (Estimate, Compare, Lecture) that set each input
# (``InputError.field``: the dataclass field or API argument), for the hint that follows a library
# error; the library's messages name no widget. Pages with other widgets pass their own labels.
FIELD_LABELS = declared_inputs.labels(declared_inputs.TRAINING)  # their declarations' labels (estimator/services/inputs.py)


# The Workload choice that draws each workload field, for the hint (under a preset too: inputs.run_or_error).
WORKLOAD_CHOICE = {"flops": "flops", "params": "params", "tokens": "params"}


def error_text(exc: EstimatorError, labels: Mapping[str, str] | None = None) -> str:
    """The library's message, plus the widgets that set the inputs it names (``exc.field``):
    ``labels``, the page's own widgets (input → label), else the scenario sidebar's (``FIELD_LABELS``;
    a workload field with the Workload choice that shows it). An input the page has no widget for
    is not named."""
    known = FIELD_LABELS if labels is None else labels
    named = [known[f] + (f" (Workload: {WORKLOAD_CHOICE[f]})" if labels is None and f in WORKLOAD_CHOICE else "")
             for f in getattr(exc, "fields", ()) if f in known]
    # "inputs:", the fields the message concerns, given or not (serving-engineer review 2026-11-29: "set: Devices" where
    # no device count had been given read as if it had)
    return f"{exc} (inputs: {', '.join(named)})" if named else str(exc)


def show_error(exc: EstimatorError, where: Any = st, labels: Mapping[str, str] | None = None) -> None:
    """Show a library error as a red box (its message is written for people); never a traceback."""
    where.error(md_escape(error_text(exc, labels), limit=1000), icon=":material/error:")


# --------------------------------------------------------------------------------------
# Modes


def dataframe(data: Any, *, column_config: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    """``st.dataframe`` without the index and with the columns that name its rows pinned (``key_columns``: the first,
    and the next while rows repeat), kept in view as the figures scroll sideways, each text one sized to show its
    names whole. ``data``: a frame, or a ``number_table`` Styler."""
    frame = data.data if isinstance(data, Styler) else data
    shown = list(kwargs.get("column_order") or frame.columns)  # as shown, where an order is given
    keys = key_columns(frame, shown)
    also = [k for k, x in (column_config or {}).items() if isinstance(x, Mapping) and x.get("pinned") and k not in keys]
    pinned = keys + also  # the key columns and any the page pins besides (the plan's rank and its split)
    cells = {k: frame[k] for k in pinned if k in frame.columns and not is_numeric_dtype(frame[k])}  # sized whole
    st.dataframe(data, hide_index=True, column_config=pin_first(pinned, column_config, cells, len(pinned)), **kwargs)


def is_embedded() -> bool:
    """True under ``?embed=true`` (Streamlit's own embed mode; read from ``st.context``)."""
    try:
        return bool(st.context.is_embedded)
    except (AttributeError, RuntimeError):  # outside a script run (bare mode, a test): not in a frame
        return False


def projector_charts() -> bool:
    """Charts at the lecture's text size: in lecture mode, and in a frame (``?embed=true``), which is
    made for a slide on a projector (accessibility audit A9: a frame without ``&lecture=1`` kept the
    12 px labels)."""
    return is_lecture() or is_embedded()


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def is_lecture() -> bool:
    """True under ``?lecture=1`` (also true/yes/on), or on a lecture claim's link (``?claim=…``).
    Any other value of ``lecture`` warns once and means off."""
    claim = st.query_params.get("claim")
    if claim:
        if claim in CLAIM_IDS:
            return True
        record_url_warning("claim", claim, "not a lecture claim (the Lecture page lists them)" + FALLBACK)
    raw = st.query_params.get("lecture")
    if raw is None:
        return False
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() not in _FALSE:
        record_url_warning("lecture", raw, "expected 1 or 0" + FALLBACK)
        # dropped from the address, as other refused values are (lecturer review 2026-11-29: ?lecture=banana stayed)
        del st.query_params["lecture"]
    return False


def drop_claim_off_the_lecture_page() -> bool:
    """On a page other than Lecture, a ``?claim=`` (a lecture claim's link, edited) is said and dropped: it
    turned the page into lecture mode (audit). True when there was one to drop (the caller reruns)."""
    claim = st.query_params.get("claim")
    if claim is None:
        return False
    record_url_warning("claim", claim, "a lecture claim is read on the Lecture page only (/lecture?claim=…); "
                       "this page ignores it")
    with suppress(KeyError, StreamlitAPIException):
        del st.query_params["claim"]
    return True


def mode_link(path: str, **params: str) -> str:
    """An app path with ``params`` that keeps the view's modes: embed (``?embed=true``, so a link
    clicked inside a slide's iframe stays embedded) and lecture (``?lecture=1``; a claim's own link
    is lecture already, and the Lecture page is the lecture)."""
    query = dict(params)
    if is_embedded():
        query["embed"] = "true"
    if is_lecture() and "claim" not in query and path != "/lecture":
        query["lecture"] = "1"
    return path + (f"?{urlencode(query)}" if query else "")


# --------------------------------------------------------------------------------------
# URL-bound widgets with validation of tampered query parameters

WARNINGS_KEY, URL_KEYS_READ, FALLBACK = "_url_warnings", "_url_keys_read", ". Using the default instead"


URL_KEYS_WRITTEN = "_url_keys_written"  # a widget's URL key -> the key a link wrote its value under, where mended


def url_key_written_as(key: str, written: str) -> None:
    """The link wrote ``key``'s value under ``written`` (a key mended into the widget's: ``?country=`` for the
    picker's ``region``): a warning of that value names ``written``, the key the user sees in the link."""
    st.session_state.setdefault(URL_KEYS_WRITTEN, {})[key] = written


def record_url_warning(key: str, raw: Any, why: str) -> None:
    """Record "Ignored URL parameter `key` = `raw`: why." (kept for the session; ``show_url_warnings`` shows it);
    a bad value's ``why`` ends "Using the default instead" (``FALLBACK``); ``key`` as the link wrote it
    (``url_key_written_as``)."""
    shown = st.session_state.get(URL_KEYS_WRITTEN, {}).get(key, key)
    value = str(raw)[:40].replace('`', '').replace(chr(10), ' ')
    # an empty value said in words: Markdown draws an empty code span as two backticks (lecturer review 2026-11-30)
    st.session_state.setdefault(WARNINGS_KEY, {})[key] = (
        f"Ignored URL parameter `{shown[:40].replace('`', '')}` = {f'`{value}`' if value.strip() else '(empty)'}: {why}.")


def ignored_url_params(keys: Sequence[str], why: str, *, drop: bool = False) -> None:
    """Warn about URL parameters a page does not use in its current state (a catalog model's page given
    ``?inf_params=``: the CLI refuses the contradiction, the page had dropped it silently); ``drop``: and
    remove them from the address, so that a link copied from it says what the page shows."""
    for key in keys:
        raw = _first_run_raw(key)
        if raw is not None:
            record_url_warning(key, raw, why)
            if drop:
                with suppress(KeyError, StreamlitAPIException):  # bound already: the widget's value is the URL's
                    del st.query_params[key]  # not bound yet on the first run, so this is allowed


def show_url_warnings(where: Any = st) -> None:
    """Show the warnings collected about bad URL parameters this session. Call it once per page,
    after drawing the page's URL-bound widgets (a bad value is found while its widget is drawn)."""
    for text in st.session_state.get(WARNINGS_KEY, {}).values():
        where.warning(text, icon=":material/link_off:")


def _first_run_raw(key: str) -> str | None:
    """The URL's raw value for ``key`` when the widget has not been created yet this session (the only time
    Streamlit seeds a widget from the URL), else None; the key is recorded as the page's (``url_check``)."""
    st.session_state.setdefault(URL_KEYS_READ, set()).add(key)
    if key in st.session_state:
        return None
    # outside a script run (bare mode, a test) Streamlit raises RuntimeError, or AttributeError where it has no
    # session: no address to read, so the widget's default applies
    with suppress(AttributeError, RuntimeError):
        return st.query_params.get(key)
    return None


FIX_KEY = "_url_fix"


def _drop(key: str, raw: str, problem: str) -> None:
    """Warn about a bad URL value and remember to reset the widget if Streamlit seeds it anyway
    (it rounds ``?devices=2.5`` to 2, for example; see ``_enforce``)."""
    record_url_warning(key, raw, problem + FALLBACK)
    st.session_state.setdefault(FIX_KEY, {})[key] = None  # None: flagged, not yet checked
    with suppress(KeyError, StreamlitAPIException):  # the widget is bound already; _enforce resets it
        del st.query_params[key]  # not bound yet on the first run, so this is allowed


def _apply_fix(key: str) -> None:
    """Before a widget is drawn: apply a reset scheduled by ``_enforce`` on the previous run."""
    fixes = st.session_state.get(FIX_KEY)
    if fixes and fixes.get(key) is not None:
        st.session_state[key] = fixes.pop(key)[0]


def _enforce(key: str, value: Any, default: Any) -> Any:
    """After a widget is drawn: if its URL value was flagged bad but Streamlit seeded it anyway,
    reset it to ``default`` on an immediate rerun (the URL follows)."""
    fixes = st.session_state.get(FIX_KEY)
    if not fixes or key not in fixes:
        return value
    if fixes[key] is None and value != default:
        fixes[key] = (default,)
        st.rerun()
    fixes.pop(key, None)
    return value


def check_number(raw: str, *, min_value: float, max_value: float, integer: bool, low_open: bool = False,
                 smallest_nonzero: float | None = None) -> str | None:
    """Why ``raw`` is not acceptable for a number widget, or None when it is.

    Rejects text, NaN/inf, values outside [min_value, max_value] (negatives, huge values; ``low_open``: the minimum
    itself too), between 0 and ``smallest_nonzero`` where given (the core's bound of a value that takes 0:
    ``bounds.SMALLEST_NONZERO``) and, for ``integer`` widgets, non-whole numbers."""
    if raw is None or raw.strip() == "":
        return None
    try:
        x = float(raw)
    except ValueError:
        return "not a number"
    if not math.isfinite(x):
        return "not a finite number"
    if x < min_value or (low_open and x == min_value):
        return f"{'not above' if low_open else 'below'} the minimum {gfmt(min_value)}"
    if smallest_nonzero is not None and 0 < x < smallest_nonzero:
        return f"neither 0 nor at least {gfmt(smallest_nonzero)}"
    if x > max_value:
        return f"above the maximum {gfmt(max_value)}"
    if integer and x != int(x):
        return "not a whole number"
    return None


def readable_number(value: float) -> str:
    """A large field's value as people read it, under the field (issue 55: fields show "5.760e+23", "7.000e+9"):
    "= 7.00 billion", "= 5.76 × 10²³" (``humanize.count``: words up to 10¹⁵, then powers of ten)."""
    return f"= {hz.count(value)}"


def url_number(label: str, key: str, *, min_value: float, max_value: float, default: float | int | None = None,
               integer: bool = False, step: float | int | None = None, fmt: str | None = None,
               placeholder: str | None = None, help: str | None = None, where: Any = st.sidebar,
               low_open: bool = False, whole: bool = False, smallest_nonzero: float | None = None) -> float | int | None:
    """A number input bound to the query parameter ``key``.

    ``default=None`` gives an empty field (the caller then uses its own default, e.g. the
    preset's or the profile's value; say which in ``placeholder``). ``integer=True`` returns
    an int. A bad URL value (text, NaN/inf, outside [min_value, max_value], a fraction for an
    integer) is dropped with a warning. ``where`` is the container (default: the sidebar). ``low_open``, ``whole``,
    ``smallest_nonzero``: the declared bound's other rules, checked on a URL value as the core checks them
    (``check_number``; a ``whole`` field that is not ``integer`` keeps its float widget)."""
    readable = fmt in (LARGE_NUMBER_FORMAT, WHOLE_NUMBER_FORMAT)  # the caller's format: a whole-number field's own is not
    raw = _first_run_raw(key)
    if raw is not None:
        problem = check_number(raw, min_value=min_value, max_value=max_value, integer=integer or whole,
                               low_open=low_open, smallest_nonzero=smallest_nonzero)
        if problem:
            _drop(key, raw, problem)
    if integer:
        # A whole-number field is a float widget shown without decimals: Streamlit parses a bound
        # URL value for an int widget with int(), and int(float("inf")) raises OverflowError before
        # any check can run (/?devices=inf); its float parser resets a non-finite value instead.
        min_value, max_value = float(int(min_value)), float(int(max_value))
        default = None if default is None else float(int(default))
        step, fmt = float(step or 1), fmt or "%.0f"
    _apply_fix(key)
    # the bounds are checked here, not by the widget: a typed value outside them is said under the field and not used
    # (lecturer reviews 2026-11-29: Streamlit's own bounds turned the field red, kept the last numbers on screen beside
    # it, and gave the reason in a tooltip alone)
    value = where.number_input(label, value=default, step=step, format=fmt, placeholder=placeholder, help=help,
                               key=key, bind="query-params", persist_state="session")
    value = _enforce(key, value, default)
    if value is not None and (problem := check_number(repr(float(value)), min_value=min_value, max_value=max_value,
                                                      integer=False, low_open=low_open,
                                                      smallest_nonzero=smallest_nonzero)):
        used = "the default" if default is None else f"the default, {gfmt(default)}"
        where.error(md_escape(f"{label}: {gfmt(value)} is {problem}, so not used: the numbers are for {used}",
                              limit=300), icon=":material/error:")
        value = default
    if readable and value is not None:
        # the field shows sprintf's e-notation ("5.760e+23") or a long run of digits: the number as people read it
        where.caption(readable_number(value))
    if integer and value is not None:
        whole = float(math.floor(value + 0.5))  # half up, as the field shows a typed 2.5 ("3")
        if whole != value:  # a typed fraction: the field, the numbers and the URL take the whole number
            st.session_state.setdefault(FIX_KEY, {})[key] = (whole,)
            st.rerun()
        return int(whole)
    return value


def check_option(key: str, options: Sequence[str], *, any_case: bool = True,
                 renamed: Mapping[str, str] | None = None) -> None:
    """Drop the URL value of ``key`` with a warning when it is not one of ``options`` (also for bound widgets not made
    here, e.g. ``st.tabs``). ``any_case`` (the default): ``?region=fra`` is the option ``FRA``, as the command line
    reads it, and ``?tab=energy`` the tab ``Energy``.
    ``renamed``: an option's former name → its name, so a link made before the rename opens what it named."""
    raw = _first_run_raw(key)
    same = next((o for o in options if o.lower() == raw.strip().lower()), raw) if raw is not None and any_case else raw
    if same is not None and renamed:  # in any case too where any case is taken ("MXFP8" as "mxfp8")
        if any_case:
            same = {k.lower(): v for k, v in renamed.items()}.get(same.strip().lower(), same)
        else:
            same = renamed.get(same, same)
    if same != raw:  # mend the URL and run again: a widget drawn on "fra" had cleared it from the address (review)
        st.query_params[key] = same
        st.rerun()
    if raw is not None and raw not in options:
        shown = ", ".join(options[:8]) + (", …" if len(options) > 8 else "")
        _drop(key, raw, f"unknown value; valid: {shown}")


def check_profile_link(key: str, offered: Sequence[str] | None = None,
                       why_not: Callable[[Any], str | None] | None = None) -> None:
    """A link to a profile whose file failed to load (``?hardware=broken-one``) is dropped with that
    load error (file, field and fix, as the CLI says it), not as an unknown value. A link that names a bundled
    profile as people write it (``?hardware=NVIDIA B300-SXM-270GB``, as ``--hardware`` takes it) is mended to
    its id where the page offers it (``offered``; None: any), else dropped saying which profile it named (browser
    review 2026-11-26: the CLI took the name, a link to it became the H100). ``why_not``: a profile → why the page
    does not offer it (None: it does), said where a link names one it leaves out (browser review 2026-11-27: the
    Plan page dropped a V100 as an "unknown value")."""
    raw = _first_run_raw(key)
    err = load_error(raw) if raw else None
    if err is not None:
        _drop(key, raw, md_escape(f"that profile failed to load: {err}", 600))
        return
    ps = profiles()
    if raw and offered is not None and raw not in offered and raw in ps.profiles and why_not is not None:
        reason = why_not(ps.profiles[raw])
        if reason:
            _drop(key, raw, md_escape(f"this page does not offer it: {reason}", 600))
            return
    if raw and raw not in ps.profiles and not raw.strip().lower().endswith(".toml"):
        try:
            pid = datafiles.resolve_bundled_name(ps, raw)
        except EstimatorError as exc:  # a name that could be several profiles: the refusal says which
            _drop(key, raw, md_escape(str(exc), 600))
            return
        if pid is not None and pid != raw and pid.lower() != raw.strip().lower():
            if offered is not None and pid not in offered:
                _drop(key, raw, md_escape(f"it names {pid}, which this page does not offer", 300))
                return
            st.query_params[key] = pid
            st.rerun()


def url_select(label: str, key: str, options: Sequence[str], *, default: str | None = None,
               placeholder: str | None = None, help: str | None = None,
               format_func: Callable[[str], str] | None = None, on_change: Callable[[], None] | None = None,
               any_case: bool = True, renamed: Mapping[str, str] | None = None,
               where: Any = st.sidebar) -> str | None:
    """A selectbox of ids bound to the query parameter ``key``; the URL holds the id itself
    (``?hardware=h100-sxm``). ``default=None`` starts empty (returns None). An unknown id in
    the URL is dropped with a warning. ``format_func`` must return the id unchanged or with
    extra text *after* it, since the URL stores the displayed text. ``on_change`` runs before
    the rerun when the user picks another option; ``any_case``, ``renamed``: see ``check_option`` (any case by
    default, as the CLI reads a model's id, an engine's name or a choice: app parity review 2026-12-03,
    ``?model=LLAMA-3.1-8B`` had fallen back to the default model)."""
    options = list(options)
    check_option(key, [format_func(o) for o in options] if format_func else options, any_case=any_case,
                 renamed=renamed)
    index = options.index(default) if default is not None else None
    kwargs = {"format_func": format_func} if format_func else {}
    _apply_fix(key)
    _offered_or_default(key, label, options, default)
    value = where.selectbox(label, options, index=index, placeholder=placeholder, help=help, key=key,
                            on_change=on_change, bind="query-params", persist_state="session", **kwargs)
    return _enforce(key, value, default)


FALLBACK_KEY = "_choice_fallbacks"  # a widget's choice another input took away, by its key (``_offered_or_default``)


def _offered_or_default(key: str, label: str, options: Sequence[str], default: str | None) -> None:
    """Where another input took the widget's choice away (fp8 on a device without it), the widget's state is set to
    ``default`` before it is drawn, so that the address follows it, and that is said (browser review 2026-11-29: the
    Plan page showed bf16 with ``plan_precision=fp8`` still in its address, and reopening that address gave fp8)."""
    held = st.session_state.get(key)
    dropped = st.session_state.setdefault(FALLBACK_KEY, {})
    if held is None or held in options:
        # the choice it took away chosen again: the fallback's word goes (diff review 2026-11-29: it stayed beside the
        # choice it named)
        if key in dropped and held == dropped[key]:
            del dropped[key]
            st.session_state.get(WARNINGS_KEY, {}).pop(key, None)
        return
    if default is None:
        del st.session_state[key]
    else:
        st.session_state[key] = default
    dropped[key] = held
    st.session_state.setdefault(WARNINGS_KEY, {})[key] = (
        f"{label}: {str(held)[:40]} is not offered with the current choices; "
        + ("left empty." if default is None else f"{default} instead."))


def url_radio(label: str, key: str, options: Sequence[str], *, default: str, help: str | None = None,
              horizontal: bool = True, on_change: Callable[[], None] | None = None, any_case: bool = True,
              renamed: Mapping[str, str] | None = None, where: Any = st.sidebar) -> str:
    """Radio buttons bound to the query parameter ``key`` (the URL holds the option text; ``any_case``, ``renamed``:
    see ``check_option``)."""
    options = list(options)
    check_option(key, options, any_case=any_case, renamed=renamed)
    _apply_fix(key)
    value = where.radio(label, options, index=options.index(default), horizontal=horizontal, help=help, key=key,
                        on_change=on_change, bind="query-params", persist_state="session")
    return _enforce(key, value, default)


def url_number_or_word(label: str, key: str, word: str, *, min_value: float, max_value: float, integer: bool = False,
                       placeholder: str | None = None, help: str | None = None, where: Any = st.sidebar) -> str:
    """A text field bound to the query parameter ``key`` that takes a number or ``word`` (``?batch=max``), as a
    command-line value can: its text, stripped ("" when empty). A bad URL value (not ``word``, and text, NaN/inf,
    outside [min_value, max_value], a fraction for an ``integer`` field) is dropped with a warning, as
    ``url_number`` drops it; what is typed is the caller's to read (``declared.batch``)."""
    raw = _first_run_raw(key)
    if raw is not None and raw.strip().lower() != word:
        problem = check_number(raw, min_value=min_value, max_value=max_value, integer=integer)
        if problem:
            _drop(key, raw, f"{problem}, nor {word}")
    _apply_fix(key)
    value = where.text_input(label, value="", placeholder=placeholder, help=help, key=key, bind="query-params",
                             persist_state="session")
    return (_enforce(key, value, "") or "").strip()


def url_toggle(label: str, key: str, *, default: bool = False, help: str | None = None, where: Any = st.sidebar,
               disabled: str | None = None) -> bool:
    """A toggle bound to the query parameter ``key`` (``?key=true`` / ``false``). ``disabled``: why it does not apply
    here: drawn disabled at its default, a link's other value dropped with that reason (app review 2026-11-30: a
    disabled toggle had shown a link's "on" that was not taken)."""
    raw = _first_run_raw(key)
    if raw is not None and raw.strip().lower() not in ("true", "false"):
        _drop(key, raw, "expected true or false")
    elif disabled and raw is not None and raw.strip().lower() != str(default).lower():
        _drop(key, raw, disabled)
    _apply_fix(key)
    if disabled and key in st.session_state and st.session_state[key] != default:
        st.session_state[key] = default  # switched on before it stopped applying: off while it does not
    value = where.toggle(label, value=default, help=help, key=key, bind="query-params", persist_state="session",
                         disabled=bool(disabled))
    value = _enforce(key, value, default)
    return default if disabled else value
