"""The claims: one registry (``registry``), each claim a function of the tables it reads."""
