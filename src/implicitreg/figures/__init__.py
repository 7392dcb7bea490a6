"""Figures drawn from the results tables: the style (``style``) and one module per figure (``draw``)."""
