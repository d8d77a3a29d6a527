"""Paging for the open-data API: a page past the last one is a clear 404, not an empty page."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination

PAGE_SIZE = 20


class StrictPageNumberPagination(PageNumberPagination):
    """Page numbers past the last page are a clear 404, not an empty page that looks like 'no data'."""

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        count = self._items_count(queryset)
        pages = max(math.ceil(count / page_size), 1)
        if pagination.page > pages:
            raise HttpError(
                404,
                _("Page %(page)s does not exist: there are %(pages)s pages.")
                % {
                    "page": pagination.page,
                    "pages": pages,
                },
            )
        offset = (pagination.page - 1) * page_size
        return {"items": queryset[offset : offset + page_size], "count": count}


class LazyMap:
    """A queryset the paginator can count and slice, mapped to output dicts only for the page it serves."""

    def __init__(self, queryset: QuerySet[Any], convert: Any) -> None:
        self.queryset = queryset
        self.convert = convert

    def all(self) -> QuerySet[Any]:
        return self.queryset

    def __getitem__(self, key: slice) -> list[dict[str, Any]]:
        return [self.convert(item) for item in self.queryset[key]]

    def __len__(self) -> int:
        return self.queryset.count()
