"""Results tables built from run files, one module per table family."""
