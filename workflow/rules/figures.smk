# Figures read tables only: restyling a figure never reruns a simulation.
# figures/{fig}_{name}.{pdf,png} is drawn by workflow/scripts/figure_{fig}.py; its report caption is
# workflow/report/{fig}.rst.
register_figure("F1", "staircase", ["runs", "components"])
register_figure("F2", "sequential", ["runs", "components", "transitions"])
register_figure("F3", "transitions", ["runs", "transitions"])


rule figure:
    input:
        unpack(figure_inputs),
        code=lambda wc: code_for(f"figure_{wc.fig}.py"),
    output:
        pdf="figures/{fig}_{name}.pdf",
        png=report(
            "figures/{fig}_{name}.png",
            caption="../report/figure.rst",
            category="Figures",
            labels={"figure": "{fig}", "name": "{name}"},
        ),
    log:
        "logs/figures/{fig}_{name}.log",
    benchmark:
        "logs/benchmarks/figures/{fig}_{name}.tsv"
    wildcard_constraints:
        fig="F[0-9]+",
    conda:
        ENV
    threads: 1
    params:
        spec=lambda wc: config["figures"][wc.fig],
        caption=lambda wc: figure_caption(wc.fig),
        claims=config["claims"],
    script:
        "../scripts/figure_{wildcards.fig}.py"
