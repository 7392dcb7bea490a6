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
    """Datasets exist; widths fit (``width <= max(d, p)``); step sizes keep the linear model stable."""
    key = f"experiments.{name}"
    for ds in exp["datasets"]:
        if ds not in datasets:
            _fail(f"{key}.datasets", f"unknown dataset {ds!r}; defined: {sorted(datasets)}")
        spec = datasets[ds]
        if "width" in exp and exp["width"] > max(spec["d"], spec["p"]):
            _fail(f"{key}.width", f"{exp['width']} exceeds max(d, p) = {max(spec['d'], spec['p'])} of dataset {ds!r}")
    if len(set(exp["eta"])) != len(exp["eta"]) or len(set(exp["delta"])) != len(exp["delta"]):
        _fail(f"{key}", "eta and delta lists must not repeat values")


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
        if spec["experiment"] not in known:
            _fail(f"figures.{fig}.experiment", f"unknown experiment {spec['experiment']!r}")
