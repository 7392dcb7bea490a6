"""The run's Provenance Run Crate (implicitreg.crate) and ``python -m implicitreg explain`` (implicitreg.lineage).

The crate is validated with roc-validator against the provenance-run-crate profile at the RECOMMENDED level: it
passes every REQUIRED check, and of the RECOMMENDED ones fails only those asking for what the project does not have
(``NOT_IN_THE_PROJECT``).
This machine has no network: the RO-Crate JSON-LD context is served from the copy that the ``rocrate``
package ships (RO-Crate 1.3's; the crate names the 1.1 context, and spells the one term whose IRI changed
between them, ``ComputationalWorkflow``, in its own context, so both read the crate the same way).
"""

import json
import os
import subprocess
import sys
from importlib import resources

import pytest
import requests
from helpers import ROOT
from snakemake.persistence import MetadataRecord
from snakemake.persistence.file import FilePersistence

from implicitreg.io import crate, lineage, provenance

CONTEXTS = ("https://w3id.org/ro/crate/1.1/context", "https://w3id.org/ro/crate/1.3/context")
CODE = ["src/implicitreg/seeds.py", "workflow/scripts/make.py"]
RULES = "workflow/rules/main.smk"
RULE_FILES = {"dataset": RULES, "simulate": RULES, "figure": "Snakefile"}
CONFIG = {"seed": 7, "datasets": {"a": {"d": 3}}}
# The RECOMMENDED checks the crate cannot pass without inventing a web address, which the project does not have
# (CITATION.cff and pyproject.toml name none): an http @id for the rules and the workflow (the profile allows a
# local id, or a file of the crate, for tools not described on the web) and a url for the contributors' organization.
NOT_IN_THE_PROJECT = {
    "process-run-crate-0.5_5.1",  # SoftwareApplication id
    "ro-crate-1.1_31.2",  # Organization: RECOMMENDED url property
}
END_TIME = "process-run-crate-0.5_8.4"  # Action endTime
# Snakemake's record of each job of run_dir: output -> (rule, start, end), POSIX seconds; the runs directory's jobs
# started once the dataset was written, the figure's once the runs were.
T0 = 1_780_000_000.0
RECORDS = {
    "results/datasets/a.npz": ("dataset", T0, T0 + 1.25),
    "results/runs": ("simulate", T0 + 2, T0 + 3.5),
    "figures/F1.png": ("figure", T0 + 4, T0 + 5.125),
}


@pytest.fixture
def offline_contexts(monkeypatch):
    """roc-validator's HTTP requests for the RO-Crate context answered from the ``rocrate`` package's copy."""
    from rocrate_validator.utils.http import HttpRequester

    body = resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_bytes()

    def get(self, url, **kwargs):
        if url.rstrip("/") not in CONTEXTS:
            return self.__getattr__("get")(url, **kwargs)
        response = requests.Response()
        response.status_code, response.url, response._content = 200, url, body
        response.headers["Content-Type"] = "application/ld+json"
        return response

    monkeypatch.setattr(HttpRequester, "get", get, raising=False)


def validate(crate_dir, severity="REQUIRED", **settings):
    """roc-validator's issues (severity, check identifier, entity) for ``crate_dir`` against provenance-run-crate,
    at the ``severity`` level."""
    from rocrate_validator import models, services

    options = models.ValidationSettings(
        rocrate_uri=str(crate_dir),
        profile_identifier="provenance-run-crate",
        requirement_severity=severity,
        **settings,
    )
    result = services.validate(options)
    issues = [(i.severity.name, i.check.identifier, str(i.violatingEntity)) for i in result.get_issues()]
    assert result.passed() == (issues == [])
    return issues


