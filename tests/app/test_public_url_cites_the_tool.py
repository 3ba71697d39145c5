"""Issue 55: the address the Lecture page's share box starts from and the one the tool's BibTeX entry gives are one
setting (ESTIMATOR_PUBLIC_URL): a deployment that sets it shares links and is cited at the same address."""

from __future__ import annotations

import os

from app_pages.pages import lecture
from estimator.report.provenance import PUBLIC_URL_ENV, public_url


def test_the_share_box_and_the_tool_s_citation_read_one_setting(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://lecture.example.org/estimator/")
    assert lecture.default_base() == public_url(os.environ) == "https://lecture.example.org/estimator"
