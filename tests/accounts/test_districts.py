"""La Libertad's twelve provinces and their districts load from the data file, twice without change."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import District, Province, Region


@pytest.mark.django_db
def test_load_districts_builds_la_libertad_and_is_idempotent() -> None:
    call_command("load_districts")
    region = Region.objects.get(code="13")
    assert region.name == "La Libertad"
    provinces = dict(Province.objects.filter(region=region).values_list("code", "name"))
    assert provinces == {
        "1301": "Trujillo", "1302": "Ascope", "1303": "Bolívar", "1304": "Chepén", "1305": "Julcán",
        "1306": "Otuzco", "1307": "Pacasmayo", "1308": "Pataz", "1309": "Sánchez Carrión",
        "1310": "Santiago de Chuco", "1311": "Gran Chimú", "1312": "Virú",
    }  # fmt: skip
    for province in Province.objects.all():
        areas = set(province.districts.values_list("area", flat=True))
        assert province.districts.count() >= 3, province.name
        assert all(d.code.startswith(province.code) and len(d.code) == 6 for d in province.districts.all())
        assert areas <= {"rural", "urban"}
    assert set(District.objects.values_list("area", flat=True)) == {"rural", "urban"}
    assert District.objects.get(code="130101").name == "Trujillo"

    before = list(District.objects.values_list("pk", "code", "name", "area", "province_id"))
    call_command("load_districts")
    assert list(District.objects.values_list("pk", "code", "name", "area", "province_id")) == before
