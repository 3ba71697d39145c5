"""The tool's name, the one place it is written: the CLI's description, the app's page title, the exports'
tool line and the paper statement read it. Its version is ``estimator.__version__``."""

TOOL_NAME = "Compute Cost Estimator"
