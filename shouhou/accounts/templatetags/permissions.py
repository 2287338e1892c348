"""`{% may "ticket.open" as can_report %}`: templates ask the one permission layer, for the request's user."""

from django import template

from shouhou.accounts.permissions import may as may_
from shouhou.accounts.permissions import scope_of as scope_of_

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return may_(user, action, obj)


@register.simple_tag(takes_context=True)
def scope_of(context, action):
    """`{% scope_of "plan.view" as scope %}`: the user's scope for `action` ("own" … "all"), or None."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return scope_of_(user, action)
