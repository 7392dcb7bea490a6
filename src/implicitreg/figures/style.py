"""Figure style and deterministic saving (PDF and PNG byte-identical on every rerun)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

from implicitreg.io.files import atomic_path

COLUMN = 3.4  # inches: one column of a two-column paper
FULL = 7.0  # inches: full text width


def setup_style() -> None:
    """Seaborn 'paper' context, colour-blind palette, fonts readable at column width."""
    sns.set_theme(context="paper", style="ticks", palette="colorblind", font_scale=1.0)
    plt.rcParams.update(
        {
            "figure.dpi": 150,
            "savefig.dpi": 200,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "svg.hashsalt": "implicitreg",
            "pdf.compression": 6,
        }
    )


def palette(n: int):
    """``n`` colours of the colour-blind palette (sequential ``rocket`` beyond 10)."""
    return sns.color_palette("colorblind", n) if n <= 10 else sns.color_palette("rocket", n)


def save_figure(fig, pdf: str, png: str) -> None:
    """Write ``fig`` as PDF and PNG with no timestamps or version strings in the metadata."""
    for path, fmt, meta in ((pdf, "pdf", {"CreationDate": None, "Producer": None}), (png, "png", {"Software": None})):
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, metadata=meta, bbox_inches="tight")
    plt.close(fig)


MODEL_LABEL = {"linear": "linear model", "two_layer": "two-layer network", "deep": "deep network"}


MARKERS = "osD^v"
