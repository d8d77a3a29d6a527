"""The census predicates as template filters, so templates ask the same question as views."""

from __future__ import annotations

from django import template

from accounts import permissions

register = template.Library()


@register.filter
def is_verified_citizen(user: object) -> bool:
    return permissions.is_verified_citizen(user)


@register.filter
def can_assist_verification(user: object) -> bool:
    return permissions.can_assist_verification(user)


@register.filter
def can_verify_self(user: object) -> bool:
    return permissions.can_verify_self(user)
