"""Substring search of service requests that an index serves, at a million tickets (issue 9).

`TicketFilter.search` says WHAT matches (accounts.phone_search.search_q over the request's own
text, plus the customer's name and the linked asset's serial); this module only adds conditions
that every match fulfils anyway, so that the database can find the candidates through an index
and then check them exactly — results are the same as without it, scoped by the same queryset.

* PostgreSQL: each request's own text (title, description, reporter name, reported customer and
  serial) is indexed by its unigrams and bigrams (`shouhou_ticket_grams`, GIN, migration 0013).
  A term matches only where the text holds every bigram of the term (one character: that
  character), so `@>` narrows the rows before `icontains` decides — this serves 漏水 as well
  as 闭门器, which a trigram index alone cannot.  Customer names and asset serials are looked up
  through trigram GIN indexes first; the matching ids join the condition as plain `IN` lists.
* SQLite (≥ 3.34): the FTS5 table `tickets_ticket_fts` with the trigram tokenizer narrows terms
  of three characters or more; shorter terms scan (small installations).
* Anything else, or the index missing: the plain condition alone.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.expressions import RawSQL

from shouhou.assets.models import Asset
from shouhou.customers.models import Customer

# Above this many matching customers or assets the ids go in as a subquery instead of a list.
MAX_IDS = 2000
# A term found in at least this many requests is "dense": the newest-first scan finds a page of
# it in few rows, so the page is read without the index and only the count uses it.
DENSE = 1000
# queryset._hints key (hints survive cloning): ids the capped count may use to narrow (pagination.py).
COUNT_WITHIN = "shouhou_count_within"

_OWN_COLUMNS = ("title", "description", "reporter_name", "reported_customer", "reported_serial")
_SQLITE_FTS = "SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s"


class GramsContain(Func):
    """shouhou_ticket_grams(<the request's own text>) @> shouhou_query_grams(<term>): the
    expression of the GIN index of migration 0013, its columns compiled with the query's alias."""

    output_field = BooleanField()

    def __init__(self, value: str):
        super().__init__(*(F(name) for name in _OWN_COLUMNS), Value(value))

    def as_sql(self, compiler, connection, **extra_context):
        sqls, params = [], []
        for expression in self.get_source_expressions():
            sql, args = compiler.compile(expression)
            sqls.append(sql)
            params.extend(args)
        return f"shouhou_ticket_grams({', '.join(sqls[:-1])}) @> shouhou_query_grams({sqls[-1]})", params


_fts_available: bool | None = None


def _sqlite_fts() -> bool:
    global _fts_available
    if _fts_available is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'tickets_ticket_fts'")
            _fts_available = cursor.fetchone() is not None
    return _fts_available


def own_text_prefilter(value: str) -> Q | None:
    """A condition implied by "`value` is a substring of the request's own text" that an index
    serves, or None where there is none (see the module docstring)."""
    if connection.vendor == "postgresql":
        return Q(GramsContain(value))
    if connection.vendor == "sqlite" and len(value) >= 3 and _sqlite_fts():
        phrase = '"' + value.replace('"', '""') + '"'
        return Q(pk__in=RawSQL(_SQLITE_FTS, [phrase]))  # noqa: S611 - the term is a bound parameter
    return None


def narrowed(queryset, own: Q, prefilter: Q, related: Q):
    """`queryset` filtered by `own | related`, with the index condition where it helps.

    A rare term: the index finds its few requests, which are then sorted (cheap).  A dense term
    (PostgreSQL, at least DENSE requests, probed through the index): sorting all its requests
    would cost more than walking the newest requests until a page is full, so the page query
    goes without the index, and the capped count (pagination.CappedCountPaginator) is narrowed
    to the index's ids.  Either way the rows are exactly those of `own | related`."""
    indexed = queryset.filter((own & prefilter) | related)  # the cheap exact test first in every plan
    if connection.vendor != "postgresql" or indexed.order_by().values("pk")[:DENSE].count() < DENSE:
        return indexed
    plain = queryset.filter(own | related)
    plain._hints[COUNT_WITHIN] = indexed.order_by().values("pk")
    return plain


def _ids(queryset) -> Q | list:
    ids = list(queryset.values_list("pk", flat=True)[: MAX_IDS + 1])
    return queryset.values("pk") if len(ids) > MAX_IDS else ids


def related_text_q(value: str) -> Q:
    """Requests whose customer's name or linked asset's serial contains `value`."""
    customers = _ids(Customer.objects.filter(name__icontains=value).order_by())
    assets = _ids(Asset.objects.filter(serial_no__icontains=value).order_by())
    rule = Q(pk__in=[])
    if customers:
        rule |= Q(customer_id__in=customers)
    if assets:
        rule |= Q(asset_id__in=assets)
    return rule
