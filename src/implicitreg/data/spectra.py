"""Datasets with controlled covariance spectra (THEORY.md section 2).

A dataset is a choice of ``(U, V, lam, sigma)``:

    Sigma_x  = U diag(lam) U^T                      (d x d)
    Sigma_xy = U diag_{d x p}(sigma) V^T            (d x p)

so the two covariances share a decomposition (they "commute"). Three kinds:

- ``population``: the covariances themselves, exactly;
- ``exact_sample``: finite samples that satisfy the assumption exactly,
  ``X = sqrt(n) P diag(sqrt(lam)) U^T`` with ``P`` (n x d) orthonormal and
  ``Y = X U diag_{d x p}(sigma / lam) V^T``;
- ``sampled``: rows of ``X`` drawn from N(0, Sigma_x), ``Y = X W_teacher + noise * N(0, 1)``
  with the teacher ``W_teacher = U diag_{d x p}(sigma / lam) V^T``; the assumption then holds
  only approximately, as with real data. A held-out test set is drawn the same way, and kept as its
  moments (``test_moments``).

Beyond the assumption (THEORY.md section 7), a ``population`` dataset may carry a rotation angle
``epsilon``: ``Sigma_xy = U R(epsilon) diag_{d x p}(sigma) V^T`` with ``R(epsilon) = expm(epsilon A)``
and ``A`` a fixed antisymmetric ``d x d`` matrix of unit Frobenius norm (``rotation_generator``),
so the covariances no longer commute when ``lam`` is not constant; ``epsilon = 0`` is the
aligned dataset exactly.

A dataset with ``draws: N`` is a population of ``N`` independent datasets of the same spec (THEORY.md
section 10), its members ``{name}.0 ... {name}.{N-1}`` (``members``): member ``{name}.i`` is drawn from its own
stream ``seeds.rng(seed, "dataset", "{name}.i")`` (basis, sample, noise and test set), exactly as a dataset of
that name would be. One file holds them all, every array stacked along a leading axis of ``N`` draws beside
``draw = 0 ... N-1`` (``stack``, ``unstack``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from implicitreg.data import seeds
from implicitreg.io import files
from implicitreg.io.dispatch import choose


def haar_orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A Haar-distributed ``n x n`` orthogonal matrix (QR of a Gaussian, signs fixed)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


BASES = {  # config key datasets.*.basis: the shared basis U (d x d) and V (p x p)
    "identity": lambda n, rng: np.eye(n),
    "random": haar_orthogonal,
}


def rect_diag(values, d: int, p: int) -> np.ndarray:
    """``diag_{d x p}(values)``: a ``d x p`` matrix with ``values`` on its main diagonal."""
    out = np.zeros((d, p))
    k = len(values)
    out[np.arange(k), np.arange(k)] = values
    return out


def covariances(U, V, lam, sigma) -> tuple[np.ndarray, np.ndarray]:
    """``Sigma_x = U diag(lam) U^T`` and ``Sigma_xy = U diag_{d x p}(sigma) V^T``."""
    d, p = U.shape[0], V.shape[0]
    Sigma_x = (U * np.asarray(lam)) @ U.T
    Sigma_xy = U @ rect_diag(sigma, d, p) @ V.T
    return 0.5 * (Sigma_x + Sigma_x.T), Sigma_xy


def teacher(U, V, lam, sigma) -> np.ndarray:
    """The population least-squares solution ``W_* = Sigma_x^{-1} Sigma_xy = U diag(sigma/lam) V^T``."""
    d, p = U.shape[0], V.shape[0]
    m = len(sigma)
    return U @ rect_diag(np.asarray(sigma) / np.asarray(lam)[:m], d, p) @ V.T


def rotation_generator(d: int, rng: np.random.Generator) -> np.ndarray:
    """``A = (Z - Z^T) / ||Z - Z^T||_F`` with ``Z`` standard Gaussian: antisymmetric, unit Frobenius norm."""
    Z = rng.standard_normal((d, d))
    A = Z - Z.T
    return A / np.linalg.norm(A)


def rotate_cross_covariance(Sigma_xy, U, A, epsilon: float) -> np.ndarray:
    """``U R(epsilon) U^T Sigma_xy`` with ``R(epsilon) = expm(epsilon A)``.

    Maps ``U diag(sigma) V^T`` to ``U R(epsilon) diag(sigma) V^T``; ``epsilon = 0`` returns the input.
    """
    if epsilon == 0:
        return Sigma_xy
    from scipy.linalg import expm  # 0.4 s to load: only for rotated datasets, not in every job that reads one

    return U @ expm(epsilon * A) @ U.T @ Sigma_xy


def exact_sample(U, V, lam, sigma, n: int, rng: np.random.Generator):
    """Samples ``(X, Y)`` whose empirical covariances equal the population ones exactly."""
    d = U.shape[0]
    if n < d:
        raise ValueError(f"exact samples need n >= d, got n={n}, d={d}")
    P, _ = np.linalg.qr(rng.standard_normal((n, d)))
    X = np.sqrt(n) * (P * np.sqrt(lam)) @ U.T
    return X, X @ teacher(U, V, lam, sigma)


def noisy_sample(U, V, lam, sigma, n: int, noise: float, rng: np.random.Generator):
    """Samples ``X ~ N(0, Sigma_x)`` row-wise and ``Y = X W_* + noise * N(0, 1)``."""
    d, p = U.shape[0], V.shape[0]
    X = (rng.standard_normal((n, d)) * np.sqrt(lam)) @ U.T
    Y = X @ teacher(U, V, lam, sigma) + noise * rng.standard_normal((n, p))
    return X, Y


def test_moments(X_test, Y_test) -> dict[str, np.ndarray]:
    """What the test risk needs of a held-out set of ``n`` samples: ``Sigma_x_test = X^T X / n``,
    ``Sigma_xy_test = X^T Y / n`` and ``y2_test = ||Y||_F^2 / n`` (``d^2 + d p + 1`` numbers, not ``n (d + p)``)."""
    X, Y = np.asarray(X_test, float), np.asarray(Y_test, float)
    n = X.shape[0]
    return {"Sigma_x_test": X.T @ X / n, "Sigma_xy_test": X.T @ Y / n, "y2_test": np.asarray(np.sum(Y**2) / n)}


@dataclass
class Dataset:
    """The arrays of ``results/datasets/{dataset}.npz`` (see the results contract)."""

    Sigma_x: np.ndarray
    Sigma_xy: np.ndarray
    U: np.ndarray
    V: np.ndarray
    lam: np.ndarray
    sigma: np.ndarray
    samples: dict[str, np.ndarray] = field(default_factory=dict)

    def arrays(self) -> dict[str, np.ndarray]:
        return {k: getattr(self, k) for k in ("Sigma_x", "Sigma_xy", "U", "V", "lam", "sigma")} | self.samples

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Dataset:
        core = ("Sigma_x", "Sigma_xy", "U", "V", "lam", "sigma")
        return cls(*(arrays[k] for k in core), samples={k: v for k, v in arrays.items() if k not in core})


def make_dataset(spec: dict, rng: np.random.Generator, rotation_rng: np.random.Generator | None = None) -> Dataset:
    """Build the dataset described by one ``datasets:`` entry of the config.

    ``spec`` keys: ``kind`` (population | exact_sample | sampled), ``d``, ``p``, ``lam`` (length d),
    ``sigma`` (length min(d, p)), ``basis`` (identity | random) and, for samples, ``n`` and
    (sampled only) ``noise`` and ``n_test``; ``epsilon`` (population only) rotates ``Sigma_xy``
    away from the shared basis with ``A = rotation_generator(d, rotation_rng)`` (``rng`` if not given;
    pass one stream shared by all datasets so that every ``epsilon`` rotates along the same ``A``).
    """
    d, p = spec["d"], spec["p"]
    lam, sigma = np.asarray(spec["lam"], float), np.asarray(spec["sigma"], float)
    U, V = (choose(BASES, "basis", spec["basis"])(n, rng) for n in (d, p))
    return choose(KINDS, "kind", spec["kind"])(spec, U, V, lam, sigma, rng, rotation_rng)


def _population(spec: dict, U, V, lam, sigma, rng, rotation_rng) -> Dataset:
    """Population covariances; ``Sigma_xy`` rotated away from the shared basis by ``epsilon`` when given."""
    Sx, Sxy = covariances(U, V, lam, sigma)
    if epsilon := spec.get("epsilon", 0.0):
        Sxy = rotate_cross_covariance(Sxy, U, rotation_generator(spec["d"], rotation_rng or rng), epsilon)
    return Dataset(Sx, Sxy, U, V, lam, sigma)


def _from_samples(samples: dict, U, V, lam, sigma) -> Dataset:
    """Empirical covariances ``X^T X / n`` (symmetrized) and ``X^T Y / n`` of the training samples ``X, Y``."""
    X, Y = samples["X"], samples["Y"]
    n = X.shape[0]
    Sx = X.T @ X / n
    return Dataset(0.5 * (Sx + Sx.T), X.T @ Y / n, U, V, lam, sigma, samples)


def _exact_sample(spec: dict, U, V, lam, sigma, rng, rotation_rng) -> Dataset:
    """``n`` samples whose empirical covariances are exactly the population ones."""
    X, Y = exact_sample(U, V, lam, sigma, spec["n"], rng)
    return _from_samples({"X": X, "Y": Y}, U, V, lam, sigma)


def _sampled(spec: dict, U, V, lam, sigma, rng, rotation_rng) -> Dataset:
    """``n`` noisy samples of the teacher, then ``n_test`` more for the test risk, kept as their moments."""
    X, Y = noisy_sample(U, V, lam, sigma, spec["n"], spec["noise"], rng)
    test = test_moments(*noisy_sample(U, V, lam, sigma, spec["n_test"], spec["noise"], rng))
    return _from_samples({"X": X, "Y": Y} | test, U, V, lam, sigma)


KINDS = {"population": _population, "exact_sample": _exact_sample, "sampled": _sampled}  # config datasets.*.kind


def members(name: str, spec: dict) -> list[str]:
    """The datasets a config entry stands for: ``[name]``, or ``name.0 ... name.{N-1}`` with ``draws: N``."""
    return [f"{name}.{i}" for i in range(spec["draws"])] if "draws" in spec else [name]


def entry(member: str) -> str:
    """The config entry of a member dataset: ``teacher`` of ``teacher.7``, a dataset's own name otherwise."""
    return member.partition(".")[0]


