"""Lock ownership: who holds a run's Snakemake locks, and whether that process is provably dead.

Snakemake's locks carry only file names; the run that holds them records who it is (host, boot id, PID
namespace, PID and its start time, read from ``/proc``), and a lock is cleared only when that process is
provably dead.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path


def lock_owner_file(state: str | os.PathLike, pid: int) -> Path:
    """The record of the run with ``pid`` that holds locks: beside Snakemake's locks, removed with them."""
    return Path(state) / "locks" / f"owner-{pid}.json"


def process_identity(pid: int | None = None) -> dict:
    """Who process ``pid`` (default: this one) is, as this process sees it.

    ``host`` (hostname), ``boot_id`` (``/proc/sys/kernel/random/boot_id``, new at every boot), ``pid_ns``
    (the PID namespace, ``/proc/self/ns/pid``), ``pid`` and ``start`` (its start time in clock ticks since
    boot, ``/proc/{pid}/stat`` field 22, which tells a reused PID from the original). Unknown parts are None.
    """
    pid = os.getpid() if pid is None else pid
    return {
        "host": socket.gethostname(),
        "boot_id": read_text("/proc/sys/kernel/random/boot_id"),
        "pid_ns": read_link("/proc/self/ns/pid"),
        "pid": pid,
        "start": (process_stat(pid) or {}).get("start"),
    }


def read_text(path) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def read_link(path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:
        return None


def process_stat(pid: int) -> dict | None:
    """``{state, start}`` of process ``pid`` from ``/proc/{pid}/stat`` (fields 3 and 22), None when there is none."""
    text = read_text(f"/proc/{pid}/stat")
    if text is None:
        return None
    fields = text.rpartition(")")[2].split()  # the command name, in parentheses, may hold spaces
    return {"state": fields[0], "start": int(fields[19])}


def record_lock_owner(state: str | os.PathLike, locks, pid: int | None = None) -> Path:
    """Record that this process (``pid``) holds the Snakemake lock files ``locks`` under ``state/locks``."""
    identity = process_identity(pid)
    path = lock_owner_file(state, identity["pid"])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(json.dumps(identity | {"locks": sorted(Path(lock).name for lock in locks)}, sort_keys=True))
    os.replace(tmp, path)
    return path


def owner_dead(owner: dict, here: dict) -> bool | str:
    """True when ``owner`` (a lock owner record) is provably a dead process; else why it cannot be cleared.

    Provably dead means: same host, same boot, same PID namespace as ``here`` (this process), a ``/proc``
    of this namespace, and no process with its PID and start time (or only a zombie).
    """
    who = f"snakemake pid {owner.get('pid')} on host {owner.get('host')}"
    if owner.get("host") != here["host"]:
        return f"its owner, {who}, runs on another host, where this process cannot see it"
    if owner.get("boot_id") is None or owner.get("boot_id") != here["boot_id"]:
        return f"its owner, {who}, was started under another boot id (a reboot, or another machine of that name)"
    if owner.get("pid_ns") is None or owner.get("pid_ns") != here["pid_ns"]:
        return (
            f"its owner, {who}, runs in another PID namespace ({owner.get('pid_ns')}; this one is "
            f"{here['pid_ns']}: a container or another job step), where its PID cannot be checked"
        )
    if (process_stat(os.getpid()) or {}).get("start") != here["start"] or here["start"] is None:
        return "this process's /proc is not of its own PID namespace, so no PID can be checked"
    now = process_stat(int(owner["pid"]))
    if now is not None and now["start"] == owner.get("start") and now["state"] not in ("Z", "X"):
        return f"its owner, {who}, is running"
    return True


def clear_stale_locks(state: str | os.PathLike) -> tuple[list[str], list[str]]:
    """Remove the Snakemake locks under ``state/locks`` whose recorded owner is provably dead.

    Returns ``(removed, kept)``: the removed lock paths, and for every lock kept a message naming it, why it
    is kept and ``snakemake --unlock``. A lock with no owner record (a run killed before it started jobs, or
    one that did not record itself) is kept: nothing proves its owner dead. Owner records all of whose locks
    are gone, and whose process is dead, are removed too.
    """
    locks = Path(state) / "locks"
    if not locks.is_dir():
        return [], []
    here = process_identity()
    owners: dict[str, tuple[Path, dict]] = {}
    for path in sorted(locks.glob("owner-*.json")):
        try:
            owner = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        owners |= {name: (path, owner) for name in owner.get("locks", [])}
    removed, kept = [], []
    for lock in sorted(locks.glob("*.lock")):
        _, owner = owners.get(lock.name, (None, None))
        verdict = owner_dead(owner, here) if owner else "it has no owner record, so nothing proves its owner dead"
        if verdict is True:
            lock.unlink(missing_ok=True)
            removed.append(lock.as_posix())
        else:
            kept.append(
                f"lock {lock.as_posix()} kept: {verdict}. If no snakemake runs in this directory, remove it "
                "with `snakemake --unlock`"
            )
    for path, owner in {p: o for p, o in owners.values()}.items():
        if not any((locks / name).exists() for name in owner["locks"]) and owner_dead(owner, here) is True:
            path.unlink(missing_ok=True)
    return removed, kept


def clear_stale_locks_and_say(state: str | os.PathLike, say=None) -> None:
    """``clear_stale_locks(state)``, saying each removed lock and each kept one (with why) through ``say`` (default:
    a line on stderr)."""
    say = say or (lambda line: print(line, file=sys.stderr))
    removed, kept = clear_stale_locks(state)
    for lock in removed:
        say(f"removed the stale lock {lock} of a dead run")
    for message in kept:
        say(message)
