"""What is run: the scenario, the workload's FLOPs and the model's architecture."""
