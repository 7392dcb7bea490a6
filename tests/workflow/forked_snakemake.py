"""Many short Snakemake invocations from one process that has imported Snakemake and the workflow's libraries once.

Each invocation runs ``snakemake.cli.main(args)`` in a child forked from that process, in its own directory with its
own stdout and stderr files, so it costs the invocation's own work and not another start of Python and Snakemake
(about 2 s of CPU each). A test gives the jobs as JSON on stdin and reads their exit codes as JSON on stdout:

    python forked_snakemake.py PARALLEL < [{"cwd": ..., "args": [...], "stdout": ..., "stderr": ...}, ...]
"""

import json
import os
import sys


def preload():
    """What every invocation imports: Snakemake's command line, API and executors, and the libraries the Snakefile
    imports (its plugin registries are filled here, once)."""
    import snakemake.api  # noqa: F401
    import snakemake.cli
    import snakemake.dag  # noqa: F401
    import snakemake.workflow  # noqa: F401
    from snakemake_interface_executor_plugins.registry import ExecutorPluginRegistry

    import implicitreg.claims.registry  # noqa: F401
    import implicitreg.config.check  # noqa: F401
    import implicitreg.config.loader  # noqa: F401
    import implicitreg.io.closure  # noqa: F401
    import implicitreg.io.locks  # noqa: F401
    import implicitreg.io.provenance  # noqa: F401
    import implicitreg.io.session  # noqa: F401

    ExecutorPluginRegistry().plugins  # noqa: B018
    return snakemake.cli.main


def child(main, job):
    """In the forked child: the job's directory and output files, then Snakemake; never returns."""
    code = 70
    try:
        os.chdir(job["cwd"])
        for fd, name in ((1, "stdout"), (2, "stderr")):
            out = os.open(job[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(out, fd)
            os.close(out)
        try:
            main(job["args"])
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run(jobs, parallel):
    """Exit code of every job, at most ``parallel`` children at a time."""
    main = preload()
    codes, running, pending = [None] * len(jobs), {}, list(enumerate(jobs))
    while pending or running:
        while pending and len(running) < parallel:
            i, job = pending.pop(0)
            pid = os.fork()
            if pid == 0:
                child(main, job)
            running[pid] = i
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    return codes


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin), int(sys.argv[1]))))
