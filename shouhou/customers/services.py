"""The only code that changes customers, sites and contacts.

Every function takes the acting user first (the system actor, accounts.permissions.system_user,
for CLI runs and demo data), runs in one transaction and refuses with ``ServiceError`` (400),
``PermissionDeniedError`` (403, code ``not_permitted``) or ``ConflictError`` (409, stale version).
Each change lands in the record's audit trail with the acting user and the optional ``reason``
of the input (core.audit).

Who may write reference data is declared in accounts.permissions ("customer.change" with its
scope; "customer.link" to choose a customer's dealer and portal organisation): today the desk
roles everything, dealer staff the customers their dealer serves — dealers register their sales
and the customer data (P6.1) — but a customer always stays with its dealer.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.accounts.permissions import may
from shouhou.core.audit import stamp
from shouhou.core.errors import ServiceError
from shouhou.core.services import pick, require, require_visible
from shouhou.core.versioning import save_versioned

from .models import Contact, Customer, Site

CUSTOMER_FIELDS = ("code", "name", "is_key_customer", "dealer", "organisation", "phone", "email", "address", "notes")
SITE_FIELDS = ("customer", "name", "address", "province", "city", "district", "zone", "time_zone")
CONTACT_FIELDS = ("customer", "site", "name", "title", "phone", "email", "is_primary")


# --- named predicates (used by views, API permissions and services alike) ---------------------

def hides_internal_notes(user) -> bool:
    """Customer users never see our internal notes about them."""
    return not may(user, "internal.view")


# --- customers -----------------------------------------------------------------------------------

def _check_customer_tenancy(user, fields: dict, instance: Customer | None) -> dict:
    """Dealer staff keep their customers to themselves (P6.1) and never move one to another dealer."""
    if may(user, "customer.link"):
        return fields
    dealer_id = user.organisation_id
    chosen = fields.get("dealer", instance.dealer if instance else None)
    if "dealer" in fields and (chosen is None or chosen.pk != dealer_id):
        raise ServiceError("dealer_fixed", _("A dealer cannot hand a customer to another dealer."), "dealer")
    if "organisation" in fields and fields["organisation"] != (instance.organisation if instance else None):
        raise ServiceError(
            "organisation_fixed", _("Only the service desk links a customer's portal organisation."), "organisation"
        )
    if instance is None:
        fields["dealer_id"] = dealer_id
        fields.pop("dealer", None)
    return fields


@transaction.atomic
def create_customer(user, data: dict) -> Customer:
    """Register a customer.  A dealer's new customer is always served by that dealer (P6.1)."""
    require(user, "customer.change")
    fields = _check_customer_tenancy(user, pick(data, CUSTOMER_FIELDS), None)
    customer = stamp(Customer(**fields), user, data.get("reason"))
    customer.full_clean()
    customer.save()
    return customer


@transaction.atomic
def update_customer(user, customer: Customer, data: dict, version: int | None) -> Customer:
    """Change a visible customer's data if `version` is still current (else 409)."""
    require_visible(user, Customer, customer, "id")
    require(user, "customer.change", customer)
    fields = _check_customer_tenancy(user, pick(data, CUSTOMER_FIELDS), customer)
    return save_versioned(stamp(customer, user, data.get("reason")), version, fields)


# --- sites ---------------------------------------------------------------------------------------

@transaction.atomic
def create_site(user, data: dict) -> Site:
    """Add a site (project) to a customer the user may see and write."""
    require(user, "customer.change")
    fields = pick(data, SITE_FIELDS)
    require_visible(user, Customer, fields.get("customer"), "customer")
    require(user, "customer.change", fields.get("customer"))
    site = stamp(Site(**fields), user, data.get("reason"))
    site.full_clean()
    site.save()
    return site


@transaction.atomic
def update_site(user, site: Site, data: dict, version: int | None) -> Site:
    """Change a site; its customer is fixed, because its assets and tickets belong to that customer."""
    require_visible(user, Site, site, "id")
    require(user, "customer.change", site)
    fields = pick(data, SITE_FIELDS)
    if "customer" in fields and fields["customer"].pk != site.customer_id:
        raise ServiceError("site_customer_fixed", _("A site cannot move to another customer."), "customer")
    fields.pop("customer", None)
    return save_versioned(stamp(site, user, data.get("reason")), version, fields)


# --- contacts ------------------------------------------------------------------------------------

def _check_contact_refs(user, fields: dict, contact: Contact | None = None) -> None:
    require_visible(user, Customer, fields.get("customer"), "customer")
    site = fields.get("site")
    require_visible(user, Site, site, "site")
    customer = fields.get("customer") or (contact.customer if contact else None)
    if site is not None and customer is not None and site.customer_id != customer.pk:
        raise ServiceError("site_customer_mismatch", _("The site belongs to another customer."), "site")


@transaction.atomic
def create_contact(user, data: dict) -> Contact:
    """Add a contact person to a customer (optionally at one of its sites)."""
    require(user, "customer.change")
    fields = pick(data, CONTACT_FIELDS)
    _check_contact_refs(user, fields)
    require(user, "customer.change", fields.get("customer"))
    contact = stamp(Contact(**fields), user, data.get("reason"))
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def update_contact(user, contact: Contact, data: dict, version: int | None) -> Contact:
    """Change a contact; it stays with its customer."""
    require_visible(user, Contact, contact, "id")
    require(user, "customer.change", contact)
    fields = pick(data, CONTACT_FIELDS)
    if "customer" in fields and fields["customer"].pk != contact.customer_id:
        raise ServiceError("contact_customer_fixed", _("A contact cannot move to another customer."), "customer")
    fields.pop("customer", None)
    _check_contact_refs(user, fields, contact)
    return save_versioned(stamp(contact, user, data.get("reason")), version, fields)
