"""The code a script runs: static import parsing, transitively, and every file of the workflow."""

from helpers import ROOT

from implicitreg.io import closure


def test_imported_modules_are_dotted_names():
    src = (
        "import os\nimport implicitreg.linear.theory\nfrom implicitreg.io import files\n"
        "from implicitreg.data.spectra import Dataset\nfrom numpy import linalg\nfrom . import other\n"
    )
    assert closure.imported_modules(src) == {
        "implicitreg.linear.theory", "implicitreg.io", "implicitreg.io.files", "implicitreg.data.spectra",
        "implicitreg.data.spectra.Dataset",
    }  # fmt: skip


def test_module_closure_follows_imports_transitively(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub/__init__.py").write_text("")
    (pkg / "a.py").write_text("from implicitreg.sub import b\n")
    (pkg / "sub/b.py").write_text("from implicitreg.c import f\n")
    (pkg / "c.py").write_text("import numpy\n")
    (pkg / "d.py").write_text("")
    (pkg / "unused.py").write_text("")
    script = tmp_path / "script.py"
    script.write_text("from implicitreg import a, CONSTANT\n")
    names = [p.relative_to(pkg).as_posix() for p in closure.module_closure(script, pkg)]
    assert names == ["__init__.py", "a.py", "c.py", "sub/__init__.py", "sub/b.py"]
    loaded = closure.module_closure(script, pkg, modules=["implicitreg.d"])  # loaded by name, not imported
    assert [p.relative_to(pkg).as_posix() for p in loaded] == [*names[:3], "d.py", *names[3:]]


def test_code_files_of_the_simulation_script():
    files = closure.code_files(ROOT / "workflow/scripts/simulate_gd.py", ROOT)
    names = {f.relative_to(ROOT).as_posix() for f in files}
    src = "src/implicitreg/"
    needed = ["config/grid.py", "linear/experiment.py", "linear/simulate.py", "data/seeds.py", "data/spectra.py",
              "io/files.py", "__init__.py", "linear/__init__.py"]  # fmt: skip
    assert {src + n for n in needed} | {"environment.yml"} <= names
    assert not {n for n in names if n.startswith((src + "figures", src + "claims", src + "tables"))}


def test_every_script_parses_and_names_existing_files():
    for script in sorted((ROOT / "workflow/scripts").glob("*.py")):
        assert all(f.is_file() for f in closure.code_files(script, ROOT)), script


def test_workflow_sources_are_the_scripts_package_rules_and_schema():
    sources = closure.workflow_sources(ROOT)
    assert sources == sorted(set(sources)) and all((ROOT / s).is_file() for s in sources)
    assert {"Snakefile", "environment.yml", "workflow/rules/common.smk", "workflow/scripts/simulate_gd.py",
            "src/implicitreg/config/config.schema.yaml", "src/implicitreg/io/closure.py"} <= set(sources)  # fmt: skip
