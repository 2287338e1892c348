"""`{% may "ticket.open" as can_report %}`: templates ask the one permission layer, for the request's user."""

from django import template

from shouhou.accounts.permissions import may as may_

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, action, obj=None):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return may_(user, action, obj)
