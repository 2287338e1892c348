"""The nav's "my approvals" count: one COUNT query, only for people who can be approvers."""

from django import template

from shouhou.accounts.permissions import may

from ..models import ApprovalRequest

register = template.Library()


@register.simple_tag
def approvals_waiting(user) -> int:
    if not may(user, "approval.view"):
        return 0
    return ApprovalRequest.objects.waiting_for(user).count()