def make_members(name: str, spec: dict, seed: int) -> dict[str, Dataset]:
    """Every member of config entry ``name`` (``members``), member ``m`` drawn from the stream
    ``("dataset", m)``; rotations (``epsilon``) share the stream ``("rotation",)``."""
    return {
        m: make_dataset(spec, seeds.rng(seed, "dataset", m), seeds.rng(seed, "rotation")) for m in members(name, spec)
    }


def stack(draws: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The arrays of ``draws`` stacked along a leading axis, beside ``draw = 0 ... N-1``."""
    return {k: np.stack([a[k] for a in draws]) for k in draws[0]} | {"draw": np.arange(len(draws))}


def unstack(name: str, arrays: dict[str, np.ndarray]) -> dict[str, dict[str, np.ndarray]]:
    """``{member: arrays}`` of a file of config entry ``name``: itself, or each draw of a stacked file."""
    if "draw" not in arrays:
        return {name: arrays}
    return {f"{name}.{i}": {k: v[i] for k, v in arrays.items() if k != "draw"} for i in arrays["draw"]}


def dataset_file(name: str, spec: dict, seed: int) -> dict[str, np.ndarray]:
    """The arrays of ``results/datasets/{name}.npz``: the dataset's, or with ``draws`` its members' stacked."""
    made = [d.arrays() for d in make_members(name, spec, seed).values()]
    return stack(made) if "draws" in spec else made[0]


def map_members(fn, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``fn`` applied to the arrays of each member of a file, stacked back as the file is (one draw each)."""
    if "draw" not in arrays:
        return fn(arrays)
    return stack([fn(a) for a in unstack("", arrays).values()])


def load_members(paths) -> dict[str, Dataset]:
    """Every member dataset of the dataset files ``paths`` (``results/datasets/{dataset}.npz``), by member name."""
    return {m: Dataset.from_arrays(a) for f in paths for m, a in unstack(Path(f).stem, files.load_npz(f)).items()}


def orders_agree(lam, sigma) -> bool:
    """Whether sorting by ``sigma_i`` and by ``sigma_i / sqrt(lam_i)`` gives the same order (section 6)."""
    sigma = np.asarray(sigma, float)
    ratio = sigma / np.sqrt(np.asarray(lam, float)[: sigma.size])
    return bool(np.array_equal(np.argsort(-sigma, kind="stable"), np.argsort(-ratio, kind="stable")))


def two_layer_transition(lam, sigma, eta: float, delta: float) -> np.ndarray:
    """Predicted two-layer transition iterations (THEORY.md section 4), component by component:
    ``k_i = (delta + ln(sigma_i/lam_i)) / (2 ln(1 + eta sigma_i))`` (``lam``, ``sigma`` of equal length)."""
    lam, sigma = np.asarray(lam, float), np.asarray(sigma, float)
    return (delta + np.log(sigma / lam)) / (2.0 * np.log1p(eta * sigma))


def last_transition(lam, sigma, eta: float, delta: float) -> float:
    """The latest predicted two-layer transition ``max_i k_i`` (``two_layer_transition``) over the components with
    ``sigma_i > 0``: never earlier than the start-corrected ``k_i^c``, whose ``ln(sigma_i/lam_i - e^{-delta})`` is
    smaller."""
    sigma = np.asarray(sigma, float)
    live = sigma > 0
    return float(np.max(two_layer_transition(np.asarray(lam, float)[: sigma.size][live], sigma[live], eta, delta)))


def describe(name: str, spec: dict) -> str:
    """A dataset's spectra in numbers, for captions: ``name (d x p): lam = (...), sigma = (...)`` and its sampling."""

    def nums(values) -> str:
        return "(" + ", ".join(f"{v:g}" for v in values) + ")"

    text = f"{name} (d = {spec['d']}, p = {spec['p']}): lam = {nums(spec['lam'])}, sigma = {nums(spec['sigma'])}"
    if spec.get("epsilon"):
        text += f", Sigma_xy rotated by epsilon = {spec['epsilon']:g}"
    if spec["kind"] == "exact_sample":
        text += f", {spec['n']} samples matching these covariances exactly"
    if spec["kind"] == "sampled":
        text += f", {spec['n']} noisy samples (noise {spec['noise']:g}; {spec['n_test']} test samples)"
    if "draws" in spec:
        text += f"; {spec['draws']} independent draws, each its own seed"
    return text
