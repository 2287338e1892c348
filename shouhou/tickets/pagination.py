"""Pagination that stays fast at a million tickets.

A plain COUNT(*) over a large filtered set costs a full scan on PostgreSQL.  The capped
paginator counts at most COUNT_CAP + 1 rows (`SELECT COUNT(*) FROM (… LIMIT cap+1)`), which is
bounded work; when the real number is larger the page says "more than 10,000" and the API sets
`count_capped: true`.  Pages beyond the cap are refused: narrow the filters instead.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

COUNT_CAP = 10_000
COUNT_WITHIN = "shouhou_count_within"  # = search.COUNT_WITHIN (kept here: search imports models of other apps)


class CappedCountPaginator(Paginator):
    """A Django paginator whose `count` is at most COUNT_CAP; `capped` tells whether it was cut."""

    cap = COUNT_CAP

    @cached_property
    def count(self):
        # Counting primary keys only lets PostgreSQL answer from an index.
        rows = self.object_list
        within = getattr(rows, "_hints", {}).get(COUNT_WITHIN)
        if within is not None:  # a dense search term: count through its index (tickets/search.py)
            rows = rows.filter(pk__in=within)
        n = rows.order_by().values("pk")[: self.cap + 1].count()
        self.capped = n > self.cap
        return min(n, self.cap)

    capped = False


class CappedPagination(PageNumberPagination):
    """API pages of 25 (max 200) with a capped count (see module docstring)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": paginator.count,
            "count_capped": paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when more than {COUNT_CAP} rows match and `count` is cut at {COUNT_CAP}.",
        }
        response["required"] = [*response.get("required", []), "count_capped"]
        return response
