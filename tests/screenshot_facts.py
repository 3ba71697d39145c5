"""What README's screenshot (docs/estimate-page.png) shows, as text: the headline numbers, their
ranges, the utilisation and the memory per device of the lecture link. The browser test writes it
to docs/estimate-page.json when it re-takes the picture (UPDATE_SCREENSHOT=1); a quick test holds
it to a fresh estimate, so a change of the numbers cannot leave a stale picture unnoticed."""

from __future__ import annotations

import json
from pathlib import Path

from app_pages.pages.estimate import HEADLINE
from estimator.services import api

DOCS = Path(__file__).resolve().parents[1] / "docs"
FACTS = DOCS / "estimate-page.json"
PRESET = "lambda-gpt3-v100"
RETAKE = ("UPDATE_SCREENSHOT=1 .venv/bin/python -m pytest tests/browser/test_browser.py "
          "-k test_lecture_link_in_a_real_browser")


def facts() -> dict:
    est = api.run(preset_id=PRESET).estimate
    shown = {}
    for label, key, fmt in HEADLINE:
        low, high = est.range[key]
        shown[label] = [fmt(getattr(est, key)), fmt(low), fmt(high)]
    memory = est.memory.per_device.total_gb if est.memory is not None else None
    return {"url": f"/?preset={PRESET}", "headline_and_range": shown, "utilization": est.utilization.summary,
            "memory_gb_per_device": None if memory is None else f"{memory:,.0f}",
            "retake": RETAKE}


def write() -> None:
    FACTS.write_text(json.dumps(facts(), indent=2, ensure_ascii=False) + "\n")
