"""Checks of the configuration: the JSON schema with readable messages and its defaults, and cross-field rules.

``validate`` fills the defaults of ``config.schema.yaml`` (package data beside this module, the one place they
live), then raises one ``ConfigError`` listing every violation, each naming the offending key
(``datasets.coloured.lam``, ``experiments.staircase.eta[0]``) and what is allowed, before any job runs.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import jsonschema
import yaml

from implicitreg.config.grid import expand_runs, resolve, step_sizes
from implicitreg.data.spectra import entry, last_transition, orders_agree
from implicitreg.io import shards

SCHEMA = resources.files(__package__) / "config.schema.yaml"  # package data: found wherever the package is installed
DMF_ANALYSES = ("dmf", "completion")  # analyses that read a DMF experiment; every other one reads a GD experiment
COMPONENT_ANALYSES = ("population",)  # analyses that read components and transitions only: log: components will do
BASELINE_PACKAGES = ("cvxpy", "clarabel", "scs")  # the completion analysis's nuclear-norm baseline (dmf/nuclear.py)

Problem = tuple[str, str]  # (key, what is wrong and what is allowed)


class ConfigError(ValueError):
    """A configuration value that is out of range or inconsistent."""


def key_name(path) -> str:
    """``('experiments', 'staircase', 'eta', 0)`` as ``experiments.staircase.eta[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def describe(error: jsonschema.ValidationError) -> Problem:
    """``(key, message)`` of one schema violation, the message saying what is allowed."""
    key, v, s, got = key_name(error.absolute_path), error.validator, error.validator_value, error.instance
    if v == "additionalProperties" and isinstance(got, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(got) - set(allowed))
        inner = f"{key}.{extra[0]}" if error.absolute_path else extra[0]
        return inner, f"unknown key (allowed here: {', '.join(allowed)})"
    if v == "required":
        missing = [k for k in s if k not in got]
        return (f"{key}.{missing[0]}" if error.absolute_path else missing[0]), "is required but missing"
    bounds = {"minimum": ">=", "exclusiveMinimum": ">", "maximum": "<=", "exclusiveMaximum": "<"}
    if v in bounds:
        return key, f"must be {bounds[v]} {s}, got {got!r}"
    if v == "type":
        return key, f"must be of type {s}, got {type(got).__name__} {got!r}"
    if v == "minItems":
        return key, f"must list at least {s} value(s), got {got!r} (an empty sweep runs nothing)"
    if v == "minProperties":
        return key, f"must define at least {s} entry, got none"
    if v == "enum":
        return key, f"must be one of {s}, got {got!r}"
    if v == "pattern":
        return key, f"must match {s}, got {got!r}"
    return key, error.message


def _with_defaults(validator_class):
    """A validator class that also fills in each property's ``default`` (the jsonschema recipe)."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub:
                    instance.setdefault(name, sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def load_schema(path: str | Path = SCHEMA) -> dict:
    return yaml.load(Path(path).read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _strict_types(validator_class):
    """``integer`` means an int (``3000.0`` is refused, not truncated later) and neither counts a bool."""
    checker = validator_class.TYPE_CHECKER.redefine_many({
        "integer": lambda _, x: isinstance(x, int) and not isinstance(x, bool),
        "number": lambda _, x: isinstance(x, int | float) and not isinstance(x, bool),
    })  # fmt: skip
    return jsonschema.validators.extend(validator_class, type_checker=checker)


def nonfinite_problems(node, path=()) -> Iterator[Problem]:
    """Every NaN or infinite number anywhere in the config (JSON schema's ``number`` admits them)."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from nonfinite_problems(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from nonfinite_problems(v, (*path, i))
    elif isinstance(node, float) and not math.isfinite(node):
        yield key_name(path), f"must be a finite number, got {node}"


def schema_problems(config: dict, schema: dict) -> list[Problem]:
    """Every schema violation of ``config``, filling in defaults as it goes, and every non-finite number."""
    validator = _with_defaults(_strict_types(jsonschema.Draft202012Validator))(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: (key_name(e.absolute_path), e.validator))
    return list(dict.fromkeys([*nonfinite_problems(config), *(describe(e) for e in errors)]))


def dataset_problems(name: str, spec: dict) -> Iterator[Problem]:
    """Spectrum lengths ``len(lam) = d``, ``len(sigma) = min(d, p)``; samples need ``n >= d``; ``draws`` need
    something random to draw."""
    key = f"datasets.{name}"
    d, p = spec["d"], spec["p"]
    if len(spec["lam"]) != d:
        yield f"{key}.lam", f"needs exactly d = {d} positive input eigenvalues, got {len(spec['lam'])}"
    if len(spec["sigma"]) != min(d, p):
        yield f"{key}.sigma", f"needs exactly min(d, p) = {min(d, p)} singular values, got {len(spec['sigma'])}"
    if max(spec["sigma"]) <= 0:
        yield f"{key}.sigma", "needs at least one positive singular value"
    if spec.get("epsilon") and spec["kind"] != "population":
        yield f"{key}.epsilon", f"rotations need kind population, got {spec['kind']!r}"
    if spec["kind"] in ("exact_sample", "sampled"):
        if "n" not in spec:
            yield f"{key}.n", f"kind {spec['kind']} needs the number of samples n"
        elif spec["n"] < d:
            yield f"{key}.n", f"must be >= d = {d} so that Sigma_x is positive-definite, got {spec['n']}"
    if "draws" in spec and spec["kind"] == "population" and spec["basis"] == "identity":
        yield f"{key}.draws", "draws of a population dataset with basis identity are all the same dataset"
    if spec["kind"] == "sampled":
        for k in ("noise", "n_test"):
            if k not in spec:
                yield f"{key}.{k}", "kind sampled needs it"


def experiment_problems(name: str, exp: dict, datasets: dict) -> Iterator[Problem]:
    """Datasets exist; widths fit (``width <= max(d, p)``); exactly one of ``eta`` and ``eta_sigma1``;
    ``method: per_mode`` only where it is exact; no repeated grid values."""
    key = f"experiments.{name}"
    if ("eta" in exp) == ("eta_sigma1" in exp):
        yield f"{key}.eta", "give exactly one of eta (step sizes) and eta_sigma1 (eta sigma_1 products)"
    known = [ds for ds in exp["datasets"] if ds in datasets]
    for ds in exp["datasets"]:
        if ds not in datasets:
            yield f"{key}.datasets", f"unknown dataset {ds!r}; defined: {sorted(datasets)}"
    for ds in known:
        dim = max(datasets[ds]["d"], datasets[ds]["p"])
        if "width" in exp and exp["width"] > dim:
            yield f"{key}.width", f"must be between 1 and max(d, p) = {dim} of dataset {ds!r}, got {exp['width']}"
    if exp["method"] == "per_mode":
        if exp["init"] != "aligned":
            yield f"{key}.method", "per_mode is exact only for init: aligned"
        for ds in known:
            if datasets[ds]["kind"] == "sampled" or datasets[ds].get("epsilon"):
                yield f"{key}.method", f"per_mode needs exactly commuting covariances; dataset {ds!r} does not commute"
    for grid in ("datasets", "depth", "eta", "eta_sigma1", "delta", "seeds"):
        values = exp.get(grid, [])
        repeated = sorted((v for v, n in Counter(values).items() if n > 1), key=str)
        if repeated:
            yield f"{key}.{grid}", f"must not repeat values, got {repeated} more than once"
    if not known or len(known) < len(exp["datasets"]) or ("eta" in exp) == ("eta_sigma1" in exp):
        return
    ids = [run.run_id for run in expand_runs(name, exp, {ds: datasets[ds] for ds in known})]
    collide = sorted(i for i, n in Counter(ids).items() if n > 1)
    if collide:
        yield f"{key}.eta", f"values that format to the same run id: {collide[0]} (give step sizes that differ in %g)"


def dmf_problems(config: dict) -> Iterator[Problem]:
    """Ranks fit the target (``R <= len(singular_values)``, ``R < n``); singular values strictly decrease; one
    setting per depth; the stage rule has ``lo < hi``; the large setting has its overrides."""
    for name, exp in config.get("dmf_experiments", {}).items():
        key, s = f"dmf_experiments.{name}", exp["singular_values"]
        if max(exp["rank"]) > len(s):
            yield f"{key}.rank", f"rank {max(exp['rank'])} needs that many singular_values, got {len(s)}"
        if max(exp["rank"]) >= exp["n"]:
            yield f"{key}.rank", f"rank {max(exp['rank'])} must be below n = {exp['n']}"
        if any(b >= a for a, b in zip(s, s[1:])):
            yield f"{key}.singular_values", f"must strictly decrease (stage r learns singular value r), got {s}"
        for i, st in enumerate(exp["settings"]):
            if ("eta" in st) == ("eta_observed" in st):
                yield f"{key}.settings[{i}]", "needs exactly one of eta and eta_observed"
            elif "eta_observed" in st and "observed_entries" not in exp:
                yield f"{key}.settings[{i}].eta_observed", "needs a completion grid (observed_entries)"
        depths = [st["depth"] for st in exp["settings"]]
        if len(set(depths)) != len(depths):
            yield f"{key}.settings", f"one setting per depth, got depths {depths}"
        alphas = [(f"settings[{i}].alpha", st["alpha"]) for i, st in enumerate(exp["settings"])]
        for grid, values in [("rank", exp["rank"]), ("seeds", exp["seeds"]), *alphas]:
            if len(set(values)) != len(values):
                yield f"{key}.{grid}", f"must not repeat values, got {values}"
        yield from completion_problems(key, resolve(exp, config["dmf_size"], config.get("dmf_large", {})))
    if config.get("dmf_experiments") and "dmf_stage_rule" not in config:
        yield "dmf_stage_rule", "dmf_experiments need a stage rule {lo, hi}"
    rule = config.get("dmf_stage_rule")
    if rule and rule["lo"] >= rule["hi"]:
        yield "dmf_stage_rule.lo", f"must be below hi = {rule['hi']}, got {rule['lo']}"
    if config["dmf_size"] == "large" and "dmf_large" not in config:
        yield "dmf_large", "dmf_size is large but no dmf_large overrides are given"


def missing_packages(find=find_spec) -> list[str]:
    """Which of ``BASELINE_PACKAGES`` are not installed, found without importing them (cvxpy loads in seconds)."""
    return [name for name in BASELINE_PACKAGES if find(name) is None]


def completion_problems(key: str, exp: dict) -> Iterator[Problem]:
    """A completion grid (``observed_entries``) has distinct counts within ``[1, n^2]`` and its baseline's tolerance."""
    counts = exp.get("observed_entries")
    if counts is None:
        return
    if len(set(counts)) != len(counts):
        yield f"{key}.observed_entries", f"must not repeat values, got {counts}"
    if max(counts) > exp["n"] ** 2:
        yield f"{key}.observed_entries", f"at most n^2 = {exp['n'] ** 2} entries can be observed, got {max(counts)}"
    needs = {"nuclear_solver": "the nuclear-norm baseline's solver", "plateau": "a plateau rule",
             "nuclear_tol": "the nuclear-norm baseline's tolerance"}  # fmt: skip
    for name, what in needs.items():
        if name not in exp:
            yield f"{key}.{name}", f"a completion grid (observed_entries) needs {what}"


def analysis_problems(config: dict) -> Iterator[Problem]:
    """Each analysis names an experiment of the right kind, with what its figures, tables and claims need."""
    gd, dmf = config["experiments"], config.get("dmf_experiments", {})
    for name, spec in config["analyses"].items():
        refs = {k: spec[k] for k in ("experiment", "aligned") if k in spec}
        kind, pool = ("dmf_experiments", dmf) if name in DMF_ANALYSES else ("experiments", gd)
        for k, ref in refs.items():
            if ref not in pool:
                yield f"analyses.{name}.{k}", f"must name one of {kind} {sorted(pool)}, got {ref!r}"
    analyses = {a: s for a, s in config["analyses"].items() if s["experiment"] in (dmf if a in DMF_ANALYSES else gd)}
    for name, spec in analyses.items():
        for ref in {spec[k] for k in ("experiment", "aligned") if k in spec and name not in DMF_ANALYSES}:
            if ref in gd and gd[ref]["log"] != "W" and name not in COMPONENT_ANALYSES:
                yield f"experiments.{ref}.log", f"the {name} analysis reads W of every logged step: needs log: W"
    if (
        "generalization" in analyses
        and analyses["generalization"]["ridge_alpha"][0] >= (analyses["generalization"]["ridge_alpha"][1])
    ):
        yield "analyses.generalization.ridge_alpha", "needs alpha_min < alpha_max"
    if "completion" in analyses and "observed_entries" not in dmf[analyses["completion"]["experiment"]]:
        yield (
            f"dmf_experiments.{analyses['completion']['experiment']}",
            ("the completion analysis (F12, T5) needs a completion grid: observed_entries"),
        )
    if "completion" in analyses and missing_packages():
        yield (
            "analyses.completion",
            (f"the nuclear-norm baseline needs {', '.join(missing_packages())} installed (environment.yml)"),
        )
    if "vanishing" in analyses:
        ename = analyses["vanishing"]["experiment"]
        exp = gd[ename]
        if 2 not in exp["depth"]:
            yield f"experiments.{ename}.depth", "the vanishing analysis (F4) needs two-layer runs (depth 2)"
        if len(exp["delta"]) < 2 or len(exp.get("eta", [])) != 1:
            yield f"experiments.{ename}.delta", "the vanishing analysis (F4) needs one eta and at least two delta"
    if "population" in analyses:
        spec = analyses["population"]
        exp = gd[spec["experiment"]]
        if all(ds in config["datasets"] for ds in exp["datasets"]) and ("eta" in exp) != ("eta_sigma1" in exp):
            yield from population_problems("population", spec, exp, config["datasets"])
    if "rrr_path" in analyses:
        ename = analyses["rrr_path"]["experiment"]
        exp = gd[ename]
        single = len(exp.get("eta", [])) == len(exp["delta"]) == len(exp["seeds"]) == 1
        if exp["depth"] != [2] or not single:
            yield (
                f"experiments.{ename}",
                (
                    "the rrr_path analysis (F5) needs one two-layer path per dataset: depth [2] and a single eta, "
                    "delta and seed"
                ),
            )
        specs = [config["datasets"][ds] for ds in exp["datasets"] if ds in config["datasets"]]
        agree = [orders_agree(s["lam"], s["sigma"]) for s in specs]
        if all(agree) or not any(agree):
            yield (
                f"experiments.{ename}.datasets",
                (
                    "the rrr_path analysis (F5) needs a dataset where the orders of sigma and sigma/sqrt(lam) agree "
                    "and one where they differ"
                ),
            )


def latest_transition(exp: dict, datasets: dict) -> float:
    """The latest predicted two-layer transition of an experiment's grid: ``spectra.last_transition`` over its
    datasets, ``eta`` and ``delta`` (THEORY.md section 4)."""
    return max(
        last_transition(datasets[ds]["lam"], datasets[ds]["sigma"], eta, delta)
        for ds in exp["datasets"]
        for eta in step_sizes(exp, datasets[ds])
        for delta in exp["delta"]
    )


def population_problems(name: str, spec: dict, exp: dict, datasets: dict) -> Iterator[Problem]:
    """The population analysis (F11, claims 10, 10b) reads two-layer runs from random initializations on one
    dataset over at least two delta, with an iteration budget of at least ``budget_factor`` times the latest predicted
    transition of its grid, so that no component is left uncrossed for want of iterations."""
    key = f"experiments.{spec['experiment']}"
    if exp["depth"] != [2] or exp["init"] != "random" or len(exp["datasets"]) != 1 or len(exp["delta"]) < 2:
        yield key, f"the {name} analysis (F11) needs depth [2], init random, one dataset and at least two delta"
        return
    need = spec["budget_factor"] * latest_transition(exp, datasets)
    if exp["max_steps"] < need:
        yield (
            f"{key}.max_steps",
            f"must be at least budget_factor = {spec['budget_factor']:g} x the latest predicted transition of the "
            f"grid, {need:.0f} (THEORY.md section 4), got {exp['max_steps']}",
        )


GB = 2**30


def memory_problems(config: dict) -> Iterator[Problem]:
    """Jobs whose estimated peak memory exceeds ``max_job_memory_gb``, with the estimate (8-byte floats):

    - a dataset: its covariances, bases and samples, ``2 d^2 + 2 p^2 + d p + (n + n_test)(d + p)``, per draw;
    - a GD simulation job: the logged maps of the runs of its largest shard,
      ``runs x min(max_steps + 1, 2 n_log + 2 m + 2) x d x p``;
    - a DMF run: its factors at the logged points and the eigensolver's vectors, ``(R + 30) N n^2``.
    """
    limit = config["max_job_memory_gb"]
    for name, spec in config["datasets"].items():
        d, p, n = spec["d"], spec["p"], spec.get("n", 0) + spec.get("n_test", 0)
        need = 8 * spec.get("draws", 1) * (2 * d * d + 2 * p * p + d * p + n * (d + p)) / GB
        if need > limit:
            yield f"datasets.{name}", f"needs about {need:.3g} GB, above max_job_memory_gb = {limit:g}"
    for name, exp in config["experiments"].items():
        if any(ds not in config["datasets"] for ds in exp["datasets"]) or ("eta" in exp) == ("eta_sigma1" in exp):
            continue  # reported by experiment_problems
        need = 0.0
        for runs in shards.split(expand_runs(name, exp, config["datasets"]), config["shard_size"]).values():
            shard_need = 0.0
            for ds, count in Counter(run.dataset for run in runs).items():
                spec = config["datasets"][entry(ds)]
                rows = min(exp["max_steps"] + 1, 2 * exp.get("n_log", config["n_log"]) + 2 * len(spec["sigma"]) + 2)
                shard_need += count * 8 * rows * spec["d"] * spec["p"] / GB
            need = max(need, shard_need)
        if need > limit:
            yield (
                f"experiments.{name}",
                (
                    f"a simulation job needs about {need:.3g} GB (shard runs x logged steps x d x p), above "
                    f"max_job_memory_gb = {limit:g}: a smaller shard_size, smaller n_log, or raise max_job_memory_gb"
                ),
            )
    for name, exp in config.get("dmf_experiments", {}).items():
        n = config.get("dmf_large", {}).get("n", exp["n"]) if config["dmf_size"] == "large" else exp["n"]
        need = 8 * (max(exp["rank"]) + 30) * max(st["depth"] for st in exp["settings"]) * n * n / GB
        if need > limit:
            yield f"dmf_experiments.{name}.n", f"a run needs about {need:.3g} GB, above max_job_memory_gb = {limit:g}"


def config_problems(config: dict) -> list[Problem]:
    """Every cross-field violation; the schema (with defaults filled in) has checked types and ranges."""
    problems = [p for name, spec in config["datasets"].items() for p in dataset_problems(name, spec)]
    for name, exp in config["experiments"].items():
        problems += experiment_problems(name, exp, config["datasets"])
    problems += dmf_problems(config)
    problems += analysis_problems(config)
    problems += memory_problems(config)
    return problems


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise ConfigError("\n".join(dict.fromkeys(f"config key '{k}': {m}" for k, m in problems)))


def check_schema(config: dict, schema: dict | None = None) -> None:
    """Validate ``config`` against the JSON schema, filling in its defaults; raise listing every violation."""
    _raise(schema_problems(config, load_schema() if schema is None else schema))


def check_config(config: dict) -> None:
    """Raise listing every cross-field violation of a schema-valid ``config``."""
    _raise(config_problems(config))


def validate(config: dict, schema: dict | None = None) -> dict:
    """Fill in the defaults and check ``config`` (schema, then cross-field rules); returns it."""
    check_schema(config, schema)
    check_config(config)
    return config
