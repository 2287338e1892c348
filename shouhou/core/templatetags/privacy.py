"""`{% load privacy %}{% phone value record %}`: a phone number as the viewing user may see it.

The one template function for customers' and reporters' numbers (core.privacy.phone_for):
in full for those whose work needs it, masked (138****5678) for everyone else.
"""

from django import template

from shouhou.core.privacy import phone_for

register = template.Library()


@register.simple_tag(takes_context=True)
def phone(context, value, record=None):
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return phone_for(user, value, record)


@register.simple_tag(takes_context=True)
def private_text(context, value, record=None):
    """Free text (a fault description) with the phone numbers in it masked for those who may not
    see them in full (the reporter often dictates a number into the description)."""
    from shouhou.core.privacy import mask_phones_in_text, may_see_full_phone

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return value if may_see_full_phone(user, record) else mask_phones_in_text(value)
