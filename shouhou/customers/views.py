"""Customer, site and contact pages: list, detail (with the history other apps register), and the
create/edit pages (core.views.ServiceFormView)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may
from shouhou.core.views import ServiceFormView
from shouhou.core.web import filtered_page, history_sections

from . import services
from .filters import CustomerFilter, SiteFilter
from .forms import ContactForm, CustomerForm, SiteForm
from .models import Contact, Customer, Site


def _private_fields(user) -> set[str]:
    """Fields of customers and assets the user does not see, on the page or in its history."""
    return {"notes"} if services.hides_internal_notes(user) else set()


@login_required
def customer_list(request):
    queryset = Customer.objects.visible_to(request.user).select_related("dealer")
    context = filtered_page(request, CustomerFilter, queryset)
    context["may_create"] = may(request.user, "customer.change")
    return render(request, "customers/customer_list.html", context)


@login_required
def customer_detail(request, pk):
    customer = get_object_or_404(Customer.objects.visible_to(request.user).select_related("dealer"), pk=pk)
    context = {
        "customer": customer,
        "sites": customer.sites.select_related("zone"),
        "contacts": customer.contacts.select_related("site"),
        "contracts": customer.contracts.all(),
        "assets": customer.assets.select_related("product_model", "site")[:50],
        "asset_count": customer.assets.count(),
        "sections": history_sections(request, customer, hidden=_private_fields(request.user)),
        "may_edit": may(request.user, "customer.change", customer),
        "show_notes": not services.hides_internal_notes(request.user),
    }
    return render(request, "customers/customer_detail.html", context)


class CustomerFormView(ServiceFormView):
    model, form_class, action = Customer, CustomerForm, "customer.change"

    def create(self, data):
        return services.create_customer(self.request.user, data)

    def update(self, data, version):
        return services.update_customer(self.request.user, self.object, data, version)

    def title(self):
        return _("Edit customer %(name)s") % {"name": self.object.name} if self.object else _("New customer")

    def cancel_url(self):
        return self.object.get_absolute_url() if self.object else reverse("customers:list")


@login_required
def site_list(request):
    queryset = Site.objects.visible_to(request.user).select_related("customer", "zone")
    return render(request, "customers/site_list.html", filtered_page(request, SiteFilter, queryset))


@login_required
def site_detail(request, pk):
    site = get_object_or_404(Site.objects.visible_to(request.user).select_related("customer", "zone"), pk=pk)
    context = {
        "site": site,
        "assets": site.assets.select_related("product_model")[:100],
        "asset_count": site.assets.count(),
        "contacts": Contact.objects.filter(site=site),
        "contracts": site.contracts.all(),
        "sections": history_sections(request, site),
        "may_edit": may(request.user, "customer.change", site),
    }
    return render(request, "customers/site_detail.html", context)


class UnderCustomerFormView(ServiceFormView):
    """Sites and contacts are created under a visible customer (the URL's customer_pk)."""

    action, parent_model, parent_kwarg = "customer.change", Customer, "customer_pk"

    @property
    def customer(self):
        return self.parent or self.object.customer

    def cancel_url(self):
        return self.customer.get_absolute_url()


class SiteFormView(UnderCustomerFormView):
    model, form_class = Site, SiteForm

    def create(self, data):
        return services.create_site(self.request.user, {**data, "customer": self.parent})

    def update(self, data, version):
        return services.update_site(self.request.user, self.object, data, version)

    def title(self):
        if self.object:
            return _("Edit site %(name)s") % {"name": self.object.name}
        return _("New site for %(name)s") % {"name": self.parent.name}

    def cancel_url(self):
        return self.object.get_absolute_url() if self.object else self.parent.get_absolute_url()


class ContactFormView(UnderCustomerFormView):
    model, form_class = Contact, ContactForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.object is None:
            kwargs["customer"] = self.parent
        return kwargs

    def create(self, data):
        return services.create_contact(self.request.user, {**data, "customer": self.parent})

    def update(self, data, version):
        return services.update_contact(self.request.user, self.object, data, version)

    def title(self):
        if self.object:
            return _("Edit contact %(name)s") % {"name": self.object.name}
        return _("New contact for %(name)s") % {"name": self.parent.name}

    def success_url(self, obj):
        return self.customer.get_absolute_url()
