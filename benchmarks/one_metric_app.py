"""The baseline of benchmarks/bench_load.py: a one-metric Streamlit app, what a page costs when it
does almost nothing. It reads the same query parameter the load changes (devices)."""

import streamlit as st

devices = st.number_input("Devices", min_value=1, value=1, key="devices", bind="query-params")
st.metric("Training time", f"{355 / devices:.3g} years")
