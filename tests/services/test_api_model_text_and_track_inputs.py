"""The Python API refuses an empty or non-text model in estimate, plan and compare as the CLI refuses an empty
--model and as inference() does; track's backend and file paths are refused in the project's own words whatever their
kind (API review 2026-11-30: model="" read as no model, model=0 as a name; backend=0 refused with no field; a NUL byte
in a path was Python's ValueError)."""

import pytest

from estimator import compare, estimate, plan, track
from estimator.core.base.errors import InputError

RUN = dict(tokens=1e12, devices=64)


@pytest.mark.parametrize("call", [lambda m: estimate(model=m, **RUN), lambda m: plan(model=m, **RUN),
                                  lambda m: compare(["h100-sxm"], model=m, **RUN)])
@pytest.mark.parametrize("model, words", [("", "must not be empty text"), (" ", "must not be empty text"),
                                          (0, "must be text"), (True, "must be text")])
def test_a_model_that_is_no_name_is_refused_as_such(call, model, words):
    with pytest.raises(InputError, match=f"model {words}") as e:
        call(model)
    assert e.value.fields == ("model",)


@pytest.mark.parametrize("backend", [0, True, ["none"]])
def test_a_backend_of_another_kind_is_refused_naming_every_choice(backend):
    with pytest.raises(InputError, match="backend must be one of auto, nvml, cpu, none or a Backend") as e:
        track(total_steps=5, backend=backend)
    assert e.value.fields == ("backend",)


@pytest.mark.parametrize("kw", ["report_path", "profile_path"])
def test_a_path_with_a_nul_character_is_refused_in_words(kw):
    with pytest.raises(InputError, match=f"{kw} holds a NUL character") as e:
        track(total_steps=5, flops_per_step=1e9, backend="none", **{kw: "a\x00.json"})
    assert e.value.fields == (kw,)
