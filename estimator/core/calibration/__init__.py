"""Calibration: measured throughput and power into a profile, the measurement record, tracking predictions."""
