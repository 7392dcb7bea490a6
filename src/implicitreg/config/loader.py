"""Reading config files strictly: YAML syntax and encoding errors name the file, line and column, and a mapping
that repeats a key is refused (plain YAML loaders silently keep the last value).

Keys merged in with ``<<: *anchor`` may be overridden by the mapping itself; only keys written twice are refused.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from implicitreg.config.check import ConfigError


class StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses duplicate keys in a mapping."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first at line {seen[key] + 1})", key_node.start_mark
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def load(path: str | Path) -> dict:
    """The mapping in YAML (or JSON) file ``path``; ``ConfigError`` naming the file, line and column otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"config file {path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    except OSError as err:
        raise ConfigError(f"config file {path}: cannot be read ({err.strerror})") from None
    try:
        data = yaml.load(text, Loader=StrictLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise ConfigError(f"config file {path}{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path}: must be a mapping of keys at the top level, got {type(data).__name__}")
    return data


def check_files(paths) -> None:
    """Read every existing config file strictly (the workflow's own and those given with ``--configfile``)."""
    for path in paths:
        if Path(path).is_file():
            load(path)
