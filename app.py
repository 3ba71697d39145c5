"""Compute Cost Estimator: the Streamlit app. Run with ``streamlit run app.py``.

Pages live in ``app_pages/pages/`` (one module per page, each with ``render()``), imported when opened.
Every input is bound to the URL, so a page's address is a shareable scenario:
``?preset=lambda-gpt3-v100`` opens the lecture scenario; ``?lecture=1`` shows the headline
numbers large; ``?embed=true`` is Streamlit's own embed mode for slides.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit as st

from app_pages.inputs import sidebar as inputs
from app_pages.inputs import url_check
from app_pages.ui import a11y, common, gc_tuning, style
from estimator.core.base.tool import TOOL_NAME

# The browser tab's icon, a local file: a Material icon would be fetched from Google's font host.
ICON = Path(__file__).resolve().parent / "app_pages" / "static" / "icon.png"

# (module, title, url_path, icon); the first is the landing page, served at "/" (Streamlit keeps its
# url_path reserved but unused, so it is not "estimate": that path is the hidden alias below).
PAGES = (
    ("estimate", "Estimate", "home", ":material/calculate:"),
    ("compare", "Compare hardware", "compare", ":material/bar_chart:"),
    ("profiles", "Profiles & sources", "profiles", ":material/memory:"),
    ("calibrate", "Calibrate", "calibrate", ":material/tune:"),
    ("limits", "Limits of scale", "limits", ":material/trending_up:"),
    ("inference", "Inference & compression", "inference", ":material/bolt:"),
    ("plan", "Plan a run", "plan", ":material/account_tree:"),
    ("accuracy", "Accuracy", "accuracy", ":material/verified:"),
    ("lecture", "Lecture", "lecture", ":material/co_present:"),
)
# The landing page again at /estimate (hidden from the menu): the menu calls it "Estimate", and
# /estimate had opened Streamlit's "Page not found" dialog over it (browser audit).
ESTIMATE_ALIAS = "estimate"
LECTURE_PATH = "lecture"  # the one page that reads ?claim= (PAGES)
# url paths of the pages that use the sidebar's scenario ("" is the landing page)
SCENARIO_PAGES = {"", ESTIMATE_ALIAS, "compare"}


def _page_function(module: str):
    """A page callable that imports ``app_pages.pages.<module>`` when the page is opened."""
    def page():
        importlib.import_module(f"app_pages.pages.{module}").render()
    page.__name__ = page.__qualname__ = f"page_{module}"
    return page


def pages() -> list:
    listed = [st.Page(_page_function(module), title=title, url_path=path, icon=icon, default=i == 0)
              for i, (module, title, path, icon) in enumerate(PAGES)]
    module, title, _, icon = PAGES[0]
    return listed + [st.Page(_page_function(module), title=title, url_path=ESTIMATE_ALIAS, icon=icon,
                             visibility="hidden")]


def main() -> None:
    lecture = common.is_lecture()
    embedded = common.is_embedded()
    st.set_page_config(page_title=TOOL_NAME, page_icon=style.data_url(ICON), layout="wide",
                       initial_sidebar_state="collapsed" if (lecture or embedded) else "auto")
    all_pages = pages()
    page = st.navigation(all_pages, position="hidden" if (lecture or embedded) else "sidebar")
    # each page its own browser title (a11y audit: every tab read "Compute Cost Estimator"; WCAG 2.1 SC 2.4.2)
    st.set_page_config(page_title=f"{page.title} · {TOOL_NAME}")
    a11y.apply()
    if page.url_path != LECTURE_PATH and common.drop_claim_off_the_lecture_page():
        st.rerun()  # the page as it is without the claim (audit: /compare?claim=… drew Compare in lecture mode)
    if lecture:
        style.apply_lecture_css()
    elif embedded:
        style.apply_embed_css()
    url_check.note_repeated_url_params()  # ?devices=4&devices=8: said, the last one used (audit)
    if page.url_path in SCENARIO_PAGES:
        # the scenario widgets are drawn here, not in the page, so they stay the same widgets
        # (with the same values) when the user moves between these pages
        controls = st.container(horizontal=True) if lecture else None
        with inputs.shared_inputs(main=controls):
            page.run()
    else:
        page.run()
    url_check.check_unknown_url_params()  # a link's parameter no input reads: said and dropped (audit)
    gc_tuning.freeze_new_imports()


if __name__ == "__main__":  # `streamlit run app.py` (and AppTest) run this file as __main__
    main()
