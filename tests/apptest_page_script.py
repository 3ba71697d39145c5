"""The script AppTest runs for one page of the app (``apptest_pages.run_page``): AppTest's switch_page takes file
paths only, and a page is a function page under st.navigation, so this script calls the page's render(), between
the URL checks app.py makes before and after every page. A file, read by ``AppTest.from_file``: ``from_function``
wrote the function's source to a temporary file on every page run (1.7 ms of blocking file I/O each, 7.5 s over the
quick loop's 4,300 runs)."""

import importlib

import streamlit as st

from app_pages.inputs import url_check

url_check.note_repeated_url_params()
importlib.import_module(f"app_pages.pages.{st.session_state['_test_page_module']}").render()
url_check.check_unknown_url_params()