@pytest.fixture
def run_dir(tmp_path):
    """A work directory with a Snakefile, two code files, three jobs (one with a directory output) and a manifest.

    dataset -> results/datasets/a.npz; simulate(a.npz) -> results/runs/{r1,r2}.npz; figure(runs) -> figures/F1.png.
    """
    files = {
        "Snakefile": b"rule all:\n",
        RULES: b"rule dataset:\n",
        "README.md": b"# a run\n",
        CODE[0]: b"y = 2\n",
        CODE[1]: b"x = 1\n",
        "results/datasets/a.npz": b"data",
        "results/runs/r1.npz": b"r1",
        "results/runs/r2.npz": b"r2",
        "figures/F1.png": b"png",
    }
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    records = {
        "results/datasets/a.npz": {
            "rule": "dataset",
            "wildcards": {"name": "a"},
            "params": {"spec": {"d": 3, "seed": 7}},
            "inputs": CODE,
        },
        "results/runs": {
            "rule": "simulate",
            "wildcards": {},
            "params": {"seeds": [1, 2], "eta": 0.1},
            "inputs": ["results/datasets/a.npz", *CODE],
        },
        "figures/F1.png": {
            "rule": "figure",
            "wildcards": {"fig": "F1"},
            "params": {},
            "inputs": ["results/runs", CODE[1]],
        },
    }
    head = [("code_commit", "unknown"), ("code_dirty", "unknown"), ("config_sha256", provenance.config_hash(CONFIG))]
    head += [("package numpy", "2.0.0"), ("package snakemake", "9.1.0")]
    head += [(f"source {rel}", provenance.sha256(tmp_path / rel)) for rel in ["Snakefile", RULES, *CODE]]
    provenance.write_manifest(tmp_path / provenance.MANIFEST, records, head, tmp_path)
    return tmp_path


@pytest.fixture
def recorded_run(run_dir):
    """run_dir with Snakemake's metadata record of each output (``RECORDS``), as Snakemake writes it at a job's end."""
    persistence = FilePersistence(nolock=True, path=run_dir / ".snakemake")
    for output, (rule, start, end) in RECORDS.items():
        persistence._write_record(output, MetadataRecord(rule=rule, starttime=start, endtime=end))
    return run_dir


def graph(crate_dir):
    """The crate's entities by @id."""
    return {e["@id"]: e for e in json.loads((crate_dir / crate.METADATA).read_text())["@graph"]}


def ids(value):
    """The @ids a property refers to (one reference or a list of them)."""
    return sorted(v["@id"] for v in (value if isinstance(value, list) else [value]))


def test_crate_records_every_job_with_its_instrument_inputs_parameters_and_outputs(run_dir):
    crate.write(run_dir, CONFIG, None, RULE_FILES)
    g = graph(run_dir)
    for rel in ["results/datasets/a.npz", "results/runs/r1.npz", "results/runs/r2.npz", "figures/F1.png", *CODE]:
        assert g[rel]["sha256"] == provenance.sha256(run_dir / rel), rel
    assert g["results/runs/r2.npz"]["contentSize"] == 2
    # the config file is the canonical JSON whose hash the manifest recorded
    assert provenance.sha256(run_dir / crate.CONFIG) == provenance.config_hash(CONFIG) == g[crate.CONFIG]["sha256"]

    sim = g["#job/simulate"]
    assert sim["@type"] == "CreateAction" and sim["instrument"] == {"@id": "#rule/simulate"}
    assert ids(sim["result"]) == ["results/runs/r1.npz", "results/runs/r2.npz"]
    assert ids(sim["object"]) == sorted(
        ["results/datasets/a.npz", *CODE, "#job/simulate/param/eta", "#job/simulate/param/seeds"]
    )
    assert g["#job/simulate/param/eta"] == {
        "@id": "#job/simulate/param/eta",
        "@type": "PropertyValue",
        "name": "eta",
        "value": 0.1,
    }
    assert g["#job/simulate/param/seeds"]["value"] == "[1,2]"
    assert g["#job/dataset/name=a/param/spec"]["value"] == '{"d":3,"seed":7}'
    assert ids(g["#job/figure/fig=F1"]["object"]) == ["results/runs/r1.npz", "results/runs/r2.npz", CODE[1]]
    assert ids(g["#rule/simulate"]["hasPart"]) == CODE

    workflow = g["Snakefile"]
    assert g["./"]["mainEntity"] == {"@id": "Snakefile"}
    assert {"File", "ComputationalWorkflow", "HowTo"} <= set(workflow["@type"])
    assert ids(workflow["step"]) == ["#step/dataset", "#step/figure", "#step/simulate"]
    assert g["#step/figure"]["workExample"] == {"@id": "#rule/figure"}
    assert g["#job/figure/fig=F1/control"]["object"] == {"@id": "#job/figure/fig=F1"}
    organize = g["#engine-run"]
    assert organize["instrument"] == {"@id": crate.SNAKEMAKE} and organize["result"] == {"@id": "#run"}
    assert len(ids(organize["object"])) == 3
    assert g[crate.SNAKEMAKE]["version"] == "9.1.0"
    numpy = g["https://pypi.org/project/numpy/2.0.0/"]
    assert numpy["version"] == "2.0.0" and numpy["url"] == numpy["@id"]
    # every action names its agent, every tool its version, the README what it is about
    actions = [e for e in g.values() if e["@type"] in ("CreateAction", "ControlAction", "OrganizeAction")]
    assert len(actions) == 8 and all(a["agent"] == {"@id": "#implicitreg-contributors"} for a in actions)
    assert g["#rule/simulate"]["version"] == "unknown"
    # each rule's url is the rules file that defines it, the workflow's its README: files of the crate
    assert g["#rule/simulate"]["url"] == {"@id": RULES} and g["#rule/figure"]["url"] == {"@id": "Snakefile"}
    assert g[RULES]["sha256"] == provenance.sha256(run_dir / RULES) and workflow["url"] == {"@id": "README.md"}
    assert g["README.md"]["about"] == {"@id": "./"} and g["README.md"]["encodingFormat"] == "text/markdown"
    assert ids(g["#run"]["object"]) == [crate.CONFIG] and len(ids(g["#run"]["result"])) == 4


