"""Issue 55 in a real browser: a claim in the 800×450 frame the share box proposes shows its source line
whole (it was cut to "…"), and the Lecture page's share and embed box gives the frame's snippet. Screenshots
of every claim at 1024×768 and 1920×1080 go to ``$CCE_SCREENSHOTS`` when set. Fixtures: tests/browser/conftest.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_fixtures import CLAIMS, TIMEOUT_MS, open_claim

from app_pages.pages import lecture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The source line as the frame draws it: shown, inside the frame, and not cut (its text no wider than its box).
SOURCE = """() => { const s = document.querySelector('.cce-source');
  if (!s) return null;
  const r = s.getBoundingClientRect(), shown = [...s.children].filter(e => getComputedStyle(e).display !== 'none');
  return {text: shown.map(e => e.innerText).join(''), top: r.top, bottom: r.bottom, height: r.height,
          cut: s.scrollWidth > s.clientWidth + 1}; }"""


def test_an_embedded_claim_shows_its_source_line_whole_in_the_frame_the_share_box_proposes(browser, server, tmp_path):
    width, height = lecture.EMBED_SIZE_PX
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    faults = []
    for cl in CLAIMS:
        open_claim(page, server, cl.id, embed=True)
        src = page.evaluate(SOURCE)
        if not src or src["cut"] or src["height"] == 0 or src["bottom"] > height or not src["text"].startswith("Source: "):
            page.screenshot(path=str(tmp_path / f"source-{cl.id}.png"))
            faults.append((cl.id, src))
    assert not faults, faults


def _screens() -> Path | None:
    where = os.environ.get("CCE_SCREENSHOTS")
    return Path(where) if where else None


@pytest.mark.parametrize("width, height", [(1024, 768), (1920, 1080)])
def test_the_share_box_gives_the_link_and_the_frame_and_every_claim_stays_whole(browser, server, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    out = _screens()
    for cl in CLAIMS:
        open_claim(page, server, cl.id)
        assert page.get_by_test_id("stException").count() == 0, cl.id
        if out:
            out.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out / f"claim-{cl.id}-{width}x{height}.png"))
    open_claim(page, server, "compression")
    opener = page.get_by_test_id("stExpandSidebarButton")  # the sidebar starts closed on a narrow screen
    if opener.count() and opener.is_visible():
        opener.click()
    page.get_by_text("Share or embed").click()
    box = page.get_by_role("textbox", name="Public address of this app")
    box.fill("https://lecture.example.org")
    box.press("Enter")
    code = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]')
    code.filter(has_text="lecture.example.org").nth(1).wait_for()  # the rerun with the address given
    texts = code.all_inner_texts()
    assert texts[0].strip() == "https://lecture.example.org/lecture?claim=compression"
    assert texts[1].strip().startswith('<iframe src="https://lecture.example.org/lecture?claim=compression&amp;embed=true"')
    if out:
        page.screenshot(path=str(out / f"share-box-{width}x{height}.png"))
