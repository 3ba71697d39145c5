"""What `estimate --model … --tokens … --devices …` gives for published whole runs, against their published hours,
and how Meta's runs (device counts not published) move with the count assumed.

    python -m research.whole_runs_step_path

The runs and the check are the product's: `python -m estimator validate` prints them (estimator/data/
whole_runs_step_path.csv, estimator/services/training/whole_runs.py: each run timed as a user would, its published
device-hours inside the step path's 80% range or not, beside the flat 30% rule). This script adds the sensitivity of
Meta's smaller runs to the device count assumed (at the default 4M-token batch, more devices each get fewer tokens a
step). Not an accuracy claim beyond what `validate` reports.
"""

from __future__ import annotations

from estimator import estimate
from estimator.io.whole_runs import load_whole_runs
from estimator.services.training.whole_runs import whole_runs_document


def sensitivity(counts: tuple[int, ...] = (1024, 2048, 4096, 8192)) -> dict[str, list[float]]:
    """Runs whose device count was not published: step ÷ published device-hours at each count assumed."""
    return {run.run_id: [estimate(model=run.model, tokens=run.tokens, devices=d, hardware=run.hardware_id,
                                  **run.stated()).device_hours / run.published_device_hours for d in counts]
            for run in load_whole_runs() if not run.devices_published}


def main() -> None:
    d = whole_runs_document()
    for r in d["rows"]:
        print(f"{r['run_id']:14} {r['ratio']:5.2f} {'in step fit' if r['in_step_fit'] else 'yes' if r['inside'] else 'no'}")
    print("\nRuns whose devices were not published, at 1,024 / 2,048 / 4,096 / 8,192 devices assumed (step ÷ published):")
    for run_id, ratios in sensitivity().items():
        print(f"{run_id:14} " + " / ".join(f"{x:.2f}" for x in ratios))


if __name__ == "__main__":
    main()
