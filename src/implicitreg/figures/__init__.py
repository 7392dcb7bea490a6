"""Figures drawn from the results tables: the style (``style``), what each figure reads (``inputs``) and one module
per figure, ``implicitreg.figures.{fig}_{stem}`` (lower-case fig, ``io/contract.FIGURES``), with

    draw(tables: dict[str, DataFrame], datasets: dict[str, dict], config: dict) -> matplotlib Figure

- ``tables``: every table the contract lists for the figure, by name. A run table (``contract.RUN_TABLES``:
  runs, components, transitions, permode) holds the runs of the figure's experiments only (those of its analyses,
  or of ``Figure.runs_of``), in config order, with a fresh index: ``draw`` never filters by experiment.
- ``datasets``: ``{dataset name: arrays of results/datasets/{name}.npz}`` of those experiments.
- ``config``: ``inputs.draw_config``: ``analyses`` (the figure's analyses only), ``claims`` (tolerances and
  premises), ``dmf_experiments``.

``draw`` returns the figure; ``workflow/scripts/draw_figure.py`` applies ``style.setup_style()`` before and saves
it with ``style.save_figure``. A new figure needs its ``Figure`` entry, its module and ``workflow/report/{fig}.rst``.
"""
