"""Serving the app to a class: several Streamlit processes behind nginx (docs/how-to/deploy.md)."""
