"""Roles and organisation kinds (requirements.md, "Who uses it")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    OWN = "own", _("Our company")
    DEALER = "dealer", _("Dealer / service outlet")
    CUSTOMER = "customer", _("Customer")


class Role(models.TextChoices):
    SERVICE_DESK = "service_desk", _("Service desk")
    DISPATCHER = "dispatcher", _("Dispatcher / service manager")
    ENGINEER = "engineer", _("Field engineer")
    TECHNICAL = "technical", _("Technical department")
    COMPLAINT_DESK = "complaint_desk", _("Complaint desk")
    FINANCE = "finance", _("Finance")
    LEADERSHIP = "leadership", _("Leadership")
    BRANCH_MANAGER = "branch_manager", _("Branch manager")
    DEALER_STAFF = "dealer_staff", _("Dealer staff")
    CUSTOMER_USER = "customer_user", _("Customer user")
    ADMIN = "admin", _("Administrator")
    # The system itself (escalation scans, CLI imports without --as): one User row that cannot log
    # in, so timeline entries always name an actor (accounts.permissions.system_user).
    SYSTEM = "system", _("System")


# Roles of our own company's people; they see every customer's records (by role).
INTERNAL_ROLES = frozenset(
    {
        Role.SERVICE_DESK,
        Role.DISPATCHER,
        Role.ENGINEER,
        Role.TECHNICAL,
        Role.COMPLAINT_DESK,
        Role.FINANCE,
        Role.LEADERSHIP,
        Role.BRANCH_MANAGER,
        Role.ADMIN,
    }
)
