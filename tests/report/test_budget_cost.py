"""A plan's cost beside the budget it meets never reads above it (researcher review 2026-11-30: "Fastest the budget
$27.8M pays for: 54.7 days on 3,072 devices, $28M")."""

import re

import pytest

from estimator.cli import main
from estimator.report import humanize as hz


def _usd(text: str) -> float:
    m = re.fullmatch(r"\$([\d.,]+)([kMB]?)", text)
    return float(m.group(1).replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9}[m.group(2)]


@pytest.mark.parametrize("usd, limit, text", [
    (27.7e6, 27.8e6, "$27.7M"), (27.96e6, 27.97e6, "$27.96M"), (20e6, 27.8e6, "$20M"), (12_345.0, 20_000.0, "$12k"),
    (13_577_675.0, 13_577_714.0, "$13.5777M"),  # past five figures too (diff review 2026-11-30: "$13.578M")
])
def test_a_sum_under_its_limit_reads_under_it(usd, limit, text):
    assert hz.money_within(usd, limit) == text
    assert _usd(text) <= limit


def test_a_sum_over_its_limit_reads_as_money():
    assert hz.money_within(29e6, 27.8e6) == hz.money(29e6)
    assert hz.budget_cost(27.7e6, None) == hz.human("cost_usd", 27.7e6) == "$28M"


def test_the_plans_budget_lines_never_read_above_the_budget(capsys):
    assert main(["plan", "--model", "llama-3.1-70b", "--tokens", "15e12", "--hardware", "h100-sxm", "--seq-len", "2048",
                 "--budget-usd", "27.8e6"]) == 0
    out = capsys.readouterr().out
    fastest = re.search(r"^Fastest the budget \$27\.8M pays for: .* devices, (\$[\d.]+[kM])", out, re.M).group(1)
    best = re.search(r"^Best on the fewest devices that meet the budget, .*, (\$[\d.]+[kM])$", out, re.M).group(1)
    assert _usd(fastest) <= 27.8e6 and _usd(best) <= 27.8e6, (fastest, best)
    # and every layout listed as meeting it (diff review 2026-11-30: row 1 read "$28M")
    rows = re.findall(r"^\s*\d+\s+TP.*?(\$[\d.]+[kM])\s", out, re.M)
    assert rows and all(_usd(x) <= 27.8e6 for x in rows), rows
