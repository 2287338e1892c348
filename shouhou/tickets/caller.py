"""Caller lookup (issue 10): the desk types or receives a phone number, or its last four digits, and
sees the caller's customer, its sites, assets and open service requests.

Matching follows accounts.phone_search's rule, so a lookup never confirms a number the user sees
masked: four digits find every visible customer, contact and open request whose number ends in
them (every masked number shows its last four); a longer number is matched in full only on the
records whose numbers the user sees in full (core.privacy.may_see_full_phone).  Candidates are
found by the numbers' last four digits through expression indexes (customer_phone_tail,
contact_phone_tail, ticket_reporter_phone_tail), then compared digit by digit — separators such
as "021-6123 4567" do not matter.  Everything shown comes from the models' visible_to(user).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from shouhou.accounts.permissions import require
from shouhou.accounts.phone_search import VISIBLE_DIGITS, PhoneTail, digits_only
from shouhou.assets.models import Asset
from shouhou.core.errors import ServiceError
from shouhou.core.privacy import may_see_full_phone, phone_for
from shouhou.customers.models import Contact, Customer, Site

from .choices import OPEN_STATES
from .models import Ticket

MAX_CUSTOMERS = 10  # a four-digit tail can match many; the desk narrows with the full number
MAX_ROWS = 20  # sites, assets and open requests shown per customer


def _matches(user, records, number_of, record_of, digits: str) -> list:
    """The candidates (found by the last four digits) that `digits` names, as `user` may match them."""
    if len(digits) == VISIBLE_DIGITS:
        return list(records)
    return [r for r in records if (digits_only(number_of(r)) or "").endswith(digits)
            and may_see_full_phone(user, record_of(r))]


def lookup_caller(user, number: str) -> dict:
    """{"customers": [{"customer", "matched_by", "sites", "assets", "asset_count", "open_tickets"}],
    "tickets": open requests whose reporter's number matches (with or without a known customer)}.

    Refuses without "caller.lookup" (403) and a number of fewer than four digits (400, "phone")."""
    require(user, "caller.lookup")
    digits = digits_only(number or "")
    if digits is None or len(digits) < VISIBLE_DIGITS:
        raise ServiceError("bad_number", _("Type a phone number or at least its last four digits."), "phone")
    tail = digits[-VISIBLE_DIGITS:]
    customers = Customer.objects.visible_to(user).alias(tail=PhoneTail("phone")).filter(tail=tail).select_related(
        "dealer")
    contacts = Contact.objects.visible_to(user).alias(tail=PhoneTail("phone")).filter(tail=tail).select_related(
        "customer")
    tickets = (Ticket.objects.visible_to(user).filter(status__in=OPEN_STATES)
               .alias(tail=PhoneTail("reporter_phone")).filter(tail=tail).select_related("customer"))
    found: dict[int, dict] = {}
    for customer in _matches(user, customers[:50], lambda c: c.phone, lambda c: c, digits):
        found.setdefault(customer.pk, {"customer": customer, "matched_by": []})["matched_by"].append(
            phone_for(user, customer.phone, customer))
    for contact in _matches(user, contacts[:50], lambda c: c.phone, lambda c: c.customer, digits):
        found.setdefault(contact.customer_id, {"customer": contact.customer, "matched_by": []})["matched_by"].append(
            f"{contact.name} {phone_for(user, contact.phone, contact.customer)}")
    reporter_tickets = _matches(user, tickets[:50], lambda t: t.reporter_phone, lambda t: t, digits)
    for ticket in reporter_tickets:
        if ticket.customer_id and ticket.customer_id not in found:
            found[ticket.customer_id] = {"customer": ticket.customer, "matched_by": []}
        if ticket.customer_id:
            found[ticket.customer_id]["matched_by"].append(
                f"{ticket.reporter_name} {phone_for(user, ticket.reporter_phone, ticket)}".strip())
    matches = list(found.values())[:MAX_CUSTOMERS]
    for match in matches:
        customer = match["customer"]
        assets = Asset.objects.visible_to(user).filter(customer=customer)
        match.update(
            sites=list(Site.objects.visible_to(user).filter(customer=customer)[:MAX_ROWS]),
            assets=list(assets.select_related("product_model", "site")[:MAX_ROWS]),
            asset_count=assets.count(),
            open_tickets=list(Ticket.objects.visible_to(user).filter(customer=customer, status__in=OPEN_STATES)
                              .select_related("asset").order_by("-created_at")[:MAX_ROWS]),
        )
    return {"customers": matches, "tickets": reporter_tickets[:MAX_ROWS]}


@login_required
def caller_page(request):
    """`/caller/?phone=…`: the lookup form and what it finds."""
    require(request.user, "caller.lookup")
    number = request.GET.get("phone", "").strip()
    context: dict = {"number": number}
    if number:
        try:
            context["result"] = lookup_caller(request.user, number)
        except ServiceError as error:
            context["error"] = error.message
    return render(request, "tickets/caller.html", context, status=400 if "error" in context else 200)


# --- the API: GET /api/v1/caller-lookup/?phone=… ---------------------------------------------------

class _Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _Asset(serializers.Serializer):
    id = serializers.IntegerField()
    serial_no = serializers.CharField()
    product_model = serializers.CharField()
    site = serializers.CharField(allow_null=True)


class _Ticket(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    customer = serializers.IntegerField(allow_null=True)


class _Match(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField()
    matched_by = serializers.ListField(child=serializers.CharField())
    sites = _Ref(many=True)
    assets = _Asset(many=True)
    asset_count = serializers.IntegerField()
    open_tickets = _Ticket(many=True)


class CallerLookupSerializer(serializers.Serializer):
    customers = _Match(many=True)
    tickets = _Ticket(many=True)


def _ticket(t) -> dict:
    return {"id": t.pk, "number": t.number, "title": t.title, "status": t.status, "customer": t.customer_id}


def as_json(user, result: dict) -> dict:
    return {
        "customers": [{
            "id": m["customer"].pk, "code": m["customer"].code, "name": m["customer"].name,
            "phone": phone_for(user, m["customer"].phone, m["customer"]), "matched_by": m["matched_by"],
            "sites": [{"id": s.pk, "name": s.name} for s in m["sites"]],
            "assets": [{"id": a.pk, "serial_no": a.serial_no, "product_model": a.product_model.code,
                        "site": a.site.name if a.site_id else None} for a in m["assets"]],
            "asset_count": m["asset_count"], "open_tickets": [_ticket(t) for t in m["open_tickets"]],
        } for m in result["customers"]],
        "tickets": [_ticket(t) for t in result["tickets"]],
    }


class CallerLookupView(APIView):
    """Who is calling: customers, sites, assets and open requests for a phone number or its last four digits."""

    @extend_schema(parameters=[OpenApiParameter("phone", str, required=True,
                                                description="A phone number, or its last four digits.")],
                   responses=CallerLookupSerializer)
    def get(self, request):
        return Response(as_json(request.user, lookup_caller(request.user, request.query_params.get("phone", ""))))
