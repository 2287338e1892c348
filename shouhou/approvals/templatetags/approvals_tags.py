"""The nav's "my approvals" count: one COUNT query, only for people who can be approvers."""

from django import template

from ..models import ApprovalRequest

register = template.Library()


@register.simple_tag
def approvals_waiting(user) -> int:
    if not (getattr(user, "is_authenticated", False) and user.is_internal):
        return 0
    return ApprovalRequest.objects.waiting_for(user).count()
