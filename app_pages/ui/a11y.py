"""Keyboard and screen-reader fixes drawn on every page (accessibility audit, 2026-11-25).

- A collapsed sidebar (lecture and embed mode, narrow windows) kept its 28–42 controls in the Tab order,
  off-screen at x ≈ −300 px with their focus ring out of view: hidden while collapsed, so Tab goes from the
  skip link to the page (it opens and works as before). The descendants too: with only the container hidden,
  its help buttons stayed focusable.
- Focus on the page links was a grey of 1.1:1 against the sidebar, the current page's highlight nearly the
  same; the help buttons' ring 2.2:1; the chart toolbar's buttons showed none. A 3 px outline in the range
  bars' blue (6.1:1 on white) where the keyboard puts focus (WCAG 2.1 SC 2.4.7, "Focus visible").
"""

from __future__ import annotations

import streamlit as st

from app_pages.ui import palette

FOCUS_COLOUR = palette.ACCENT
A11Y_CSS = f"""<style>
[data-testid="stSidebar"][data-collapsed="true"], [data-testid="stSidebar"][data-collapsed="true"] * {{
  visibility: hidden !important;
}}
[data-testid="stSidebarNavLink"]:focus-visible, [data-testid="stTooltipHoverTarget"]:focus-visible,
[data-testid="stBaseButton-elementToolbar"]:focus-visible, .cce-links a:focus-visible {{
  outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px;
}}
</style>"""


def apply() -> None:
    """Draw the fixes above; once per page run (the CSS takes no space)."""
    st.html(A11Y_CSS)
