"""Training's use cases: the planner and estimate's step setup, training memory, the published runs, the step model's checks."""
