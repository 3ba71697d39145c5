"""A real browser on the Calibrate page: an uploaded track report's numbers are never cut (journeys C1:
at 1400 px its CO₂e tile read "0.00311 g C…" in one of four plain columns). Its fixtures: tests/browser/conftest.py."""

from __future__ import annotations

import pytest
from browser_fixtures import CUT_TEXT, LAID_OUT, SCRIPT_DONE, TIMEOUT_MS, settled
from track_fakes import Clock, FakeMeter

from estimator.monitor.track import track

pytestmark = [pytest.mark.browser, pytest.mark.slow]

def cpu_track_report(path) -> None:
    """A finished CPU run as examples/train_numpy.py --steps 600 --hardware cpu-server-2s-epyc writes it:
    3 ms steps at 10.45 W, so its CO₂e is a few thousandths of a gram ("0.00310 g CO₂e", as in the finding)."""
    clock = Clock()
    with track(total_steps=600, flops_per_step=4.1e8, hardware="cpu-server-2s-epyc", backend=FakeMeter(clock, 10.45),
               clock=clock, report_path=path, print_report=False) as run:
        for _ in range(600):
            clock.t += 0.003
            run.step()


# 1400 px: the finding's window; 1280 px: where, in this browser, plain st.columns(4) cut this value
# (223 px in a 193-pixel column)
@pytest.mark.parametrize("width", [1400, 1280])
def test_an_uploaded_track_report_never_cuts_a_number_or_a_unit(browser, server, tmp_path, width):
    report = tmp_path / "track.json"
    cpu_track_report(report)
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/calibrate")
    page.get_by_text("Load a track report").wait_for()
    page.locator('[data-testid="stFileUploader"]').nth(1).locator("input[type=file]").set_input_files(str(report))
    page.get_by_test_id("stMetricLabel").filter(has_text="CO₂e").wait_for()
    page.wait_for_function(SCRIPT_DONE, timeout=TIMEOUT_MS)
    page.evaluate(LAID_OUT)
    values = page.get_by_test_id("stMetricValue").all_inner_texts()
    assert any(v.endswith(" g CO₂e") for v in values), values  # the tile of the finding is there, whole
    cut = settled(page, CUT_TEXT)
    if cut:
        page.screenshot(path=str(tmp_path / "cut.png"), full_page=True)
    assert not cut, (width, cut[:3])
