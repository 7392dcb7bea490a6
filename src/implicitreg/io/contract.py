"""The results contract: every output path and its columns, in one place (EXPERIMENTS.md, "Results contract").

Rules, scripts, tests and the contract table of ``docs/CONTRACT.md`` (``markdown()``) all read it from here.
A table belongs to an *analysis* (config ``analyses:``, which names the experiment it reads) or to every run
(``analysis=None``); a figure names the analyses and tables it draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from implicitreg.io import files

if TYPE_CHECKING:  # pandas loads only where a table is read: simulation jobs never import it
    import pandas as pd

DATASET = "results/datasets/{dataset}.npz"
DATASET_JSON = "results/datasets/{dataset}.json"
RUNS_ROOT = "results/runs"  # the GD run store: {experiment}/shard-{k}-of-{K}.parquet (io/store.py, io/shards.py)
RUN = RUNS_ROOT + "/{experiment}/shard-{k}-of-{K}.parquet"
RRR = "results/baselines/rrr_{dataset}.npz"
NUCLEAR = "results/baselines/nuclear_{experiment}.csv"  # minimum nuclear-norm completion of every problem
NUCLEAR_COLUMNS = ("problem_id experiment n rank observed_entries seed status max_violation error error_unobserved "
                   "erank nuclear_norm").split()  # fmt: skip
DMF_ROOT = "results/dmf"
DMF_RUN = DMF_ROOT + "/{experiment}/shard-{k}-of-{K}.parquet"
FIGURE = "figures/{fig}_{stem}.{ext}"
RUN_TABLES = ("runs", "components", "transitions", "permode")  # built per experiment, then merged
EXPERIMENT_TABLE = "results/tables/experiments/{experiment}/{name}"  # {name}: the file name of the merged table
SHARD_TABLE = "results/tables/experiments/{experiment}/shard-{k}-of-{K}/{name}"  # removed once merged
SHARD_ROW_GROUP = 65536  # rows per Parquet row group of a shard table: the merge holds one decoded group per shard
CLAIM_ROW = "results/claims/{claim_id}.csv"  # one claim alone: snakemake claim_<id>
FIGURE_FORMATS = ("pdf", "png")
MANIFEST = "results/MANIFEST.tsv"
CLAIMS_RST = "results/report/claims.rst"  # the claims table on the report's first page
CLAIMS_PAGE = "results/report/claims.html"
TABLE_PAGE = "results/report/{table}.html"  # tables T1-T5 as report items
REPORT_TABLES = ("T1", "T2", "T3", "T4", "T5")
CLAIMS_DOC = "docs/CLAIMS.md"
CONTRACT_DOC = "docs/CONTRACT.md"
GALLERY_DOC = "docs/gallery.md"

RUN_FILE_KEYS = (
    "one row per run: run_id, eta, delta, depth, width, init, seed, initial factors W0_j, logged steps, W "
    "(steps x d x p; with log: components, components (steps x m) instead), loss, final factors Wfinal_j, "
    "k_cross, status, n_steps, method (full or per_mode); arrays flattened, with {key}.shape"
)


@dataclass(frozen=True)
class Table:
    """One results table: its file, its columns (``None`` where they depend on the data) and what it holds."""

    name: str
    path: str
    columns: tuple[str, ...] | None
    analysis: str | None
    description: str
    optional: tuple[str, ...] = ()  # columns left empty where they do not apply (None: any column may be)


def _t(name, path, columns, analysis, description, optional="") -> tuple[str, Table]:
    cols = None if columns is None else tuple(columns.split())
    return name, Table(name, path, cols, analysis, description, None if optional is None else tuple(optional.split()))


TABLES: dict[str, Table] = dict([
    _t("runs", "results/tables/runs.csv",
       "run_id experiment dataset model depth width eta delta init seed n_steps status final_loss", None,
       "one row per GD run; model linear | two_layer | deep, status converged | max_steps | diverged; width empty "
       "for the linear model, final_loss for a run that diverged before its first log", "width final_loss"),
    _t("components", "results/tables/components.parquet", "run_id step component value target", None,
       "trajectories: value = u_i^T W v_i, target = sigma_i / lam_i"),
    _t("transitions", "results/tables/transition_times.csv",
       "run_id component sigma lambda k_measured k_predicted rel_error", None,
       "measured and predicted transition iterations (THEORY.md section 4)"),
    _t("permode", "results/tables/permode_deviation.csv", "run_id max_rel_deviation", None,
       "full-matrix GD against the per-mode recursion, per aligned run on an exactly commuting dataset (empty for a "
       "run that diverged before its first log)", "max_rel_deviation"),
    _t("rrr", "results/tables/rrr.csv",
       "dataset rank loss nuclear_norm path_run_id path_min_distance path_argmin_step", None,
       "every RRR solution; for the F5 paths the minimum relative distance along the path and where (empty "
       "elsewhere)", "path_run_id path_min_distance path_argmin_step"),
    _t("T1", "results/tables/T1_transition_errors.csv",
       "model dataset eta delta rel_error_median rel_error_max n_transitions", "transitions",
       "table T1: median and max rel_error per (model, dataset, eta, delta)"),
    _t("staircase_limit", "results/tables/staircase_limit.csv",
       "run_id dataset eta delta t_max n_grid distance distance_flow", "vanishing",
       "F4: distance of each rescaled two-layer trajectory to the staircase limit and to the flow staircase"),
    _t("rrr_path", "results/tables/rrr_path.parquet", "dataset run_id step rank solution distance", "rrr_path",
       "F5: relative distance of each logged iterate to every RRR solution (rrr) and top-k-by-sigma map "
       "(top_sigma)"),
    _t("T2", "results/tables/T2_rrr_path.csv",
       "dataset path_run_id rank rrr_min_distance rrr_argmin_step rrr_argmin_plateau top_sigma_min_distance "
       "top_sigma_argmin_step plateau_step plateau_to_rrr plateau_to_top_sigma plateau_nearest top_sigma_equals_rrr",
       "rrr_path", "table T2: per rank, minimum distance to W_j and P_j along the path; each plateau's distances"),
    _t("phase", "results/tables/phase_diagram.csv",
       "run_id dataset eta delta eta_sigma1 status n_steps overshoot max_decrease final_error observed predicted "
       "agrees network_bound aligned_deviation", "phase",
       "F6: every step-size run classified from its trajectory against the boundaries of THEORY.md section 5"),
    _t("sequential_order", "results/tables/sequential_order.csv",
       "dataset eta delta runs in_order fraction ci_low ci_high uncrossed k_predicted_last k_measured_last",
       "population",
       "F11: per (dataset, eta, delta) the random-initialization two-layer runs, those learned in sigma order, their "
       "fraction with its exact 95% interval, the runs with a component that never crossed (must be 0), and the "
       "latest predicted (THEORY.md section 4) and measured transition"),
    _t("rotation", "results/tables/rotation_deviation.csv", "run_id dataset model epsilon commutator deviation",
       "rotation", "F7b: deviation from the aligned prediction and normalized commutator, per run"),
    _t("test_risk", "results/tables/test_risk.csv", "dataset method param rank test_risk", "generalization",
       "F8: test risk along the GD paths (param: iteration), RRR (rank), ridge (alpha), reduced-rank ridge "
       "(rr_ridge: alpha and rank), teacher; rank empty where it does not apply", "rank"),
    _t("best_risk", "results/tables/best_test_risk.csv",
       "dataset two_layer linear rrr ridge rr_ridge least_squares teacher two_layer_step linear_step rrr_rank "
       "ridge_alpha rr_ridge_rank rr_ridge_alpha", "generalization",
       "best (oracle, on the test set) test risk of each method per dataset (one teacher), and where it is"),
    _t("T3", "results/tables/T3_generalization.csv", "method median q05 q95 n_datasets", "generalization",
       "table T3: the spread over datasets (teachers) of each method's best test risk: median, 5% and 95% "
       "quantiles"),
    _t("depth_transitions", "results/tables/depth_transitions.csv",
       "run_id dataset depth eta delta component sigma lambda k_measured k_predicted k_flow rel_error_flow "
       "stage_width", "depth",
       "F9: k_measured against section 4's law and the exact flow half-crossing; stage_width = ln(k_90/k_10)"),
    _t("dmf_runs", "results/tables/dmf_runs.csv",
       "run_id experiment model task n rank depth alpha eta observed seed n_steps status final_loss "
       "final_grad_norm n_stages one_per_stage", "dmf", "one row per DMF run"),
    _t("dmf_trajectories", "results/tables/dmf_trajectories.parquet", None, "dmf",
       "run_id, step, loss, grad_norm and the top singular values sv_1..sv_K per logged step (empty beyond a run's "
       "rank + 1)", None),
    _t("dmf_stages", "results/tables/dmf_stages.csv", "run_id stage singular_values k_start k_end", "dmf",
       "detected stages of every DMF run"),
    _t("dmf_curvature", "results/tables/dmf_curvature.csv",
       "run_id point kind step loss lambda_min lambda_max resolved", "dmf",
       "extreme Hessian eigenvalues at each plateau midpoint and at the end"),
    _t("T4", "results/tables/T4_dmf_stages.csv",
       "experiment task depth alpha rank runs stages_min stages_max exact_fraction", "dmf",
       "table T4: stages detected against rank per (experiment, depth, alpha)"),
    _t("completion_runs", "results/tables/completion_runs.csv",
       "problem_id method depth rank observed_entries dof seed alpha status n_steps error error_unobserved erank "
       "nuclear_norm n_stages one_per_stage run_id", "completion",
       "F12: one row per completion run and per nuclear-norm baseline (method nuclear; depth, alpha, n_steps, "
       "stages and run_id empty); errors relative to the Frobenius norm of M, on all and on the unobserved entries",
       "depth alpha n_steps n_stages one_per_stage run_id"),
    _t("completion_trajectories", "results/tables/completion_trajectories.parquet", None, "completion",
       "F12c: run_id, step, loss, grad_norm and the top singular values sv_1..sv_K of every completion run", None),
    _t("completion_stages", "results/tables/completion_stages.csv", "run_id stage singular_values k_start k_end",
       "completion", "F12c: detected stages of every completion run"),
    _t("T5", "results/tables/T5_completion.csv",
       "rank observed_entries dof method runs error_median erank_median stages", "completion",
       "table T5: per (R, observed entries, method) the median error and effective rank over seeds and the stages "
       "detected (min-max; empty for the nuclear norm)", "stages"),
    _t("claims", "results/tables/claims.csv",
       "claim_id source kind statement scope metric measured criterion expected tolerance passed evidence", None,
       "every claim (kind paper, derived or boundary) under its premise (scope), measured from the tables above; "
       "passed is criterion evaluated on measured (measured empty when nothing was counted: the row fails)",
       "measured"),
])  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """Figure ``fig``: ``figures/{fig}_{stem}.{pdf,png}``, drawn from ``tables`` for ``analyses``; its run tables
    (``RUN_TABLES``) hold the runs of the experiments of the analyses ``runs_of`` (``None``: all its analyses)."""

    fig: str
    stem: str
    analyses: tuple[str, ...]
    tables: tuple[str, ...]
    runs_of: tuple[str, ...] | None = None

    def files(self) -> list[str]:
        return [FIGURE.format(fig=self.fig, stem=self.stem, ext=ext) for ext in FIGURE_FORMATS]


FIGURES: dict[str, Figure] = {f.fig: f for f in [
    Figure("F1", "staircase", ("staircase",), ("runs", "components")),
    Figure("F2", "sequential", ("sequential",), ("runs", "components", "transitions")),
    Figure("F3", "transitions", ("transitions",), ("runs", "transitions")),
    Figure("F4", "vanishing", ("vanishing",), ("runs", "components", "staircase_limit")),
    Figure("F5", "rrr_path", ("rrr_path",), ("rrr_path", "T2", "transitions")),
    Figure("F6", "phase", ("phase",), ("phase", "runs", "components")),
    Figure("F7", "beyond", ("random_init", "rotation"), ("runs", "components", "transitions", "rotation"),
           runs_of=("random_init",)),
    Figure("F8", "generalization", ("generalization",), ("test_risk", "T3")),
    Figure("F9", "depth", ("depth",), ("runs", "components", "depth_transitions")),
    Figure("F10", "dmf", ("dmf",), ("dmf_runs", "dmf_trajectories", "dmf_stages", "dmf_curvature")),
    Figure("F11", "population", ("population",), ("sequential_order",)),
    Figure("F12", "completion", ("completion",), ("completion_runs", "completion_trajectories", "completion_stages")),
]}  # fmt: skip


def path(table: str) -> str:
    """The file of results table ``table``."""
    return TABLES[table].path


def experiment_table(table: str, experiment: str) -> str:
    """The part of run table ``table`` (``RUN_TABLES``) that holds experiment ``experiment``'s runs."""
    return EXPERIMENT_TABLE.format(experiment=experiment, name=TABLES[table].path.rsplit("/", 1)[1])


