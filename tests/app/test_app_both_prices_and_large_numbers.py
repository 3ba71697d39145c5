"""Issue 55: both price fields filled kept one red line of the page; the page now keeps its estimate, refuses the
pair beside the inputs (as the CLI refuses both flags) and says which price it used. A large field's number reads
under it as people read it."""

from __future__ import annotations

import pytest

pytest.importorskip("streamlit")

from apptest_pages import run_page  # noqa: E402

from estimator.cli.main import main  # noqa: E402
from estimator.services import api  # noqa: E402


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", ["estimate", "compare"])
def test_both_prices_keep_the_page_and_say_which_price_it_used(page):
    at = run_page(page, {"preset": "lambda-gpt3-v100", "price": "2", "elec": "0.1"})
    assert [e.value for e in at.main.error] == []  # nothing red on the page itself
    side = [e.value.replace("\\", "") for e in at.sidebar.error]  # without its Markdown escapes
    assert len(side) == 1 and side[0].startswith("Give one price, not both: the command line refuses both.")
    assert side[0].endswith("the estimate uses the profile's $1.48 per device-hour.")  # v100-sxm2's Lambda price
    if page == "estimate":
        alone = run_page(page, {"preset": "lambda-gpt3-v100"})
        assert _metrics(at) == _metrics(alone)  # priced as with both empty
        assert _metrics(at)["Cost"] == "$4.6M"
    else:
        assert at.dataframe, "the comparison is shown"


def test_the_cli_refuses_both_prices_as_the_page_does(capsys):
    code = main(["estimate", "--preset", "lambda-gpt3-v100", "--price-usd-per-hour", "2", "--electricity-usd-per-kwh", "0.1"])
    assert code == 2 and "not allowed with argument --price-usd-per-hour" in capsys.readouterr().err


def test_one_price_alone_is_used():
    at = run_page("estimate", {"preset": "lambda-gpt3-v100", "elec": "0.1"})
    assert not at.sidebar.error
    e = api.run(preset_id="lambda-gpt3-v100", electricity_usd_per_kwh=0.1).estimate
    assert e.assumption("electricity_usd_per_kwh").value == 0.1


def test_a_large_field_reads_under_it():
    at = run_page("estimate", {"workload": "params", "params": "7e9", "tokens": "2e12"})
    captions = [c.value for c in at.sidebar.caption]
    assert "= 7.00 billion" in captions and "= 2.00 trillion" in captions
    at = run_page("estimate", {"workload": "flops", "flops": "5.76e23"})
    assert "= 5.76 × 10²³" in [c.value for c in at.sidebar.caption]
