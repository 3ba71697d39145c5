import pytest

from estimator.core.base.errors import InputError
from estimator.core.workload.flops import (
    TransformerShape,
    dense_training_flops,
    generic_training_flops,
    transformer_count,
    transformer_training_flops,
)


def test_dense_6nd_gpt3():
    # Kaplan et al. 2020: C ≈ 6·N·D; GPT-3 175B on 300B tokens ≈ 3.15e23 (P21 quotes 3.14e23)
    assert dense_training_flops(175e9, 300e9) == pytest.approx(3.15e23)


def test_recompute_is_8nd():
    assert dense_training_flops(175e9, 300e9, recompute=True) == pytest.approx(4.2e23)
    assert dense_training_flops(1e9, 1e9, recompute=True) / dense_training_flops(1e9, 1e9) == pytest.approx(8 / 6)


def test_generic_network_resnet50():
    # He et al. 2016: 3.8e9 multiply-adds = 7.6e9 FLOPs forward; ×3 for training
    assert generic_training_flops(7.6e9, 1_281_167, 90) == pytest.approx(3 * 7.6e9 * 1_281_167 * 90)


def test_transformer_count_gpt3_shape():
    # GPT-3 175B: 96 layers, d_model 12288, context 2048, vocab 50257 (Brown et al. 2020, Table 2.1)
    c = transformer_count(TransformerShape(n_layer=96, d_model=12288, n_ctx=2048, vocab_size=50257))
    assert c.params_non_embedding == pytest.approx(12 * 96 * 12288**2)
    assert c.params_non_embedding == pytest.approx(174e9, rel=0.01)
    assert c.params_total == pytest.approx(175e9, rel=0.01)
    attention = 2 * 96 * 2048 * 12288
    logits = 2 * 12288 * 50257
    assert c.forward_flops_per_token == pytest.approx(2 * c.params_non_embedding + attention + logits)
    assert c.training_flops_per_token == pytest.approx(3 * c.forward_flops_per_token)
    # the attention term adds ≈1.4% at this size, so the architecture count sits just above 6ND
    total = transformer_training_flops(TransformerShape(96, 12288, 2048, 50257), 300e9)
    assert 1.0 < total / dense_training_flops(c.params_non_embedding, 300e9) < 1.05


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "12"])
def test_bad_workload_inputs(bad):
    with pytest.raises(InputError):
        dense_training_flops(bad, 1e9)


def test_bad_shape():
    with pytest.raises(InputError, match="n_layer"):
        transformer_count(TransformerShape(0, 128, 128, 100))