def shard_table(table: str) -> str:
    """The part of run table ``table`` built from one shard, with ``{experiment}``, ``{k}``, ``{K}`` left open."""
    return SHARD_TABLE.replace("{name}", TABLES[table].path.rsplit("/", 1)[1])


def analysis_experiments(spec: dict) -> list[str]:
    """The experiments analysis ``spec`` (an entry of config ``analyses:``) reads: its ``experiment``, then its
    ``aligned`` reference where it has one."""
    return [spec[k] for k in ("experiment", "aligned") if k in spec]


def active_tables(analyses) -> list[str]:
    """Tables that exist for the configured ``analyses``: those of every run and those of a configured analysis."""
    return [name for name, t in TABLES.items() if t.analysis is None or t.analysis in analyses]


def active_figures(analyses) -> list[Figure]:
    """Figures whose analyses are all configured."""
    return [f for f in FIGURES.values() if all(a in analyses for a in f.analyses)]


def check_columns(table: str, columns) -> None:
    """Raise ``ValueError`` naming ``table`` when ``columns`` differ from the contract's."""
    expected = TABLES[table].columns
    if expected is not None and tuple(columns) != expected:
        raise ValueError(f"{TABLES[table].path}: columns {list(columns)} differ from the contract {list(expected)}")


def write_table(table: str, df: pd.DataFrame, path: str | None = None, row_group: int | None = None) -> None:
    """Write results table ``table`` (CSV or Parquet by its file name) after checking its columns; a Parquet file
    in row groups of ``row_group`` rows (default ``files.PARQUET_ROW_GROUP``)."""
    path = path or TABLES[table].path
    check_columns(table, df.columns)
    if str(path).endswith(".parquet"):
        files.save_parquet(path, df, row_group)
    else:
        files.save_csv(path, df)


