"""Spreadsheet pages: import with a dry run and a confirmation, blank templates, scoped exports.

The top floor (ops) may use every app; the work is core's (core.imports, core.exports) and the
apps' Sheets, so the CLI, these pages and the API import and export alike.  The pages are wired
in shouhou/urls.py by name ("shouhou.ops.urls"): nothing imports ops.

Import: the user picks the kind and uploads a file; the page runs the whole import in a
rolled-back transaction (the dry run) and lists the rows it would create and update and every bad
row by line, column and reason.  The file waits in MEDIA_ROOT/imports/pending/ under a random
name kept in the user's session; "confirm" runs the same import again, for real, all rows in
one transaction (nothing is written if any row has become bad meanwhile).
"""

from __future__ import annotations

import hashlib
import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.accounts.permissions import require
from shouhou.core.exports import export_response, template_response
from shouhou.core.imports import ImportFileError, import_file, importable
from shouhou.core.spreadsheet import sheets

MAX_FILE = 10 * 1024 * 1024  # bytes of an uploaded spreadsheet (docs/limits.md)
PENDING = "imports/pending/"
SESSION_KEY = "pending_import"


def kind_choices():
    return [(kind, sheet.label or kind) for kind, sheet in importable().items()]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Records"), choices=kind_choices)
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), required=False, max_length=500,
        help_text=gettext_lazy("Shown in each changed record's history; needed to change install or acceptance "
                               "dates."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE // (1024 * 1024)})
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Use an .xlsx or .csv file."))
        return upload


def _forget_pending(request) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


@login_required
def import_page(request):
    """GET: the upload form; POST: the dry run of the uploaded file and, if clean, a confirm button."""
    require(request.user, "data.import")
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    context = {"form": form, "kinds": importable()}
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        data = upload.read()
        reason = form.cleaned_data["reason"].strip()
        try:
            report = import_file(importable()[kind], upload.name, data, request.user, apply=False, reason=reason)
        except ImportFileError as exc:
            form.add_error("file", str(exc.message))
        else:
            _forget_pending(request)
            if not report.problems and (report.created or report.updated):
                path = default_storage.save(f"{PENDING}{secrets.token_hex(16)}.{upload.name.rsplit('.', 1)[-1]}",
                                            ContentFile(data))
                request.session[SESSION_KEY] = {"kind": kind, "name": upload.name, "path": path, "reason": reason,
                                                "sha256": hashlib.sha256(data).hexdigest()}
            context.update(report=report, sheet=importable()[kind], filename=upload.name)
    return render(request, "ops/import.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def import_confirm(request):
    """Apply the file whose dry run the user saw; all rows in one transaction, or none."""
    require(request.user, "data.import")
    pending = request.session.get(SESSION_KEY)
    if not pending or not default_storage.exists(pending["path"]) or pending["kind"] not in importable():
        messages.error(request, _("Nothing is waiting to be imported: upload the file again."))
        return redirect("ops:import")
    with default_storage.open(pending["path"], "rb") as fh:
        data = fh.read()
    sheet = importable()[pending["kind"]]
    report = import_file(sheet, pending["name"], data, request.user, apply=True, reason=pending["reason"])
    _forget_pending(request)
    if not report.applied:
        messages.error(request, _("The file has bad rows now; nothing was imported."))
        return render(request, "ops/import.html", {"form": ImportForm(initial={"kind": sheet.kind}), "report": report,
                                                   "sheet": sheet, "filename": pending["name"],
                                                   "kinds": importable()}, status=400)
    messages.success(request, _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
        "created": len(report.created), "updated": len(report.updated), "unchanged": len(report.unchanged)})
    return redirect(f"{reverse('ops:import')}?kind={sheet.kind}")


@login_required
def import_template(request, kind):
    """A blank .xlsx with the Chinese headers of `kind` (required columns marked with *)."""
    require(request.user, "data.import")
    if kind not in importable():
        raise Http404
    return template_response(importable()[kind])


@login_required
def export(request, kind):
    """The records of `kind` the user sees on its list page, filtered as the page's query says."""
    if kind not in sheets() or sheets()[kind].filterset is None:
        raise Http404
    return export_response(request, sheets()[kind], channel="web")
