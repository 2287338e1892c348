"""Asset pages: the list, the unit's service archive (P5.7) and its edit form."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may
from shouhou.core.views import ServiceFormView
from shouhou.core.web import filtered_page, history_sections
from shouhou.customers import services as customer_services

from . import services
from .filters import AssetFilter, ProductModelFilter
from .forms import AssetForm, ProductModelForm
from .models import Asset, ProductModel


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


class AssetFormView(ServiceFormView):
    model, form_class, action = Asset, AssetForm, "asset.change"

    def initial(self):
        return {"site": self.request.GET["site"]} if self.request.GET.get("site") else None

    def create(self, data):
        return services.create_asset(self.request.user, data)

    def update(self, data, version):
        return services.update_asset(self.request.user, self.object, data, version)

    def title(self):
        return _("Edit asset %(serial)s") % {"serial": self.object.serial_no} if self.object else _("Register asset")

    def cancel_url(self):
        return self.object.get_absolute_url() if self.object else reverse("assets:list")


# --- product models (the catalogue; issue 10: pages, not only the admin) --------------------------

@login_required
def product_model_list(request):
    queryset = ProductModel.objects.visible_to(request.user)
    context = filtered_page(request, ProductModelFilter, queryset)
    context["may_create"] = may(request.user, "productmodel.change")
    return render(request, "assets/product_model_list.html", context)


@login_required
def product_model_detail(request, pk):
    """A model's facts, its units the user may see (count and the first ones) and its history."""
    product_model = get_object_or_404(ProductModel.objects.visible_to(request.user), pk=pk)
    units = Asset.objects.visible_to(request.user).filter(product_model=product_model)
    context = {
        "product_model": product_model,
        "assets": units.select_related("customer", "site")[:50],
        "asset_count": units.count(),
        "sections": history_sections(request, product_model),
        "may_edit": may(request.user, "productmodel.change", product_model),
    }
    return render(request, "assets/product_model_detail.html", context)


class ProductModelFormView(ServiceFormView):
    model, form_class, action = ProductModel, ProductModelForm, "productmodel.change"

    def create(self, data):
        return services.create_product_model(self.request.user, data)

    def update(self, data, version):
        return services.update_product_model(self.request.user, self.object, data, version)

    def title(self):
        if self.object:
            return _("Edit product model %(code)s") % {"code": self.object.code}
        return _("New product model")

    def cancel_url(self):
        return self.object.get_absolute_url() if self.object else reverse("assets:model_list")
