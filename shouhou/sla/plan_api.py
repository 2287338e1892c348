"""REST API writes of service plans (issue 8): /service-plans/, /plan-targets/, /escalation-rules/,
/service-zones/ — through the editor's services, versioned, errors naming the field.

Concurrency: a plan's `version` guards the whole plan.  Writing the plan, one of its targets or
one of its rules names that version (`If-Match: "<version>"` or a `version` field); a stale one
answers 409 `stale_version`.  A published version is not edited (400 `plan_published`): POST
…/new-version/ drafts the next one, POST …/publish/ publishes it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from shouhou.accounts.permissions import require
from shouhou.contracts.models import Contract
from shouhou.core.api import HistoryMixin, ScopedViewSetMixin
from shouhou.core.errors import ServiceError
from shouhou.core.versioning import etag_for, parse_if_match
from shouhou.customers.models import ServiceZone
from shouhou.tickets.severity import SeverityLevel

from .filters import ServicePlanFilter
from .models import EscalationRule, ServicePlan, Target
from .reports import compliance_by_kind, parse_month
from .serializers import (
    ComplianceQuerySerializer,
    ComplianceSerializer,
    CreateFromTemplateSerializer,
    ServicePlanSerializer,
)
from .serializers_write import (
    BacktestSerializer,
    PlanWriteSerializer,
    PreviewQuerySerializer,
    PreviewRowSerializer,
    PublishSerializer,
    RuleWriteSerializer,
    ServiceZoneSerializer,
    SeverityLevelSerializer,
    TargetWriteSerializer,
)
from .services import create_plan_from_template, editor, plan_terms
from .services.preview import backtest, preview
from .services.reference import save_severity, save_zone


def labelled(serializer: serializers.Serializer, errors) -> dict:
    """Errors keyed by field, each message led by the field's name in the user's language."""
    out = {}
    for name, messages in (errors.items() if isinstance(errors, dict) else [("detail", errors)]):
        field = serializer.fields.get(name) if hasattr(serializer, "fields") else None
        label = str(field.label) if field is not None and field.label else ""
        items = messages if isinstance(messages, list) else [messages]
        out[name] = [f"{label}：{m}" if label and isinstance(m, str) else m for m in map(_text, items)]
    return out


def _text(message):
    return message if isinstance(message, (dict, list)) else str(message)


def valid(serializer: serializers.Serializer) -> dict:
    if not serializer.is_valid():
        raise ValidationError(labelled(serializer, serializer.errors))
    return serializer.validated_data


def expected_version(request) -> int | None:
    header = parse_if_match(request.headers.get("If-Match"))
    if header is not None:
        return header
    raw = request.data.get("version") if hasattr(request.data, "get") else None
    try:
        return None if raw in (None, "") else int(raw)
    except (TypeError, ValueError):
        raise ServiceError("bad_version", _("version must be an integer"), "version") from None


def run(serializer, call):
    """Call a service; model validation errors come back naming their field."""
    try:
        return call()
    except DjangoValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "message_dict") else {"detail": exc.messages}
        raise ValidationError(labelled(serializer, errors)) from exc


def _require_version(version):
    if version is None:
        raise ServiceError("version_required", _("Send the plan version you edited (If-Match header or 'version' "
                                                  "field) so concurrent edits are never overwritten."), "version")
    return version


class ServicePlanViewSet(HistoryMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    """Plan templates (is_template=true), contracts' plans and their versions; POST creates a draft,
    PATCH edits a draft or template (If-Match: the plan's version)."""

    scoped_model = ServicePlan
    serializer_class = ServicePlanSerializer
    filterset_class = ServicePlanFilter
    ordering_fields = ["name", "source"]
    ordering = ["-is_template", "source", "name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("targets__penalty", "escalations", "zone_rules__zone",
                                                       "clauses", "penalty_cap")

    def _out(self, plan, code=status.HTTP_200_OK):
        plan = self.get_queryset().get(pk=plan.pk)
        response = Response(ServicePlanSerializer(plan).data, status=code)
        response["ETag"] = etag_for(plan)
        return response

    @extend_schema(request=PlanWriteSerializer, responses={201: ServicePlanSerializer})
    def create(self, request, *args, **kwargs):
        body = PlanWriteSerializer(data=request.data, context={"request": request})
        data = dict(valid(body))
        reason = data.pop("reason", "")
        terms = {k: data.pop(k) for k in PlanWriteSerializer.TERMS if k in data}

        def write():
            with transaction.atomic():
                plan = editor.create_plan(request.user, reason=reason, **data)
                _write_terms(request.user, plan, terms, reason)
            return plan

        plan = run(body, write)
        return self._out(plan, status.HTTP_201_CREATED)

    @extend_schema(request=PlanWriteSerializer, responses={200: ServicePlanSerializer, 409: OpenApiResponse(
        description="stale_version: someone changed the plan since the version you edited.")},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, description="The plan's version.")])
    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        body = PlanWriteSerializer(plan, data=request.data, partial=True, context={"request": request})
        data = dict(valid(body))
        reason = data.pop("reason", "")
        data.pop("contract", None)
        terms = {k: data.pop(k) for k in PlanWriteSerializer.TERMS if k in data}
        version = _require_version(expected_version(request))

        def write():
            with transaction.atomic():
                editor.update_plan(request.user, plan, data, version=version, reason=reason)
                _write_terms(request.user, plan, terms, reason)

        run(body, write)
        return self._out(plan)

    @extend_schema(request=None, responses={201: ServicePlanSerializer})
    @action(detail=True, methods=["post"], url_path="new-version")
    def new_version(self, request, pk=None):
        """Draft the next version of a published plan (a copy to edit, back-test and publish)."""
        return self._out(editor.new_version(request.user, self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(request=PublishSerializer, responses={200: ServicePlanSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish a draft from `effective_from` (default now); `recompute` moves open requests onto it."""
        plan = self.get_object()
        body = PublishSerializer(data=request.data)
        d = valid(body)
        editor.publish(request.user, plan, effective_from=d.get("effective_from"), recompute=d["recompute"],
                       reason=d.get("reason", ""), version=_require_version(expected_version(request)))
        return self._out(plan)

    @extend_schema(parameters=[PreviewQuerySerializer], responses=PreviewRowSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def preview(self, request, pk=None):
        """The due times a request reported at `at` (default now) with these facts would get."""
        plan = self.get_object()
        d = valid(PreviewQuerySerializer(data=request.query_params, context={"request": request}))
        rows = preview(plan, severity=d["severity"], site=d.get("site"), service_level=d.get("service_level", ""),
                       at=d.get("at"))
        return Response(PreviewRowSerializer(rows, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("months", int, description="How many months back (1-24).")],
                   responses=BacktestSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def backtest(self, request, pk=None):
        """Replay the last months' requests through this version: met / breached per target."""
        plan = self.get_object()
        require(request.user, "plan.edit")
        try:
            months = min(max(int(request.query_params.get("months", 3)), 1), 24)
        except ValueError:
            raise ValidationError({"months": [_("A whole number of months, 1 to 24.")]}) from None
        return Response(BacktestSerializer(backtest(plan, months=months)).data)

    @extend_schema(request=CreateFromTemplateSerializer, responses={201: ServicePlanSerializer})
    @action(detail=True, methods=["post"], url_path="create-plan")
    def create_plan(self, request, pk=None):
        """Build a contract's plan from this template (create_plan_from_template)."""
        template = self.get_object()
        body = CreateFromTemplateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=body.validated_data["contract"])
        plan = create_plan_from_template(request.user, template, contract, name=body.validated_data.get("name", ""))
        return self._out(plan, status.HTTP_201_CREATED)

    @extend_schema(parameters=[ComplianceQuerySerializer], responses={
        200: ComplianceSerializer, 403: OpenApiResponse(description="Customer users: compliance is for service staff and dealers."),
        404: OpenApiResponse(description="No such contract among those you may see.")})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def compliance(self, request):
        """SLA compliance for a month per target kind: total, met, breached, running, compliance %."""
        require(request.user, "plan.view")
        query = ComplianceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = parse_month(query.validated_data.get("month"))
        from .models import Clock

        clocks = Clock.objects.visible_to(request.user)
        contract_id = query.validated_data.get("contract")
        if contract_id is not None:
            contract = get_object_or_404(Contract.objects.visible_to(request.user), pk=contract_id)
            clocks = clocks.filter(ticket__contract=contract)
        report = compliance_by_kind(clocks, month)
        return Response(ComplianceSerializer({"contract": contract_id, "month": month, **report}).data)


class _PlanRowViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Rows of a plan (targets, escalation rules): scoped by their plan; writes name the plan's version."""

    model: type = Target
    save = staticmethod(editor.save_target)

    def get_queryset(self):
        plans = ServicePlan.objects.visible_to(self.request.user)
        qs = self.model.objects.filter(plan__in=plans).select_related("plan").order_by("plan", "id")
        plan = self.request.query_params.get("plan")
        return qs.filter(plan_id=plan) if plan and plan.isdigit() else qs

    def _write(self, request, row, code):
        body = self.get_serializer(row, data=request.data, partial=row is not None)
        data = dict(valid(body))
        reason = data.pop("reason", "")
        data.pop("version", None)
        plan = row.plan if row is not None else data.pop("plan")
        data.pop("plan", None)
        if not ServicePlan.objects.visible_to(request.user).filter(pk=plan.pk).exists():
            raise ServiceError("not_found", _("No such plan."), "plan")
        version = _require_version(expected_version(request))
        saved = run(body, lambda: self.save(request.user, plan, row, data, version=version, reason=reason))
        response = Response(self.get_serializer(saved).data, status=code)
        response["ETag"] = etag_for(ServicePlan.objects.get(pk=plan.pk))
        return response

    def create(self, request, *args, **kwargs):
        return self._write(request, None, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        return self._write(request, self.get_object(), status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        version = _require_version(expected_version(request))
        editor.delete_row(request.user, row.plan, row, version=version,
                          reason=str(request.data.get("reason", "")) if hasattr(request.data, "get") else "")
        return Response(status=status.HTTP_204_NO_CONTENT)


def _write_terms(user, plan, terms: dict, reason: str) -> None:
    """The plan's clauses, monthly cap and zone rules sent with the plan (after the plan's own write,
    so they are checked against the version it moved on to)."""
    if "clauses" in terms:
        plan_terms.save_clauses(user, plan, dict(terms["clauses"]), version=None, reason=reason)
    if "penalty_cap" in terms:
        cap = terms["penalty_cap"]
        plan_terms.save_cap(user, plan, dict(cap) if cap is not None else None, version=None, reason=reason)
    if "zone_rules" in terms:
        plan_terms.replace_zone_rules(user, plan, [dict(r) for r in terms["zone_rules"]], version=None, reason=reason)


@transaction.atomic
def _save_target(user, plan, target, fields: dict, *, version, reason=""):
    """A target and, when sent, its penalty (null removes it)."""
    sent = "penalty" in fields
    penalty = fields.pop("penalty", None)
    saved = editor.save_target(user, plan, target, fields, version=version, reason=reason)
    if sent:
        plan_terms.save_penalty(user, plan, saved, dict(penalty) if penalty is not None else None, version=None,
                                reason=reason)
    return saved


@extend_schema(parameters=[OpenApiParameter("plan", int, description="Only this plan's targets.")])
class TargetViewSet(_PlanRowViewSet):
    """Targets of the plans you see.  Writes: If-Match (or `version`) is the plan's version."""

    model = Target
    serializer_class = TargetWriteSerializer
    save = staticmethod(_save_target)


@extend_schema(parameters=[OpenApiParameter("plan", int, description="Only this plan's rules.")])
class EscalationRuleViewSet(_PlanRowViewSet):
    """Escalation ladders of the plans you see.  Writes: If-Match (or `version`) is the plan's version."""

    model = EscalationRule
    serializer_class = RuleWriteSerializer
    save = staticmethod(editor.save_rule)


class ServiceZoneViewSet(HistoryMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Service zones (the codes targets are scoped by): staff read, service managers write."""

    serializer_class = ServiceZoneSerializer
    queryset = ServiceZone.objects.order_by("code")

    def get_queryset(self):
        require(self.request.user, "plan.view")
        return super().get_queryset()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = run(serializer, lambda: save_zone(self.request.user, None, data,
                                                                reason=data.pop("reason", "")))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = run(serializer, lambda: save_zone(self.request.user, serializer.instance, data,
                                                                reason=data.pop("reason", "")))


class SeverityLevelViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The company's severity levels (rank 1 = most severe): staff read, service managers write."""

    serializer_class = SeverityLevelSerializer
    queryset = SeverityLevel.objects.order_by("rank")

    def get_queryset(self):
        require(self.request.user, "ticket.view")
        return super().get_queryset()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = run(serializer, lambda: save_severity(self.request.user, None, data,
                                                                    reason=data.pop("reason", "")))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = run(serializer, lambda: save_severity(self.request.user, serializer.instance, data,
                                                                    reason=data.pop("reason", "")))


def register(router):
    router.register("service-plans", ServicePlanViewSet, basename="service-plan")
    router.register("plan-targets", TargetViewSet, basename="plan-target")
    router.register("escalation-rules", EscalationRuleViewSet, basename="escalation-rule")
    router.register("service-zones", ServiceZoneViewSet, basename="service-zone")
    router.register("severity-levels", SeverityLevelViewSet, basename="severity-level")
