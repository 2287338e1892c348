"""Contract pages: list, detail (covered sites and units, level, warranty rule), edit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may
from shouhou.core.views import ServiceFormView
from shouhou.core.web import filtered_page, history_sections

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


class ContractFormView(ServiceFormView):
    model, form_class, action = Contract, ContractForm, "contract.change"

    def create(self, data):
        return services.create_contract(self.request.user, data)

    def update(self, data, version):
        data.pop("customer", None)  # fixed once created
        return services.update_contract(self.request.user, self.object, data, version)

    def title(self):
        return _("Edit contract %(number)s") % {"number": self.object.number} if self.object else _("New contract")

    def cancel_url(self):
        return self.object.get_absolute_url() if self.object else reverse("contracts:list")
