"""Forms of the service-request pages.  They validate input; tickets.services changes state."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import permissions
from shouhou.accounts.choices import OrganisationKind
from shouhou.accounts.models import Organisation
from shouhou.accounts.permissions import assignable_engineers, may
from shouhou.assets.models import Asset
from shouhou.core import limits
from shouhou.core.web import VersionedForm
from shouhou.customers.models import Customer, Site

from .choices import Channel, Severity, SupportMode
from .severity import severity_choices

# Whoever chooses a severity sees its definition next to each choice: the company's own levels
# (tickets.severity; P5.1 seeded), read when the form is built.
SEVERITY_CHOICES = severity_choices


def apply_service_error(form: forms.Form, error) -> None:
    """Show a ServiceError next to the field it names (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by tickets.services.add_attachment."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": "image/*,video/mp4,video/quicktime,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class TicketReportForm(forms.Form):
    """'Report a fault' (报修) for the desk and for customer users."""

    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices, initial=Channel.PHONE)
    severity = forms.TypedChoiceField(label=_("severity"), choices=SEVERITY_CHOICES, coerce=int,
                                      initial=Severity.MINOR, widget=forms.RadioSelect,
                                      help_text=_("Fault levels as your company defines them."))  # P5.1 seeded
    support_mode = forms.ChoiceField(label=_("support mode"), choices=SupportMode.choices, initial=SupportMode.ON_SITE,
                                     help_text=_("Phone, remote or on-site support."))  # P5.8
    serial = forms.CharField(label=_("serial no."), max_length=100, required=False,
                             help_text=_("From the unit's nameplate or certificate. An unknown number is still accepted."))
    asset = forms.ModelChoiceField(label=_("or pick the unit"), queryset=Asset.objects.none(), required=False)
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none(), required=False)
    reported_customer = forms.CharField(label=_("customer as reported"), max_length=200, required=False,
                                        help_text=_("When the customer is not in the list yet."))
    reporter_name = forms.CharField(label=_("reporter"), max_length=100, required=False)
    reporter_phone = forms.CharField(label=_("reporter phone"), max_length=50, required=False)
    reporter_email = forms.EmailField(label=_("reporter e-mail"), required=False)
    title = forms.CharField(label=_("title"), max_length=200,
                            help_text=_("One line, e.g. “3F fire door does not close”."))
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False,
                                  max_length=limits.LONG_TEXT)
    attachments = MultipleFileField(label=_("photos, video, documents"), required=False)
    reported_at = forms.DateTimeField(
        label=_("report received at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("For a letter, an e-mail or a call logged later: when it was received. Its clocks start then."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not may(user, "ticket.backdate_report"):
            del self.fields["reported_at"]
        self.fields["asset"].queryset = Asset.objects.visible_to(user).select_related("site").order_by("serial_no")
        self.for_own_customer = permissions.scope_of(user, "ticket.open") == permissions.ORGANISATION
        if self.for_own_customer:
            for name in ("customer", "site", "reported_customer", "channel"):
                del self.fields[name]
            self.fields["reporter_name"].initial = user.display_name
            self.fields["reporter_phone"].initial = user.phone
            self.fields["reporter_email"].initial = user.email
        else:
            self.fields["customer"].queryset = Customer.objects.visible_to(user).only("id", "name")
            self.fields["site"].queryset = Site.objects.visible_to(user).only("id", "name")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("attachments", None)
        if data.get("reported_at") is None:
            data.pop("reported_at", None)
        if self.for_own_customer:
            data["channel"] = Channel.PORTAL
        return data


class TicketEditForm(VersionedForm):
    """Desk corrections of a request's details (tickets.services.update_ticket)."""

    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(label=_("description"), widget=forms.Textarea, required=False,
                                  max_length=limits.LONG_TEXT)
    severity = forms.TypedChoiceField(label=_("severity"), choices=SEVERITY_CHOICES, coerce=int,
                                      widget=forms.RadioSelect)
    support_mode = forms.ChoiceField(label=_("support mode"), choices=SupportMode.choices)
    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none(), required=False)
    asset = forms.ModelChoiceField(label=_("asset"), queryset=Asset.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user).only("id", "name")
        self.fields["site"].queryset = Site.objects.visible_to(user).only("id", "name")
        self.fields["asset"].queryset = Asset.objects.visible_to(user).only("id", "serial_no")


class VerifyForm(VersionedForm):
    """The desk links an unverified report to a known customer / site / unit."""

    customer = forms.ModelChoiceField(label=_("customer"), queryset=Customer.objects.none(), required=False)
    site = forms.ModelChoiceField(label=_("site"), queryset=Site.objects.none(), required=False)
    serial = forms.CharField(label=_("serial no."), max_length=100, required=False,
                             help_text=_("The unit's registered serial no., if it is known."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["customer"].queryset = Customer.objects.visible_to(user).only("id", "name")
        self.fields["site"].queryset = Site.objects.visible_to(user).only("id", "name")

    def clean_serial(self):
        serial = self.cleaned_data["serial"].strip()
        if not serial:
            return None
        asset = Asset.objects.visible_to(self.user).select_related("customer", "site").filter(
            serial_no__iexact=serial).first()
        if asset is None:
            raise forms.ValidationError(_("No unit with this serial no. is registered."))
        return asset


class CommentForm(forms.Form):
    body = forms.CharField(label=_("text"), widget=forms.Textarea(attrs={"rows": 3}), max_length=limits.LONG_TEXT)
    internal = forms.BooleanField(label=_("internal note (never shown to the customer)"), required=False,
                                  initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_internal(self, user)

    def clean(self):
        return _force_internal(self, super().clean())


def _offer_internal(form, user) -> None:
    """The "internal" choice only for who may write both; whoever may write notes only (the
    technical department) writes internal ones, whoever may reply only (customers) replies."""
    form.forced_internal = may(user, "ticket.note") and not may(user, "ticket.reply")
    if form.forced_internal or not may(user, "ticket.note"):
        del form.fields["internal"]


def _force_internal(form, cleaned_data):
    if cleaned_data is not None and form.forced_internal:
        cleaned_data["internal"] = True
    return cleaned_data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("file"), widget=forms.ClearableFileInput(attrs={
        "accept": "image/*,video/mp4,video/quicktime,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt"}))
    internal = forms.BooleanField(label=_("internal (never shown to the customer)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _offer_internal(self, user)

    def clean(self):
        return _force_internal(self, super().clean())


class NotRepeatForm(forms.Form):
    """The desk's reason for judging a report linked as a repeat a different fault (issue 8)."""

    reason = forms.CharField(label=_("reason"), max_length=limits.SHORT_TEXT,
                             widget=forms.TextInput(attrs={"placeholder": _("why it is a different fault")}))


class VoidForm(forms.Form):
    """The reason for voiding a record made in error (an attachment, an unsigned visit record)."""

    reason = forms.CharField(label=_("reason for voiding"), max_length=limits.SHORT_TEXT,
                             widget=forms.TextInput(attrs={"placeholder": _("reason for voiding")}))


class ActionForm(VersionedForm):
    """The input one workflow action needs, derived from its declared `requires`."""

    def __init__(self, *args, transition, **kwargs):
        kwargs.setdefault("prefix", transition.action)
        super().__init__(*args, **kwargs)
        self.transition = transition
        needs = transition.requires
        if "reason" in needs:
            self.fields["reason"] = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}),
                                                     max_length=limits.SHORT_TEXT)
        if "resolution" in needs:
            self.fields["resolution"] = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 3}),
                                                         max_length=limits.TEXT)
        if "assignee|dealer" in needs:
            self.fields["assignee"] = forms.ModelChoiceField(
                label=_("engineer"), required=False,
                queryset=assignable_engineers().order_by("first_name", "username"))
            self.fields["dealer"] = forms.ModelChoiceField(
                label=_("dealer"), required=False, queryset=Organisation.objects.filter(kind=OrganisationKind.DEALER))
            self.fields["assignee"].label_from_instance = lambda u: u.display_name
        if "appointment_at" in needs:
            self.fields["appointment_at"] = forms.DateTimeField(
                label=_("appointment"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                   format="%Y-%m-%dT%H:%M"),
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
            self.fields["note"] = forms.CharField(label=_("agreed with"), max_length=200, required=False)

    @property
    def needs_input(self) -> bool:
        return len(self.fields) > 1

    def payload(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        for name in ("assignee", "dealer"):
            if name in data:
                data[name] = data[name].pk
        return data
