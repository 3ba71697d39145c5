"""The diminishing-returns law and its report refuse in the project's words what the CLI cannot give (API review
2026-11-30: a list reached numpy as a bare TypeError; empty or non-text hardware priced on the default device)."""

import pytest

from estimator.core.base.errors import InputError
from estimator.laws.diminishing import diminishing
from estimator.services.limits.reports import diminishing_report


@pytest.mark.parametrize("args, field", [((10, [1], 0.05), "target_error"), ((10, 5, [1]), "exponent"),
                                         (([10], 5, 0.05), "current_error"), ((10, 5, True), "exponent")])
def test_one_number_each(args, field):
    with pytest.raises(InputError) as err:
        diminishing(*args)
    assert err.value.field == field


@pytest.mark.parametrize("hardware", ["", "  ", 0, []])
def test_the_report_refuses_hardware_that_is_not_text_as_the_cli_does(hardware):
    with pytest.raises(InputError) as err:
        diminishing_report(10, 5, 0.05, hardware=hardware)
    assert err.value.field == "hardware"
    assert diminishing_report(10, 5, 0.05).result.compute_multiplier == pytest.approx(2 ** (1 / 0.05))


def test_a_number_past_any_float_is_refused_as_its_input():
    from decimal import Decimal
    with pytest.raises(InputError) as err:
        diminishing(Decimal("1e400"), 5, 0.05)
    assert err.value.field == "current_error"
