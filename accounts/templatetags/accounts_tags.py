"""The census predicates as template filters, so templates ask the same question as views."""

from __future__ import annotations

from django import template

from accounts import permissions
from accounts.permissions import Actor

register = template.Library()


@register.filter
def is_verified_citizen(user: Actor) -> bool:
    return permissions.is_verified_citizen(user)


@register.filter
def can_assist_verification(user: Actor) -> bool:
    return permissions.can_assist_verification(user)


@register.filter
def can_verify_self(user: Actor) -> bool:
    return permissions.can_verify_self(user)
