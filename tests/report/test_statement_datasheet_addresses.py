"""Issue 55: every shipped profile's datasheet source gives an address a reviewer can check, and the paper statement's
BibTeX entry for the hardware carries it (``howpublished``, as the entries built from a source text write theirs);
the tool's own entry takes its address from ``ESTIMATOR_PUBLIC_URL`` (the setting the Lecture page's share box
starts from) and has none while it is unset; a device whose name spells a source key (the L4, "L4" the Llama 4
model card) is never cited as that source."""

from __future__ import annotations

import re

import pytest
from latex_batch import to_compile
from statements import SOURCES

from estimator import __version__
from estimator.io.datafiles import PROFILES_DIR, load_profiles
from estimator.report.export import render
from estimator.report.provenance import PUBLIC_URL_ENV, public_url
from estimator.report.statement import statement
from estimator.report.statement_parts import address
from estimator.services import api

PROFILES = load_profiles(PROFILES_DIR).profiles  # the shipped ones, never a calibrated folder's
# Shipped profiles whose datasheet entry may have no address, each with its reason. None today: every peak's (or,
# for a profile without one, power's) source text writes the vendor's document, a paper's arXiv id, or names a
# publisher whose page estimator/report/statement_parts.py PUBLISHER_PAGES knows.
NO_ADDRESS: dict[str, str] = {}
URL = re.compile(r"howpublished=\{(https?://[^}]+|arXiv:\d{4}\.\d{4,5})\}")


def _entries(bib: str) -> dict[str, str]:
    return {e.split("{", 1)[1].split(",", 1)[0]: e for e in bib.split("\n\n") if e.strip()}


def test_the_exceptions_are_shipped_profiles_with_a_reason():
    assert set(NO_ADDRESS) <= set(PROFILES) and all(why.strip() for why in NO_ADDRESS.values())


@pytest.mark.parametrize("pid", sorted(PROFILES))
def test_every_shipped_datasheet_source_gives_an_address(pid):
    if pid in NO_ADDRESS:
        pytest.skip(NO_ADDRESS[pid])
    assert address(PROFILES[pid].peak_source) is not None, PROFILES[pid].peak_source


@pytest.mark.parametrize("pid", sorted(set(PROFILES) - set(NO_ADDRESS)))
def test_the_statement_cites_each_profile_s_datasheet_with_its_address(pid):
    est = api.run(flops=1e21, hardware=pid).estimate
    entry = _entries(statement(est, SOURCES, version=__version__).bib).get(f"hw-{pid}")
    assert entry is not None, pid
    assert URL.search(entry), entry


def test_the_addresses_added_for_issue_55_are_the_vendors_documents():
    where = {pid: address(PROFILES[pid].peak_source) for pid in PROFILES}
    assert where["l4"] == "https://www.nvidia.com/en-us/data-center/l4/"
    assert where["mi250x"].startswith("https://www.amd.com/") and where["mi250x"].endswith("amd-cdna2-white-paper.pdf")
    assert where["gaudi3"] == where["gaudi2"] and where["gaudi3"].startswith("https://hc2024.hotchips.org/")
    assert where["a10g"].startswith("https://d1.awsstatic.com/") and "A10G_DataSheet" in where["a10g"]


def test_a_device_named_like_a_source_key_is_not_cited_as_that_source():
    # "L4" is both the NVIDIA L4 and the key of the Llama 4 model card: the entry read "NVIDIA Meta datasheet"
    est = api.run(flops=1e21, hardware="l4").estimate
    st = statement(est, SOURCES, version=__version__)
    assert "meta2025llama4card" not in st.bib + st.tex and "Meta datasheet" not in st.bib
    assert "NVIDIA L4 datasheet" in _entries(st.bib)["hw-l4"]


def _tool_entry(environ) -> str:
    est = api.run(flops=1e21, hardware="h100-sxm").estimate
    bib = render("bibtex", est, sources=SOURCES, tool_url=public_url(environ))
    return next(e for e in bib.split("\n\n") if e.startswith("@misc{computecostestimator"))


def test_the_tool_s_entry_takes_its_address_from_the_public_url_setting():
    entry = _tool_entry({PUBLIC_URL_ENV: " https://compute.example.org/estimator/?claim=x#top "})
    assert entry.endswith(", howpublished={https://compute.example.org/estimator}}")


@pytest.mark.parametrize("value", [None, "", "   ", "compute.example.org", "ftp://compute.example.org", "https://"])
def test_the_tool_s_entry_has_no_address_without_a_public_one(value):
    environ = {} if value is None else {PUBLIC_URL_ENV: value}
    assert public_url(environ) is None
    assert "howpublished" not in _tool_entry(environ)


def test_public_url_keeps_the_path_and_port_and_drops_the_rest():
    assert public_url({PUBLIC_URL_ENV: "http://10.0.0.5:8501/"}) == "http://10.0.0.5:8501"
    assert public_url({PUBLIC_URL_ENV: "https://a.example/b/c/?q=1"}) == "https://a.example/b/c"


to_compile("issue 55: datasheet URLs and the tool's address")(lambda folder: statement(
    api.run(flops=1e21, hardware="a10g").estimate, SOURCES, version=__version__,
    tool_url="https://compute.example.org/estimator_app"))


@pytest.mark.slow  # compiles LaTeX (pdflatex, BibTeX: subprocesses; pytest.ini: slow)
def test_the_statement_with_addresses_compiles_without_warnings(compiled_statements):
    assert compiled_statements["issue 55: datasheet URLs and the tool's address"] == []


def test_the_cli_s_bibtex_gives_the_deployment_s_address(cli, monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://compute.example.org/estimator/")
    out = cli("estimate", "--flops", "1e21", "--hardware", "h100-sxm", "--format", "bibtex").out
    tool = next(e for e in out.split("\n\n") if e.startswith("@misc{computecostestimator"))
    assert tool.endswith(", howpublished={https://compute.example.org/estimator}}")
    monkeypatch.delenv(PUBLIC_URL_ENV)
    assert "howpublished" not in next(e for e in cli("estimate", "--flops", "1e21", "--hardware", "h100-sxm", "--format",
                                                     "bibtex").out.split("\n\n") if e.startswith("@misc{computecost"))
