"""Customer, site and contact pages: list, detail (with the history other apps register), edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may, require
from shouhou.core.web import filtered_page, history_sections, run_service

from . import services
from .filters import CustomerFilter
from .forms import ContactForm, CustomerForm, SiteForm
from .models import Contact, Customer, Site


def _require_writer(user, obj=None):
    require(user, "customer.change", obj)


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


def _edit(request, form, call, success, title, cancel):
    """The shared POST flow of every edit page: validate, call the service, redirect or re-show."""
    if request.method == "POST" and form.is_valid():
        obj = run_service(form, call)
        if obj is not None:
            messages.success(request, _("Saved."))
            return redirect(success(obj))
    return render(request, "customers/form.html", {"form": form, "title": title, "cancel": cancel})


@login_required
def customer_create(request):
    _require_writer(request.user)
    form = CustomerForm(request.POST or None, user=request.user)
    return _edit(request, form, lambda data: services.create_customer(request.user, data),
                 lambda c: c.get_absolute_url(), _("New customer"), reverse("customers:list"))


@login_required
def customer_edit(request, pk):
    _require_writer(request.user)
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)
    form = CustomerForm(request.POST or None, instance=Customer.objects.get(pk=pk), user=request.user)

    def call(data):
        return services.update_customer(request.user, customer, data, form.cleaned_data.get("version"))

    return _edit(request, form, call, lambda c: c.get_absolute_url(),
                 _("Edit customer %(name)s") % {"name": customer.name}, customer.get_absolute_url())


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


@login_required
def site_create(request, customer_pk):
    _require_writer(request.user)
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    form = SiteForm(request.POST or None, user=request.user)
    return _edit(request, form, lambda data: services.create_site(request.user, {**data, "customer": customer}),
                 lambda s: s.get_absolute_url(),
                 _("New site for %(name)s") % {"name": customer.name}, customer.get_absolute_url())


@login_required
def site_edit(request, pk):
    _require_writer(request.user)
    site = get_object_or_404(Site.objects.visible_to(request.user), pk=pk)
    form = SiteForm(request.POST or None, instance=Site.objects.get(pk=pk), user=request.user)

    def call(data):
        return services.update_site(request.user, site, data, form.cleaned_data.get("version"))

    return _edit(request, form, call, lambda s: s.get_absolute_url(),
                 _("Edit site %(name)s") % {"name": site.name}, site.get_absolute_url())


@login_required
def contact_create(request, customer_pk):
    _require_writer(request.user)
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=customer_pk)
    form = ContactForm(request.POST or None, user=request.user, customer=customer)
    return _edit(request, form, lambda data: services.create_contact(request.user, {**data, "customer": customer}),
                 lambda c: customer.get_absolute_url(),
                 _("New contact for %(name)s") % {"name": customer.name}, customer.get_absolute_url())


@login_required
def contact_edit(request, pk):
    _require_writer(request.user)
    contact = get_object_or_404(Contact.objects.visible_to(request.user), pk=pk)
    form = ContactForm(request.POST or None, instance=Contact.objects.get(pk=pk), user=request.user)

    def call(data):
        return services.update_contact(request.user, contact, data, form.cleaned_data.get("version"))

    return _edit(request, form, call, lambda c: contact.customer.get_absolute_url(),
                 _("Edit contact %(name)s") % {"name": contact.name}, contact.customer.get_absolute_url())
