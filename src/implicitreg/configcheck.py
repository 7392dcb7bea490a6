"""Checks of the configuration: the JSON schema with readable messages, and cross-field rules.

``check_schema`` and ``check_config`` raise ``ConfigError`` naming the offending key
(``datasets.coloured.lam``, ``experiments.staircase.eta[0]``) and what is allowed, before any job runs.
"""

from __future__ import annotations

import jsonschema


class ConfigError(ValueError):
    """A configuration value that is out of range or inconsistent."""


def _fail(key: str, message: str):
    raise ConfigError(f"config key '{key}': {message}")


def key_name(path) -> str:
    """``('experiments', 'staircase', 'eta', 0)`` as ``experiments.staircase.eta[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def describe(error: jsonschema.ValidationError) -> tuple[str, str]:
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


def check_schema(config: dict, schema: dict) -> None:
    """Validate ``config`` against the JSON ``schema``; every violation, each naming its key and the allowed range."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: (key_name(e.absolute_path), e.validator))
    if errors:
        lines = [f"config key '{k}': {m}" for k, m in (describe(e) for e in errors)]
        raise ConfigError("\n".join(dict.fromkeys(lines)))


def check_dataset(name: str, spec: dict) -> None:
    """Spectrum lengths ``len(lam) = d``, ``len(sigma) = min(d, p)``; samples need ``n >= d``."""
    key = f"datasets.{name}"
    d, p = spec["d"], spec["p"]
    if len(spec["lam"]) != d:
        _fail(f"{key}.lam", f"needs exactly d = {d} positive input eigenvalues, got {len(spec['lam'])}")
    if len(spec["sigma"]) != min(d, p):
        _fail(f"{key}.sigma", f"needs exactly min(d, p) = {min(d, p)} singular values, got {len(spec['sigma'])}")
    if max(spec["sigma"]) <= 0:
        _fail(f"{key}.sigma", "needs at least one positive singular value")
    if spec.get("epsilon", 0) and spec["kind"] != "population":
        _fail(f"{key}.epsilon", f"rotations need kind population, got {spec['kind']!r}")
    if spec["kind"] in ("exact_sample", "sampled"):
        if "n" not in spec:
            _fail(f"{key}.n", f"kind {spec['kind']} needs the number of samples n")
        if spec["n"] < d:
            _fail(f"{key}.n", f"must be >= d = {d} so that Sigma_x is positive-definite, got {spec['n']}")
    if spec["kind"] == "sampled":
        for k in ("noise", "n_test"):
            if k not in spec:
                _fail(f"{key}.{k}", "kind sampled needs it")


def check_experiment(name: str, exp: dict, datasets: dict) -> None:
    """Datasets exist; widths fit (``width <= max(d, p)``); exactly one of ``eta`` and ``eta_sigma1``;
    ``method: per_mode`` only where it is exact."""
    key = f"experiments.{name}"
    if ("eta" in exp) == ("eta_sigma1" in exp):
        _fail(f"{key}.eta", "give exactly one of eta (step sizes) and eta_sigma1 (eta sigma_1 products)")
    for ds in exp["datasets"]:
        if ds not in datasets:
            _fail(f"{key}.datasets", f"unknown dataset {ds!r}; defined: {sorted(datasets)}")
        spec = datasets[ds]
        if "width" in exp and exp["width"] > max(spec["d"], spec["p"]):
            dim = max(spec["d"], spec["p"])
            _fail(f"{key}.width", f"must be between 1 and max(d, p) = {dim} of dataset {ds!r}, got {exp['width']}")
    if exp.get("method", "full") == "per_mode":
        if exp.get("init", "aligned") != "aligned":
            _fail(f"{key}.method", "per_mode is exact only for init: aligned")
        for ds in exp["datasets"]:
            if datasets[ds]["kind"] == "sampled" or datasets[ds].get("epsilon", 0):
                _fail(f"{key}.method", f"per_mode needs exactly commuting covariances; dataset {ds!r} does not commute")
    etas = exp.get("eta", exp.get("eta_sigma1"))
    if len(set(etas)) != len(etas) or len(set(exp["delta"])) != len(exp["delta"]):
        _fail(f"{key}", "eta (eta_sigma1) and delta lists must not repeat values")


