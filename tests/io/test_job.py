"""A job's process: its stderr goes to the job's log, line by line when asked, and survives the frozen exit."""

import subprocess
import sys

import pytest

JOB = """
import sys
from implicitreg.io import job
job.start(sys.argv[1], line_buffered=sys.argv[2] == "lines")
print("progress 1", file=sys.stderr)
seen = open(sys.argv[1]).read()
print("ends", file=sys.stderr)
print(repr(seen))
"""


@pytest.mark.parametrize(("mode", "seen_before_exit"), [("lines", "progress 1\n"), ("blocks", "")])
def test_stderr_goes_to_the_log_and_is_complete_at_exit(tmp_path, mode, seen_before_exit):
    log = tmp_path / "job.log"
    done = subprocess.run([sys.executable, "-c", JOB, str(log), mode], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == repr(seen_before_exit)  # line-buffered: progress is in the log as it happens
    assert done.stderr == ""
    assert log.read_text() == "progress 1\nends\n"  # flushed at exit, the collector frozen (job.start)
