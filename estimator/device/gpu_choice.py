"""Which GPU a CUDA program computes on, in NVML's numbering (edge: reads the environment it is given and asks
NVML through the pynvml-like module it is given; ``estimator.device.nvml`` measures that GPU)."""

from __future__ import annotations

from estimator.core.base.errors import BackendUnavailable, GpuChoiceError
from estimator.device.cpu import cpu_backend_note


def nvml_text(value) -> str:
    """A string NVML returned: bytes from older bindings, str from newer."""
    return value.decode() if isinstance(value, bytes) else str(value)


def _names(nvml, count: int) -> set[str] | None:
    """Every GPU's model name, or None if one cannot be read (then they cannot be told alike)."""
    try:
        return {nvml_text(nvml.nvmlDeviceGetName(nvml.nvmlDeviceGetHandleByIndex(i))) for i in range(count)}
    except nvml.NVMLError:
        return None


def _pci_order_or_refuse(nvml, count: int, environ, why: str) -> None:
    """CUDA numbers GPUs fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID; NVML in PCI order. The
    two agree where the GPUs are all one model (then "fastest first" leaves PCI order), so an
    index is taken as NVML's only then; otherwise refused (``why``: what was to be numbered)."""
    if environ.get("CUDA_DEVICE_ORDER") == "PCI_BUS_ID" or count == 1:
        return
    names = _names(nvml, count)
    if names is None or len(names) > 1:
        models = "models NVML could not all read" if names is None else ", ".join(sorted(names))
        raise GpuChoiceError(f"{why}: CUDA numbers GPUs fastest first, and this machine mixes {models}, so which "
                             "GPU a CUDA program uses cannot be told; set CUDA_DEVICE_ORDER=PCI_BUS_ID, name the GPU "
                             "by its UUID in CUDA_VISIBLE_DEVICES, or give the GPU's number", field="device_index")


def visible_gpu(nvml, count: int, environ) -> tuple[int, str]:
    """(NVML's index of the GPU a CUDA program uses as device 0, how it was found).

    NVML numbers every GPU in PCI order; CUDA (PyTorch, JAX) numbers only those
    CUDA_VISIBLE_DEVICES lists, in its order, and by default fastest first (CUDA C++ Programming
    Guide, "CUDA Environment Variables"). A run under ``CUDA_VISIBLE_DEVICES=2`` computes on the
    machine's third GPU, so measuring NVML's GPU 0 would read another device's power (audit). The
    variable's first entry is taken: a UUID (``GPU-…``, or a unique prefix of one) by its UUID; an
    index as NVML's index where CUDA numbers as NVML does (``CUDA_DEVICE_ORDER=PCI_BUS_ID``, or
    GPUs all of one model); without the variable, GPU 0 on the same condition. Where the GPU cannot
    be told, :class:`GpuChoiceError`; where CUDA programs see no GPU, BackendUnavailable."""
    visible = environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        _pci_order_or_refuse(nvml, count, environ, "CUDA_VISIBLE_DEVICES is not set")
        return 0, "CUDA_VISIBLE_DEVICES not set"
    first = visible.split(",")[0].strip()
    if not first or first.startswith("-") or first == "NoDevFiles":
        raise BackendUnavailable(f"CUDA_VISIBLE_DEVICES={visible!r} hides every GPU from CUDA programs; "
                                 f"{cpu_backend_note()}", field="device_index")
    if first.startswith("MIG-"):
        raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES names a MIG instance ({first}): NVML's power and energy "
                             "readings are the whole GPU's, shared by its instances, so they cannot be "
                             "charged to this run", field="device_index")
    if first.startswith("GPU-"):
        try:
            found = [i for i in range(count)
                     if nvml_text(nvml.nvmlDeviceGetUUID(nvml.nvmlDeviceGetHandleByIndex(i))).startswith(first)]
        except nvml.NVMLError as exc:  # the GPU cannot be told: never answered with the CPU
            raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES names {first}, and NVML cannot read every GPU's UUID to "
                                 f"find it ({exc})", field="device_index") from None
        if len(found) != 1:
            raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES names {first}, which "
                                 + ("matches no GPU NVML sees" if not found else "matches several GPUs")
                                 + ": name the GPU by its full UUID (nvidia-smi -L)", field="device_index")
        return found[0], f"the first in CUDA_VISIBLE_DEVICES ({first})"
    if not first.isdigit():
        raise GpuChoiceError(f"CUDA_VISIBLE_DEVICES={visible!r} is neither GPU indices nor UUIDs",
                             field="device_index")
    index = int(first)
    if index >= count:
        # CUDA ignores an index it does not have and every entry after it: CUDA programs here see no GPU
        raise BackendUnavailable(f"CUDA_VISIBLE_DEVICES={visible!r} names GPU {index}, but NVML sees {count} GPU(s), "
                                 f"numbered 0 to {count - 1}, so CUDA programs here see no GPU; {cpu_backend_note()}",
                                 field="device_index")
    _pci_order_or_refuse(nvml, count, environ, f"CUDA_VISIBLE_DEVICES={visible!r} gives an index")
    return index, "the first in CUDA_VISIBLE_DEVICES"
