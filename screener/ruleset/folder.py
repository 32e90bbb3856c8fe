"""Where a rules folder is, and the hash that stamps every result with its content."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import RulesError
from ..files import shipped_folder

DEFAULT_RULES_DIR = shipped_folder("rules")


def rules_folder(folder: str | Path | None) -> Path:
    """The folder to load (default: the shipped rules); RulesError when it has no
    ruleset.yaml, since then it is not a rules folder at all."""
    folder = Path(folder) if folder else DEFAULT_RULES_DIR
    # exists, not is_file: a FIFO or a folder named ruleset.yaml is refused when read,
    # saying what it is (yaml_source.read_yaml)
    if not (folder / "ruleset.yaml").exists():
        raise RulesError(
            f"no ruleset.yaml in {folder}: pass --rules with a folder that has one "
            "(the shipped rules live in the project's rules/ folder)")
    return folder


def content_hash(folder: Path) -> str:
    """sha256 over every YAML file in the rules folder: the stamp on every result.

    Only the content counts: editing the clinicians' README does not change the stamp,
    and neither do the translations in locales/ (they change no decision; a translated
    document names its translation's own hash, see locales.py) nor the hazard log
    (hazards.yaml: it changes no decision; the safety case names the hash it covers).

    Each file is read as every YAML file is (``yaml_source.read_bytes``): a FIFO, a
    device (a link to /dev/zero) or a file over the size limit among them is a YamlError
    naming it, never a hang, even when ruleset.yaml does not name it.
    """
    from .yaml_source import read_bytes

    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*.yaml")):
        rel = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or rel.startswith("locales/") \
                or rel == "hazards.yaml":
            continue
        digest.update(rel.encode() + b"\0" + read_bytes(path) + b"\0")
    return digest.hexdigest()
