"""Reproducible data for the figures: fixed seeds, bulk COPY through psycopg, never one ORM save per row.

Runs inside the harness process after django.setup() (production settings, the bench database).
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

GENDERS = ("female", "male", "another", "unknown")
GENDER_WEIGHTS = (50, 48, 1, 1)
# Document number ranges keep the populations apart (census file, stats census, voters, authors).
DOC_CENSUS_FILE = 20_000_000
DOC_STATS = 40_000_000
DOC_VOTERS = 60_000_000
DOC_AUTHORS = 70_000_000
TIMINGS: dict[str, float] = {}  # phases of the last cast_ballots, for the log
_next_document = DOC_AUTHORS


def documents(n: int) -> int:
    """The first of `n` document numbers that no other figure of this run has used.

    The figures of one run share one database, where a document's hash is unique: ranges picked by hand
    (DOC_AUTHORS + 5000 in two figures) collided as figures grew. Ask here instead.
    """
    global _next_document
    first = _next_document
    _next_document += n
    if _next_document > DOC_AUTHORS + 10_000_000:
        raise ValueError("the authors' document range is used up")
    return first


class _PerRow:
    """A callable default (a random short code, a UUID): called once for each row, never shared by all rows.

    Values repeat inside one COPY are drawn again: 10,000 five-character short codes out of 33
    million collide about once in a run (the birthday bound), which crashed the full pages figure.
    """

    def __init__(self, make: Any) -> None:
        self._make = make
        self._seen: set[Any] = set()

    def make(self) -> Any:
        value = self._make()
        while value in self._seen:
            value = self._make()
        self._seen.add(value)
        return value


def _fill(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], list[Any]]:
    """Columns for every concrete field, with defaults for the ones not given (fields other work may add).

    A unique field with a callable default (Proposal.short_code) gets a fresh value per row: one value
    for a whole COPY would break its unique constraint at the second row.
    """
    now = timezone.now()
    columns: list[str] = []
    defaults: list[Any] = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in given:
            continue
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default() and callable(field.default) and field.unique:
            value = _PerRow(field.get_default)
        elif field.has_default():
            value = field.get_default()
            if isinstance(value, dict | list):
                import json

                value = json.dumps(value)
        elif field.null:
            continue
        elif isinstance(field, models.CharField | models.TextField):
            value = ""
        elif isinstance(field, models.BooleanField):
            value = False
        else:
            raise ValueError(f"{model.__name__}.{name} has no default; the generator must give it")
        columns.append(field.column)
        defaults.append(value)
    return columns, defaults


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY `rows` (values for `fields`, attnames) into the model's table; other fields get their defaults."""
    extra_cols, extra_vals = _fill(model, fields)
    columns = [_column(model, f) for f in fields] + extra_cols
    sql = f'COPY "{model._meta.db_table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) FROM STDIN'
    connection.ensure_connection()
    raw = connection.connection
    count = 0
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, *(v.make() if isinstance(v, _PerRow) else v for v in extra_vals)))
            count += 1
    return count


def _column(model: type[models.Model], attname: str) -> str:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return str(field.column)
    raise ValueError(f"{model.__name__} has no field {attname}")


def geography() -> list[tuple[int, str]]:
    """Four provinces of six districts, half rural: (district id, area). Bench-only codes."""
    from accounts.models import District, Province, Region

    region, _ = Region.objects.get_or_create(code="B1", defaults={"name": "Bench Region"})
    out = []
    for p in range(4):
        province, _ = Province.objects.get_or_create(
            code=f"B1{p:02d}", defaults={"region": region, "name": f"Bench Province {p}"}
        )
        for d in range(6):
            district, _ = District.objects.get_or_create(
                code=f"B{p}{d:02d}",
                defaults={
                    "province": province,
                    "name": f"Bench District {p}-{d}",
                    "area": "rural" if d % 2 else "urban",
                },
            )
            out.append((district.pk, district.area))
    return out


