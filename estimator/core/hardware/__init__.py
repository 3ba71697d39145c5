"""Hardware profiles: the dataclass, its fields and limits, the reader, names, the utilisation model a profile reads."""
