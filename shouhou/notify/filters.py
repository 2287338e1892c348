"""One FilterSet for the outbox, shared by the outbox page and /api/v1/outbox/."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Channel, OutboxStatus, WebhookFormat
from .models import OutboxMessage


class OutboxFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=OutboxStatus.choices)
    channel = django_filters.ChoiceFilter(label=_("channel"), choices=Channel.choices)
    format = django_filters.ChoiceFilter(label=_("format"), choices=WebhookFormat.choices)
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = OutboxMessage
        fields = ["status", "channel", "format"]

    def search(self, queryset, name, value):
        """Subject, e-mail recipient or dedupe key (robot URLs are secrets and not searchable)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(subject__icontains=value) | Q(dedupe_key__icontains=value)
            | Q(channel=Channel.EMAIL, recipient__icontains=value)
        )
