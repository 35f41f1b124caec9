"""Link-chart annotations: a text box pinned to an investor (node) or a link (edge), kept in
the case per event as a document (``engine.case.documents``), each change logged, and
printed in the packet.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import UsageError

KINDS: tuple[str, ...] = ("node", "edge")


def annotations_key(event_id: str) -> str:
    """The case document holding the annotations of one event's link chart."""
    return f"annotations:{event_id}"


@dataclass(frozen=True)
class Annotation:
    """Text pinned to a node (one investor id) or an edge (two ids, text order)."""

    kind: str
    ids: tuple[str, ...]
    text: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UsageError(f"an annotation is pinned to a node or an edge, not {self.kind!r}")
        if len(self.ids) != (1 if self.kind == "node" else 2) or not all(isinstance(i, str) and i for i in self.ids):
            raise UsageError(f"an annotation on a {self.kind} names {'one investor' if self.kind == 'node' else 'two investors'}")
        if self.kind == "edge" and self.ids[0] >= self.ids[1]:
            object.__setattr__(self, "ids", tuple(sorted(self.ids)))
            if self.ids[0] == self.ids[1]:
                raise UsageError("an annotated link joins two different investors")

    @property
    def target(self) -> str:
        """Readable target: the investor id, or 'A – B'."""
        return " – ".join(self.ids)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ids": list(self.ids), "text": self.text}


def annotations_from_document(document: Any) -> tuple[Annotation, ...]:
    """The annotations of a case document (none when absent); a bad document is a UsageError."""
    if document is None:
        return ()
    if not isinstance(document, list):
        raise UsageError("the case's link-chart annotations are not understood")
    out = []
    for item in document:
        if not isinstance(item, dict) or set(item) != {"kind", "ids", "text"} or not isinstance(item["ids"], list):
            raise UsageError(f"a link-chart annotation is not understood: {item!r}")
        out.append(Annotation(str(item["kind"]), tuple(str(i) for i in item["ids"]), str(item["text"])))
    return tuple(out)


def annotations_document(annotations: tuple[Annotation, ...]) -> list[dict[str, Any]]:
    """The case document: one entry per target (the last text wins), sorted by target."""
    by_target = {(a.kind, a.ids): a for a in annotations}
    return [by_target[k].to_dict() for k in sorted(by_target)]
