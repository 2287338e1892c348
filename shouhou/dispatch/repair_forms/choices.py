"""States of a repair task form."""

from django.db import models
from django.utils.translation import pgettext_lazy

# The approval flow (approvals.ApprovalFlow.kind) a repair task form goes through (P13.8).
APPROVAL_KIND = "repair_task_form"


class RepairFormStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("repair task form", "Draft")
    PENDING = "pending", pgettext_lazy("repair task form", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("repair task form", "Approved")
    REJECTED = "rejected", pgettext_lazy("repair task form", "Rejected")


# Only a draft is edited or submitted; an approved form never changes (architecture.md: approved task forms
# are immutable), a rejected one stays as the record of the refusal.
EDITABLE_STATES = frozenset({RepairFormStatus.DRAFT})
