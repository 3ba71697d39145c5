"""The serving API reads None as "not given" for the engine as for the hardware, and refuses empty text in its own
words, as the CLI refuses an empty flag (serving-engineer review 2026-11-30: engine=None was "unknown engine None",
model="" was looked up as a model and offered gemma-2b)."""

import pytest

from estimator import inference
from estimator.core.base.errors import InputError

RUN = dict(params=7e9, hardware="a100-sxm-80gb", tokens=1e9)


def test_no_engine_is_the_default_engine():
    assert inference(**RUN, engine=None).to_dict() == inference(**RUN).to_dict()


@pytest.mark.parametrize("field", ["model", "engine", "hardware"])
def test_empty_text_is_refused_as_empty(field):
    with pytest.raises(InputError, match=f"{field} must not be empty text") as e:
        inference(**{**RUN, field: " "})
    assert field in e.value.fields
