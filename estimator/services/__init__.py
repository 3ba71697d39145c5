"""Use cases shared by the CLI and the app, so that both give the same numbers and make the same
choices: run an estimate or a comparison, the limits-of-scale and inference reports, accuracy."""
