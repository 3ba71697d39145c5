"""Training: time, energy, cost and CO2e of a run (estimate), its inputs and words, memory, presets, sweeps, and the
step model and planner's pure parts (step, plan).

The run's scenario and its FLOPs (what is asked) are in ``estimator.core.workload``; the layers above: the planner's
search in ``estimator.services.training.plan`` and ``estimate``'s step setup in ``services.training.step_setup``, memory in ``services.training.memory``, the fits
in ``estimator.fit`` (``step_fit``, ``utilization_fit``), the command in ``estimator.cli.estimate_cmds`` and
``plan_cmd``, the pages in ``app_pages/pages/estimate.py`` and ``plan.py`` (docs/reference/project-layout.md)."""
