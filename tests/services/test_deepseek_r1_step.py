"""DeepSeek-R1 is DeepSeek-V3's architecture (arXiv:2501.12948 §2.2): the step model times it alike (final review
2026-11-28: its multi-head latent attention had been timed from the catalog's cache fields, 1 KV head of 288,
1,560 tokens/s a device against DeepSeek-V3's 1,900 on one layout)."""

from estimator import estimate


def test_deepseek_r1_trains_as_deepseek_v3_does():
    kw = dict(tokens=1e12, hardware="h800", devices=2048, precision="fp8", seq_len=4096,
              global_batch_tokens=62914560, pp=16, ep=64)
    v3, r1 = (estimate(model=m, **kw).step for m in ("deepseek-v3", "deepseek-r1"))
    assert r1.step.tokens_per_s_per_device == v3.step.tokens_per_s_per_device
    assert r1.step.model_flops_per_token == v3.step.model_flops_per_token
