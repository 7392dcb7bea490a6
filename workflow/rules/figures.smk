# Figures read tables only: restyling a figure never reruns a simulation. figures/{fig}_{stem}.{pdf,png} is drawn
# by src/implicitreg/figures/{fig}_{stem}.py (lower-case fig) from the tables io/contract.py lists for it; its
# report caption is workflow/report/{fig}.rst.
rule figure:
    input:
        unpack(figure_inputs),
        code=lambda wc: code_for("draw_figure.py", figure_module(wc.fig)),
    output:
        pdf="figures/{fig}_{stem}.pdf",
        png=report(
            "figures/{fig}_{stem}.png",
            caption="../report/figure.rst",
            category="Figures",
            subcategory=lambda wc: figure_paper(wc.fig),
            labels={"figure": "{fig}", "name": "{stem}"},
        ),
    log:
        "logs/figures/{fig}_{stem}.log",
    benchmark:
        "logs/benchmarks/figures/{fig}_{stem}.tsv"
    wildcard_constraints:
        fig="F[0-9]+",
    conda:
        ENV
    threads: 1
    params:
        module=lambda wc: figure_module(wc.fig),
        tables=lambda wc: list(FIGURE_SPECS[wc.fig].tables),
        config=lambda wc: {
            "analyses": {a: ANALYSES[a] for a in FIGURE_SPECS[wc.fig].analyses},
            "claims": config["claims"],
            "dmf_experiments": config.get("dmf_experiments", {}),
        },
        caption=lambda wc: report_caption(wc.fig) + data_sentence(wc.fig),
    script:
        "../scripts/draw_figure.py"
