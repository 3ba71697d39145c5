"""The Estimate page's screenshot (docs/estimate-page.png, shown in docs/reference/app.md) shows today's
numbers. (The examples of README.md and docs/ run as tests through Sybil: conftest.py at the root.)"""

from __future__ import annotations

import json

import screenshot_facts


def test_the_screenshot_shows_todays_numbers():
    """docs/estimate-page.json is what docs/estimate-page.png showed when it was taken; a change to
    the estimate must come with a new picture (the message says how to take it)."""
    taken = json.loads(screenshot_facts.FACTS.read_text())
    assert taken == screenshot_facts.facts(), f"docs/estimate-page.png is stale: re-take it with {screenshot_facts.RETAKE}"
