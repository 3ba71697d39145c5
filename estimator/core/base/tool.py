"""The tool's name and version, the one place each is written: the CLI's description and ``--version``, the
app's page title, the exports' tool line and the paper statement read them (``estimator.__version__`` is this
version, re-exported; pyproject.toml reads it here)."""

TOOL_NAME = "Compute Cost Estimator"
__version__ = "0.10.0"
