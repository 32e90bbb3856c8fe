"""docs/architecture.md stays true: every module it names exists, and every module at the
top of screener/ and every sub-package is named there (so a new one gets its place)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
NAMED = re.compile(r"`((?:screener|tests|rules|scripts)/[\w/.<>-]*)`")


def named_paths() -> set[str]:
    return {path.rstrip("/") for path in NAMED.findall(DOC.read_text(encoding="utf-8"))}


def test_every_path_the_page_names_exists():
    missing = sorted(path for path in named_paths()
                     if "<" not in path and not (ROOT / path).exists())
    assert missing == [], f"docs/architecture.md names what is not there: {missing}"


def test_every_top_module_and_sub_package_is_named():
    package = ROOT / "screener"
    wanted = {f"screener/{p.name}" for p in package.glob("*.py")}
    wanted |= {f"screener/{p.name}" for p in package.iterdir() if (p / "__init__.py").exists()}
    named = named_paths()
    assert sorted(wanted - named) == [], "add these to docs/architecture.md"


def test_every_module_of_the_core_stages_is_named():
    """ruleset/ and engine/ are the stages a newcomer reads first: each module is named."""
    wanted = {f"screener/{stage}/{p.name}" for stage in ("ruleset", "engine")
              for p in (ROOT / "screener" / stage).glob("*.py") if p.name != "__init__.py"}
    assert sorted(wanted - named_paths()) == [], "add these to docs/architecture.md"
