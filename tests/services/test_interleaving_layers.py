"""Interleaving splits the layers into pp × vp chunks of as many layers each (Megatron-LM's rule, which the planner
already keeps): a layout that cannot is refused in words naming vp, as the planner never proposes it."""

from __future__ import annotations


def test_chunks_that_do_not_divide_the_layers_are_refused(cli):
    base = ("estimate", "--params", "7e9", "--tokens", "1e12", "--devices", "64", "--hardware", "h100-sxm", "--pp", "4")
    res = cli(*base, "--vp", "3")
    assert res.code == 2 and res.err.startswith("error: interleaving splits the 32 layers into pp × vp = 12 chunks")
    assert "--vp" in res.err
    assert cli(*base, "--vp", "2").code == 0
