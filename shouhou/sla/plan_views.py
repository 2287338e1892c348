"""The service manager's plan editor pages (issue 8): edit a draft with formsets, preview, back-test,
draft a new version, publish.  Services do the work (services/editor.py, services/preview.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.accounts.permissions import may, require
from shouhou.core.errors import ServiceError
from shouhou.tickets.severity import SeverityLevel

from .models import ServicePlan
from .plan_forms import (
    BacktestForm,
    PlanForm,
    PreviewForm,
    PublishForm,
    RuleFormSet,
    SeverityFormSet,
    TargetFormSet,
    TermsForm,
    ZoneRuleFormSet,
)
from .services import editor, plan_terms
from .services.clocks import effective_targets
from .services.preview import backtest, preview
from .services.reference import save_severity


def _plan(request, pk):
    return get_object_or_404(ServicePlan.objects.visible_to(request.user).select_related("contract", "base", "line"),
                             pk=pk)


def _save(request, plan, form, targets, rules, zone_rules, terms) -> ServicePlan:
    """Write the editor's forms through the services, in one transaction (ServiceError rolls back)."""
    reason = form.cleaned_data.get("reason") or ""
    fields = {k: v for k, v in form.cleaned_data.items() if k in editor.PLAN_FIELDS}
    if plan is None:
        plan = editor.create_plan(request.user, contract=form.cleaned_data.get("contract"), reason=reason, **fields)
        version = None
    else:
        version = form.cleaned_data.get("version")
        editor.update_plan(request.user, plan, fields, version=version, reason=reason)
    subs = [(targets, editor.save_target), (rules, editor.save_rule), (zone_rules, plan_terms.save_zone_rule)]
    for sub, save in subs:
        if sub is None:
            continue
        sub.instance = plan
        for f in sub.forms:
            if not f.has_changed() and f.instance.pk is None:
                continue
            if sub.can_delete and sub._should_delete_form(f):
                if f.instance.pk:
                    editor.delete_row(request.user, plan, f.instance, version=None, reason=reason)
                continue
            if f.has_changed():
                row = save(request.user, plan, f.instance if f.instance.pk else None, f.changes(), version=None,
                           reason=reason)
                if sub is targets and f.penalty_changed():
                    plan_terms.save_penalty(request.user, plan, row, f.penalty(), version=None, reason=reason)
    if terms is not None and terms.has_changed():
        if any(n in terms.changed_data for n in terms.CLAUSES):
            plan_terms.save_clauses(request.user, plan, terms.part(terms.CLAUSES), version=None, reason=reason)
        if any(n in terms.changed_data for n in terms.CAP):
            plan_terms.save_cap(request.user, plan, terms.part(terms.CAP), version=None, reason=reason)
    return plan


class _Discard(Exception):
    """Rolls back the save an unsaved preview makes; carries the preview rows out."""


def _editor_forms(request, plan, data):
    """The editor's forms, bound to `data` (None for the empty page)."""
    instance = plan or ServicePlan()
    base_targets = effective_targets(plan.base) if plan is not None and plan.base_id else []
    # Zone rules and terms are optional parts of a post: absent, they stay as they are.
    sent = data is not None and any(k.startswith(("zone_rules-", "terms-")) for k in data)
    return {
        "form": PlanForm(data, instance=instance, user=request.user),
        "targets": TargetFormSet(data, instance=instance, prefix="targets", form_kwargs={"base_targets": base_targets}),
        "rules": RuleFormSet(data, instance=instance, prefix="rules", form_kwargs={"plan": plan}),
        "zone_rules": ZoneRuleFormSet(data if sent else None, instance=instance, prefix="zone_rules"),
        "terms": TermsForm(data if sent else None, plan=plan, prefix="terms"),
        "sent": sent, "base_targets": base_targets,
    }


def _save_forms(request, plan, f) -> ServicePlan:
    return _save(request, plan, f["form"], f["targets"], f["rules"], f["zone_rules"] if f["sent"] else None,
                 f["terms"] if f["sent"] else None)


def _unsaved_preview(request, plan, f, facts):
    """Preview the plan as the page now says, before it is saved: the forms are written through the
    same services inside a transaction that is then rolled back, so the preview is the evaluation the
    saved plan would get and nothing (plan, audit rows, notifications) is kept."""
    try:
        with transaction.atomic():
            saved = _save_forms(request, plan, f)
            raise _Discard(preview(saved, **facts))
    except _Discard as done:
        return done.args[0]
    except ServiceError as exc:
        f["form"].add_error(exc.field if exc.field in f["form"].fields else None, exc.message)
        return None


