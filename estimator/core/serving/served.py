"""The model a serving scenario runs (pure): the scenario's own, or the student distilled from it, with the
pruned weights taken out where the kernels skip them. The first stage of ``estimator.core.serving.estimate.inference``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from estimator.core.base.number_text import gfmt
from estimator.core.hardware.profile import HardwareProfile
from estimator.core.serving.notes import article
from estimator.core.serving.pruning import pruned
from estimator.core.serving.step import check_params_fit, student_architecture
from estimator.core.workload.architecture import Architecture

if TYPE_CHECKING:
    from estimator.core.serving.scenario import InferenceScenario


@dataclass(frozen=True)
class ServedModel:
    """What one decode step reads and multiplies: the architecture served (a student has fewer layers; 2:4
    pruning shrinks a mixture of experts' active parameters) and its parameter count."""
    architecture: Architecture
    params: float                 # InferenceResult.params_served: after distillation and pruning
    pruned_skipped: bool          # the kernels skip the pruned weights (2:4 on sparse tensor cores)
    notes: tuple[str, ...]        # distillation's, then pruning's


def distillation_note(student_params: float, layers: int) -> str:
    """What serving a distilled student means, and what it leaves out."""
    size = gfmt(student_params, 3)
    return (f"distillation: serving {article(size)} {size}-parameter student with {layers} layers (the model's width "
            "and vocabulary, layers in proportion to the weights outside the embeddings, as DistilBERT); its "
            "quality is not modelled")


def served_model(s: InferenceScenario, profile: HardwareProfile) -> ServedModel:
    """The architecture and parameters served: a student's (``s.student_params``, refused where it cannot fill
    one layer of the model's width), then pruned by ``s.sparsity`` (``inference_pruning.pruned``)."""
    architecture, params = s.architecture, float(s.params)
    notes = []
    if s.student_params is not None:
        student_params = float(s.student_params)
        architecture = student_architecture(architecture, params, student_params)
        check_params_fit(student_params, architecture, "the student", field="student_params",
                         fix="a student keeps the model's width, so give one of at least {floor} parameters")
        params = student_params
        notes.append(distillation_note(params, architecture.layers))
    skipped = False
    if s.sparsity > 0:  # inference audit: skipped only in the 2:4 pattern on sparse tensor cores (inference_pruning)
        params, architecture, skipped, note = pruned(profile, architecture, params, float(s.sparsity), s.sparse_kernels)
        notes.append(note)
    return ServedModel(architecture=architecture, params=params, pruned_skipped=skipped, notes=tuple(notes))


__all__ = ["ServedModel", "distillation_note", "served_model"]
