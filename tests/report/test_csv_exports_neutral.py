"""Every CSV export writes through csv_cells' writer: a text cell a spreadsheet would run as a formula reaches it
as text, in the serving export as in the estimate's (issue 55)."""

import csv
import io

from estimator.report.serving_export import to_csv

FORMULA = "=cmd|' /C calc'!A0"


def test_the_serving_csv_neutralises_a_formula_in_a_context_cell():
    doc = {"tool": {"name": "Compute Cost Estimator", "version": "0"}, "hardware": FORMULA, "devices": 1,
           "seconds_per_output_token": 0.01}
    rows = list(csv.DictReader(io.StringIO(to_csv(doc))))
    assert rows and {r["hardware"] for r in rows} == {"'" + FORMULA}
    by = {r["quantity"]: r for r in rows}
    assert float(by["seconds_per_output_token"]["value"]) == 0.01 and by["devices"]["value"] == "1"