@login_required
def plan_edit(request, pk=None):
    """Create (pk None) or edit a draft plan or template: the plan, its targets and its ladder.
    A post with `preview` shows the unsaved page's due times instead of saving (the live preview);
    with `fragment` too, only the preview section is returned (the page's script asks for it)."""
    require(request.user, "plan.edit")
    plan = _plan(request, pk) if pk else None
    if plan is not None and not editor.is_editable(plan):
        messages.info(request, _("This version is published: make a new version to change it."))
        return redirect("sla:plan_detail", plan.pk)
    data = request.POST if request.method == "POST" else None
    f = _editor_forms(request, plan, data)
    parts = [f["form"], f["targets"], f["rules"]] + ([f["zone_rules"], f["terms"]] if f["sent"] else [])
    facts_form = PreviewForm(data, user=request.user, plan=plan, prefix="preview")
    previewing = data is not None and "preview" in data
    rows, unsaved = None, False
    if data is not None and all([form.is_valid() for form in parts]):
        if previewing:
            facts = facts_form.cleaned_data if facts_form.is_valid() else {"severity": 1}
            rows, unsaved = _unsaved_preview(request, plan, f, {k: v for k, v in facts.items() if v}), True
        else:
            try:
                with transaction.atomic():
                    saved = _save_forms(request, plan, f)
            except ServiceError as exc:
                f["form"].add_error(exc.field if exc.field in f["form"].fields else None, exc.message)
            else:
                messages.success(request, _("Service plan saved."))
                return redirect("sla:plan_edit", saved.pk)
    if previewing:
        # The rolled-back save may have touched the bound forms' instances: show fresh ones.
        plan = _plan(request, pk) if pk else None
        f = {**_editor_forms(request, plan, data), "form": f["form"]}
        for name in ("targets", "rules", "zone_rules", "terms"):
            f[name].is_valid()
    elif plan is not None:
        # The saved draft's preview: a level-1 fault reported now (any site) would be due at … .
        rows = preview(plan, severity=1)
    context = {
        "plan": plan, "form": f["form"], "targets": f["targets"], "rules": f["rules"],
        "base_targets": f["base_targets"], "rows": rows, "unsaved": unsaved, "zone_rules": f["zone_rules"],
        "terms": f["terms"],
        "facts_form": facts_form if previewing else PreviewForm(user=request.user, plan=plan, prefix="preview"),
        "invalid": data is not None and not unsaved,
    }
    if previewing and "fragment" in data:
        return render(request, "sla/_plan_preview.html", context)
    return render(request, "sla/plan_edit.html", context, status=400 if data is not None and not previewing else 200)


@login_required
def plan_try(request, pk):
    """Preview ("a level-1 fault reported now on this site would be due at …") and back-test."""
    require(request.user, "plan.view")
    plan = _plan(request, pk)
    preview_form = PreviewForm(request.GET if "severity" in request.GET else None, user=request.user, plan=plan)
    rows = None
    if preview_form.is_bound and preview_form.is_valid():
        d = preview_form.cleaned_data
        rows = preview(plan, severity=d["severity"], site=d["site"], service_level=d["service_level"], at=d["at"])
    test_form = BacktestForm(request.GET if "months" in request.GET else None)
    result = None
    if test_form.is_bound and test_form.is_valid():
        result = backtest(plan, months=test_form.cleaned_data["months"])
    return render(request, "sla/plan_try.html", {
        "plan": plan, "preview_form": preview_form, "rows": rows, "test_form": test_form, "result": result,
        "publish_form": PublishForm(initial={"version": plan.version}) if may(request.user, "plan.publish") else None,
    })


@login_required
@require_POST
def plan_new_version(request, pk):
    plan = _plan(request, pk)
    try:
        draft = editor.new_version(request.user, plan)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("sla:plan_detail", plan.pk)
    messages.success(request, _("Version %(n)s drafted: edit it, try it, then publish it.") % {"n": draft.revision})
    return redirect("sla:plan_edit", draft.pk)


@login_required
@require_POST
def plan_publish(request, pk):
    plan = _plan(request, pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the publishing form."))
        return redirect("sla:plan_try", plan.pk)
    d = form.cleaned_data
    try:
        out = editor.publish(request.user, plan, effective_from=d["effective_from"], recompute=d["recompute"],
                             reason=d["reason"], version=d["version"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("sla:plan_try", plan.pk)
    messages.success(request, _("Published; %(n)s open requests recomputed onto it.") % {"n": out["recomputed"]})
    return redirect("sla:plan_detail", plan.pk)


@login_required
def severity_levels(request):
    """The company's severity levels (names and definitions shown on the intake form): read by
    staff, edited by service managers as one formset."""
    require(request.user, "plan.view")
    can_edit = may(request.user, "plan.edit")
    if request.method == "POST":
        require(request.user, "plan.edit", None, _("Only service managers and administrators edit severity levels."))
    formset = SeverityFormSet(request.POST if request.method == "POST" else None,
                              queryset=SeverityLevel.objects.order_by("rank"), prefix="levels")
    if formset.is_bound and formset.is_valid():
        try:
            with transaction.atomic():
                for f in formset.forms:
                    if f.has_changed():
                        save_severity(request.user, f.instance if f.instance.pk else None, f.cleaned_data,
                                      reason=_("Severity levels edited."))
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Severity levels saved."))
            return redirect("sla:severities")
    return render(request, "sla/severity_levels.html", {"formset": formset, "can_edit": can_edit},
                  status=400 if formset.is_bound else 200)
