"""API review 2026-11-29: `estimate(flops=1e22, devices=10**400)` read "devices must be a finite number, got
1000000000000000000000000000000000000000": 40 of its 401 digits, and an integer is finite. It is out of its bound,
said with the bound and its size."""

import pytest

from estimator import estimate
from estimator.core.base.errors import InputError


@pytest.mark.parametrize("kwargs, name", [({"flops": 1e22, "devices": 10 ** 400}, "devices"),
                                          ({"flops": 10 ** 400}, "FLOPs"),
                                          ({"flops": 1e22, "devices": -10 ** 400}, "devices")])
def test_an_integer_past_any_float_is_refused_as_out_of_its_bound(kwargs, name):
    with pytest.raises(InputError) as exc:
        estimate(**kwargs)
    text = str(exc.value)
    assert text.startswith(f"{name} must be at least") and text.endswith("got an integer of 401 digits")
    assert "finite" not in text


def test_a_number_past_any_float_is_too_large_not_infinite():
    from fractions import Fraction

    from estimator.core.base.validation import as_number
    for value, shown in ((10 ** 400, "an integer of 401 digits"), (Fraction(10 ** 400), "a number past 1.8 × 10³⁰⁸")):
        with pytest.raises(InputError) as exc:
            as_number("x", value)
        assert str(exc.value) == f"x is too large, got {shown}"


def test_the_command_line_refuses_a_huge_count_as_the_api_does(cli):
    """Second diff review 2026-11-29: the CLI read a 401-digit count as inf ("not finite"), the API as out of bound."""
    r = cli("estimate", "--flops", "1e22", "--devices", "1" + "0" * 400)
    assert r.code == 2 and r.err.count("\n") == 1
    assert r.err.startswith("error: devices must be at least 1 and at most 10⁷ devices")
    assert "got an integer of 401 digits (--devices)" in r.err
