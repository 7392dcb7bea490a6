"""Deep matrix factorization: gradients, exact Hessian-vector products, Lanczos, stage detection, GD."""

import copy
import io
from pathlib import Path

import jsonschema
import numpy as np
import pytest
import yaml

from implicitreg.config import check, grid
from implicitreg.config.check import ConfigError, validate
from implicitreg.dmf import experiment as dmfruns
from implicitreg.dmf import model as dmf
from implicitreg.dmf import stages
from implicitreg.tables import dmf_tables as dmftables

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = check.load_schema()

RULE = {"lo": 0.1, "hi": 0.9}


def problem(n=6, depth=3, rank=2, observed=1.0, seed=0):
    rng = np.random.default_rng(seed)
    M = dmf.make_target(n, [1.0, 0.5, 0.25][:rank], rng)
    mask = dmf.make_mask(n, observed, rng)
    factors = [rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(depth)]
    return M, mask, factors


def flat(factors):
    return np.concatenate([f.ravel() for f in factors])


def unflat(v, depth, n):
    return list(v.reshape(depth, n, n))


def test_target_has_the_requested_singular_values():
    M = dmf.make_target(8, [3.0, 1.0], np.random.default_rng(1))
    np.testing.assert_allclose(np.linalg.svd(M, compute_uv=False)[:3], [3.0, 1.0, 0.0], atol=1e-12)


def test_init_scale_is_alpha_per_depth_root():
    F = dmf.init_factors(200, 4, 1e-4, np.random.default_rng(2))
    assert np.std(F[0]) == pytest.approx(1e-4**0.25 / np.sqrt(200), rel=0.02)


def test_full_mask_loss_is_half_frobenius_and_masked_loss_is_scaled_mse():
    M, mask, F = problem(observed=1.0)
    assert dmf.loss(F, M, mask) == pytest.approx(0.5 * np.sum((dmf.product(F) - M) ** 2))
    M, mask, F = problem(observed=0.5)
    E = (dmf.product(F) - M)[mask > 0]
    assert dmf.loss(F, M, mask) == pytest.approx(0.5 * mask.size * np.mean(E**2))


@pytest.mark.parametrize("depth,observed", [(2, 1.0), (3, 1.0), (4, 0.6)])
def test_gradients_against_finite_differences(depth, observed):
    M, mask, F = problem(depth=depth, observed=observed)
    g = flat(dmf.gradients(F, M, mask))
    x, eps = flat(F), 1e-6
    rng = np.random.default_rng(3)
    for _ in range(3):
        v = rng.standard_normal(x.size)
        fd = dmf.loss(unflat(x + eps * v, depth, 6), M, mask) - dmf.loss(unflat(x - eps * v, depth, 6), M, mask)
        assert fd / (2 * eps) == pytest.approx(g @ v, rel=1e-6)


@pytest.mark.parametrize("depth,observed", [(2, 1.0), (3, 1.0), (4, 1.0), (3, 0.6)])
def test_hessian_vector_products_against_finite_differences_of_the_gradient(depth, observed):
    n = 6
    M, mask, F = problem(n=n, depth=depth, observed=observed)
    hess = dmf.Hessian(F, M, mask)
    x, eps = flat(F), 1e-5
    rng = np.random.default_rng(4)
    for _ in range(3):
        v = rng.standard_normal(x.size)
        gp = flat(dmf.gradients(unflat(x + eps * v, depth, n), M, mask))
        gm = flat(dmf.gradients(unflat(x - eps * v, depth, n), M, mask))
        np.testing.assert_allclose(hess.matvec(v), (gp - gm) / (2 * eps), rtol=1e-6, atol=1e-8)


def dense_hessian(F, M, mask):
    hess = dmf.Hessian(F, M, mask)
    dim = len(F) * F[0].size
    H = np.stack([hess.matvec(e) for e in np.eye(dim)])
    return 0.5 * (H + H.T)


def test_hessian_is_symmetric():
    M, mask, F = problem(depth=3)
    hess = dmf.Hessian(F, M, mask)
    dim = 3 * 36
    H = np.stack([hess.matvec(e) for e in np.eye(dim)])
    np.testing.assert_allclose(H, H.T, atol=1e-12)


