"""Units, errors, bounds of every input, intervals and number text: what every other subject uses."""
