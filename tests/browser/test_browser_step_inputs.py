"""The Estimate page's step-model inputs (the "Training memory" toggle) in Chromium at 1024×768 and 1920×1080:
each placeholder whole in its field ("2048 or the preset's (defau…" and "all (dense; a preset's or mo…" were cut),
and the global batch shown as the whole number of tokens typed, not sprintf's "3.277e+4" (which hid 32,768's
last digits). One page load per size, on the session's server."""

from __future__ import annotations

import pytest
from browser_fixtures import PLACEHOLDERS, SCRIPT_DONE, TIMEOUT_MS

SIZES = [(1024, 768), (1920, 1080)]
LINK = "/?workload=params&params=7e10&tokens=1e12&devices=128&hardware=h100-sxm&tp=8&pp=16&gbt=32768"


@pytest.mark.parametrize("width, height", SIZES)
def test_step_inputs_read_whole(browser, server, width, height, tmp_path):
    from estimator.services import inputs as I

    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server + LINK)
    page.wait_for_function(SCRIPT_DONE, timeout=TIMEOUT_MS)
    gbt = page.get_by_label(I.GLOBAL_BATCH_TOKENS.label, exact=True)
    gbt.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.evaluate("() => document.fonts.ready")
    page.locator('[data-testid="stSidebarContent"]').screenshot(path=str(tmp_path / f"sidebar-{width}.png"))
    shown = {label: (text, need, have) for label, text, need, have in page.evaluate(PLACEHOLDERS)}
    for i in (I.SEQ_LEN, I.VP, I.ETP, I.ACTIVE_PARAMS, I.CP, I.EP, I.MICRO_BATCH):
        assert i.label in shown, (i.label, sorted(shown))
    cut = {label: text for label, (text, need, have) in shown.items() if need > have}
    assert not cut, cut
    assert gbt.input_value() == "32768"
    page.close()


@pytest.mark.parametrize("width, height", SIZES)
def test_every_estimate_tab_is_in_view_with_the_sidebar_open(browser, server, width, height):
    """Browser review 2026-11-27: at 1,024 px "Export & share" sat behind the tab strip's scroll arrow (657 px of
    labels in 564); the labels are short enough that every tab is in view."""
    from app_pages.pages.estimate import TABS

    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server + "/?preset=lambda-gpt3-v100")
    page.wait_for_function(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.locator('[role="tablist"]').first.wait_for(state="attached", timeout=TIMEOUT_MS)
    boxes = page.evaluate("""() => {
        const list = document.querySelector('[role="tablist"]');
        const box = list.getBoundingClientRect();
        return [box.left, box.right, [...list.querySelectorAll('[role="tab"]')].map(t => {
            const r = t.getBoundingClientRect(); return [t.innerText, r.left, r.right]; })];
    }""")
    left, right, tabs = boxes
    assert [t for t, _, _ in tabs] == list(TABS)
    hidden = [t for t, a, b in tabs if a < left - 1 or b > right + 1]
    assert not hidden, (hidden, left, right, tabs)
    page.close()


def test_a_precision_the_new_device_lacks_leaves_the_address_too(browser, server):
    """Browser review 2026-11-29: on the Plan page, `?plan_precision=fp8`, then the A100 (no fp8 peak) and back to the
    H100, showed bf16 with `plan_precision=fp8` still in the address; the address follows the widget now."""
    import time

    from browser_fixtures import SCRIPT_IDLE

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/plan?plan_precision=fp8")
    page.wait_for_function(SCRIPT_IDLE, timeout=TIMEOUT_MS)
    for hardware in ("a100-sxm-80gb", "h100-sxm"):
        box = page.locator('[data-testid="stSelectbox"]:has-text("Hardware")').first
        box.locator("input").first.click()
        page.keyboard.type(hardware)
        page.keyboard.press("Enter")
        time.sleep(0.5)
        page.wait_for_function(SCRIPT_IDLE, timeout=TIMEOUT_MS)
        assert "plan_precision" not in page.url, (hardware, page.url)
    assert "fp8 is not offered with the current choices; bf16 instead" in page.locator("body").inner_text()
    page.close()
