"""Regions, provinces and districts from a data file (Peru's ubigeo codes for the demo)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from django.db import transaction

from .models import Area, District, Province, Region

LA_LIBERTAD = Path(__file__).resolve().parent / "data" / "la_libertad.csv"
_Place = TypeVar("_Place", Region, Province, District)
COLUMNS = ("region_code", "region_name", "province_code", "province_name", "district_code", "district_name", "area")


class DistrictFileError(ValueError):
    """The district file cannot be loaded; the message says which line and why."""


@dataclass(frozen=True)
class DistrictLoadResult:
    regions: int
    provinces: int
    districts: int
    created: int


@transaction.atomic
def districts_load(*, path: Path = LA_LIBERTAD) -> DistrictLoadResult:
    """Create or refresh every region, province and district in the file; loading twice changes nothing."""
    regions: dict[str, Region] = {}
    provinces: dict[str, Province] = {}
    districts = created = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise DistrictFileError(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            if row["area"] not in Area.values or not row["district_code"].startswith(row["province_code"]):
                raise DistrictFileError(f"{path.name} line {line}: bad area or a district outside its province")
            region = regions.get(row["region_code"])
            if region is None:
                region = _refresh(Region, row["region_code"], name=row["region_name"])
                regions[region.code] = region
            province = provinces.get(row["province_code"])
            if province is None:
                province = _refresh(Province, row["province_code"], name=row["province_name"], region=region)
                provinces[province.code] = province
            existed = District.objects.filter(code=row["district_code"]).exists()
            _refresh(District, row["district_code"], name=row["district_name"], province=province, area=row["area"])
            districts += 1
            created += 0 if existed else 1
    return DistrictLoadResult(len(regions), len(provinces), districts, created)


def _refresh(model: type[_Place], code: str, **values: object) -> _Place:
    """Get by code; write only when something differs, so a second load touches no row."""
    obj = model.objects.filter(code=code).first()
    if obj is None:
        obj = model(code=code, **values)
    elif all(getattr(obj, name) == value for name, value in values.items()):
        return obj
    else:
        for name, value in values.items():
            setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj
