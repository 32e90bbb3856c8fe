"""Shared by the report tests: the golden cases and their results (screened once)."""

from __future__ import annotations

import importlib.util
import json

from conftest import ROOT

_spec = importlib.util.spec_from_file_location(
    "regenerate_golden_reports", ROOT / "scripts" / "regenerate_golden_reports.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

CASES = golden.CASES  # vignette -> triage level


def vignette_answers(name: str) -> dict:
    return json.loads((ROOT / "tests" / "vignettes" / f"{name}.json").read_text())["answers"]


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
