# Figures read tables only: restyling a figure never reruns a simulation. figures/{fig}_{stem}.{pdf,png} is drawn
# by src/implicitreg/figures/{fig}_{stem}.py (lower-case fig) from the tables io/contract.py lists for it, its run
# tables holding its experiments' runs only (figures/inputs.py): `snakemake figures/F3_transitions.png` builds only
# what F3 reads. Its report caption is workflow/report/{fig}.rst.
rule figure:
    input:
        unpack(figure_inputs),
        code=lambda wc: code_for(
            "draw_figure.py", figure_io.module(FIGURE_SPECS[wc.fig])
        ),
    output:
        pdf="figures/{fig}_{stem}.pdf",
        png=report(
            "figures/{fig}_{stem}.png",
            caption="../report/figure.rst",
            category="Figures",
            subcategory=lambda wc: figure_io.paper(FIGURE_SPECS[wc.fig]),
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
        module=lambda wc: figure_io.module(FIGURE_SPECS[wc.fig]),
        tables=lambda wc: list(FIGURE_SPECS[wc.fig].tables),
        config=lambda wc: figure_io.draw_config(FIGURE_SPECS[wc.fig], config),
        caption=lambda wc: report_caption(wc.fig)
        + figure_io.data_sentence(FIGURE_SPECS[wc.fig], config),
    script:
        "../scripts/draw_figure.py"
