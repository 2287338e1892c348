"""Pages of approvals: "my approvals" (waiting for me), my own requests, one request with its steps.

Every request is looked up through `visible_to(request.user)`, so one outside the user's
involvement is a 404.  Decisions go through approvals.services, which applies separation of duties.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core.errors import PermissionDeniedError, ServiceError

from . import services
from .forms import DecisionForm, WithdrawForm
from .models import ApprovalDecision, ApprovalRequest, RequestStep

PAGE_SIZE = 25


def _page(request, qs):
    return Paginator(qs.select_related("flow", "requested_by"), PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def inbox(request):
    """我的审批: the requests whose current step I may decide now."""
    page = _page(request, ApprovalRequest.objects.waiting_for(request.user).order_by("requested_at", "id"))
    return render(request, "approvals/list.html", {
        "page": page, "title": _("My approvals"), "empty": _("Nothing is waiting for your decision."),
        "tab": "inbox",
    })


@login_required
def my_requests(request):
    """The requests I submitted, newest first, with their state."""
    page = _page(request, ApprovalRequest.objects.visible_to(request.user).filter(requested_by=request.user))
    return render(request, "approvals/list.html", {
        "page": page, "title": _("My requests"), "empty": _("You have not asked for any approval yet."),
        "tab": "mine",
    })


def _get_request(request, pk) -> ApprovalRequest:
    steps = RequestStep.objects.select_related("approver", "decision__decided_by").order_by("position")
    qs = (ApprovalRequest.objects.visible_to(request.user).select_related("flow", "requested_by", "content_type")
          .prefetch_related(Prefetch("steps", steps), Prefetch("decisions", ApprovalDecision.objects.all())))
    return get_object_or_404(qs, pk=pk)


def subject_context(approval: ApprovalRequest) -> dict:
    """The subject as the request page shows it: its link and the facts the approver decides on.

    A subject model may offer `get_absolute_url()` and `approval_summary()` → [(label, value), …].
    """
    subject = approval.subject
    summary = getattr(subject, "approval_summary", None)
    return {
        "subject": subject,
        "subject_url": subject.get_absolute_url() if hasattr(subject, "get_absolute_url") else "",
        "subject_rows": summary() if callable(summary) else [],
    }


def _detail(request, approval, *, form=None, status=200):
    user = request.user
    can_decide = approval.can_decide(user)
    context = {
        "approval": approval, "steps": approval.steps.all(), "can_decide": can_decide,
        "form": form or (DecisionForm(initial={"step": approval.current_position}) if can_decide else None),
        "refusal": None if can_decide or not approval.is_pending else approval.refusal_for(user)[1],
        "can_withdraw": approval.is_pending and approval.requested_by_id == user.pk,
        "withdraw_form": WithdrawForm(),
        **subject_context(approval),
    }
    return render(request, "approvals/detail.html", context, status=status)


@login_required
def request_detail(request, pk):
    return _detail(request, _get_request(request, pk))


@login_required
@require_POST
def decide(request, pk):
    approval = _get_request(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, approval, form=form, status=400)
    try:
        data = form.cleaned_data
        services.decide_request(request.user, approval, data["outcome"], data["reason"], data["step"])
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        status = 403 if isinstance(error, PermissionDeniedError) else 409 if error.code == "already_decided" else 400
        return _detail(request, _get_request(request, pk), form=form, status=status)
    messages.success(request, _("Your decision is recorded."))
    return redirect("approvals:detail", pk=approval.pk)


@login_required
@require_POST
def withdraw(request, pk):
    approval = _get_request(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, approval, status=400)
    try:
        services.withdraw_request(request.user, approval, form.cleaned_data["reason"])
    except PermissionDeniedError as error:
        raise PermissionDenied(str(error.message)) from None
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("approvals:detail", pk=approval.pk)
