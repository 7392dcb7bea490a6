# Implicit regularization of discrete gradient dynamics in linear networks: the whole reproduction.
# config -> datasets -> runs (and RRR baselines) -> tables -> claims and figures; provenance last.
from snakemake.utils import min_version

min_version("9.0")


report: "workflow/report/workflow.rst"


include: "workflow/rules/config.smk"
include: "workflow/rules/common.smk"
include: "workflow/rules/datasets.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/baselines.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/claims.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/provenance.smk"


rule all:
    default_target: True
    input:
        lambda wc: final_targets(),
        provenance.MANIFEST,
        "ro-crate-metadata.json",
        lambda wc: deleted_outputs(),