def district_codes() -> list[tuple[str, str]]:
    from accounts.models import District

    return list(District.objects.filter(code__startswith="B").values_list("code", "area"))


def birth(rng: random.Random) -> date:
    return date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 65))


def census_csv(path: str, n: int, seed: int = 8) -> None:
    """A census file as administrators upload it: document_number, birth_date, district_code, gender."""
    rng = random.Random(seed)
    codes = [c for c, _ in district_codes()]
    with open(path, "w", encoding="utf-8") as out:
        out.write("document_number,birth_date,district_code,gender\n")
        for i in range(n):
            gender = rng.choices(GENDERS, GENDER_WEIGHTS)[0]
            out.write(f"{DOC_CENSUS_FILE + i},{birth(rng).isoformat()},{rng.choice(codes)},{gender}\n")


def census_records(n: int, *, first_document: int, seed: int) -> range:
    """COPY n census records; returns the range of their ids."""
    from accounts.census import document_hash
    from accounts.models import CensusRecord

    rng = random.Random(seed)
    districts = geography()
    before = CensusRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(n):
            district, area = rng.choice(districts)
            gender = rng.choices(GENDERS, GENDER_WEIGHTS)[0]
            yield (document_hash(str(first_document + i)), birth(rng), district, gender, area)

    copy_rows(CensusRecord, ["document_hash", "birth_date", "district_id", "gender", "area"], rows())
    ids = list(CensusRecord.objects.filter(pk__gt=before).order_by("pk").values_list("pk", flat=True))
    return range(ids[0], ids[-1] + 1) if ids else range(0)


