"""The checks of sources.yaml: a real citation, cited by something (source-citation),
and a url that is a plain https: address (source-url)."""

from __future__ import annotations

from ... import safety
from ...errors import shown
from .context import Context, finding, is_placeholder


def source_citation(ctx: Context):
    """Every source has a real citation and is cited by something."""
    rs = ctx.ruleset
    path, lines = _sources_lines(ctx)
    cited = ({s for r in rs.rules for s in r.sources}
             | {s for f in rs.factors.values() for s in f.sources})
    for sid, source in rs.sources.items():
        if is_placeholder(source.citation) or len(source.citation.split()) < 3:
            yield finding("source-citation", path, lines.get(sid, 0), sid,
                          "citation: missing or too short; give authors, title, publisher "
                          "and year so a reviewer can find it")
        if sid not in cited:
            yield finding("source-citation", path, lines.get(sid, 0), sid,
                          "no rule or factor cites this source")


def source_url(ctx: Context):
    """A source's url is a plain https: address: reports make it a live link, and a
    javascript:, data: or http: one would run code or travel unencrypted."""
    rs = ctx.ruleset
    path, lines = _sources_lines(ctx)
    for sid, source in rs.sources.items():
        if source.url and not safety.safe_url(source.url):
            yield finding("source-url", path, lines.get(sid, 0), sid,
                          f"url: '{shown(source.url)}' is not an https: address; only "
                          "https:// links are allowed (reports drop any other)")


def _sources_lines(ctx: Context) -> tuple[str, dict]:
    """The sources file and the line of each source id in it."""
    manifest = ctx.raw_of(str(ctx.folder / "ruleset.yaml")) or {}
    path = str(ctx.folder / (manifest.get("files") or {}).get("sources", "sources.yaml"))
    raw = ctx.raw_of(path) or {}
    lines = {item.get("id"): getattr(item, "line", 0) for item in raw.get("sources", [])
             if isinstance(item, dict)}
    return path, lines
