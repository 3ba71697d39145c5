"""Serving engineer's review (2026-12-01, second): refusals that name a way on the user can take."""

from __future__ import annotations

import pytest

from estimator import inference
from estimator.core.base.errors import InputError


def test_weights_the_devices_cannot_hold_name_the_fewer_bits_that_fit():
    with pytest.raises(InputError) as refused:
        inference(model="llama-3.1-70b", hardware="h100-sxm", devices=1, tokens=1e6)
    assert str(refused.value).endswith("use more devices, or fewer bits a weight: at 8 bits the weights fit")
    assert set(refused.value.fields) == {"devices", "bits"}
    inference(model="llama-3.1-70b", hardware="h100-sxm", devices=1, bits=8, tokens=1e6)  # as said
    with pytest.raises(InputError) as four:
        inference(model="llama-3.1-405b", hardware="h100-sxm", devices=4, tokens=1e6)
    assert str(four.value).endswith("or fewer bits a weight: at 4 bits the weights fit (weight-only: the h100-sxm states no "
                                   "FP4 peak)")
    with pytest.raises(InputError) as none:  # no bits would do: the refusal as it was
        inference(model="llama-3.1-405b", hardware="h100-sxm", devices=1, tokens=1e6)
    assert str(none.value).endswith("use more devices") and none.value.fields == ("devices",)


def test_one_device_is_one_device():
    with pytest.raises(InputError, match="^1 device is fewer than the tensor-parallel degree 2"):
        inference(model="llama-3.1-8b", hardware="h100-sxm", devices=1, tp=2, tokens=1e6)
