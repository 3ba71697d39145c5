"""Training: time, energy, cost and CO2e of a run (estimate), its inputs and words, memory, presets, sweeps."""
