"""F11: drawn from sequential_order.csv alone; the start fraction of its second axis."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from implicitreg.figures import f11_population  # noqa: E402


def test_start_fraction_is_the_largest_aligned_start_over_its_target():
    lam, sigma = [2.5, 0.5, 1.5, 0.2, 1.0], [2.0, 1.0, 0.5, 0.0]  # sigma_4 = 0: no component
    np.testing.assert_allclose(f11_population.start_fraction([0.0, 2.0], lam, sigma), [3.0, 3.0 * np.exp(-2.0)])


def test_draw_reads_only_the_table_and_the_spectrum():
    rows = [{"dataset": "col", "eta": eta, "delta": delta, "runs": 100, "fraction": f, "ci_low": f - 0.05,
             "ci_high": min(f + 0.05, 1.0)}
            for eta in (0.01, 0.1) for delta, f in ((2.0, 0.6), (4.0, 0.995), (8.0, 1.0))]  # fmt: skip
    datasets = {"col": {"lam": np.array([2.0, 0.5]), "sigma": np.array([1.0, 0.5])}}
    fig = f11_population.draw({"sequential_order": pd.DataFrame(rows)}, datasets, {})
    heatmap, lines = fig.axes[0], fig.axes[1]
    assert heatmap.images[0].get_array().shape == (3, 2)  # delta rows, eta columns
    assert len(heatmap.collections) >= 1  # the 0.99 contour
    assert len(lines.get_lines()) == 2 and len(lines.collections) == 2  # one line and one band per eta
    assert len(fig.axes[-1].get_legend().get_texts()) == 2  # the legend on top of the start-fraction axis