@pytest.mark.parametrize("depth", [2, 3])
def test_lanczos_extremes_match_the_dense_spectrum(depth):
    M, mask, F = problem(depth=depth)
    ev = np.linalg.eigvalsh(dense_hessian(F, M, mask))
    lo, hi = dmf.extreme_eigenvalues(F, M, mask, tol=1e-10, seed_vector=np.ones(len(F) * 36))
    assert lo == pytest.approx(ev[0], abs=1e-9 * ev[-1]) and hi == pytest.approx(ev[-1], abs=1e-9 * ev[-1])


GD_POINTS = {  # (n, depth): step size, init scale, iterations, target singular values
    (4, 2): (0.1, 1e-6, 3000, [1.0, 0.25]),
    (6, 3): (0.2, 1e-3, 4000, [1.0, 0.5, 0.25]),
    (8, 4): (0.2, 1e-3, 8000, [1.0, 0.25]),
    (5, 3): (0.2, 1e-3, 4000, [1.0, 0.25]),
    (7, 2): (0.1, 1e-6, 3000, [1.0, 0.5, 0.25]),
}


def gd_points(n, depth):
    """Factors at every plateau midpoint (saddles, then the final plateau) and at the end of a GD run."""
    eta, alpha, steps, s = GD_POINTS[n, depth]
    rng = np.random.default_rng(10 * n + depth)
    M, mask = dmf.make_target(n, s, rng), np.ones((n, n))
    traj = dmf.simulate(M, mask, dmf.init_factors(n, depth, alpha, rng), eta, max_steps=steps, n_log=200,
                        n_sv=len(s) + 1, tol=1e-7)  # fmt: skip
    st = stages.detect_stages(traj.steps, traj.sv, s, **RULE)
    assert st.n_stages == len(s)
    mids = [mid for _, _, mid in st.plateaus] + [int(traj.steps[-1])]
    kinds = ["saddle"] * (len(mids) - 2) + ["final", "end"]
    return M, mask, [(kind, traj.factors[int(np.flatnonzero(traj.steps == k)[0])]) for kind, k in zip(kinds, mids)]


@pytest.mark.parametrize("n,depth", sorted(GD_POINTS))
@pytest.mark.parametrize("tol", [1e-5, 1e-8])
def test_lanczos_at_saddles_and_end_points_matches_the_dense_spectrum(n, depth, tol):
    """Both extremes within ``tol * lambda_max`` of the dense spectrum; the Ritz value is never below ``lambda_min``.

    Saddles are checked to be strict (``lambda_min <= -1e-3 lambda_max``, densely) and must come out negative;
    end points sit in the near-zero cluster where restarted Lanczos used to lose ``lambda_min``.
    """
    M, mask, points = gd_points(n, depth)
    rng = np.random.default_rng(n * depth)
    for kind, F in points:
        ev = np.linalg.eigvalsh(dense_hessian(F, M, mask))
        lo, hi = dmf.extreme_eigenvalues(F, M, mask, tol=tol, seed_vector=rng.standard_normal(depth * n * n))
        assert abs(hi - ev[-1]) <= tol * ev[-1], kind
        assert abs(lo - ev[0]) <= tol * ev[-1], kind
        assert lo >= ev[0] - 1e-12 * ev[-1], kind
        if kind == "saddle":
            assert ev[0] <= -1e-3 * ev[-1] and lo < 0
        else:
            assert abs(ev[0]) <= 1e-3 * ev[-1]


def test_lanczos_stops_at_an_invariant_subspace_and_names_a_short_budget():
    n = 4
    M = dmf.make_target(n, [1.0], np.random.default_rng(6))
    zero = [np.zeros((n, n))] * 3  # zero Hessian: the first product breaks down
    assert dmf.extreme_eigenvalues(zero, M, np.ones((n, n)), tol=1e-5, seed_vector=np.ones(3 * n * n)) == (0.0, 0.0)
    _, mask, F = problem(depth=3)
    with pytest.raises(RuntimeError, match="after 5 products"):
        dmf.extreme_eigenvalues(F, M[:1, :1] * np.ones((6, 6)), mask, tol=1e-12, seed_vector=np.ones(108),
                                max_products=5)  # fmt: skip


