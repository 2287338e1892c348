"""`POST /api/v1/imports/`: a spreadsheet import through the API, with the same engine as the page.

multipart/form-data with `kind`, `file` (.xlsx or .csv), `dry_run` (default true) and `reason`.
A dry run answers 200 with the report; an applied import 201; a file with bad rows 400 with the
same report and nothing written (core.imports: one transaction).  Needs "data.import" (403).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shouhou.accounts.permissions import require
from shouhou.core.imports import ImportFileError, import_file, importable

from .views import MAX_FILE, kind_choices


class ImportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[], help_text=_("Which records the file holds."))
    file = serializers.FileField(help_text=_("An .xlsx or .csv file; the first row holds the column headers."))
    dry_run = serializers.BooleanField(default=True, help_text=_("Validate every row and save nothing."))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()  # the registry fills at start-up

    def validate_file(self, upload):
        if upload.size > MAX_FILE or not upload.name.lower().endswith((".xlsx", ".csv")):
            raise serializers.ValidationError(_("Use an .xlsx or .csv file of at most 10 MB."))
        return upload


class RowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    record = serializers.CharField()
    changes = serializers.ListField(child=serializers.CharField())


class ProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    kind = serializers.CharField()
    applied = serializers.BooleanField()
    created = RowSerializer(many=True)
    updated = RowSerializer(many=True)
    unchanged = RowSerializer(many=True)
    errors = ProblemSerializer(many=True)


class ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": ImportRequestSerializer},
                   responses={200: ImportReportSerializer, 201: ImportReportSerializer, 400: ImportReportSerializer},
                   summary="Import customers, sites, contacts or assets from a spreadsheet (dry run by default)")
    def post(self, request):
        require(request.user, "data.import")
        given = ImportRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        upload = given.validated_data["file"]
        try:
            report = import_file(importable()[given.validated_data["kind"]], upload.name, upload.read(), request.user,
                                 apply=not given.validated_data["dry_run"],
                                 reason=given.validated_data["reason"].strip(), channel="api")
        except ImportFileError as exc:
            raise serializers.ValidationError({"file": [str(exc.message)]}) from exc
        code = status.HTTP_400_BAD_REQUEST if report.problems else (
            status.HTTP_201_CREATED if report.applied else status.HTTP_200_OK)
        return Response(ImportReportSerializer(report.as_dict()).data, status=code)
