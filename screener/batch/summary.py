"""The run's counts and what is shown of them: ``Summary`` is added up chunk by chunk,
kept in the checkpoint (so a resumed run goes on counting), and given as a dict
(``as_dict``: the summary file); ``summary_table`` and ``urgent_errors_text`` are the
dict as the terminal shows it. Every count reconciles: screened + errors = input.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import printable
from ..i18n import _, ngettext
from ..ruleset.models import TRIAGE_ORDER, RuleSet

MAX_NAMED = 50  # urgent error records kept by row in the summary (all are in the errors file)


@dataclass
class Summary:
    """A run's counts so far (``add`` one chunk's, or a checkpoint's) and its files."""

    input_records: int = 0
    screened: int = 0
    errors: int = 0
    by_triage: Counter = field(default_factory=Counter)
    by_factor: Counter = field(default_factory=Counter)
    output: str = ""
    errors_file: str = ""
    ruleset_hash: str = ""
    resumed_at: int = 0  # records already done when this run resumed
    incomplete: int = 0  # screened records with too few answers (spec 5)
    errors_urgent: int = 0  # rejected records whose raw answers hold a red flag
    urgent_errors: list = field(default_factory=list)  # the first MAX_NAMED of them
    urgent_check_unanswered: int = 0  # screened records without red_flags_now
    warnings: list = field(default_factory=list)
    read_as: str = "plain"  # CSV input: plain, redcap or odk (interop.records)

    def add(self, part: dict) -> None:
        self.screened += part["screened"]
        self.errors += part["errors"]
        self.input_records += part["screened"] + part["errors"]
        self.by_triage.update(part["by_triage"])
        self.by_factor.update(part["by_factor"])
        self.incomplete += part.get("incomplete", 0)
        self.errors_urgent += part.get("errors_urgent", 0)
        room = MAX_NAMED - len(self.urgent_errors)
        self.urgent_errors.extend(part.get("urgent_errors", [])[:max(room, 0)])
        self.urgent_check_unanswered += part.get("urgent_check_unanswered", 0)

    def counts(self) -> dict:
        """What a checkpoint keeps to rebuild this summary on --resume."""
        return {"screened": self.screened, "errors": self.errors,
                "by_triage": dict(self.by_triage), "by_factor": dict(self.by_factor),
                "incomplete": self.incomplete, "errors_urgent": self.errors_urgent,
                "urgent_errors": self.urgent_errors,
                "urgent_check_unanswered": self.urgent_check_unanswered}

    @property
    def reconciles(self) -> bool:
        return self.screened + self.errors == self.input_records

    def as_dict(self, ruleset: RuleSet | None = None) -> dict:
        def pct(n: int) -> float:
            return round(100 * n / self.screened, 2) if self.screened else 0.0
        factors = list(ruleset.factors) if ruleset else sorted(self.by_factor)
        return {
            "input_records": self.input_records, "screened": self.screened,
            "errors": self.errors, "reconciles": self.reconciles,
            "errors_with_red_flag": self.errors_urgent,
            "errors_with_red_flag_named": self.urgent_errors,
            "urgent_check_unanswered": self.urgent_check_unanswered,
            "triage": {lvl: {"count": self.by_triage.get(lvl, 0),
                             "percent": pct(self.by_triage.get(lvl, 0))}
                       for lvl in TRIAGE_ORDER},
            "incomplete": {"count": self.incomplete, "percent": pct(self.incomplete)},
            "factors": {fid: {"count": self.by_factor.get(fid, 0),
                              "percent": pct(self.by_factor.get(fid, 0))} for fid in factors},
            "output": self.output, "errors_file": self.errors_file,
            "ruleset_hash": self.ruleset_hash, "resumed_at": self.resumed_at,
            "read_as": self.read_as,
            "warnings": self.warnings,
        }


def urgent_errors_text(data: dict) -> str:
    """Stderr: the rejected records that report a red flag, by row and respondent id."""
    count, named = data["errors_with_red_flag"], data["errors_with_red_flag_named"]
    lines = ["screener: " + _("URGENT: records with errors that report a red flag: {count}; "
                              "check these people now:").format(count=f"{count:,}")]
    lines += ["  " + _("row {row} (respondent_id {id}): {flags}").format(
                  row=r["row"], id=printable(r["respondent_id"]),
                  flags=printable(", ".join(r["urgent"])))
              for r in named]
    if count > len(named):
        lines.append("  " + _("... and {count} more").format(count=f"{count - len(named):,}"))
    lines.append("  " + _("(column 'urgent' in {file})").format(
        file=printable(data["errors_file"])))
    return "\n".join(lines) + "\n"


def summary_table(data: dict) -> str:
    """Stdout: the counts, the files written, then triage and factor counts as a table."""
    lines = [_("{records} = {screened} screened + {errors} with errors").format(
                 records=_records(data["input_records"]), screened=f"{data['screened']:,}",
                 errors=f"{data['errors']:,}")
             + ("" if data["reconciles"] else "  " + _("(DOES NOT RECONCILE)")),
             _("results: {file}").format(file=printable(data["output"])),
             _("errors:  {file}").format(file=printable(data["errors_file"])),
             ""]
    flagged, unanswered = data["errors_with_red_flag"], data["urgent_check_unanswered"]
    if unanswered:  # unknown is not "no"
        lines.insert(1, _("{records} did not answer the urgent check (red_flags_now): "
                          "screened without it").format(records=_records(unanswered)))
    if flagged:  # right under the counts, so it cannot be missed
        lines.insert(1, "!!! " + _("URGENT: records with errors that report a red flag: "
                                   "{count} (check these people now: column 'urgent' in the "
                                   "errors file)").format(count=f"{flagged:,}"))
    # the headings in the person's language; the rows keep the ids of the summary file
    count, share, incomplete = _("count"), _("% screened"), _("(incomplete)")
    for title, rows in ((_("triage"), data["triage"]), (_("factor"), data["factors"])):
        lines.append(f"{title:<22} {count:>10} {share:>11}")
        for name, row in rows.items():
            lines.append(f"{name:<22} {row['count']:>10,} {row['percent']:>10.1f}%")
        if rows is data["triage"]:  # too few answers to rule the factors out (never self care)
            row = data["incomplete"]
            lines.append(f"{incomplete:<22} {row['count']:>10,} {row['percent']:>10.1f}%")
        lines.append("")
    return "\n".join(lines)


def _records(count: int) -> str:
    return ngettext("{count} record", "{count} records", count).format(count=f"{count:,}")
