"""The outbox page (/notify/outbox/) for admins and dispatchers: delivery state and a retry button."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core.errors import ServiceError

from . import services
from .choices import OutboxStatus
from .filters import OutboxFilter
from .models import OutboxMessage, can_manage_outbox


def _require_manager(request):
    if not can_manage_outbox(request.user):
        raise PermissionDenied


@login_required
def outbox_list(request):
    """Newest first, filterable; counts per status show a stuck queue at a glance."""
    _require_manager(request)
    visible = OutboxMessage.objects.visible_to(request.user)
    filterset = OutboxFilter(request.GET, queryset=visible.select_related("endpoint"))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    by_status = [(value, label, counts.get(value, 0)) for value, label in OutboxStatus.choices]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notify/outbox_list.html", {
        "filter": filterset, "page": page, "by_status": by_status, "query": query.urlencode(),
    })


@login_required
@require_POST
def outbox_retry(request, pk):
    _require_manager(request)
    message = get_object_or_404(OutboxMessage.objects.visible_to(request.user), pk=pk)
    try:
        services.retry_message(request.user, message)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Message #%(id)s is queued again.") % {"id": message.pk})
    return redirect(request.POST.get("next") or "notify:outbox")
