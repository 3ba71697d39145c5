"""Compression rows with the devices held fixed (issue 54): a row whose variant needs fewer devices than the
baseline says so, and carries the same technique on the baseline's devices, which is what asking for those
devices gives."""

from __future__ import annotations

import pytest

from estimator.services.serving import inference as serving

MODEL = dict(hardware="h100-sxm", params=70e9, tokens=1e9)


@pytest.fixture(scope="module")
def report():
    return serving.inference_report(**MODEL, bits=4)


def rows(rep) -> dict:
    return {t.name: t for t in rep.techniques}


def test_a_row_on_fewer_devices_has_its_twin_on_the_baselines(report):
    t = rows(report)
    base = t["baseline"].result
    assert base.devices == 2                       # 70B at 16 bits: 140 GB of weights, two 80 GB H100s
    q4 = t["quantization-4bit"]
    assert q4.result.devices == 1 and q4.same_devices is not None and q4.same_devices.result.devices == 2
    # the twin is what the same settings on the baseline's devices and layout give (its requests in flight too:
    # lecturer review 2026-11-27, 2 replicas of the 4-bit model had served twice the baseline's), row by row
    assert (q4.same_devices.result.tp, q4.same_devices.result.replicas) == (base.tp, base.replicas) == (2, 1)
    on_two = rows(serving.inference_report(**MODEL, bits=4, devices=2, tp=2))["quantization-4bit"]
    assert q4.same_devices.result.joules_per_output_token == pytest.approx(on_two.result.joules_per_output_token)
    assert q4.same_devices.saving("energy_kwh") == pytest.approx(on_two.saving("energy_kwh"))
    # rows on the baseline's devices already have none
    assert t["kv-cache-8bit"].same_devices is None and t["distillation"].same_devices is None


def test_the_json_row_carries_the_fixed_device_saving(report):
    d = rows(report)["quantization-4bit"].to_dict()
    same = d["same_devices"]
    assert d["devices"] == 1 and same["devices"] == 2 and same["tensor_parallel"] * same["replicas"] == 2
    e = rows(report)["quantization-4bit"].same_devices
    assert same["saving_fraction"]["energy_kwh"] == pytest.approx(e.saving("energy_kwh"))
    assert rows(report)["kv-cache-8bit"].to_dict()["same_devices"] is None


def test_the_cli_row_says_both(cli):
    code, out, _ = cli("inference", "--params", "70e9", "--hardware", "h100-sxm", "--tokens", "1e9", "--bits", "4")
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("saves vs baseline: 4-bit weights"))
    assert "on 1 device (not 2); on the same 2 devices (tensor parallel 2 × 1 replica)" in line


@pytest.mark.parametrize("devices", [None, 2, 4])
def test_every_row_on_the_baselines_devices_holds_its_layout_and_load(devices):
    """Lecturer review 2026-11-27: with the devices given, a compressed row that fits one device ran as more replicas
    of the same per-replica batch, twice the baseline's requests in flight, and credited the compression with the
    load: pruning half the weights saved 55%. On the baseline's devices every row takes its layout: 4-bit 47%, 8-bit
    and 2:4 pruning 33%, whatever the devices given."""
    kw = dict(MODEL, batch_size=16) | ({} if devices is None else {"devices": devices})
    rep = serving.inference_report(**kw)
    base = rows(rep)["baseline"].result
    for t in rep.techniques:
        on_base = t.result if t.result.devices == base.devices else t.same_devices.result
        assert (on_base.devices, on_base.tp, on_base.replicas, on_base.batch_size) == (
            base.devices, base.tp, base.replicas, base.batch_size), t.name
    saving = {t.name: round((t if t.result.devices == base.devices else t.same_devices).saving("energy_kwh"), 2)
              for t in rep.techniques}
    assert (saving["quantization-4bit"], saving["quantization-8bit"], saving["pruning"]) == (0.47, 0.33, 0.33)  # 0.48 before the A100's measured matmul share


def test_a_16_bit_baseline_the_layout_given_cannot_hold_leaves_the_savings_out_with_the_reason():
    """docs/reference/contract.md's example (docs review 2026-11-28: its former one, Gemma 2B at batch 10,000, now
    serves the baseline at the batch that fits): Llama 3.1 70B at 8 bits on one H100 at tensor parallelism 1 is
    answered, and its savings, measured from 16-bit weights of 141 GB that one H100 cannot hold, are left out, said."""
    rep = serving.inference_report(model="llama-3.1-70b", bits=8, tp=1, tokens=1e9, hardware="h100-sxm")
    assert rep.result.devices == 1 and rep.result.tokens_per_s > 0
    assert rep.techniques == []
    assert len(rep.techniques_left_out) == 1
    assert rep.techniques_left_out[0].startswith("savings left out: the model they are measured from (16-bit")
    assert "the weights need 141 GB" in rep.techniques_left_out[0]
