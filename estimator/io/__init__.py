"""The edge that touches files: the guarded reader, the bundled data and profiles (package data
via importlib.resources), CodeCarbon's grid data, calibration files and atomic writes."""
