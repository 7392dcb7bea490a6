# The config: config.yaml merged with any --configfile and --config, every file read strictly first (YAML
# errors name the file, line and column; a repeated key is refused). common.smk then checks the whole config.
import os
import sys
from pathlib import Path

# The science library lives in src/: importable here and in every job, installed or not.
SRC = str(Path(workflow.basedir) / "src")
sys.path.insert(0, SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(filter(None, [SRC, os.getenv("PYTHONPATH")]))
)

from implicitreg.config.loader import check_files

check_files(["config.yaml", *workflow.overwrite_configfiles])


configfile: "config.yaml"
