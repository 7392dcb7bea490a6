"""The config: cross-field checks (``check``) and experiment grids expanded into run specs (``grid``)."""
