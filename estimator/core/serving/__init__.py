"""Serving: time, memory and energy per output token and in total; compression."""