def test_crate_refuses_a_config_that_is_not_the_manifests(run_dir):
    with pytest.raises(ValueError, match="config_sha256"):
        crate.build(run_dir, {**CONFIG, "seed": 8}, None, RULE_FILES)


def test_crate_passes_roc_validator_provenance_run_crate(recorded_run, offline_contexts):
    crate.write(recorded_run, CONFIG, None, RULE_FILES)
    assert validate(recorded_run) == []


def test_each_action_has_the_times_snakemake_recorded_for_its_job(recorded_run):
    crate.write(recorded_run, CONFIG, None, RULE_FILES)
    g = graph(recorded_run)
    t = {s: crate.iso_time(T0 + s) for s in (0, 1.25, 2, 3.5, 4, 5.125)}
    assert t[1.25] == "2026-05-28T20:26:41.250+00:00"
    assert (g["#job/dataset/name=a"]["startTime"], g["#job/dataset/name=a"]["endTime"]) == (t[0], t[1.25])
    # the two runs files have their directory output's record
    assert (g["#job/simulate"]["startTime"], g["#job/simulate"]["endTime"]) == (t[2], t[3.5])
    assert (g["#job/figure/fig=F1"]["startTime"], g["#job/figure/fig=F1"]["endTime"]) == (t[4], t[5.125])
    for run in ("#run", "#engine-run"):
        assert (g[run]["startTime"], g[run]["endTime"]) == (t[0], t[5.125])
    # the times are the records', not the clock's: the same run gives the same crate
    first = (recorded_run / crate.METADATA).read_bytes()
    crate.write(recorded_run, CONFIG, None, RULE_FILES)
    assert (recorded_run / crate.METADATA).read_bytes() == first


def failed_checks(issues):
    """The identifiers of the checks ``issues`` fail."""
    return {check for _, check, _ in issues}


def not_in_the_project_only(issues):
    """True when every issue is one of ``NOT_IN_THE_PROJECT`` and the non-http ids are of rules or the workflow only
    (every package has its release page as id, the engine its site)."""
    local_ids = {e for _, check, e in issues if check == "process-run-crate-0.5_5.1"}
    return failed_checks(issues) <= NOT_IN_THE_PROJECT and all(
        e.startswith(("./#rule/", "./Snakefile", "http://schema.org/", "https://bioschemas.org/")) for e in local_ids
    )


def test_crate_at_the_recommended_level_misses_only_what_the_project_does_not_have(recorded_run, offline_contexts):
    crate.write(recorded_run, CONFIG, None, RULE_FILES)
    issues = validate(recorded_run, "RECOMMENDED")
    assert failed_checks(issues) == NOT_IN_THE_PROJECT
    assert not_in_the_project_only(issues)


def test_a_run_without_snakemakes_records_has_actions_without_times(run_dir, offline_contexts):
    """The recommended level fails without the job times: one endTime missing per CreateAction (three jobs, the run)."""
    crate.write(run_dir, CONFIG, None, RULE_FILES)
    issues = validate(run_dir, "RECOMMENDED")
    assert failed_checks(issues) == NOT_IN_THE_PROJECT | {END_TIME}
    assert sorted(e for _, check, e in issues if check == END_TIME) == [
        "./#job/dataset/name=a",
        "./#job/figure/fig=F1",
        "./#job/simulate",
        "./#run",
    ]


