"""Input and output: atomic file writes (``files``), the results contract (``contract``), the run store (``store``,
``shards``), the manifest (``provenance``) with the code it records (``closure``) and the committed reference
(``reference``), Snakemake lock ownership (``locks``), the main process's setup (``session``) and dispatch on
config enums (``dispatch``)."""
