"""How far an estimate can be trusted: the utilisation fit and its validation, coverage, the fit checks."""