def test_roc_validator_catches_a_broken_crate(run_dir, offline_contexts):
    """The validation can fail: a workflow that no longer lists its steps breaks two MUSTs."""
    crate.write(run_dir, CONFIG, None, RULE_FILES)
    meta = json.loads((run_dir / crate.METADATA).read_text())
    for e in meta["@graph"]:
        if e["@id"] == "Snakefile":
            del e["step"]
    (run_dir / crate.METADATA).write_text(json.dumps(meta))
    issues = validate(run_dir)
    assert {check for _, check, _ in issues} == {"provenance-run-crate-0.5_4.1"}  # HowToStep inverse step
    assert sorted(entity for _, _, entity in issues) == ["./#step/dataset", "./#step/figure", "./#step/simulate"]


def test_pipeline_crate_passes_roc_validator(e2e_workdir, offline_contexts):
    """The tiny run's crate: its metadata (the Snakefile and code live in the project, not the work directory)."""
    g = graph(e2e_workdir)
    _, rows = provenance.read_manifest(e2e_workdir / provenance.MANIFEST)
    assert {r["path"] for r in rows} <= set(g)
    assert all(g[r["path"]]["sha256"] == r["sha256"] for r in rows)
    assert validate(e2e_workdir, metadata_only=True) == []
    assert not_in_the_project_only(validate(e2e_workdir, "RECOMMENDED", metadata_only=True))
    # every job's action has the times Snakemake recorded: it ended after it started, and started after the jobs
    # that made its inputs had ended
    jobs = {i: e for i, e in g.items() if i.startswith("#job/") and e["@type"] == "CreateAction"}
    assert len(jobs) >= 10 and all(j["startTime"] <= j["endTime"] for j in jobs.values())
    made_by = {r: j for j in jobs.values() for r in ids(j["result"])}
    pairs = [(made_by[o], j) for j in jobs.values() for o in ids(j["object"]) if o in made_by]
    assert len(pairs) >= 10 and all(before["endTime"] <= after["startTime"] for before, after in pairs)
    assert g["#run"]["endTime"] == max(j["endTime"] for j in jobs.values())


def test_seeds_are_found_at_any_depth():
    params = {"seed": 3, "spec": {"seeds": [1, 2], "d": 4}, "runs": [{"seed": 5}]}
    assert lineage.seeds(params) == ["seed=3", "spec.seeds=[1,2]", "runs.0.seed=5"]


def test_explain_walks_back_to_the_config(run_dir):
    cmd = [sys.executable, "-m", "implicitreg", "explain", "figures/F1.png", "--workdir", str(run_dir)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(ROOT / "src")})
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    h = {
        rel: provenance.sha256(run_dir / rel)
        for rel in ["figures/F1.png", "results/runs/r1.npz", "results/datasets/a.npz"]
    }
    assert out[0] == f"figures/F1.png  sha256 {h['figures/F1.png']}  (3 bytes)"
    assert out[1:5] == [
        '  rule figure  wildcards {"fig":"F1"}',
        "  params {}",
        "  seeds (none)",
        f"  code {CODE[1]}  sha256 {provenance.sha256(run_dir / CODE[1])}",
    ]
    assert "  input results/runs  (2 files)" in out
    assert f"    results/runs/r1.npz  sha256 {h['results/runs/r1.npz']}  (2 bytes)" in out
    assert out.count("      rule simulate  wildcards {}") == 1  # one job made both runs: described once
    assert "      seeds seeds=[1,2]" in out
    assert f"        results/datasets/a.npz  sha256 {h['results/datasets/a.npz']}  (4 bytes)" in out
    assert "          seeds spec.seed=7" in out
    assert out[-2:] == [f"config sha256 {provenance.config_hash(CONFIG)}", "packages numpy 2.0.0, snakemake 9.1.0"]


def test_explain_names_an_unknown_output(run_dir):
    with pytest.raises(KeyError, match="figures/F9.png is not an output recorded in"):
        lineage.explain("figures/F9.png", run_dir / provenance.MANIFEST)