def check_dmf_experiment(name: str, exp: dict) -> None:
    """Ranks fit the target (``R <= len(singular_values)``, ``R <= n``); singular values strictly decrease; one
    setting per depth."""
    key = f"dmf_experiments.{name}"
    s = exp["singular_values"]
    if max(exp["rank"]) > len(s):
        _fail(f"{key}.rank", f"rank {max(exp['rank'])} needs that many singular_values, got {len(s)}")
    if max(exp["rank"]) >= exp["n"]:
        _fail(f"{key}.rank", f"rank {max(exp['rank'])} must be below n = {exp['n']}")
    if any(b >= a for a, b in zip(s, s[1:])):
        _fail(f"{key}.singular_values", f"must strictly decrease (stage r learns singular value r), got {s}")
    depths = [st["depth"] for st in exp["settings"]]
    if len(set(depths)) != len(depths):
        _fail(f"{key}.settings", f"one setting per depth, got depths {depths}")


def check_dmf(config: dict) -> None:
    """DMF experiments, the stage rule (``lo < hi``) and the large setting."""
    for name, exp in config.get("dmf_experiments", {}).items():
        check_dmf_experiment(name, exp)
    rule = config.get("dmf_stage_rule", {"lo": 0.0, "hi": 1.0})
    if rule["lo"] >= rule["hi"]:
        _fail("dmf_stage_rule.lo", f"must be below hi = {rule['hi']}, got {rule['lo']}")
    if config.get("dmf_experiments") and "dmf_stage_rule" not in config:
        _fail("dmf_stage_rule", "dmf_experiments need a stage rule {lo, hi}")
    if config.get("dmf_size") == "large" and "dmf_large" not in config:
        _fail("dmf_large", "dmf_size is large but no dmf_large overrides are given")


def check_config(config: dict) -> None:
    """All cross-field checks; the JSON schema (workflow/schemas) has checked types and ranges."""
    for name, spec in config["datasets"].items():
        check_dataset(name, spec)
    for name, exp in config["experiments"].items():
        check_experiment(name, exp, config["datasets"])
    check_dmf(config)
    known = set(config["experiments"]) | set(config.get("dmf_experiments", {}))
    for fig, spec in config["figures"].items():
        for ref in ("experiment", "aligned", "rotation"):
            if ref in spec and spec[ref] not in known:
                _fail(f"figures.{fig}.{ref}", f"unknown experiment {spec[ref]!r}")
        if "ridge_alpha" in spec and spec["ridge_alpha"][0] >= spec["ridge_alpha"][1]:
            _fail(f"figures.{fig}.ridge_alpha", "needs alpha_min < alpha_max")
    check_path_figures(config)


def _require(config: dict, fig: str, keys: list[str], claim_keys: list[str]) -> dict:
    """The experiment of figure ``fig``, after checking that ``fig`` and the claims block have ``keys``."""
    spec = config["figures"][fig]
    for k in keys:
        if k not in spec:
            _fail(f"figures.{fig}.{k}", "is required")
    for k in claim_keys:
        if k not in config["claims"]:
            _fail(f"claims.{k}", f"is required by figure {fig}")
    return config["experiments"][spec["experiment"]]


def check_path_figures(config: dict) -> None:
    """F4 needs two-layer runs at two or more ``delta``; F5 needs exactly one two-layer path per dataset, on
    datasets where the orders of ``sigma_i`` and ``sigma_i/sqrt(lam_i)`` agree and where they differ."""
    from .rrr_path import orders_agree

    figures = config["figures"]
    if "F4" in figures:
        exp = _require(config, "F4", ["t_max", "n_grid"], ["staircase_distance_max_ratio"])
        key = f"experiments.{figures['F4']['experiment']}"
        if 2 not in exp["depth"]:
            _fail(f"{key}.depth", "F4 needs two-layer runs (depth 2)")
        if len(exp["delta"]) < 2 or len(exp.get("eta", [])) != 1:
            _fail(f"{key}.delta", "F4 needs one eta and at least two delta")
    if "F5" in figures:
        exp = _require(config, "F5", [], ["rrr_path_distance"])
        key = f"experiments.{figures['F5']['experiment']}"
        single = len(exp.get("eta", [])) == len(exp["delta"]) == len(exp.get("seeds", [0])) == 1
        if exp["depth"] != [2] or not single:
            _fail(key, "F5 needs one two-layer path per dataset: depth [2] and a single eta, delta and seed")
        agree = [orders_agree(config["datasets"][ds]["lam"], config["datasets"][ds]["sigma"]) for ds in exp["datasets"]]
        if all(agree) or not any(agree):
            _fail(f"{key}.datasets", "F5 needs a dataset where the orders of sigma and sigma/sqrt(lam) agree and one "
                  "where they differ")  # fmt: skip
