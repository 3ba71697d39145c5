"""Run one page of the app under AppTest. AppTest's switch_page takes file paths only, so a
page (a function page under st.navigation) runs through a small script that calls its render()
(``apptest_page_script.py``).

``run_page`` runs the page afresh: for a test that changes a widget and runs it again, or that
renders under its own monkeypatch, folder or spy. ``shared_page`` gives the page as shown for a link,
run once per test session and shared by every test that only reads it (a page run costs 0.1 to
0.7 s of CPU, and the suite read the Accuracy page alone 17 times); running a shared page again
is refused."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app.py"
PAGE_SCRIPT = Path(__file__).resolve().parent / "apptest_page_script.py"  # runs one page's render()
TIMEOUT_S = 60  # generous: the first run imports pandas, altair and the profiles


def run_page(module: str, params: dict | None = None, **context) -> AppTest:
    """Open ``app_pages.<module>`` with these query parameters and ``st.context`` values (AppTest reads
    no embed mode from ``?embed=true``: ``is_embedded=True`` sets it); fail on any exception shown."""
    at = AppTest.from_file(str(PAGE_SCRIPT), default_timeout=TIMEOUT_S)
    at.session_state["_test_page_module"] = module
    return _run(at, params, context)


def open_app(params: dict | None = None, **context) -> AppTest:
    """The whole app (``app.py``: navigation, the shared sidebar) with these query parameters and ``st.context``
    values; fail on any exception shown."""
    return _run(AppTest.from_file(str(APP), default_timeout=TIMEOUT_S), params, context)


def _run(at: AppTest, params: dict | None, context: dict) -> AppTest:
    for k, v in (params or {}).items():
        at.query_params[k] = v
    for k, v in context.items():
        at.context[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


class SharedPageError(AssertionError):
    pass


def _refuse_run(*args, **kwargs):
    raise SharedPageError("this page is shared by the tests that read it (apptest_pages.shared_page): "
                          "use run_page for a page the test changes and runs again")


_SHOWN: dict[str, AppTest] = {}


def shared_page(module: str, params: dict | None = None, **context) -> AppTest:
    """``run_page(module, params, **context)``, run once per test session: read it, never run it again."""
    key = json.dumps([module, params or {}, context], sort_keys=True, default=repr)
    if key not in _SHOWN:
        at = run_page(module, params, **context)
        at.run = at._run = _refuse_run  # the element tree runs it through _run
        _SHOWN[key] = at
    return _SHOWN[key]
