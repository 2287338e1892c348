"""The monthly compensation statement page and its CSV / XLSX download (issue 8, "Penalties")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from shouhou.accounts.permissions import require
from shouhou.contracts.models import Contract
from shouhou.core.params import int_param

from . import statements
from .reports import parse_month
from .services.penalties import monthly_statement


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
