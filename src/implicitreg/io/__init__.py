"""Input and output: atomic file writes (``files``), the results contract (``contract``) and provenance."""
