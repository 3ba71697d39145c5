"""Use cases shared by the CLI and the app, so that both give the same numbers and make the same
choices: run an estimate or a comparison, plan, the limits-of-scale and inference reports, accuracy.

One flat folder whose modules go by subject (every command; training; serving; accuracy; the limits of scale):
docs/reference/project-layout.md lists which module is whose."""
