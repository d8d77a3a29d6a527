"""Demo accounts, La Libertad's districts and a census (printed by `make run`). Demo only.

Every document number here is made up. The census is drawn with a fixed seed, so
each run builds the same people; running `seed` twice changes nothing.
"""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from .census import document_hash
from .census_import import census_import_file
from .districts import districts_load
from .models import Area, CensusRecord, District, User
from .roles import ADMINISTRATOR, MODERATOR, OFFICER


@dataclass(frozen=True)
class DemoPerson:
    """A census row with the details a tester types into the verification form."""

    document: str
    birth_date: date
    district_code: str
    gender: str


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    groups: tuple[str, ...] = ()
    staff: bool = False
    superuser: bool = False
    verified_as: DemoPerson | None = None
    display_name: str = ""  # the public name beside what this account writes (else a neutral generated one)


# In the census but bound to no account: the unverified demo citizen can verify with it.
UNBOUND_PERSON = DemoPerson("45678912", date(1990, 5, 20), "130901", "female")

DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin@demo.decide",
        "demo-admin-pass",
        "administrator",
        (ADMINISTRATOR,),
        staff=True,
        superuser=True,
        display_name="Administración regional",
    ),
    DemoLogin(
        "moderator@demo.decide",
        "demo-moderator-pass",
        "moderator",
        (MODERATOR,),
        staff=True,
        display_name="Equipo de moderación",
    ),
    # Officers act in people's names at the desk: the acts list and the audit log show who it was.
    DemoLogin(
        "officer@demo.decide", "demo-officer-pass", "officer", (OFFICER,), staff=True, display_name="Marta Quispe"
    ),
    DemoLogin(
        "citizen@demo.decide",
        "demo-citizen-pass",
        f"citizen (verify: DNI {UNBOUND_PERSON.document}, {UNBOUND_PERSON.birth_date:%d/%m/%Y})",
    ),
    DemoLogin(
        "rosa@demo.decide",
        "demo-citizen-pass",
        "verified citizen (rural, woman: Bambamarca)",
        verified_as=DemoPerson("41230001", date(1978, 3, 14), "130302", "female"),
        display_name="Rosa Huamán",
    ),
    DemoLogin(
        "juan@demo.decide",
        "demo-citizen-pass",
        "verified citizen (rural, man: Usquil)",
        verified_as=DemoPerson("41230002", date(1965, 11, 2), "130614", "male"),
        display_name="Juan Rodríguez",
    ),
    DemoLogin(
        "lucia@demo.decide",
        "demo-citizen-pass",
        "verified citizen (urban, woman: El Porvenir)",
        verified_as=DemoPerson("41230003", date(1996, 8, 30), "130102", "female"),
        display_name="Lucía Vega",
    ),
    DemoLogin(
        "carlos@demo.decide",
        "demo-citizen-pass",
        "verified citizen (urban, man: Trujillo)",
        verified_as=DemoPerson("41230004", date(1988, 1, 21), "130101", "male"),
        display_name="Carlos Mendoza",
    ),
)

# The receipt code Rosa was shown when she voted in the demo's closed consultation (votes.demo_results): typed on
# that poll's receipt page, it finds her ballot in the public bulletin. `manage.py demo_logins` prints it.
DEMO_RECEIPT_EMAIL = "rosa@demo.decide"
DEMO_RECEIPT_CODE = "ROSA-2026-DEMO-RECIBO"

CENSUS_SIZE = 3000
CENSUS_SEED = 1303


def seed_accounts() -> dict[str, User]:
    """Create or refresh the demo accounts; running it twice changes nothing."""
    users: dict[str, User] = {}
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User(email=login.email, username=login.email)
            user.set_password(login.password)
        if login.display_name:
            user.display_name = login.display_name
        user.is_staff = login.staff
        user.is_superuser = login.superuser
        if login.verified_as is not None and user.census_record_id is None:
            user.census_record = _demo_record(login.verified_as)
            user.verified_at = timezone.now()
        user.save()
        for name in login.groups:
            user.groups.add(Group.objects.get(name=name))
        EmailAddress.objects.update_or_create(
            user=user, email=login.email, defaults={"verified": True, "primary": True}
        )
        users[login.email] = user
    return users


def seed_census() -> None:
    """La Libertad's districts and a census of a few thousand people, through the real import."""
    districts_load()
    if CensusRecord.objects.filter(document_hash=document_hash(_census_rows()[0][0])).exists():
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo-census-la-libertad.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(("document_number", "birth_date", "district_code", "gender"))
            writer.writerows(_census_rows())
        census_import_file(path=path, file_name=path.name)


def seed() -> None:
    seed_census()
    seed_accounts()


def _census_rows() -> list[tuple[str, str, str, str]]:
    """Fixed-seed people: urban districts weigh more (as in La Libertad), genders roughly half and half."""
    districts = list(District.objects.filter(code__startswith="13").values_list("code", "area").order_by("code"))
    weights = [6 if area == Area.URBAN else 1 for _code, area in districts]
    rng = random.Random(CENSUS_SEED)
    rows = []
    first_day = date(1940, 1, 1)
    span = (date(2008, 1, 1) - first_day).days
    for number in range(CENSUS_SIZE):
        ((code, _area),) = rng.choices(districts, weights=weights)
        gender = rng.choices(("female", "male", "another", "unknown"), weights=(505, 485, 3, 7))[0]
        born = first_day + timedelta(days=rng.randrange(span))
        rows.append((f"{70000000 + number * 7919 % 10000000:08d}", born.isoformat(), code, gender))
    person = UNBOUND_PERSON
    rows.append((person.document, person.birth_date.isoformat(), person.district_code, person.gender))
    return rows


def _demo_record(person: DemoPerson) -> CensusRecord:
    district = District.objects.filter(code=person.district_code).first()
    if district is None:
        districts_load()
        district = District.objects.get(code=person.district_code)
    record, _created = CensusRecord.objects.get_or_create(
        document_hash=document_hash(person.document),
        defaults={
            "birth_date": person.birth_date,
            "district": district,
            "gender": person.gender,
            "area": district.area,
        },
    )
    return record
