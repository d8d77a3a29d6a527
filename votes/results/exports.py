"""Open data: results, statistics and the bulletin as CSV and JSON, each with its SHA-256 beside it.

Each export is a deterministic stream of bytes (no generation timestamp, fixed
ordering), so the file and its `.sha256` are computed from the same generator and
always agree, and the bulletin of a million ballots streams in chunks instead of
sitting in memory.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from votes.models import BallotChoice, Option, Poll
from votes.results.outcome import PollOutcome
from votes.results.published import ALL, QuestionResults, StageStats, poll_outcome, poll_publication
from votes.results.stats import cells

DATASETS: tuple[str, ...] = ("results", "outcome", "statistics", "bulletin")
FORMATS: dict[str, str] = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
_CHUNK_ROWS = 5000


def _csv_lines(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if value is None else value for value in row])
        if n % _CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _json_bytes(document: dict[str, Any]) -> Iterator[bytes]:
    yield json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode()


def _poll_header(poll: Poll, threshold: int) -> dict[str, Any]:
    return {
        "poll": poll.pk,
        "title": poll.title,
        "closed_at": poll.closes_at.isoformat(),
        "results_published_at": poll.results_published_at.isoformat() if poll.results_published_at else None,
        "suppression_threshold": threshold,
        "suppressed_value": None,
    }


def statistics_records(stages: list[StageStats]) -> list[dict[str, Any]]:
    return [
        {
            "stage": row.stage,
            "gender": row.gender,
            "area": row.area,
            "participants": row.participants,
            "eligible": row.eligible,
            "participation_rate": None if row.rate is None else round(row.rate, 6),
            "representation_index": None if row.representation_index is None else round(row.representation_index, 6),
            "suppressed": row.suppressed,
        }
        for stage in stages
        for row in stage.rows
    ]


def results_records(questions: list[QuestionResults]) -> list[dict[str, Any]]:
    """Long format: one row per question, option (or all options) and group; booth ballots are `unattributed`."""
    records: list[dict[str, Any]] = []
    for question in questions:
        base = {"question_id": question.question_id, "question": question.text}
        for option in question.options:
            head = {**base, "option_id": option.option_id, "option": option.label}
            for (gender, area), votes in zip(cells(), option.cells, strict=True):
                records.append({**head, "group": f"{gender}/{area}", "votes": votes, "suppressed": votes is None})
            records.append({**head, "group": "unattributed", "votes": option.unattributed, "suppressed": False})
            records.append({**head, "group": ALL, "votes": option.total, "suppressed": False})
        head = {**base, "option_id": None, "option": ALL}
        for (gender, area), votes in zip(cells(), question.cell_totals, strict=True):
            records.append({**head, "group": f"{gender}/{area}", "votes": votes, "suppressed": votes is None})
        records.append({**head, "group": "unattributed", "votes": question.unattributed_total, "suppressed": False})
        records.append({**head, "group": ALL, "votes": question.total, "suppressed": False})
    return records


def outcome_records(outcome: PollOutcome, labels: dict[int, str]) -> list[dict[str, Any]]:
    """One row per question: the rule, the quorum and whether it was met, and the winner (if any) with the counts."""
    return [
        {
            "question_id": question.question_id,
            "rule": outcome.rule,
            "status": question.status,
            "winner_option_id": question.winner,
            "winner": labels.get(question.winner) if question.winner is not None else None,
            "votes_cast": question.cast,
            "blank_votes": question.blank,
            "valid_votes": question.valid,
            "votes_needed": question.needed,
            "quorum_percent": outcome.quorum_percent,
            "participants": outcome.participants,
            "eligible": outcome.eligible,
            "binding": outcome.binding,
        }
        for question in outcome.questions
    ]


def poll_outcome_records(poll: Poll, threshold: int) -> list[dict[str, Any]]:
    labels = dict(Option.objects.filter(question__poll=poll).values_list("id", "label"))
    return outcome_records(poll_outcome(poll, threshold), labels)


def _bulletin_rows(poll: Poll) -> Iterator[tuple[str, int, int, str]]:
    """Every web choice by receipt hash, in hash order: no demographics, nothing that follows casting order."""
    return (
        BallotChoice.objects.filter(poll=poll)
        .order_by("ballot__receipt_hash", "option__question__position", "option__question_id", "option__position")
        .values_list("ballot__receipt_hash", "option__question_id", "option_id", "option__label")
        .iterator(chunk_size=_CHUNK_ROWS)
    )


def _bulletin_json(poll: Poll, threshold: int) -> Iterator[bytes]:
    header = _poll_header(poll, threshold)
    header.pop("suppressed_value")
    header.pop("suppression_threshold")
    opening = json.dumps(header, ensure_ascii=False, sort_keys=True)[:-1]
    yield (opening + ', "choices": [\n').encode()
    chunk: list[str] = []
    first = True
    for receipt, question_id, option_id, label in _bulletin_rows(poll):
        item = json.dumps(
            {"receipt_hash": receipt, "question_id": question_id, "option_id": option_id, "option": label},
            ensure_ascii=False,
            sort_keys=True,
        )
        chunk.append(item if first else ",\n" + item)
        first = False
        if len(chunk) >= _CHUNK_ROWS:
            yield "".join(chunk).encode()
            chunk = []
    chunk.append("\n]}\n")
    yield "".join(chunk).encode()


def export_stream(poll: Poll, dataset: str, fmt: str, threshold: int) -> Iterator[bytes]:
    """The bytes of one export. Callers check publication first; unknown names raise ValueError."""
    if dataset not in DATASETS or fmt not in FORMATS:
        raise ValueError(f"unknown export {dataset}.{fmt}")
    if dataset == "bulletin":
        if fmt == "csv":
            header = ["receipt_hash", "question_id", "option_id", "option"]
            return _csv_lines(header, (list(row) for row in _bulletin_rows(poll)))
        return _bulletin_json(poll, threshold)
    if dataset == "outcome":
        records = poll_outcome_records(poll, threshold)
    else:
        stages, questions = poll_publication(poll, threshold)
        records = results_records(questions) if dataset == "results" else statistics_records(stages)
    if fmt == "json":
        return _json_bytes({**_poll_header(poll, threshold), dataset: records})
    header = list(records[0]) if records else ["suppressed"]
    return _csv_lines(header, ([record[key] for key in header] for record in records))


def export_checksum(poll: Poll, dataset: str, fmt: str, threshold: int) -> str:
    digest = hashlib.sha256()
    for chunk in export_stream(poll, dataset, fmt, threshold):
        digest.update(chunk)
    return digest.hexdigest()


def export_filename(poll: Poll, dataset: str, fmt: str) -> str:
    return f"poll-{poll.pk}-{dataset}.{fmt}"
