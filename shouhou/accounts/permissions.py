"""The one permission layer: who may do what, and on which records (issue 6; docs/adr/0001-permissions.md).

Every role's rights are declared once, below, as data: RIGHTS[role][action] = scope.  Pages,
API endpoints, services, exports, templates (the `may` tag) and admin pages all ask `may()` /
`require()`; each model's `visible_to(user)` is its `in_scope(user, "<model>.view")`.

A scope says which records an action reaches:
- own          — my jobs: requests assigned to me (a dealer's staff: to my outlet);
- team         — my team's jobs: requests assigned to anyone in a team I belong to (accounts.Team);
- organisation — my organisation's records: a dealer's customers and the requests assigned to it,
                 a customer user's own customer;
- all          — every record.
An action missing from a role's row is refused.  How a scope becomes a filter is each model's
business (its queryset's `scope_q(user, scope)`); the object check asks the same filter, so a
list, a detail page and a service refuse alike.

Refusals raise PermissionDeniedError with the one refusal code REFUSED ("not_permitted"): pages
answer 403, the API 403 JSON `{"code": "not_permitted", "detail": …}`.

The system actor (escalation scans, CLI runs without --as, demo data) is a real User row with
role "system" and an unusable password (system_user()); it has every right with scope "all".
No code outside accounts looks at a user's role to decide a right (tests/test_house_rules.py);
matching approvers by role (approvals) and addressing notices to a role are data, not rights.
For approvals the scope "own" means the requests one is involved in (requester, approver, decider).
"""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.utils.translation import gettext_lazy as _

from shouhou.core.rights import may, require  # noqa: F401 - the one permission API, asked of `rules`

from .choices import Role

OWN, TEAM, ORGANISATION, ALL = "own", "team", "organisation", "all"
SCOPES = (OWN, TEAM, ORGANISATION, ALL)
SCOPE_LABELS = {
    OWN: _("own jobs"), TEAM: _("my team's jobs"), ORGANISATION: _("my organisation's records"), ALL: _("all"),
}


@dataclass(frozen=True)
class Action:
    """One thing a person may do.  `model` names whose scope filter judges an object ("app.Model")."""

    name: str
    label: object
    model: str


