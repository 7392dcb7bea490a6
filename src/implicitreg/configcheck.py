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
        _fail(
            f"{key}.sigma", f"needs exactly min(d, p) = {min(d, p)} positive singular values, got {len(spec['sigma'])}"
        )
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
    """Datasets exist; widths fit (``width <= max(d, p)``); step sizes keep the linear model stable."""
    key = f"experiments.{name}"
    for ds in exp["datasets"]:
        if ds not in datasets:
            _fail(f"{key}.datasets", f"unknown dataset {ds!r}; defined: {sorted(datasets)}")
        spec = datasets[ds]
        if "width" in exp and exp["width"] > max(spec["d"], spec["p"]):
            dim = max(spec["d"], spec["p"])
            _fail(f"{key}.width", f"must be between 1 and max(d, p) = {dim} of dataset {ds!r}, got {exp['width']}")
    if len(set(exp["eta"])) != len(exp["eta"]) or len(set(exp["delta"])) != len(exp["delta"]):
        _fail(f"{key}", "eta and delta lists must not repeat values")


def check_config(config: dict) -> None:
    """All cross-field checks; the JSON schema (workflow/schemas) has checked types and ranges."""
    for name, spec in config["datasets"].items():
        check_dataset(name, spec)
    for name, exp in config["experiments"].items():
        check_experiment(name, exp, config["datasets"])
    for fig, spec in config["figures"].items():
        if spec["experiment"] not in config["experiments"]:
            _fail(f"figures.{fig}.experiment", f"unknown experiment {spec['experiment']!r}")
