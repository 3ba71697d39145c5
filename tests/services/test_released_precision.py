"""A catalog model released with fewer bits than it is served at says so (review 2026-11-26: DeepSeek-V3 at 16 bits
on 32 H100s and gpt-oss-120b on 4, with no word that they ship at 8 and 4 bits)."""

from __future__ import annotations

import pytest

from estimator.io import serving_data
from estimator.services import limits


@pytest.mark.parametrize("model, bits", [("deepseek-v3", 8), ("deepseek-r1", 8), ("gpt-oss-120b", 4), ("gpt-oss-20b", 4)])
def test_the_checkpoints_own_precision_is_said_where_more_bits_are_served(model, bits):
    m = serving_data.catalog_model(model)
    assert m.released_bits == bits and m.released_bits_source
    served = limits.inference_report(model=model, hardware="h200-sxm", tokens=1e6).result
    said = [n for n in served.notes if n.startswith("weights: ")]
    assert served.bits == 16 and len(said) == 1
    assert said[0].endswith(f"served here at 16 bits: {bits}-bit weights serve it near its release (every weight "
                            "matrix at those bits here)")
    as_released = limits.inference_report(model=model, hardware="h200-sxm", tokens=1e6, bits=bits).result
    assert not any(n.startswith("weights: ") for n in as_released.notes)
    # fewer devices hold it as released
    assert as_released.weights_gb < served.weights_gb / 1.9


def test_a_model_released_at_16_bits_says_nothing():
    r = limits.inference_report(model="llama-3.1-70b", hardware="h100-sxm", tokens=1e6).result
    assert not any(n.startswith("weights: ") for n in r.notes)

