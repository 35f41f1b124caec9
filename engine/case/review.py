"""The investigator's work on investors as one read-only snapshot, with its history.

Views show case work (decisions, tags, notes, who decided what and when) but never hold
the case store: the GUI builds this snapshot after each change and hands it to them.
The decision history comes from the audit log, which keeps every decision, not only the
latest one the ``decisions`` table holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from engine.case.work import Decision

#: audit actions shown in the review queue and the profile's history
REVIEW_ACTIONS: tuple[str, ...] = ("decision", "tag_added", "tag_removed", "suspect_added", "suspect_removed")


@dataclass(frozen=True)
class ReviewEntry:
    """One logged act of review on an investor."""

    seq: int
    time: str
    user: str
    action: str
    investor_id: str
    what: str          # the decision, or the tag
    reason: str


@dataclass(frozen=True)
class CaseWorkSnapshot:
    """Decisions, tags and notes by investor, and the review history (oldest first)."""

    decisions: dict[str, Decision] = field(default_factory=dict)
    tags: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)      # investor id -> note (rich text)
    history: tuple[ReviewEntry, ...] = ()

    def history_of(self, investor_id: str) -> tuple[ReviewEntry, ...]:
        return tuple(e for e in self.history if e.investor_id == investor_id)

    def all_tags(self) -> tuple[str, ...]:
        return tuple(sorted({t for tags in self.tags.values() for t in tags}))


EMPTY_WORK = CaseWorkSnapshot()


def case_work(store) -> CaseWorkSnapshot:
    """Read the snapshot from an open ``CaseStore``."""
    history = []
    for entry in store.audit_entries():
        if entry.action in REVIEW_ACTIONS and "investor_id" in entry.details:
            d = entry.details
            history.append(ReviewEntry(entry.seq, entry.time, entry.user, entry.action, str(d["investor_id"]),
                                       str(d.get("decision", d.get("tag", ""))), str(d.get("reason", ""))))
    return CaseWorkSnapshot(
        decisions=store.decisions(), tags={k: tuple(v) for k, v in store.tags().items()},
        notes={n.investor_id: n.text for n in store.notes() if n.investor_id is not None and n.text},
        history=tuple(history))
