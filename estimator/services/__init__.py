"""Use cases shared by the CLI and the app, so that both give the same numbers and make the same
choices: run an estimate or a comparison, plan, the limits-of-scale and inference reports, accuracy.

What every command shares sits here; each subject has its folder (``training/``, ``serving/``, ``accuracy/``,
``limits/``): docs/reference/project-layout.md lists which module is whose."""
