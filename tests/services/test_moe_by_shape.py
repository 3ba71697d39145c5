"""A catalog model given by its shape and total parameter count, as ML.ENERGY's and Hugging Face's configs state them,
is served as the catalog's model: a mixture of experts (no field says "experts") computes with its active parameters
and holds all of them, a head size other than d_model ÷ heads (Gemma) sizes its KV cache, a note says so. A count
that is not the catalog model's keeps the shape as given, dense."""

from __future__ import annotations

from estimator.services.model_shape import CATALOG_MATCH_SHARE, resolve_architecture
from estimator.services.serving import inference as serving

MIXTRAL_SHAPE = dict(layers=32, d_model=4096, heads=32, kv_heads=8, vocab=32000)
QUERY = dict(hardware="a100-sxm-40gb", devices=4, batch_size=64, engine="vllm-2024", tokens=1e6, prompt_tokens=161,
             tokens_per_query=338)


def test_mixtrals_shape_and_count_are_served_as_mixtral():
    by_shape = serving.inference_report(params=46.703e9, **MIXTRAL_SHAPE, **QUERY).result   # the catalog's count
    by_id = serving.inference_report(model="mixtral-8x7b", **QUERY).result
    assert by_shape.tokens_per_s == by_id.tokens_per_s > 0   # the same step: experts, active parameters, KV cache
    assert by_shape.weights_gb == by_id.weights_gb
    rounded = serving.inference_report(params=46.7e9, **MIXTRAL_SHAPE, **QUERY).result       # as a config rounds it
    assert abs(rounded.tokens_per_s / by_id.tokens_per_s - 1) < 1e-4
    (note,) = [n for n in by_shape.notes if n.startswith("architecture: ")]
    assert note.startswith("architecture: given; a mixture of experts: the shape and parameter count of mixtral-8x7b "
                           "within 3%, so its 8 experts, 2 a token, 1.29 × 10¹⁰ active parameters")


def test_a_count_outside_the_share_or_another_vocabulary_keeps_the_shape_dense():
    for params, vocab in ((46.7e9 * (1 + 2 * CATALOG_MATCH_SHARE), 32000), (46.7e9, 32001)):
        _, arch, how = resolve_architecture(params=params, **{**MIXTRAL_SHAPE, "vocab": vocab})
        assert arch.experts is None and arch.active_params is None and how == "given"
    dense = serving.inference_report(params=46.7e9, **{**MIXTRAL_SHAPE, "vocab": 32001}, **QUERY).result
    moe = serving.inference_report(params=46.7e9, **MIXTRAL_SHAPE, **QUERY).result
    assert dense.tokens_per_s < moe.tokens_per_s    # dense: every weight multiplied by every token


def test_training_memory_takes_the_same_shape():
    _, arch, _ = resolve_architecture(params=46.7e9, **MIXTRAL_SHAPE)
    assert (arch.experts, arch.experts_per_token, round(arch.active_params / 1e9, 2)) == (8, 2, 12.88)


def test_a_dense_catalog_models_shape_and_count_take_what_its_fields_cannot_say():
    """Gemma 7B's 16 heads of 256 on a width of 3,072 (its KV cache a third larger than d_model ÷ heads says) and its
    tied embeddings: given by its shape and count, it is served as the catalog's gemma-7b."""
    gemma = dict(layers=28, d_model=3072, heads=16, kv_heads=16, vocab=256000)
    by_shape = serving.inference_report(params=8.538e9, **gemma, **QUERY).result
    by_id = serving.inference_report(model="gemma-7b", **QUERY).result
    assert by_shape.tokens_per_s == by_id.tokens_per_s and by_shape.kv_cache_gb == by_id.kv_cache_gb
    (note,) = [n for n in by_shape.notes if n.startswith("architecture: ")]
    assert note.startswith("architecture: given; the shape and parameter count of gemma-7b within 3%, so its head size "
                           "256, its tied embeddings")
    plain = serving.inference_report(params=8.538e9, **{**gemma, "vocab": 256001}, **QUERY).result
    assert plain.kv_cache_gb < by_id.kv_cache_gb     # d_model ÷ heads = 192 a head: a smaller cache than Gemma's


def test_a_model_added_to_be_named_stands_aside_for_the_one_whose_shape_it_shares():
    """Code Llama 13B is Llama 2 13B's shape and count with 16 more vocabulary rows, and lends no shape: Llama 2 13B's
    shape given without a vocabulary is still Llama 2 13B; with Code Llama's vocabulary, Code Llama."""
    from estimator.core.workload.architecture import Architecture
    from estimator.services.model_shape import catalog_match
    shape = dict(layers=40, d_model=5120, heads=40, kv_heads=40)
    assert catalog_match(13.016e9, Architecture(**shape)).id == "llama-2-13b"
    assert catalog_match(13.016e9, Architecture(**shape, vocab=32016)).id == "codellama-13b"
    assert catalog_match(8.538e9, Architecture(layers=28, d_model=3072, heads=16, kv_heads=16)).id == "gemma-7b"
