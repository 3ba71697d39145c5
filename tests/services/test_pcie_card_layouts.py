"""Researcher review 2026-12-01: `plan` refused 8 L40S ("the step model needs scale_up_devices, scale_out_gb_per_s"),
while serving laid the same cards out in servers of 8, each on its own PCIe link. A PCIe card's profile that states no
domain is now laid out for training as serving lays it out; a device linked otherwise (a GH200's NVLink) still needs
its links stated; the MI250X's profile states its Frontier node (4, a 200 Gb/s Slingshot NIC each)."""

from __future__ import annotations

import pytest

from estimator.core.base.errors import InputError
from estimator.core.training.step import missing_links, step_hardware
from estimator.services.public import load_profile


@pytest.mark.parametrize("hw", ["l40s", "rtx-4090", "rtx-pro-6000-server", "l4"])
def test_a_pcie_card_is_laid_out_in_servers_of_its_serving_size_on_its_own_link(hw):
    p = load_profile(hw)
    assert p.pcie_card and not missing_links(p)
    s = step_hardware(p, devices=64)
    assert s.scale_up_devices == p.server_devices == 8
    assert s.scale_up_gb_per_s == s.scale_out_gb_per_s == p.link_gb_per_s
    assert any("servers of 8" in src and "stand-in for the network between servers" in src for src in s.sources)


def test_a_device_linked_otherwise_still_needs_its_links_stated():
    gh = load_profile("gh200-144gb")
    assert not gh.pcie_card and missing_links(gh) == ["scale_up_devices", "scale_out_gb_per_s"]
    with pytest.raises(InputError, match="the step model needs scale_up_devices, scale_out_gb_per_s"):
        step_hardware(gh, devices=8)


def test_the_mi250x_states_its_frontier_node():
    p = load_profile("mi250x")
    s = step_hardware(p, devices=64)
    # between its packages a dual Infinity Fabric link (100 GB/s), not the package's 250 GB/s of links in all
    # (code review 2026-12-02)
    assert (s.scale_up_devices, s.scale_up_gb_per_s, s.scale_out_gb_per_s) == (4, 100.0, 25.0)


def test_cards_bridged_in_pairs_or_one_a_box_are_no_servers_of_pcie_cards():
    """Code review 2026-12-02: the RTX 3090's and A6000's 56.25 GB/s NVLink bridge (a pair) had been taken as each
    card's PCIe link to 8 in a server and beyond, and the DGX Spark (one GB10 a box) as 8 in a server."""
    for pid, want in (("rtx-3090", (2, 56.25, 31.5)), ("rtx-a6000", (2, 56.25, 31.5)), ("gb10", (1, 25.0, 25.0))):
        p = load_profile(pid)
        s = step_hardware(p, devices=16)
        assert not p.pcie_card and (s.scale_up_devices, s.scale_up_gb_per_s, s.scale_out_gb_per_s) == want
    assert load_profile("rtx-3090").domains_word == "NVLink pairs"


def test_the_links_taken_for_pcie_cards_are_said(cli):
    """Code review 2026-12-02: the stand-in (each card's own PCIe link for the network between servers) was in the
    step's sources, which no output printed."""
    words = "links: no scale-up domain stated: NVIDIA L40S (48GB) cards taken in servers of 8, each on its own PCIe link"
    for cmd in (("estimate", "--devices", "64"), ("plan", "--devices", "64"),
                ("estimate", "--devices", "64", "--tp", "2", "--pp", "1")):
        out = cli(*cmd, "--model", "llama-3.1-8b", "--tokens", "1e12", "--hardware", "l40s")
        assert out.code == 0 and words in " ".join(out.out.split()) and "31.5 GB/s per direction" in out.out
    one = cli("estimate", "--devices", "1", "--model", "llama-3.1-8b", "--tokens", "1e10", "--hardware", "l40s")
    assert one.code == 0 and "links: no scale-up domain" not in one.out
    h100 = cli("estimate", "--devices", "64", "--model", "llama-3.1-8b", "--tokens", "1e12", "--hardware", "h100-sxm")
    assert "links: no scale-up domain" not in h100.out


def test_plan_answers_on_l40s_and_counts_whole_servers(cli):
    out = cli("plan", "--model", "llama-3.1-8b", "--tokens", "2e11", "--hardware", "l40s", "--devices", "16")
    assert out.code == 0 and " 1  TP" in out.out
    out = cli("plan", "--model", "llama-3.1-8b", "--tokens", "2e11", "--hardware", "l40s", "--deadline-days", "30")
    text = " ".join(out.out.split())
    assert out.code == 0 and "(1, 2, 4 devices, then whole 8-device servers" in text


def test_bridged_cards_past_a_server_say_their_pcie_link_stands_in_for_the_network(cli):
    """Diff review 2026-12-02: beyond their NVLink pairs the RTX 3090's and H100 NVL's PCIe link (their
    scale_out_gb_per_s) stands in for the network between servers, which no note said."""
    for hardware, link in (("rtx-3090", "31.5"), ("h100-nvl", "63")):
        big = cli("estimate", "--model", "llama-3.1-8b", "--tokens", "1e11", "--hardware", hardware, "--devices", "32")
        text = " ".join(big.out.split())
        assert big.code == 0 and "cards in NVLink pairs of 2, each reaching the rest over its own PCIe link" in text
        assert f"({link} GB/s per direction, its scale_out_gb_per_s) inside a server of 8" in text
        one_server = cli("estimate", "--model", "llama-3.1-8b", "--tokens", "1e11", "--hardware", hardware,
                         "--devices", "8")
        assert one_server.code == 0 and "links:" not in one_server.out  # inside a server the PCIe link is the link


def test_the_96gb_gh200_is_laid_out_in_jupiters_nodes_of_four():
    """Its profile states JUPITER's node (4 superchips on NVLink, 150 GB/s a pair each way, one NDR200 each): `plan`
    had refused it for want of links; its tensor-parallel groups stay within a node of 4."""
    from estimator import plan
    gh = load_profile("gh200-96gb")
    assert (gh.scale_up_devices, gh.scale_up_gb_per_s, gh.scale_out_gb_per_s) == (4, 450.0, 25.0)
    report = plan(model="llama-3.1-70b", tokens=1e12, hardware="gh200-96gb", devices=64)
    assert report.rows and all(r.planned.layout.tp <= 4 for r in report.rows)
