"""The notification settings form: channels for every kind, per-kind choices, the chat account."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import services
from .choices import PERSONAL_CHANNELS, ChatApp, RuleChannel
from .models import ChatAccount, NotificationPreference

CHANNEL_CHOICES = [(c, RuleChannel(c).label) for c in PERSONAL_CHANNELS]


class PreferencesForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("For every kind of event"), choices=CHANNEL_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In-app notifications are always on. A channel is used only where the notification rule offers it."))
    chat_app = forms.ChoiceField(label=_("chat app"), choices=[("", "—"), *ChatApp.choices], required=False)
    chat_account = forms.CharField(label=_("account id"), max_length=100, required=False,
                                   help_text=_("Your user id in the chat app, for messages to you in person."))

    def __init__(self, user, kinds, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.kinds = user, kinds
        prefs = {p.kind_id: p.channels for p in NotificationPreference.objects.filter(user=user)}
        self.fields["channels"].initial = prefs.get(None, list(PERSONAL_CHANNELS))
        account = ChatAccount.objects.filter(user=user).first()
        if account is not None:
            self.fields["chat_app"].initial, self.fields["chat_account"].initial = account.app, account.account_id
        for kind in kinds:
            self.fields[f"own_{kind.pk}"] = forms.BooleanField(
                label=_("Choose for this kind"), required=False, initial=kind.pk in prefs)
            self.fields[f"kind_{kind.pk}"] = forms.MultipleChoiceField(
                label=kind.name, choices=CHANNEL_CHOICES, required=False, widget=forms.CheckboxSelectMultiple,
                initial=prefs.get(kind.pk, []))

    def kind_rows(self):
        return [(kind, self[f"own_{kind.pk}"], self[f"kind_{kind.pk}"]) for kind in self.kinds]

    def clean(self):
        data = super().clean()
        if data.get("chat_account") and not data.get("chat_app"):
            self.add_error("chat_app", _("Choose the chat app of this account."))
        return data

    def save(self) -> None:
        data = self.cleaned_data
        services.set_preference(self.user, None, data["channels"])
        for kind in self.kinds:
            if data.get(f"own_{kind.pk}"):
                services.set_preference(self.user, kind, data.get(f"kind_{kind.pk}") or [])
            else:
                services.clear_preference(self.user, kind)
        services.set_chat_account(self.user, data.get("chat_app") or "", data.get("chat_account") or "")
