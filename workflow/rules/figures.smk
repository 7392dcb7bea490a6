# Figures read tables only: restyling a figure never reruns a simulation.
# figures/{fig}_{name}.{pdf,png} is drawn by workflow/scripts/figure_{fig}.py.
register_figure("F1", "staircase", ["runs", "components"])
register_figure("F2", "sequential", ["runs", "components", "transitions"])
register_figure("F3", "transitions", ["runs", "transitions"])


rule figure:
    input:
        unpack(figure_inputs),
    output:
        pdf="figures/{fig}_{name}.pdf",
        png="figures/{fig}_{name}.png",
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
        claims=config["claims"],
    script:
        "../scripts/figure_{wildcards.fig}.py"