def read_table(table: str, path: str | None = None) -> pd.DataFrame:
    """Read results table ``table`` (CSV or Parquet by its file name)."""
    import pandas as pd

    path = path or TABLES[table].path
    return pd.read_parquet(path) if str(path).endswith(".parquet") else pd.read_csv(path)


def read_parts(table: str, paths) -> pd.DataFrame:
    """Read results table ``table`` from its file (a path) or from its parts (a list of paths: a run table's
    experiments), concatenated in order."""
    import pandas as pd

    parts = [paths] if isinstance(paths, str) else list(paths)
    return pd.concat([read_table(table, p) for p in parts], ignore_index=True)


def markdown() -> str:
    """The contract as Markdown tables (written to ``docs/CONTRACT.md`` by the pipeline)."""
    lines = [
        "# Results contract",
        "",
        "Generated from `src/implicitreg/io/contract.py` by the pipeline; do not edit by hand.",
        "",
        "| path | analysis | columns | what |",
        "| --- | --- | --- | --- |",
        f"| `{DATASET}`, `.json` | - | `Sigma_x, Sigma_xy, U, V, lam, sigma` (`X, Y` where sampled; kind sampled: "
        "the test set's moments `Sigma_x_test, Sigma_xy_test, y2_test`) | one "
        "controlled-spectrum dataset; resolved parameters and seed. With `draws: N` its N members `{dataset}.i`, "
        "every array stacked along a leading axis beside `draw` (`data/spectra.py`), one seed each |",
        f"| `{RUN}` | - | {RUN_FILE_KEYS} | one shard of a GD experiment (Parquet), each run replayable from it "
        "and its dataset: `python -m implicitreg run RUN_ID` |",
        f"| `{RRR}` | - | `W, rank, loss, nuclear_norm` | reduced-rank regression solutions of every rank (stacked "
        "as the dataset's draws) |",
        f"| `{DMF_RUN}` | - | trajectory, stages, Hessian extremes | one shard of a deep matrix factorization "
        "experiment |",
    ]
    for t in TABLES.values():
        cols = "varies" if t.columns is None else ", ".join(t.columns)
        lines.append(f"| `{t.path}` | {t.analysis or 'all runs'} | `{cols}` | {t.description.replace('|', 'or')} |")
    lines += ["", "| figure | files | analyses | tables read |", "| --- | --- | --- | --- |"]
    for f in FIGURES.values():
        files = ", ".join(f"`{p}`" for p in f.files())
        lines.append(f"| {f.fig} | {files} | {', '.join(f.analyses)} | {', '.join(f.tables)} |")
    lines.append(
        f"\n`{CLAIMS_RST}`, `{CLAIMS_PAGE}`, `{TABLE_PAGE}` (T1-T5): the claims and tables for the HTML report."
    )
    lines.append(
        f"\n`{EXPERIMENT_TABLE}`: the run tables ({', '.join(RUN_TABLES)}) of one experiment, merged into the "
        f"tables above; `{CLAIM_ROW}`: one claim's row (`snakemake claim_<id>`)."
    )
    lines.append(f"\n`{MANIFEST}`: SHA-256, size, rule, wildcards and parameters of every output above.")
    return "\n".join(lines) + "\n"