def test_depth_two_origin_is_a_strict_saddle_with_curvature_minus_s1():
    """At W1 = W2 = 0 the quadratic form is -2 tr(M^T V2 V1): eigenvalues +-s_i, so lambda_min = -s_1."""
    n = 5
    M = dmf.make_target(n, [2.0, 0.5], np.random.default_rng(5))
    zero = [np.zeros((n, n)), np.zeros((n, n))]
    lo, hi = dmf.extreme_eigenvalues(zero, M, np.ones((n, n)), tol=1e-10, seed_vector=np.ones(2 * n * n))
    assert lo == pytest.approx(-2.0, rel=1e-8) and hi == pytest.approx(2.0, rel=1e-8)


def test_deep_origin_has_zero_hessian():
    n = 4
    M = dmf.make_target(n, [1.0], np.random.default_rng(6))
    zero = [np.zeros((n, n))] * 3
    v = np.random.default_rng(7).standard_normal(3 * n * n)
    np.testing.assert_array_equal(dmf.Hessian(zero, M, np.ones((n, n))).matvec(v), 0.0)


def test_balanced_global_minimum_is_second_order_critical():
    n, depth = 5, 3
    rng = np.random.default_rng(8)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = np.array([1.0, 0.5, 0.0, 0.0, 0.0])
    M = (U * s) @ U.T  # symmetric PSD: balanced factors U diag(s^{1/3}) U^T each
    F = [(U * s ** (1 / depth)) @ U.T for _ in range(depth)]
    ev = np.linalg.eigvalsh(dense_hessian(F, M, np.ones((n, n))))
    assert ev[0] >= -1e-10 * ev[-1]


def curve(steps, times, widths, targets, extra=0):
    """Synthetic singular values: logistic rises of ``targets[r]`` centred at ``times[r]``, plus flat extras."""
    k = np.asarray(steps, float)[:, None]
    rises = np.asarray(targets) / (1 + np.exp(-(np.log(k + 1) - np.log(times)) / np.asarray(widths)))
    return np.hstack([rises, np.full((k.size, extra), 1e-4)])


STEPS = np.unique(np.round(np.geomspace(1, 1e5, 400)).astype(int))


@pytest.mark.parametrize("R", [1, 2, 3, 5])
def test_detects_r_separated_stages(R):
    targets = 0.5 ** np.arange(R)
    sv = curve(STEPS, 100 * 3.0 ** np.arange(R), [0.1] * R, targets, extra=1)
    st = stages.detect_stages(STEPS, sv, targets, **RULE)
    assert st.n_stages == R and stages.one_new_value_per_stage(st, R)
    assert len(st.plateaus) == R + 1
    for (_, _, b), (start, end, mid) in zip(st.stages, st.plateaus[1:]):
        assert b <= start <= mid <= end  # each plateau follows its stage
    assert all(s <= m <= e for s, e, m in st.plateaus)


def test_overlapping_rises_are_one_stage():
    targets = np.array([1.0, 0.5, 0.25])
    sv = curve(STEPS, [100, 115, 2000], [0.1] * 3, targets)
    st = stages.detect_stages(STEPS, sv, targets, **RULE)
    assert [v for v, _, _ in st.stages] == [[1, 2], [3]]
    assert st.n_stages == 2 and not stages.one_new_value_per_stage(st, 3)


def test_unlearned_value_and_spurious_extra_value():
    targets = np.array([1.0, 0.5])
    sv = curve(STEPS, [100, 1e9], [0.1, 0.1], targets)  # the second never rises
    assert stages.detect_stages(STEPS, sv, targets, **RULE).n_stages == 1
    sv = np.hstack([curve(STEPS, [100, 1000], [0.1, 0.1], targets), curve(STEPS, [10000], [0.1], [0.5])])
    st = stages.detect_stages(STEPS, sv, targets, **RULE)  # a third value grows to the scale of s_R: an extra stage
    assert st.n_stages == 3 and not stages.one_new_value_per_stage(st, 2)


def test_gd_learns_a_rank_two_target_in_two_stages():
    exp = {"n": 8, "rank": [2], "singular_values": [1.0, 0.25], "seeds": [0], "tol": 1e-7, "observed": 1.0,
           "settings": [{"depth": 3, "eta": 0.2, "alpha": [1e-4], "max_steps": 3000}]}  # fmt: skip
    (run,) = grid.expand_dmf_runs("t", exp)
    arrays = dmfruns.simulate_dmf(run, exp, 3, 60, RULE, 1e-4)
    assert arrays["status"].item() in ("converged", "max_steps")
    np.testing.assert_allclose(arrays["sv"][-1, :2], [1.0, 0.25], rtol=1e-3)
    assert arrays["n_stages"].item() == 2 and arrays["one_per_stage"].item()
    curv = dmftables.curvature_frame(arrays, 1e-4)
    assert (curv.loc[curv["kind"] == "saddle_plateau", "lambda_min"] < 0).all()
    assert list(curv["kind"]) == ["saddle_plateau", "saddle_plateau", "final_plateau", "end"]


