"""requirements.lock agrees with pyproject.toml, and ``snakemake --report`` needs nothing beyond a plain install.

The lock pins, with hashes, the dependencies and the ``test`` extra that CI installs (``.ci/run``); it is
regenerated with the command in its header (docs/REVIEWER.md). The report's own test runs
``snakemake --report`` on the tiny run (tests/test_reproducibility.py).
"""

import re
import tomllib
from importlib import metadata

from helpers import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCK = ROOT / "requirements.lock"
CI_EXTRAS = ("test",)
REGENERATE = "pip-compile --extra=test --generate-hashes --no-emit-find-links --no-emit-index-url --output-file=requirements.lock --strip-extras pyproject.toml"  # noqa: E501


def lock_pins(text: str) -> dict[str, tuple[Version, list[str]]]:
    """{canonical name: (pinned version, its sha256 hashes)} of a pip-compile ``--generate-hashes`` lock."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    current = None
    for line in text.splitlines():
        if m := re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line):
            current = canonicalize_name(m[1])
            pins[current] = (Version(m[2]), [])
        elif m := re.match(r"^\s+--hash=sha256:([0-9a-f]{64})", line):
            pins[current][1].append(m[1])
    return pins


def requirements_of(extras=()) -> list[Requirement]:
    """The project's dependencies plus those of ``extras``."""
    specs = list(PYPROJECT["dependencies"])
    for extra in extras:
        specs += PYPROJECT["optional-dependencies"][extra]
    return [Requirement(s) for s in specs]


def installed_closure(requirements: list[Requirement]) -> set[str]:
    """Every distribution that installing ``requirements`` brings in, from the installed metadata.

    A dependency counts when its marker holds for this interpreter and, for ``extra == "x"`` markers, when
    extra ``x`` was requested of the distribution that declares it.
    """
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(r, frozenset()) for r in requirements]
    names = set()
    while todo:
        req, _ = todo.pop()
        name = canonicalize_name(req.name)
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        names.add(name)
        for spec in metadata.requires(req.name) or []:
            sub = Requirement(spec)
            wanted = {""} | set(req.extras)
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in wanted):
                todo.append((sub, frozenset()))
    return names


def test_lock_pins_every_dependency_within_its_range_with_hashes():
    pins = lock_pins(LOCK.read_text())
    assert len(pins) >= 50
    for req in requirements_of(CI_EXTRAS):
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} (pyproject.toml) is not pinned in requirements.lock"
        version, hashes = pins[name]
        assert req.specifier.contains(version, prereleases=True), f"{name}=={version} is outside {req}"
        assert hashes, f"{name} has no hash in requirements.lock"
    assert all(hashes for _, hashes in pins.values())


def test_lock_pins_what_the_dependencies_bring_in():
    """Every distribution the core and test requirements pull in (installed metadata) is pinned too."""
    pins = lock_pins(LOCK.read_text())
    missing = installed_closure(requirements_of(CI_EXTRAS)) - set(pins)
    assert missing == set()


def test_lock_names_its_command_and_no_local_index():
    text = LOCK.read_text()
    assert REGENERATE in text
    assert "Python 3.11" in text
    assert not re.search(r"^--(extra-)?index-url|^--find-links|file://", text, flags=re.M)


def test_lock_parser_reads_versions_and_hashes():
    text = "a-b==1.2 \\\n    --hash=sha256:" + "0" * 64 + " \\\n    --hash=sha256:" + "1" * 64 + "\n    # via x\nC==3\n"
    assert lock_pins(text) == {"a-b": (Version("1.2"), ["0" * 64, "1" * 64]), "c": (Version("3"), [])}


def test_the_report_needs_nothing_beyond_the_core_dependencies():
    """``snakemake --report`` imports jinja2 (snakemake's own) and pygments (its ``reports`` extra).

    The project requires ``snakemake[reports]``, so a plain ``pip install .`` brings both, not only the test extra.
    """
    core = requirements_of()
    snakemake = next(r for r in core if r.name == "snakemake")
    assert "reports" in snakemake.extras
    reports_extra = {
        canonicalize_name(Requirement(s).name)
        for s in metadata.requires("snakemake")
        if Requirement(s).marker is not None and Requirement(s).marker.evaluate({"extra": "reports"})
    }
    assert "pygments" in reports_extra
    closure = installed_closure(core)
    assert reports_extra | {"jinja2", "docutils"} <= closure
    # without the extra the core would lack pygments: the extra is what brings it
    bare = [Requirement("snakemake>=9,<10") if r.name == "snakemake" else r for r in core]
    assert "pygments" not in installed_closure(bare)
