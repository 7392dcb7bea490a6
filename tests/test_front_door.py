"""The front door: licence, citation file, pre-commit hooks, rule graph and figure gallery."""

import re

import pytest
import yaml
from helpers import ROOT

from implicitreg.figures import gallery


def test_citation_cff_names_the_reproduction_and_both_papers():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license"} <= set(cff)
    assert cff["authors"] == [{"name": "implicitreg contributors"}]
    assert cff["license"] == "MIT" and "MIT License" in (ROOT / "LICENSE").read_text()
    pyproject_version = re.search(r'^version = "(.+)"', (ROOT / "pyproject.toml").read_text(), flags=re.M)[1]
    assert str(cff["version"]) == pyproject_version
    refs = {r["identifiers"][0]["value"]: r for r in cff["references"]}
    assert set(refs) == {"arXiv:1904.13262", "arXiv:2212.14150"}
    g19 = [a["family-names"] for a in refs["arXiv:1904.13262"]["authors"]]
    assert g19 == ["Gidel", "Bach", "Lacoste-Julien"] and refs["arXiv:1904.13262"]["year"] == 2019
    assert [a["family-names"] for a in refs["arXiv:2212.14150"]["authors"]][0] == "Cao"


def test_pre_commit_runs_ruff_and_snakefmt():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = {h["id"] for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "snakefmt"} <= hooks


def test_rule_graph_shows_every_rule_of_the_default_target():
    svg = (ROOT / "docs/rulegraph.svg").read_text()
    labels = set(re.findall(r"<text[^>]*>([a-z_0-9]+)</text>", svg))
    assert {"all", "dataset", "figure", "claims", "manifest", "ro_crate"} <= labels


def test_caption_title_is_the_bold_lead_or_the_first_sentence():
    assert gallery.caption_title("**F1 (G19): the ``W`` staircase.** Body text. More.") == "F1 (G19): the `W` staircase"
    assert gallery.caption_title("Deep matrix\nfactorization of ``n x n`` targets. Columns: depth.") == (
        "Deep matrix factorization of `n x n` targets"
    )
    assert gallery.caption_title("**a | b.** c") == "a \\| b"


def test_gallery_lists_figures_in_numeric_order_with_relative_links(tmp_path):
    figs, report, docs = tmp_path / "figures", tmp_path / "report", tmp_path / "docs"
    figs.mkdir()
    report.mkdir()
    for name in ("F10_dmf", "F2_sequential", "F1_staircase"):
        (figs / f"{name}.png").write_bytes(b"png")
        fig = name.split("_")[0]
        (report / f"{fig}.rst").write_text(f"**{fig}: title {fig}.** body")
    (figs / "F1_staircase.pdf").write_bytes(b"pdf")
    gallery.write(docs / "gallery.md", figs, report)
    rows = [line for line in (docs / "gallery.md").read_text().splitlines() if line.startswith("| **")]
    assert [r.split("**")[1] for r in rows] == ["F1", "F2", "F10"]
    link = '<a href="../figures/F1_staircase.png">'
    assert rows[0].startswith(f"| **F1** ([PDF](../figures/F1_staircase.pdf)) | {link}")
    assert rows[0].endswith("| F1: title F1 |") and "PDF" not in rows[1]
    (report / "F2.rst").unlink()
    with pytest.raises(FileNotFoundError, match="F2_sequential.png has no caption"):
        gallery.write(docs / "gallery.md", figs, report)


def test_committed_gallery_is_current():
    """docs/gallery.md is what `python -m implicitreg.gallery` writes from the committed figures and captions."""
    lines = gallery.gallery_lines(ROOT / "figures", ROOT / "workflow/report", ROOT / "docs")
    assert (ROOT / "docs/gallery.md").read_text() == "\n".join(lines) + "\n"