def verified_users(n: int, *, first_document: int, seed: int, prefix: str) -> list[tuple[int, str]]:
    """n verified citizens (own census record, confirmed email) each with a signed-in session.

    Returns (user id, session key). Sessions are written directly: the figures measure casting
    a ballot, not PBKDF2 (a sign-in hashes the password on purpose slowly, once a session).
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from accounts.models import User

    census = census_records(n, first_document=first_document, seed=seed)
    password = make_password("bench-voter-password")
    now = timezone.now()
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    emails = [f"{prefix}{i}@bench.invalid" for i in range(n)]
    copy_rows(
        User,
        ["id", "password", "username", "email", "is_active", "date_joined", "census_record_id", "verified_at"],
        ((first_user + i, password, emails[i], emails[i], True, now, census[i], now) for i in range(n)),
    )
    with connection.cursor() as cur:  # keep the sequence ahead of the ids written by hand
        cur.execute(
            # table name from the model, not from input
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), (SELECT max(id) FROM " + User._meta.db_table + "))",  # noqa: S608
            [User._meta.db_table],
        )
    copy_rows(
        EmailAddress,
        ["user_id", "email", "verified", "primary"],
        ((first_user + i, emails[i], True, True) for i in range(n)),
    )
    auth_hash = User(password=password).get_session_auth_hash()
    store = SessionStore()
    expire = now + timedelta(days=1)
    sessions = []
    for i in range(n):
        key = secrets.token_hex(16)  # not from the seed: two figures with one seed would share keys
        data = store.encode(
            {
                "_auth_user_id": str(first_user + i),
                "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": auth_hash,
            }
        )
        sessions.append((first_user + i, key, data))
    copy_rows(Session, ["session_key", "session_data", "expire_date"], ((k, d, expire) for _, k, d in sessions))
    return [(u, k) for u, k, _ in sessions]


def process_page(*, vote_open: bool) -> Any:
    """One published process under the home page, every phase open now (vote optional)."""
    from wagtail.models import Page

    from proposals.models import ProcessPage

    now = timezone.now()
    day = timedelta(days=1)
    values: dict[str, Any] = {}
    for phase in ("proposals", "supports", "debate", "vote"):
        values[f"{phase}_opens"] = now - day
        values[f"{phase}_closes"] = now + 30 * day
    if not vote_open:
        values["vote_opens"], values["vote_closes"] = now - 20 * day, now - 10 * day
    values["results_on"] = values["vote_closes"]
    parent = Page.objects.filter(depth=2).first() or Page.get_first_root_node()
    page = ProcessPage(title="Bench process", slug=f"bench-{uuid.uuid4().hex[:10]}", intro="Benchmark.", **values)
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def proposals(process: Any, n: int, *, author_id: int, seed: int) -> list[int]:
    """n published proposals in `process`; returns their ids (newest first as lists show them)."""
    from proposals.models import Proposal

    rng = random.Random(seed)
    now = timezone.now()
    before = Proposal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    words = [
        "agua",
        "riego",
        "escuela",
        "camino",
        "posta",
        "salud",
        "puente",
        "mercado",
        "parque",
        "luz",
        "internet",
        "bus",
    ]
    copy_rows(
        Proposal,
        ["process_id", "title", "summary", "body", "author_id", "kind", "status", "support_count", "published_at"],
        (
            (
                process.pk,
                f"Propuesta {i}: {' '.join(rng.sample(words, 3))}",
                " ".join(rng.choices(words, k=30))[:500],
                "<p>" + " ".join(rng.choices(words, k=120)) + "</p>",
                author_id,
                "citizen",
                "published",
                rng.randrange(0, 500),
                now - timedelta(minutes=i),
            )
            for i in range(n)
        ),
    )
    return list(Proposal.objects.filter(pk__gt=before).values_list("pk", flat=True))


def comments(proposal_id: int, n: int, *, author_ids: Sequence[int], seed: int) -> None:
    from proposals.models import Comment

    rng = random.Random(seed)
    now = timezone.now()
    words = [
        "creo",
        "que",
        "esto",
        "ayuda",
        "mucho",
        "a",
        "la",
        "comunidad",
        "pero",
        "falta",
        "presupuesto",
        "y",
        "plazos",
        "claros",
    ]
    copy_rows(
        Comment,
        ["proposal_id", "author_id", "body", "stance", "created_at"],
        (
            (
                proposal_id,
                rng.choice(author_ids),
                "<p>" + " ".join(rng.choices(words, k=40)) + "</p>",
                rng.choice(("for", "neutral", "against")),
                now - timedelta(seconds=n - i),
            )
            for i in range(n)
        ),
    )


def poll(process: Any, *, open_now: bool, options: Sequence[str] = ("Sí", "No", "Abstención")) -> Any:
    from votes.models import Option, Poll, Question

    now = timezone.now()
    if open_now:
        opens, closes = now - timedelta(hours=1), now + timedelta(days=1)
    else:
        opens, closes = now - timedelta(days=20), now - timedelta(days=10)
    p = Poll.objects.create(process=process, title="Consulta de prueba", opens_at=opens, closes_at=closes)
    question = Question.objects.create(poll=p, text="¿Aprueba la ley?", position=0)
    for i, label in enumerate(options):
        Option.objects.create(question=question, label=label, position=i)
    return p


def _insert_select(model: type[models.Model], columns: Sequence[str], select: str, params: Sequence[Any]) -> str:
    """`INSERT INTO table (columns + defaulted fields) SELECT ...`: one statement, no round trips."""
    extra_cols, extra_vals = _fill(model, columns)
    if any(isinstance(v, _PerRow) for v in extra_vals):
        raise ValueError(f"{model.__name__} has a per-row default; give it in the SELECT")
    cols = [_column(model, c) for c in columns] + extra_cols
    select_list, _, rest = select.partition(" FROM ")
    placeholders = "".join(", %s" for _ in extra_vals)
    quoted = ", ".join(f'"{c}"' for c in cols)
    sql = f'INSERT INTO "{model._meta.db_table}" ({quoted}) {select_list}{placeholders} FROM {rest}'
    with connection.cursor() as cur:
        cur.execute(sql, [*params[: select_list.count("%s")], *extra_vals, *params[select_list.count("%s") :]])
    return sql


def _foreign_key_triggers(*, enabled: bool) -> bool:
    """Turn this session's foreign-key triggers off (rows built from existing rows need no checking) or on.

    `session_replication_role` needs a superuser; without one the load is only slower.
    """
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET session_replication_role = %s", ["origin" if enabled else "replica"])
    except DatabaseError:
        return False
    return True


def _drop_plain_indexes(tables: Sequence[str]) -> list[str]:
    """Drop the indexes that back no constraint (they are rebuilt after the load); return their definitions."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
            [list(tables)],
        )
        rows = cur.fetchall()
        for name, _definition in rows:
            cur.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def cast_ballots(poll_obj: Any, census_ids: range, *, seed: int) -> int:
    """One web participation + ballot + choice per census record, as ballot_cast would write them.

    Written by the server itself (INSERT ... SELECT over the census): a million ballots in
    seconds. The option each person chose is a fixed function of their census id and `seed`
    (weights 5:3:1), so every run writes the same results.
    """
    import time

    from accounts.models import CensusRecord
    from votes.models import Ballot, BallotChoice, Participation

    t0 = time.perf_counter()
    tables = [m._meta.db_table for m in (Participation, Ballot, BallotChoice)]
    rebuild = _drop_plain_indexes(tables)
    fk_checks_off = _foreign_key_triggers(enabled=False)
    options = list(poll_obj.questions.first().options.order_by("position").values_list("pk", flat=True))
    assert len(options) == 3, "the generator's poll has three options"
    census = CensusRecord._meta.db_table
    lo, hi = census_ids.start, census_ids.stop - 1
    _insert_select(
        Participation,
        ["id", "poll_id", "census_record_id", "channel", "day", "gender", "area"],
        f"SELECT gen_random_uuid(), %s, c.id, 'web', %s, c.gender, c.area FROM \"{census}\" c "  # noqa: S608
        "WHERE c.id BETWEEN %s AND %s",
        [poll_obj.pk, timezone.localdate(), lo, hi],
    )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_cast")
        cur.execute(
            f"CREATE TEMP TABLE bench_cast AS SELECT gen_random_uuid() AS id, c.gender, c.area, "  # noqa: S608
            f'(hashtext(c.id::text || %s) & 2147483647) %% 9 AS pick FROM "{census}" c WHERE c.id BETWEEN %s AND %s',
            [str(seed), lo, hi],
        )
        count = cur.rowcount
    _insert_select(
        Ballot,
        ["id", "poll_id", "gender", "area", "receipt_hash"],
        "SELECT b.id, %s, b.gender, b.area, md5(b.id::text) || md5(b.id::text || 'receipt') FROM bench_cast b",
        [poll_obj.pk],
    )
    _insert_select(
        BallotChoice,
        ["id", "ballot_id", "option_id", "poll_id", "gender", "area"],
        "SELECT gen_random_uuid(), b.id, CASE WHEN b.pick < 5 THEN %s WHEN b.pick < 8 THEN %s ELSE %s END, %s, "
        "b.gender, b.area FROM bench_cast b",
        [*options, poll_obj.pk],
    )
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_cast")
        if fk_checks_off:
            _foreign_key_triggers(enabled=True)
        TIMINGS["insert_s"] = time.perf_counter() - t0
        for definition in rebuild:  # one sorted build each instead of a million scattered inserts
            cur.execute(definition)
        TIMINGS["index_s"] = time.perf_counter() - t0 - TIMINGS["insert_s"]
    with connection.cursor() as cur:
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that
        # index-only scans need. Both the naive SQL and Decide's code read the same state.
        for model in (CensusRecord, Participation, Ballot, BallotChoice):
            cur.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    TIMINGS["vacuum_s"] = time.perf_counter() - t0 - TIMINGS["insert_s"] - TIMINGS["index_s"]
    return count
