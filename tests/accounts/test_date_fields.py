"""Date fields: a calendar where the browser has one, a typed date where it has not (old phones), in any language."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.utils import translation

from accounts.audit_admin import AuditFilterForm
from accounts.forms import CensusDetailsForm, DateInputWithFallback, TypedDateField
from proposals.followup.forms import AnswerForm, MilestoneForm
from votes.forms import BoothLookupForm

FORMS: list[type[forms.Form]] = [CensusDetailsForm, BoothLookupForm, AnswerForm, MilestoneForm, AuditFilterForm]


class _Birth(forms.Form):
    born = TypedDateField()


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
def test_every_date_field_is_a_calendar_with_a_typed_fallback(form_class: type[forms.Form]) -> None:
    dates = {name: f for name, f in form_class.base_fields.items() if isinstance(f, forms.DateField)}
    assert dates
    for name, field in dates.items():
        assert isinstance(field, TypedDateField), name
        assert isinstance(field.widget, DateInputWithFallback), name


@pytest.mark.parametrize("language", ["es", "en", "fr"])
@pytest.mark.parametrize("typed", ["1984-07-28", "28/07/1984", "28-07-1984", "28.07.1984"])
def test_a_date_typed_by_hand_is_understood_in_every_language(language: str, typed: str) -> None:
    with translation.override(language):
        form = _Birth({"born": typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["born"] == date(1984, 7, 28)


def test_the_value_is_written_iso_or_the_calendar_shows_nothing() -> None:
    with translation.override("es"):
        html = str(_Birth(initial={"born": date(2026, 12, 1)})["born"])
    assert 'type="date"' in html and 'value="2026-12-01"' in html
