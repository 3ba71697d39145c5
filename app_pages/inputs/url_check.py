"""Query parameters nothing on the opened page reads: warned about and dropped from the address.

A shared link with a typo (``?preset=gpt3-175b&devcies=8``) drew the preset's run as if the
parameter were not there, without a word, and kept it in every link copied from the page (audit).
Checked once, on the session's first run: the URL as it was opened. A parameter is known when a
widget of the page is bound to it (its key is in the session state once drawn), when the page checked
it (``common._first_run_raw``: a tab that lecture mode does not draw), when it is one of the view's
modes, or when the page already said why it ignores it (``common.ignored_url_params``).
"""

from __future__ import annotations

from contextlib import suppress

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app_pages.ui.common import URL_KEYS_READ, WARNINGS_KEY, record_url_warning

# The view's modes (``common.is_lecture``; Streamlit's own ``embed`` and ``embed_options``).
MODE_KEYS = frozenset({"embed", "embed_options", "lecture", "claim"})
CHECKED_KEY = "_url_unknown_checked"
REPEATED_KEY = "_url_repeated_checked"


def unknown_url_params() -> list[str]:
    """The query parameters the page drawn this run neither bound nor named."""
    said = st.session_state.get(WARNINGS_KEY, {})
    read = st.session_state.get(URL_KEYS_READ, set())  # checked by the page, drawn or not (review: lecture's ?tab=)
    return [k for k in st.query_params
            if k not in MODE_KEYS and k not in st.session_state and k not in said and k not in read]


def check_unknown_url_params() -> None:
    """After the page's first run: warn about each unknown parameter, drop it from the address, and
    run again so the page shows the warning where it shows the others (``common.show_url_warnings``)."""
    if st.session_state.get(CHECKED_KEY):
        return
    st.session_state[CHECKED_KEY] = True
    unknown = unknown_url_params()
    for key in unknown:
        record_url_warning(key, st.query_params.get(key, ""),
                           "nothing on the page as opened reads it (a typo, or an input of another page, tab or setting)")
        with suppress(KeyError, StreamlitAPIException):
            del st.query_params[key]
    if unknown:
        st.rerun()


def note_repeated_url_params() -> None:
    """Before the page's first run: a parameter given more than once (``?devices=4&devices=8``, two links
    pasted together) is said, with the value used, the last one, as Streamlit takes it (audit: the others
    were dropped without a word)."""
    if st.session_state.get(REPEATED_KEY):
        return
    st.session_state[REPEATED_KEY] = True
    said = st.session_state.setdefault(WARNINGS_KEY, {})
    for key in st.query_params:
        values = st.query_params.get_all(key)
        if len(values) > 1:
            shown = ", ".join(quoted(v) for v in values[:-1][:3]) + (", …" if len(values) > 4 else "")
            said[f"{key}\x00repeated"] = (f"URL parameter `{clip(key)}` is given {len(values)} times: only the last, "
                                           f"{quoted(values[-1])}, is read; {shown} ignored.")


def quoted(value: str) -> str:
    """A URL value as a warning quotes it; an empty one in words (review 2026-11-27: "only the last, ``, is read")."""
    return f"`{clip(value)}`" if clip(value).strip() else "an empty value"


def clip(text: str) -> str:
    """A value as a warning quotes it: its first 40 characters, no backticks or line breaks."""
    return str(text)[:40].replace("`", "").replace("\n", " ")
