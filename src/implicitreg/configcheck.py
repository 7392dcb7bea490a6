"""Cross-field checks of the configuration that a JSON schema cannot express.

``check_config`` raises ``ConfigError`` naming the offending key (``datasets.coloured.lam``) and
what is allowed, before any job runs.
"""

from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value that is out of range or inconsistent."""


def _fail(key: str, message: str):
    raise ConfigError(f"config key '{key}': {message}")


def check_dataset(name: str, spec: dict) -> None:
    """Spectrum lengths ``len(lam) = d``, ``len(sigma) = min(d, p)``; samples need ``n >= d``."""
    key = f"datasets.{name}"
    d, p = spec["d"], spec["p"]
    if len(spec["lam"]) != d:
        _fail(f"{key}.lam", f"needs d = {d} input eigenvalues, got {len(spec['lam'])}")
    if len(spec["sigma"]) != min(d, p):
        _fail(f"{key}.sigma", f"needs min(d, p) = {min(d, p)} singular values, got {len(spec['sigma'])}")
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
    """Datasets exist; widths fit (``width <= max(d, p)``); ``method: per_mode`` only where it is exact."""
    key = f"experiments.{name}"
    for ds in exp["datasets"]:
        if ds not in datasets:
            _fail(f"{key}.datasets", f"unknown dataset {ds!r}; defined: {sorted(datasets)}")
        spec = datasets[ds]
        if "width" in exp and exp["width"] > max(spec["d"], spec["p"]):
            _fail(f"{key}.width", f"{exp['width']} exceeds max(d, p) = {max(spec['d'], spec['p'])} of dataset {ds!r}")
    if exp.get("method", "full") == "per_mode":
        if exp.get("init", "aligned") != "aligned":
            _fail(f"{key}.method", "per_mode is exact only for init: aligned")
        for ds in exp["datasets"]:
            if datasets[ds]["kind"] == "sampled":
                _fail(f"{key}.method", f"per_mode needs exactly commuting covariances; dataset {ds!r} is sampled")
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
