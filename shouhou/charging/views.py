"""Pages of charging: the money panel of a ticket (entitlement with its reason, quotes, receipts),
the part catalogue, price lists with their versions and the Excel import, charging rules.

Views validate input and call charging.services; tickets, quotes and charges are looked up
through their `visible_to(request.user)`, so anything out of scope is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts.permissions import may
from shouhou.core.documents import render_pdf
from shouhou.core.errors import PermissionDeniedError, ServiceError
from shouhou.core.hooks import Section
from shouhou.core.web import filtered_page
from shouhou.tickets.models import Ticket

from . import services
from .documents import document_context
from .filters import PartFilter
from .forms import OverrideForm, PriceListImportForm, QuoteForm, QuoteLineForm, ReasonForm
from .models import ChargeEntry, ChargingRule, Part, PriceList, Quote, QuoteLine, TicketEntitlement


def ticket_section(user, ticket):
    """The ticket page's panel (core.hooks): entitlement with its reason, quotes with their lines,
    the ledger, and the forms the user may use."""
    if not may(user, "charge.view", ticket):
        return None
    quotes = list(Quote.objects.visible_to(user).filter(ticket=ticket).select_related("rule", "price_list_version")
                  .prefetch_related("lines"))
    may_quote = may(user, "charge.quote", ticket)
    context = {
        "ticket": ticket, "quotes": quotes,
        "entitlement": TicketEntitlement.objects.visible_to(user).filter(ticket=ticket).first(),
        "entries": ChargeEntry.objects.visible_to(user).filter(ticket=ticket).select_related("created_by"),
        "may_quote": may_quote, "may_accept": may(user, "charge.accept", ticket),
        "may_correct": may(user, "charge.correct", ticket),
        "quote_form": QuoteForm() if may_quote else None,
        "line_form": QuoteLineForm(user=user) if may_quote else None,
        "override_form": OverrideForm() if may(user, "entitlement.override", ticket) else None,
        "reason_form": ReasonForm(),
    }
    return Section(title=_("Charges"), template="charging/_ticket_section.html", context=context, order=40)


def _ticket(request, pk) -> Ticket:
    return get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)


def _quote(request, pk) -> Quote:
    return get_object_or_404(Quote.objects.visible_to(request.user).select_related("ticket"), pk=pk)


def _run(request, call, done: str):
    """Call a service; its refusal becomes a message on the ticket page (a refused right is 403)."""
    try:
        call()
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except ServiceError as error:
        messages.error(request, str(error.message))
        return False
    messages.success(request, done)
    return True


def _back(ticket_id):
    return redirect("tickets:detail", pk=ticket_id)


@login_required
@require_POST
def quote_create(request, ticket_id):
    ticket = _ticket(request, ticket_id)
    form = QuoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the time of the work."))
        return _back(ticket.pk)
    _run(request, lambda: services.create_quote(request.user, ticket, work_at=form.cleaned_data["work_at"]),
         _("A draft quote was written."))
    return _back(ticket.pk)


@login_required
@require_POST
def quote_line_add(request, pk):
    quote = _quote(request, pk)
    form = QuoteLineForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[f].label}：{' '.join(e)}" if f in form.fields else " ".join(e)
                                         for f, e in form.errors.items()))
        return _back(quote.ticket_id)
    _run(request, lambda: services.add_quote_line(request.user, quote, **form.service_fields()), _("Line added."))
    return _back(quote.ticket_id)


@login_required
@require_POST
def quote_line_remove(request, pk):
    line = get_object_or_404(QuoteLine.objects.visible_to(request.user).select_related("quote"), pk=pk)
    _run(request, lambda: services.remove_quote_line(request.user, line), _("Line removed."))
    return _back(line.quote.ticket_id)


@login_required
@require_POST
def quote_step(request, pk, step):
    """Send a draft to the customer, or accept / decline a sent quote."""
    quote = _quote(request, pk)
    steps = {
        "propose": (services.propose_quote, _("The quote was sent to the customer.")),
        "accept": (services.accept_quote, _("The quote was accepted; the charges are posted.")),
        "decline": (services.decline_quote, _("The quote was declined.")),
    }
    if step not in steps:
        raise Http404
    service, done = steps[step]
    _run(request, lambda: service(request.user, quote), done)
    return _back(quote.ticket_id)


@login_required
def quote_pdf(request, pk, kind):
    """The quote (any state) or the receipt (accepted quotes) as a PDF in the site's language."""
    quote = _quote(request, pk)
    if kind == "receipt" and not quote.receipt_number:
        raise PermissionDenied(_("A receipt is printed once the quote is accepted."))
    name = "charging_receipt" if kind == "receipt" else "charging_quote"
    number = quote.receipt_number if kind == "receipt" else quote.number
    response = HttpResponse(render_pdf(name, document_context(quote)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@login_required
@require_POST
def entitlement_override(request, ticket_id):
    ticket = _ticket(request, ticket_id)
    record = get_object_or_404(TicketEntitlement.objects.visible_to(request.user), ticket=ticket)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the entitlement and the reason for the override."))
        return _back(ticket.pk)
    _run(request, lambda: services.override_entitlement(request.user, record, **form.cleaned_data),
         _("The entitlement was overridden."))
    return _back(ticket.pk)


@login_required
@require_POST
def charge_reverse(request, pk):
    entry = get_object_or_404(ChargeEntry.objects.visible_to(request.user), pk=pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(request, lambda: services.reverse_charge(request.user, entry, reason), _("The charge was reversed."))
    return _back(entry.ticket_id)


@login_required
def part_list(request):
    context = filtered_page(request, PartFilter, Part.objects.visible_to(request.user))
    return render(request, "charging/part_list.html", context)


@login_required
def price_list_index(request):
    return render(request, "charging/price_lists.html", {
        "price_lists": PriceList.objects.visible_to(request.user).prefetch_related("versions"),
        "rules": ChargingRule.objects.visible_to(request.user).select_related("contract", "price_list"),
    })


@login_required
def price_list_detail(request, pk):
    price_list = get_object_or_404(PriceList.objects.visible_to(request.user), pk=pk)
    may_import = may(request.user, "pricelist.change")
    form = PriceListImportForm(request.POST or None, request.FILES or None) if may_import else None
    bad_rows, status = [], 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                version = services.import_price_list(
                    request.user, price_list, effective_from=form.cleaned_data["effective_from"],
                    filename=upload.name, content=upload.read(), note=form.cleaned_data["note"])
            except services.catalogue.BadRows as error:
                bad_rows, status = error.rows, 400
            except ServiceError as error:
                form.add_error("file", str(error.message))
                status = 400
            else:
                messages.success(request, _("Version %(number)s imported: %(count)s lines.") % {
                    "number": version.number, "count": version.lines.count()})
                return redirect("charging:price_list", pk=pk)
        else:
            status = 400
    versions = list(price_list.versions.select_related("created_by"))
    shown = versions[0] if versions else None
    if request.GET.get("version"):
        shown = next((v for v in versions if str(v.number) == request.GET["version"]), shown)
    lines = shown.lines.select_related("part") if shown else []
    return render(request, "charging/price_list_detail.html", {
        "price_list": price_list, "versions": versions, "shown": shown, "lines": lines, "form": form,
        "bad_rows": bad_rows, "show_cost": may_import,
    }, status=status)
