"""The CSV cells every export writes (estimator/report/csv_cells.py)."""

from __future__ import annotations


def test_a_signed_zero_is_written_unsigned():
    """Contract review 2026-11-29: a grid and price of -0 given through the API wrote co2e_kg and cost_usd as -0.0 in the
    CSV (the JSON writes 0.0); a zero is unsigned in every CSV export, a negative number kept."""
    import estimator
    from estimator.report.csv_cells import neutral
    from estimator.services.result_export import render_result
    assert (neutral(-0.0), neutral("-0.0"), neutral("-0"), neutral("-0.5"), neutral(-2.0)) == (0.0, "0.0", "0", "-0.5", -2.0)
    out = render_result("csv", estimator.run(flops=3.14e23, carbon_intensity_g_per_kwh=-0.0,
                                             price_usd_per_device_hour=-0.0))
    assert "-0.0" not in out and any(line.startswith("co2e_kg,0.0,0.0,0.0,") for line in out.splitlines())
