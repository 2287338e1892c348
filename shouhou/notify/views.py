"""The outbox page (/notify/outbox/) for admins and dispatchers: delivery state and a retry button;
each user's own inbox and notification settings; the SMS provider's delivery receipts."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from shouhou.core.errors import ServiceError

from . import services
from .choices import OutboxStatus
from .filters import OutboxFilter
from .forms import PreferencesForm
from .models import EventKind, Notification, OutboxMessage, can_manage_outbox


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


# ------------------------------------------------------------------------ each user's own inbox

@login_required
def inbox(request):
    """/notify/inbox/: the signed-in user's own notifications, newest first (?unread=1: unread only)."""
    mine = Notification.objects.visible_to(request.user)
    shown = mine.unread() if request.GET.get("unread") else mine
    page = Paginator(shown.select_related("kind"), 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
def inbox_open(request, pk):
    """Open a notification: it is marked read and the user goes to what it is about."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_read(request.user, notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notify:inbox")


@login_required
@require_POST
def inbox_read(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    services.mark_read(request.user, notification)
    return redirect(_next(request))


@login_required
@require_POST
def inbox_read_all(request):
    marked = services.mark_all_read(request.user)
    messages.success(request, _("%(n)d notification(s) marked read.") % {"n": marked})
    return redirect(_next(request))


def _next(request) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notify:inbox")


@login_required
def notification_settings(request):
    """/notify/settings/: which channels the user wants, for all event kinds and per kind."""
    kinds = list(EventKind.objects.filter(active=True).order_by("code"))
    form = PreferencesForm(request.user, kinds, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notify:settings")
    return render(request, "notify/settings.html", {"form": form, "kind_rows": form.kind_rows()})


# ------------------------------------------------------------------------------- SMS receipts

@csrf_exempt
@require_POST
def sms_receipt(request):
    """POST /notify/sms/receipts/: the SMS provider reports delivery (a JSON object or a list).

    Guarded by the shared token NOTIFY_SMS_RECEIPT_TOKEN (header X-Shouhou-Token or ?token=);
    without a configured token the endpoint does not exist."""
    expected = getattr(settings, "NOTIFY_SMS_RECEIPT_TOKEN", "")
    given = request.headers.get("X-Shouhou-Token") or request.GET.get("token") or ""
    if not expected:
        raise Http404
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return JsonResponse({"code": "not_permitted"}, status=403)
    try:
        data = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError):
        return JsonResponse({"code": "bad_json"}, status=400)
    reports = data if isinstance(data, list) else [data]
    return JsonResponse({"updated": services.record_sms_receipts(reports[:1000])})
