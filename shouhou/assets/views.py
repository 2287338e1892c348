"""Asset pages: the list, the unit's service archive (P5.7) and its edit form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may, require
from shouhou.core.web import filtered_page, history_sections, run_service
from shouhou.customers import services as customer_services

from . import services
from .filters import AssetFilter
from .forms import AssetForm
from .models import Asset


@login_required
def asset_list(request):
    queryset = Asset.objects.visible_to(request.user).select_related("product_model", "customer", "site")
    context = filtered_page(request, AssetFilter, queryset)
    context["may_create"] = may(request.user, "asset.change")
    return render(request, "assets/asset_list.html", context)


@login_required
def asset_detail(request, pk):
    """The unit's maintenance archive (P5.7): facts, warranty, contracts and every registered history."""
    asset = get_object_or_404(
        Asset.objects.visible_to(request.user).select_related("product_model", "customer", "site"), pk=pk
    )
    context = {
        "asset": asset,
        "contracts": _covering_contracts(request.user, asset),
        "sections": history_sections(
            request, asset, hidden={"notes"} if customer_services.hides_internal_notes(request.user) else ()),
        "may_edit": may(request.user, "asset.change", asset),
        "show_notes": not customer_services.hides_internal_notes(request.user),
    }
    return render(request, "assets/asset_detail.html", context)


def _covering_contracts(user, asset):
    """Contracts naming the unit or its site (reached via the reverse relation: contracts sit above)."""
    contracts = asset.contracts.model.objects.visible_to(user)
    cover = Q(assets=asset) | Q(sites=asset.site_id) if asset.site_id else Q(assets=asset)
    return contracts.filter(cover).distinct()


def _form_page(request, form, call, title, cancel):
    if request.method == "POST" and form.is_valid():
        asset = run_service(form, call)
        if asset is not None:
            messages.success(request, _("Saved."))
            return redirect(asset.get_absolute_url())
    return render(request, "customers/form.html", {"form": form, "title": title, "cancel": cancel})


@login_required
def asset_create(request):
    require(request.user, "asset.change")
    initial = {"site": request.GET.get("site")} if request.GET.get("site") else None
    form = AssetForm(request.POST or None, initial=initial, user=request.user)
    return _form_page(request, form, lambda data: services.create_asset(request.user, data),
                      _("Register asset"), reverse("assets:list"))


@login_required
def asset_edit(request, pk):
    asset = get_object_or_404(Asset.objects.visible_to(request.user), pk=pk)
    require(request.user, "asset.change", asset)
    form = AssetForm(request.POST or None, instance=Asset.objects.get(pk=pk), user=request.user)

    def call(data):
        return services.update_asset(request.user, asset, data, form.cleaned_data.get("version"))

    return _form_page(request, form, call, _("Edit asset %(serial)s") % {"serial": asset.serial_no},
                      asset.get_absolute_url())
