"""The monthly compensation statement page and its CSV / XLSX download (issue 8, "Penalties")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.permissions import require
from shouhou.contracts.models import Contract
from shouhou.core import limits
from shouhou.core.errors import ServiceError
from shouhou.core.params import int_param
from shouhou.tickets.models import Attachment

from . import statements
from .models import Clock
from .models_penalties import ExemptionReason
from .reports import parse_month
from .services.penalties import claim_exemption, monthly_statement


@login_required
def compensation_statement(request):
    """/sla/compensation/?contract=&month=YYYY-MM[&format=csv|xlsx]: the month's compensation per contract."""
    require(request.user, "plan.view")
    contracts = Contract.objects.visible_to(request.user).order_by("number")
    try:
        month = parse_month(request.GET.get("month"))
    except ValueError as exc:
        raise Http404 from exc
    contract, statement = None, None
    if request.GET.get("contract"):
        contract = get_object_or_404(contracts, pk=int_param(request.GET, "contract"))
        statement = monthly_statement(contract, month)
        kind = request.GET.get("format")
        if kind in ("csv", "xlsx"):
            require(request.user, "data.export", contract.customer)
            body = statements.as_csv(statement) if kind == "csv" else statements.as_xlsx(statement)
            response = HttpResponse(body, content_type=statements.CSV_TYPE if kind == "csv" else statements.XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{statements.filename(statement, kind)}"'
            return response
    return render(request, "sla/compensation.html", {"contracts": contracts, "contract": contract, "month": month,
                                                     "statement": statement})


class ExemptionForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("reason"), choices=ExemptionReason.choices)
    explanation = forms.CharField(label=gettext_lazy("explanation"), widget=forms.Textarea, max_length=limits.SHORT_TEXT)
    evidence = forms.ModelChoiceField(label=gettext_lazy("evidence"), queryset=Attachment.objects.none(),
                                      help_text=gettext_lazy("An attachment of this request: upload it there first."))

    def __init__(self, *args, clock, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = Attachment.objects.visible_to(user).filter(ticket_id=clock.ticket_id)


@login_required
def exemption_claim(request, pk):
    """/sla/clocks/<pk>/exemption/: claim a breach exemption (免责) with evidence; it goes to approval."""
    clock = get_object_or_404(Clock.objects.visible_to(request.user).select_related("ticket"), pk=pk)
    require(request.user, "ticket.claim_exemption", clock.ticket)
    form = ExemptionForm(request.POST or None, clock=clock, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            claim_exemption(request.user, clock, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("Exemption claimed; it now waits for approval."))
            return redirect("tickets:detail", clock.ticket_id)
    return render(request, "sla/exemption_claim.html", {"clock": clock, "form": form},
                  status=400 if form.errors else 200)
