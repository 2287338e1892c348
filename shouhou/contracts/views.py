"""Contract pages: list, detail (covered sites and units, level, warranty rule), edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may, require
from shouhou.core.web import filtered_page, history_sections, run_service

from . import services
from .filters import ContractFilter
from .forms import ContractForm
from .models import Contract


@login_required
def contract_list(request):
    queryset = Contract.objects.visible_to(request.user).select_related("customer")
    context = filtered_page(request, ContractFilter, queryset)
    context["may_create"] = may(request.user, "contract.change")
    return render(request, "contracts/contract_list.html", context)


@login_required
def contract_detail(request, pk):
    contract = get_object_or_404(Contract.objects.visible_to(request.user).select_related("customer"), pk=pk)
    context = {
        "contract": contract,
        "sites": contract.sites.all(),
        "assets": services.covered_assets(contract).select_related("product_model", "site")[:200],
        "sections": history_sections(request, contract),
        "may_edit": may(request.user, "contract.change", contract),
    }
    return render(request, "contracts/contract_detail.html", context)


def _form_page(request, form, call, title, cancel):
    if request.method == "POST" and form.is_valid():
        contract = run_service(form, call)
        if contract is not None:
            messages.success(request, _("Saved."))
            return redirect(contract.get_absolute_url())
    return render(request, "customers/form.html", {"form": form, "title": title, "cancel": cancel})


@login_required
def contract_create(request):
    require(request.user, "contract.change")
    form = ContractForm(request.POST or None, user=request.user)
    return _form_page(request, form, lambda data: services.create_contract(request.user, data),
                      _("New contract"), reverse("contracts:list"))


@login_required
def contract_edit(request, pk):
    contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=pk)
    require(request.user, "contract.change", contract)
    form = ContractForm(request.POST or None, instance=Contract.objects.get(pk=pk), user=request.user)

    def call(data):
        data.pop("customer", None)  # fixed once created
        return services.update_contract(request.user, contract, data, form.cleaned_data.get("version"))

    return _form_page(request, form, call, _("Edit contract %(number)s") % {"number": contract.number},
                      contract.get_absolute_url())
