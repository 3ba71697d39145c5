"""Pure text for people: number formatting (humanize), exports (JSON, CSV, Markdown) and the
LaTeX/BibTeX statement. Strings out; writing them to files is the caller's job."""
