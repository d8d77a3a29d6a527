"""Word-level differences between two versions of a bill, per article and for the whole text.

difflib.SequenceMatcher over word tokens (the standard library), rather than
diff-match-patch: dmp diffs characters and needs its "encode each word as a character"
recipe to work on words, while SequenceMatcher takes the token lists as they are. Tokens
keep their trailing whitespace, so joining them gives back the exact text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

_TOKEN = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    op: str  # "same", "added", "removed"
    text: str


@dataclass(frozen=True)
class SectionDiff:
    key: str
    kind: str
    label: str
    status: str  # "same", "changed", "added", "removed"
    pieces: list[Piece]


def words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def diff_words(old: str, new: str) -> list[Piece]:
    a, b = words(old), words(new)
    # autojunk off: in a long article common words ("de", "la") must still anchor the alignment.
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    pieces: list[Piece] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(a[a0:a1])))
            continue
        if a1 > a0:
            pieces.append(Piece("removed", "".join(a[a0:a1])))
        if b1 > b0:
            pieces.append(Piece("added", "".join(b[b0:b1])))
    return pieces


def _label(section: dict[str, Any]) -> str:
    number = f"{section.get('number', '')}".strip()
    heading = section.get("heading", "")
    return " ".join(part for part in (number, heading) if part)


def _full_text(section: dict[str, Any]) -> str:
    heading = section.get("heading", "")
    return f"{heading}\n{section['text']}" if heading else str(section["text"])


def diff_versions(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[SectionDiff]:
    """Sections matched by their stable key, in the new version's order; removed ones where they were."""
    old_by_key = {s["key"]: s for s in old}
    new_keys = {s["key"] for s in new}
    result: list[SectionDiff] = []
    pending_removed = [s for s in old if s["key"] not in new_keys]
    for section in new:
        before = old_by_key.get(section["key"])
        while pending_removed and before is not None and old.index(pending_removed[0]) < old.index(before):
            gone = pending_removed.pop(0)
            result.append(
                SectionDiff(gone["key"], gone["kind"], _label(gone), "removed", [Piece("removed", _full_text(gone))])
            )
        if before is None:
            result.append(
                SectionDiff(
                    section["key"], section["kind"], _label(section), "added", [Piece("added", _full_text(section))]
                )
            )
            continue
        pieces = diff_words(_full_text(before), _full_text(section))
        changed = any(piece.op != "same" for piece in pieces) or before.get("number") != section.get("number")
        result.append(
            SectionDiff(section["key"], section["kind"], _label(section), "changed" if changed else "same", pieces)
        )
    for gone in pending_removed:
        result.append(
            SectionDiff(gone["key"], gone["kind"], _label(gone), "removed", [Piece("removed", _full_text(gone))])
        )
    return result
