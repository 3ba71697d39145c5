"""The serving engines as named, dated profiles (pure): their names, what each is, the aliases kept for
former names, and the default. Each engine's fitted constants are data (estimator/data/engines.toml and
serving_fit.json, read at the edge by ``estimator.io.serving_data``); the step they time is
``estimator.core.serving.step``."""

from __future__ import annotations

from estimator.core.base.errors import InputError

# Which engine's fitted costs a step takes: named, dated engine profiles, each fitted to measurements of that
# engine (their data: estimator/data/engines.toml, read at the edge by estimator.io.serving_data; their fitted
# constants: serving_fit.json, written by `python -m estimator fit-serving`).
# - "optimized-2024": a current optimised engine (TensorRT-LLM/vLLM/SGLang class: CUDA graphs, in-flight
#   batching, chunked prefill, FP8), fitted to MLPerf Inference v4.0/v4.1 closed Offline results and the
#   published small-batch decode times: the default (issue 54), what people serve with today.
# - "vllm-2024": an online serving engine under a stream of requests as ML.ENERGY measured it in 2024 (vLLM 0.5
#   at batch >= 32, FastChat at batch 1), TPOT and energy both measured (the former default, "online").
# - "eager-2023": a Python loop launching kernel by kernel (Hugging Face generate, FastChat), fitted to
#   ML.ENERGY's FastChat rows.
# - "latency": a latency-optimised engine at a fixed batch (gpt-fast, LMDeploy, TGI, vLLM's benchmarks).
# vLLM's own account of the gap between 2024's engines: v0.6.0 cut TPOT 5x against v0.5.3 on Llama 3 8B
# (vLLM blog, 2024-09-05).
# The engines' names, each written once here (code review 2026-11-30: retyped in six modules).
OPTIMIZED_ENGINE, VLLM_ENGINE, EAGER_ENGINE, LATENCY_ENGINE = "optimized-2024", "vllm-2024", "eager-2023", "latency"
ENGINES = {
    OPTIMIZED_ENGINE: "a current optimised engine (TensorRT-LLM/vLLM/SGLang class: CUDA graphs, in-flight batching, "
                      "chunked prefill), fitted to MLPerf Inference v4.0/v4.1 (2024) and published decode benchmarks",
    VLLM_ENGINE: "an online serving engine under a stream of requests, as ML.ENERGY measured it in 2024 (vLLM 0.5, "
                 "FastChat)",
    EAGER_ENGINE: "an eager Python decoding loop (Hugging Face generate, FastChat), as ML.ENERGY measured it in 2023 "
                  "(fitted at batch 1 alone: it answers batch 1 only)",
    LATENCY_ENGINE: "a latency-optimised engine at a fixed batch (gpt-fast, LMDeploy, TGI, vLLM's benchmarks)",
    "online": "the former name of vllm-2024 (kept as an alias)",
}
# Names kept working for what they called before (the CLI, the API, saved addresses): each the engine it now names.
ENGINE_ALIASES = {"online": VLLM_ENGINE}
DEFAULT_ENGINE = OPTIMIZED_ENGINE


def engine_name(name: str) -> str:
    """The engine ``name`` stands for (an alias resolved); refuses a name that is none of ``ENGINES``."""
    if not isinstance(name, str) or name not in ENGINES:
        raise InputError(f"unknown engine {repr(name)[:40]}: use one of {', '.join(ENGINES)}", field="engine")
    return ENGINE_ALIASES.get(name, name)


__all__ = ["OPTIMIZED_ENGINE", "VLLM_ENGINE", "EAGER_ENGINE", "LATENCY_ENGINE", "ENGINES", "ENGINE_ALIASES", "DEFAULT_ENGINE", "engine_name"]
