"""Serving the app to a class: several Streamlit processes behind nginx (see deploy/README.md)."""