ACTIONS: tuple[Action, ...] = (
    # reference data
    Action("customer.view", _("See customers, sites and contacts"), "customers.Customer"),
    Action("customer.change", _("Register and edit customers, sites and contacts"), "customers.Customer"),
    Action("customer.link", _("Choose a customer's dealer and portal organisation"), "customers.Customer"),
    Action("productmodel.change", _("Edit the product catalogue"), "assets.ProductModel"),
    Action("asset.view", _("See assets"), "assets.Asset"),
    Action("asset.change", _("Register and edit assets"), "assets.Asset"),
    Action("asset.change_warranty", _("Change install and acceptance dates (warranty-defining)"), "assets.Asset"),
    Action("contract.view", _("See contracts"), "contracts.Contract"),
    Action("contract.change", _("Edit contracts: level, warranty terms, coverage (warranty-defining)"),
           "contracts.Contract"),
    # service requests
    Action("ticket.view", _("See service requests"), "tickets.Ticket"),
    Action("internal.view", _("See internal notes (on requests, customers, assets) and internal attachments"),
           "tickets.Ticket"),
    Action("ticket.open", _("Register a report (open a service request)"), "tickets.Ticket"),
    Action("ticket.edit", _("Correct and verify a service request"), "tickets.Ticket"),
    Action("ticket.desk_actions", _("Desk workflow steps (accept, assign, escalate, close)"), "tickets.Ticket"),
    Action("ticket.field_actions", _("Field workflow steps (book, travel, arrive, resolve)"), "tickets.Ticket"),
    Action("ticket.customer_actions", _("Customer workflow steps (confirm, reopen, cancel)"), "tickets.Ticket"),
    Action("ticket.system_actions", _("Moves escalation rules make (reassign, return to the queue): the system only"),
           "tickets.Ticket"),
    Action("ticket.reply", _("Write replies and attachments the customer sees"), "tickets.Ticket"),
    Action("ticket.note", _("Write internal notes and internal attachments"), "tickets.Ticket"),
    Action("ticket.fault_report", _("Write fault analysis reports"), "tickets.Ticket"),
    Action("ticket.record_clock", _("Record clock events (called back, solution proposed, …)"), "tickets.Ticket"),
    Action("ticket.close_loaner", _("Close loaner tasks"), "tickets.Ticket"),
    Action("ticket.void_evidence", _("Void attachments and unsigned visit records made in error, with a reason"),
           "tickets.Ticket"),
    Action("ticket.claim_exemption", _("Claim breach exemptions (customer refused access, force majeure)"),
           "tickets.Ticket"),
    Action("ticket.backdate_report", _("Register a report at the time it was received (letter, e-mail, call)"),
           "tickets.Ticket"),
    # people, plans, messages, data
    Action("engineer.view", _("List field engineers and their load"), "accounts.User"),
    Action("dealer.view", _("List dealers"), "accounts.Organisation"),
    Action("plan.view", _("See service plans and SLA compliance"), "sla.ServicePlan"),
    Action("plan.manage", _("Create service plans from templates"), "sla.ServicePlan"),
    Action("approvalflow.view", _("See approval flows and their change history"), "approvals.ApprovalFlow"),
    Action("plan.edit", _("Edit service plans: targets, pauses, escalation; draft new versions; back-test"),
           "sla.ServicePlan"),
    Action("plan.publish", _("Publish a plan version and recompute open requests onto it"), "sla.ServicePlan"),
    Action("calendar.change", _("Edit working calendars"), "sla.WorkingCalendar"),
    # duty rosters (P2.2, P14.11): who is on call when
    Action("roster.view", _("See the duty roster (an engineer: his own duty)"), "dispatch.DutyShift"),
    Action("roster.edit", _("Edit the duty roster: shifts and weekly duty patterns"), "dispatch.DutyShift"),
    Action("outbox.view", _("Read the outbox"), "notify.OutboxMessage"),
    Action("outbox.manage", _("Run the outbox and its webhooks"), "notify.OutboxMessage"),
    Action("data.export", _("Export data (within the records one may see)"), "customers.Customer"),
    Action("caller.lookup", _("Look up a caller by phone number (customer, sites, assets, open requests)"),
           "customers.Customer"),
    Action("data.import", _("Import customers, sites, contacts and assets from spreadsheets (each row as its own "
                            "right allows)"), "customers.Customer"),
    # personal data (PIPL): whose phone numbers one sees in full; everyone else sees them masked
    Action("customer.view_full_phone", _("See customers' and reporters' phone numbers in full (lists, pages, "
                                         "exports, search)"), "tickets.Ticket"),
    # approvals, repairs, loaners, retention
    Action("approval.view", _("See the approval requests one is involved in (own) or all, and decide them"),
           "approvals.ApprovalRequest"),
    Action("repair_form.view", _("See repair task forms (and lead a repair as its project manager)"),
           "dispatch.RepairTaskForm"),
    Action("repair_form.write", _("Write and submit repair task forms"), "tickets.Ticket"),
    Action("loaner.void", _("Void loaner tasks opened in error"), "tickets.Ticket"),
    Action("retention.apply", _("Apply the retention rules (anonymise or delete at the end of retention)"),
           "retention.RetentionRule"),
    # charging: the part catalogue, price lists and rules; entitlement, quotes and the ledger (issue 11)
    Action("pricelist.view", _("See the part catalogue, price lists and charging rules"), "charging.Part"),
    Action("pricelist.change", _("Edit the part catalogue and charging rules; import price lists"), "charging.Part"),
    Action("charge.view", _("See entitlement, quotes, receipts and charges of service requests"), "tickets.Ticket"),
    Action("charge.quote", _("Write quotes on service requests (parts, labour, travel)"), "tickets.Ticket"),
    Action("charge.accept", _("Accept or decline a quote (the customer, or the desk with the customer's signed copy)"),
           "tickets.Ticket"),
    Action("entitlement.override", _("Override a request's entitlement, with a reason"), "tickets.Ticket"),
    Action("charge.correct", _("Correct charges by reversal entries, with a reason"), "tickets.Ticket"),
    # administration
    Action("accounts.manage", _("Manage users, teams and organisations; read the personal-data export log"),
           "accounts.User"),
    Action("approval.manage", _("Edit approval flows and their approvers"), "approvals.ApprovalFlow"),
    Action("notify.manage", _("Edit the notification policy (event kinds, rules, templates), group robots and "
                              "staff chat accounts"), "notify.NotificationRule"),
)
BY_NAME = {action.name: action for action in ACTIONS}

