"""Pure domain model: workloads, hardware profiles, estimates, serving, memory, embodied carbon and
water, their validation, bounds, units and errors.

Pure means: frozen dataclasses and plain values in, dataclasses out; no file reading, no
Streamlit, pynvml or CodeCarbon. ``tests/test_layers.py`` enforces it.
"""
