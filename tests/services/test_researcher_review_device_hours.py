"""Researcher review 2026-11-30: device-hours given without a device count were timed on one device (said), and its
memory verdict read "does not fit" on "the chosen 1 device", a count nobody chose: the verdict is of the default,
said as data and in the memory's own note."""

from __future__ import annotations

from estimator.services import api


def test_device_hours_without_devices_give_no_memory_verdict_of_the_run():
    est = api.run(params=7e10, tokens=2e12, hardware="a100-sxm-80gb", device_hours=1720320).estimate
    assert est.memory is not None and not est.memory.fits and est.memory.of_defaults
    (said,) = [n for n in est.notes if n.startswith("memory: ")]
    assert said.startswith("memory: one device, the default (no count given), cannot hold it (1,169 GB per device")
    given = api.run(params=7e10, tokens=2e12, hardware="a100-sxm-80gb", device_hours=1720320, devices=1).estimate
    assert [n for n in given.notes if n.startswith("memory: ")][0].startswith("memory: the chosen 1 device cannot")
    assert not given.memory.of_defaults and not given.memory.devices_default