class FakeClock:
    """A clock that advances ``tick`` seconds per reading."""

    def __init__(self, tick):
        self.t, self.tick = 0.0, tick

    def __call__(self):
        self.t += self.tick
        return self.t


def test_progress_log_is_rate_bounded_and_leaves_the_run_unchanged():
    M, mask, F = problem(n=5, depth=3)
    kw = dict(max_steps=1000, n_log=50, n_sv=3, tol=1e-12)
    plain = dmf.simulate(M, mask, F, 0.2, **kw)
    out = io.StringIO()
    log = dmfruns.ProgressLog("run", 1000, out, interval=10.0, clock=FakeClock(0.125))  # 0.125 s per iteration
    seen = []
    logged = dmf.simulate(M, mask, F, 0.2, progress=lambda k, v: (seen.append((k, v)), log(k, v)), **kw)
    for key in ("steps", "loss", "grad_norm", "sv"):
        np.testing.assert_array_equal(getattr(plain, key), getattr(logged, key))
    assert [k for k, _ in seen] == list(range(1001))
    assert dict(seen)[int(plain.steps[-1])] == plain.loss[-1]
    lines = out.getvalue().splitlines()
    assert [int(line.split()[2].split("/")[0]) for line in lines] == list(range(79, 1001, 80))  # one per 10 s
    assert lines[0] == f"run: iteration 79/1000, loss {dict(seen)[79]:.6g}, 10.0 s"
    log.point("end", 1000, -1e-6, 2.0)  # 5.25 s after the last line: withheld
    log.done("converged")
    assert out.getvalue().splitlines()[len(lines) :] == ["run: converged, 125.4 s"]


def test_run_ids_and_large_setting():
    exp = {"n": 20, "rank": [1, 2], "singular_values": [1.0, 0.5], "seeds": [0], "observed": 1.0,
           "settings": [{"depth": 2, "eta": 0.1, "alpha": [1e-6], "max_steps": 10}]}  # fmt: skip
    big = grid.resolve(exp, "large", {"n": 100})
    assert big["n"] == 100 and grid.resolve(exp, "default", {"n": 100})["n"] == 20
    ids = [r.run_id for r in grid.expand_dmf_runs("e", big)]
    assert ids == ["e-n100-N2-R1-alpha1e-06-s0", "e-n100-N2-R2-alpha1e-06-s0"]


CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())


@pytest.mark.parametrize(
    "path,value,key",
    [
        (("dmf_experiments", "dmf_reconstruction", "rank"), [1, 6], "dmf_experiments.dmf_reconstruction.rank"),
        (("dmf_experiments", "dmf_reconstruction", "singular_values"), [1.0, 1.0, 0.5, 0.2, 0.1],
         "dmf_experiments.dmf_reconstruction.singular_values"),
        (("dmf_stage_rule", "lo"), 0.95, "dmf_stage_rule.lo"),
        (("analyses", "dmf", "experiment"), "nowhere", "analyses.dmf.experiment"),
    ],
)  # fmt: skip
def test_bad_dmf_config_names_the_key(path, value, key):
    config = copy.deepcopy(CONFIG)
    node = config
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = value
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate(config)


def test_duplicate_depth_settings_are_refused():
    config = copy.deepcopy(CONFIG)
    settings = config["dmf_experiments"]["dmf_reconstruction"]["settings"]
    settings.append(dict(settings[0]))
    with pytest.raises(ConfigError, match="one setting per depth"):
        validate(config)


def test_schema_refuses_bad_dmf_values():
    for path, value in ((("dmf_size",), "huge"), (("dmf_experiments", "dmf_reconstruction", "observed"), 1.5)):
        config = copy.deepcopy(CONFIG)
        node = config
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(config, SCHEMA)
    config = copy.deepcopy(CONFIG)
    config["dmf_experiments"]["completion"]["settings"][0]["depth"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config, SCHEMA)
