"""Forms of the dispatch pages.  They validate input; dispatch.services change state."""

from __future__ import annotations

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation
from shouhou.accounts.permissions import assignable_engineers
from shouhou.core import limits
from shouhou.core.web import VersionedForm
from shouhou.tickets.choices import OPEN_STATES

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    """A phone-friendly date-time picker; the value is read in the site's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_LOCAL)


def datetime_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocalInput(),
                               input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])


class EngineerChoiceField(forms.ModelChoiceField):
    on_duty: frozenset = frozenset()  # engineers on duty now (the roster), marked in the list

    def label_from_instance(self, obj):
        label = _("%(name)s (%(jobs)s open)") % {"name": obj.display_name, "jobs": obj.open_jobs}
        return f"{label} · {_('on duty now')}" if obj.pk in self.on_duty else label


class AssignForm(VersionedForm):
    engineer = EngineerChoiceField(
        label=_("engineer"), required=False,
        queryset=assignable_engineers()
        .annotate(open_jobs=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATES)))
        .order_by("username"),
    )
    dealer = forms.ModelChoiceField(
        label=_("dealer"), required=False, queryset=Organisation.objects.filter(kind=OrganisationKind.DEALER),
        help_text=_("Assign to a dealer / service outlet; any of its staff can then take the job."),
    )

    def __init__(self, *args, on_duty=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].on_duty = frozenset(on_duty)

    def clean(self):
        data = super().clean()
        if not data.get("engineer") and not data.get("dealer"):
            raise forms.ValidationError(_("Choose an engineer or a dealer."))
        return data


class AppointmentForm(VersionedForm):
    appointment_at = datetime_field(_("appointment"))
    note = forms.CharField(label=_("agreed with"), max_length=200, required=False,
                           help_text=_("Who agreed to the time, e.g. the property manager and their phone."))


class MilestoneForm(VersionedForm):
    """The confirmation of a milestone tapped on the job card (customer contacted, parts on site …)."""

    at = datetime_field(_("at"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["at"].help_text = _("Leave empty for now; set it when it happened earlier (a call made before "
                                        "you typed it in).")


class ResolveForm(VersionedForm):
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea, max_length=limits.TEXT)


class LeaveForm(forms.Form):
    work_done = forms.CharField(label=_("work done"), widget=forms.Textarea, max_length=limits.TEXT)
    parts_used = forms.CharField(label=_("parts used"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 max_length=limits.TEXT,
                                 help_text=_("One part per line, with quantity."))
    customer_consent = forms.CharField(label=_("customer consent"), max_length=200, required=False,
                                       help_text=_("If the job is not resolved: who of the customer agreed to the "
                                                   "engineer leaving."))


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("signed by"), max_length=100)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class ConfirmForm(forms.Form):
    signer_name = forms.CharField(label=_("signed by"), max_length=100, required=False,
                                  help_text=_("Leave empty to sign with the name of your account."))


class AmendForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=limits.SHORT_TEXT)
    arrived_at = datetime_field(_("arrived at"), required=False)
    left_at = datetime_field(_("left at"), required=False)
    work_done = forms.CharField(label=_("work done"), widget=forms.Textarea, required=False, max_length=limits.TEXT)
    parts_used = forms.CharField(label=_("parts used"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                 max_length=limits.TEXT)

    def changes(self) -> dict:
        """Only the fields the user actually changed (the service refuses an empty amendment)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "reason"}


class FaultReportForm(forms.Form):
    cause = forms.CharField(label=_("cause"), widget=forms.Textarea, max_length=limits.TEXT)
    fix = forms.CharField(label=_("fix"), widget=forms.Textarea, max_length=limits.TEXT)
    prevention = forms.CharField(label=_("prevention"), widget=forms.Textarea, max_length=limits.TEXT,
                                 help_text=_("How the customer and we avoid this fault in future."))  # P5.4
    shared_with_customer = forms.BooleanField(label=_("sent to the customer"), required=False, initial=True)