# --- The declaration: role × action × scope -------------------------------------------------------
# Read rights every one of our own people has (they see every customer's reference data).
_STAFF_READ = {
    "customer.view": ALL, "asset.view": ALL, "contract.view": ALL, "ticket.view": ALL,
    "internal.view": ALL, "engineer.view": ALL, "dealer.view": ALL, "plan.view": ALL,
    "outbox.view": ALL, "data.export": ALL, "approval.view": OWN, "repair_form.view": ALL, "approvalflow.view": ALL,
    "roster.view": ALL,
    "pricelist.view": ALL, "charge.view": ALL,
}
# The service desk's work: register, correct, route and chase requests; own the reference data
# (including what defines a warranty: install/acceptance dates, a contract's level and terms).
_DESK = {
    **_STAFF_READ,
    "customer.change": ALL, "customer.link": ALL, "productmodel.change": ALL, "asset.change": ALL,
    "asset.change_warranty": ALL, "contract.change": ALL,
    "ticket.open": ALL, "ticket.edit": ALL, "ticket.desk_actions": ALL, "ticket.reply": ALL, "ticket.note": ALL,
    "ticket.fault_report": ALL, "ticket.record_clock": ALL, "ticket.close_loaner": ALL,
    "customer.view_full_phone": ALL, "repair_form.write": ALL, "loaner.void": ALL,
    "ticket.void_evidence": ALL,  # evidence is voided, never deleted (P13.9, P10.4, P12.3)
    "ticket.claim_exemption": ALL, "ticket.backdate_report": ALL,
    "data.import": ALL, "caller.lookup": ALL,
    "pricelist.change": ALL, "charge.quote": ALL, "charge.accept": ALL,
}

RIGHTS: dict[str, dict[str, str]] = {
    Role.SERVICE_DESK: _DESK,
    Role.DISPATCHER: {**_DESK, "plan.manage": ALL, "plan.edit": ALL, "plan.publish": ALL, "outbox.manage": ALL,
                      "roster.edit": ALL, "entitlement.override": ALL},
    Role.ADMIN: {**_DESK, "plan.manage": ALL, "plan.edit": ALL, "plan.publish": ALL, "outbox.manage": ALL,
                 "roster.edit": ALL,
                 "calendar.change": ALL, "approval.view": ALL, "retention.apply": ALL, "accounts.manage": ALL,
                 "approval.manage": ALL, "notify.manage": ALL, "entitlement.override": ALL, "charge.correct": ALL},
    Role.SYSTEM: {action.name: ALL for action in ACTIONS},
    # Field engineers see and work their own jobs; they read the reference data to do it.
    Role.ENGINEER: {
        **_STAFF_READ, "ticket.view": OWN, "ticket.field_actions": OWN, "ticket.reply": OWN, "ticket.note": OWN,
        "ticket.fault_report": OWN, "ticket.record_clock": OWN, "ticket.close_loaner": OWN,
        "customer.view_full_phone": OWN, "repair_form.view": OWN, "roster.view": OWN,
        "charge.view": OWN, "charge.quote": OWN,
    },
    # A branch manager (分支机构经理) sees and follows his branch's (team's) jobs.
    Role.BRANCH_MANAGER: {
        **_STAFF_READ, "ticket.view": TEAM, "ticket.reply": TEAM, "ticket.note": TEAM,
        "ticket.record_clock": TEAM, "ticket.close_loaner": TEAM, "repair_form.view": TEAM, "roster.view": TEAM,
        "charge.view": TEAM,
    },
    # Technical department: appraises faults and writes fault analysis reports (P5.4, P6.5).
    Role.TECHNICAL: {**_STAFF_READ, "ticket.note": ALL, "ticket.fault_report": ALL, "ticket.record_clock": ALL},
    # Complaint desk (P7.4, P12.5): registers reports and complaints, talks to the complainant.
    Role.COMPLAINT_DESK: {**_STAFF_READ, "ticket.open": ALL, "ticket.reply": ALL, "ticket.note": ALL,
                          "ticket.record_clock": ALL, "caller.lookup": ALL},
    # Read-only roles: they read everything and write nothing (issue 6).
    Role.FINANCE: {**_STAFF_READ, "charge.correct": ALL},  # paid-service receipts and corrections are finance's
    Role.LEADERSHIP: dict(_STAFF_READ),
    # Dealer staff: their customers (P6.1) and the jobs assigned to their outlet.
    Role.DEALER_STAFF: {
        "customer.view": ORGANISATION, "customer.change": ORGANISATION, "asset.view": ORGANISATION,
        "asset.change": ORGANISATION, "contract.view": ORGANISATION, "ticket.view": ORGANISATION,
        "internal.view": ORGANISATION, "ticket.field_actions": OWN, "ticket.reply": ORGANISATION,
        "ticket.note": ORGANISATION, "ticket.fault_report": OWN, "ticket.record_clock": ORGANISATION,
        "engineer.view": ALL, "plan.view": ORGANISATION, "data.export": ORGANISATION,
        "customer.view_full_phone": ORGANISATION, "data.import": ORGANISATION,
        "caller.lookup": ORGANISATION, "pricelist.view": ALL, "charge.view": ORGANISATION,
        "charge.quote": OWN,
    },
    # Customer users: their own customer's records; they report, reply, confirm, and may take a
    # copy of their own records (export).
    Role.CUSTOMER_USER: {
        "customer.view": ORGANISATION, "asset.view": ORGANISATION, "contract.view": ORGANISATION,
        "ticket.view": ORGANISATION, "ticket.open": ORGANISATION, "ticket.customer_actions": ORGANISATION,
        "ticket.reply": ORGANISATION, "data.export": ORGANISATION, "charge.view": ORGANISATION,
        "charge.accept": ORGANISATION,
    },
}

