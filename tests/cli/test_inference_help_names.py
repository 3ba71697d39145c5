"""`inference --help` names the catalog ids that are also MLPerf benchmark names, as the data holds them: those take
the benchmark's dataset lengths where a Hub name of the same model does not (serving review 2026-11-27)."""

from __future__ import annotations

import re

from estimator.io import serving_data
from estimator.services.inputs import SERVING


def test_the_help_names_the_catalog_ids_that_are_benchmark_names():
    cat = serving_data.load_catalog()
    shared = {k for k in serving_data.MLPERF_BENCHMARKS if k in cat}
    text = SERVING["prompt_tokens"].help
    named = set(re.search(r"the catalog ids (.*?) are also MLPerf's names", text)[1].replace(" and ", ", ").split(", "))
    assert named == shared
    for model in shared:
        hub = {"gpt-oss-120b": "openai/gpt-oss-120b", "deepseek-r1": "deepseek-ai/DeepSeek-R1",
               "mixtral-8x7b": "mistralai/Mixtral-8x7B-v0.1"}[model]
        assert serving_data.mlperf_benchmark(model) is not None and serving_data.mlperf_benchmark(hub) is None
        assert serving_data.catalog_model(hub).id == model
