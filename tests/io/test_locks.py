"""Lock ownership: a lock is cleared only when its recorded owner is provably dead."""

import json
import os
import socket

import pytest
from helpers import needs_unshare, python

from implicitreg.io import locks

# Locks. A "snakemake-like" owner: a process that records itself as holding a lock, then sleeps (or exits).
OWNER = (
    "import sys, time; from pathlib import Path; from implicitreg.io import locks; "
    "locks.record_lock_owner(Path(sys.argv[1]), [sys.argv[1] + '/locks/0.output.lock']); "
    "print('ready', flush=True); time.sleep(float(sys.argv[2]))"
)
CLEAR = (
    "import sys; from pathlib import Path; from implicitreg.io import locks; "
    "removed, kept = locks.clear_stale_locks(Path(sys.argv[1])); print(*removed, *kept, sep='\\n')"
)


@pytest.fixture
def state(tmp_path):
    """A ``.snakemake`` directory holding one Snakemake lock."""
    state = tmp_path / ".snakemake"
    (state / "locks").mkdir(parents=True)
    (state / "locks/0.output.lock").write_text("results/tables/claims.csv\n")
    return state


def hold(state, namespace=False):
    """Start a live owner of ``state``'s lock; returns the process once it has recorded itself."""
    proc = python(OWNER, str(state), "60", namespace=namespace)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_a_dead_owner_in_this_namespace_loses_its_lock(state):
    proc = python(OWNER, str(state), "0")
    assert proc.wait() == 0
    removed, kept = locks.clear_stale_locks(state)
    print("\n".join(removed + kept))
    assert removed == [f"{state}/locks/0.output.lock"] and kept == []
    assert list((state / "locks").iterdir()) == []  # the owner record went with its lock


def test_a_live_owner_in_this_namespace_keeps_its_lock(state):
    proc = hold(state)
    try:
        removed, kept = locks.clear_stale_locks(state)
    finally:
        proc.kill()
        proc.wait()
    print("\n".join(kept))
    assert removed == [] and (state / "locks/0.output.lock").exists()
    assert kept == [
        f"lock {state}/locks/0.output.lock kept: its owner, snakemake pid {proc.pid} on host {socket.gethostname()}, "
        "is running. If no snakemake runs in this directory, remove it with `snakemake --unlock`"
    ]


@needs_unshare
def test_a_live_owner_in_another_pid_namespace_keeps_its_lock(state):
    proc = hold(state, namespace=True)  # pid 1 of its namespace; in ours, another number
    try:
        owner = json.loads(next((state / "locks").glob("owner-*.json")).read_text())
        assert owner["pid"] == 1 and owner["pid_ns"] != os.readlink("/proc/self/ns/pid")
        removed, kept = locks.clear_stale_locks(state)
    finally:
        proc.kill()
        proc.wait()
    print("\n".join(kept))
    assert removed == [] and (state / "locks/0.output.lock").exists()
    assert len(kept) == 1 and "runs in another PID namespace" in kept[0] and "snakemake --unlock" in kept[0]
    # once it is gone, nothing here can prove it: the lock stays until `snakemake --unlock`
    assert locks.clear_stale_locks(state)[0] == []


@needs_unshare
def test_a_run_in_another_pid_namespace_cannot_clear_a_live_lock(state):
    """The reported theft: ``snakemake -n`` from a container removed a live run's locks."""
    proc = hold(state)
    try:
        other = python(CLEAR, str(state), namespace=True)
        out = other.communicate(timeout=60)[0]
    finally:
        proc.kill()
        proc.wait()
    print(out)
    assert other.returncode == 0 and (state / "locks/0.output.lock").exists()
    assert "0.output.lock kept" in out and "runs in another PID namespace" in out and "snakemake --unlock" in out


def test_a_reused_pid_is_not_its_owner(state):
    """The recorded PID now belongs to another process (this one): the start time tells them apart."""
    me = locks.process_identity()
    record = me | {"start": me["start"] - 1, "locks": ["0.output.lock"]}
    locks.lock_owner_file(state, me["pid"]).write_text(json.dumps(record))
    assert locks.clear_stale_locks(state) == ([f"{state}/locks/0.output.lock"], [])


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"host": "elsewhere"}, "runs on another host"),
        ({"boot_id": "another-boot"}, "under another boot id"),
        ({"locks": []}, "has no owner record"),
    ],
)
def test_locks_of_owners_that_cannot_be_checked_are_kept(state, change, why):
    dead = locks.process_identity() | {"pid": 999999999, "locks": ["0.output.lock"]}
    locks.lock_owner_file(state, 999999999).write_text(json.dumps(dead | change))
    removed, kept = locks.clear_stale_locks(state)
    assert removed == [] and len(kept) == 1 and why in kept[0] and "snakemake --unlock" in kept[0]


def test_clearing_says_what_it_removed_and_kept(state):
    proc = python(OWNER, str(state), "0")
    assert proc.wait() == 0
    said = []
    locks.clear_stale_locks_and_say(state, said.append)
    assert said == [f"removed the stale lock {state}/locks/0.output.lock of a dead run"]
    (state / "locks/1.input.lock").write_text("x\n")
    said.clear()
    locks.clear_stale_locks_and_say(state, said.append)
    assert len(said) == 1 and said[0].startswith(f"lock {state}/locks/1.input.lock kept: it has no owner record")