# Roles whose rights need an organisation: without one they have none (a half-set-up account).
NEEDS_ORGANISATION = frozenset({Role.DEALER_STAFF, Role.CUSTOMER_USER})


def role_of(user) -> str | None:
    """The role whose row applies: administrators for superusers; None for anonymous or inactive users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    if user.role in NEEDS_ORGANISATION and user.organisation_id is None:
        return None
    return user.role


# What "my organisation" means for a role whose rights reach "organisation": the outlet a dealer's
# staff work for (its customers and jobs), or the customer a customer user belongs to.
DEALER, CUSTOMER = "dealer", "customer"
ORGANISATION_KIND = {Role.DEALER_STAFF: DEALER, Role.CUSTOMER_USER: CUSTOMER}


def organisation_kind(user) -> str | None:
    """DEALER, CUSTOMER or None: how the scope resolvers read the user's organisation."""
    return ORGANISATION_KIND.get(role_of(user))


def scope_of(user, action: str) -> str | None:
    """The scope `user` has for `action`, or None when refused."""
    if action not in BY_NAME:
        raise KeyError(f"undeclared action {action!r}")
    role = role_of(user)
    return RIGHTS.get(role, {}).get(action) if role else None


def _model(label: str):
    from django.apps import apps

    return apps.get_model(label)


# Actions that, asked without a record, answer only for scope "all": "may I see phone numbers in
# full?" with no record means "everyone's", which an engineer (his jobs only) may not.
RECORD_BOUND = frozenset({"customer.view_full_phone"})


def allows(user, action: str, obj=None) -> bool:
    """May `user` take `action` — on `obj` when given (the object must lie within the scope)?"""
    scope = scope_of(user, action)
    if scope is None:
        return False
    if scope == ALL:
        return True
    if obj is None:
        return action not in RECORD_BOUND
    quick = getattr(obj, "in_scope", None)  # a model may answer a scope from loaded fields
    answer = quick(user, scope) if quick else None
    if answer is not None:
        return answer
    manager = type(obj)._default_manager
    return manager.filter(manager.get_queryset().scope_q(user, scope)).filter(pk=obj.pk).exists()


# rules is the registry: every action is a rules permission, so `user.has_perm("ticket.reply", ticket)`
# (rules' ObjectPermissionBackend), rules' DRF and admin mixins and its template tags ask the same table.
def _predicate(name: str):
    def check(user, obj=None):
        return allows(user, name, obj)

    return rules.predicate(check, name=name)


for _action in ACTIONS:
    rules.set_perm(_action.name, _predicate(_action.name))


def scope_filter(user, action: str, queryset):
    """`queryset` narrowed to the records `action` reaches for `user` (nothing when refused)."""
    scope = scope_of(user, action)
    if scope is None:
        return queryset.none()
    if scope == ALL:
        return queryset
    return queryset.filter(queryset.scope_q(user, scope))


def rights_of(user) -> dict[str, str]:
    """{action: scope} for `user` (the "who am I" API shows it to clients)."""
    role = role_of(user)
    return dict(RIGHTS.get(role, {})) if role else {}


def users_with(action: str):
    """Active users whose role has `action` (superusers count as administrators), for pickers:
    e.g. who may lead a repair ("repair_form.view": our own staff)."""
    from django.db.models import Q

    from .models import User

    roles = [role for role, row in RIGHTS.items() if action in row and role != Role.SYSTEM]
    admin = Q(is_superuser=True) if Role.ADMIN in roles else Q(pk__in=[])
    return User.objects.filter(is_active=True).filter(Q(role__in=roles) | admin)


# Who can be assigned a job as its engineer (the workflow's "assignee" is then whoever the layer
# gives "ticket.field_actions" on it).
ASSIGNABLE_ROLES = frozenset({Role.ENGINEER})


def assignable_engineers():
    """Active users a request can be assigned to, for pickers, filters and the assign service."""
    from .models import User

    return User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES)


def is_assignable(user) -> bool:
    return bool(user is not None and user.is_active and user.role in ASSIGNABLE_ROLES)


SYSTEM_USERNAME = "system"


def system_user():
    """The explicit system actor (replaces `user=None`): created by a data migration, fetched here.

    get_or_create, not get: a test database flushed between transactional tests loses the row.
    """
    from .models import User

    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"role": Role.SYSTEM, "first_name": "系统", "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
