"""Calibration: measured throughput and power into a profile, and the measurement record."""
