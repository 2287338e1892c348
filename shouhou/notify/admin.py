"""Webhook endpoints and the notification policy are configured here (with "notify.manage", audited);
the outbox is shown read-only with a retry action."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.choices import Role
from shouhou.core.admin import AuditedAdmin, LayerAdmin, LayerInline
from shouhou.core.errors import ServiceError

from . import services
from .choices import RuleChannel
from .models import ChatAccount, EventKind, NotificationRule, OutboxMessage, RuleTemplate, WebhookEndpoint
from .relations import relation_choices


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=1000, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "secret", "active"]
        # The signing secret is a credential: it is never rendered back into the page.
        widgets = {"secret": forms.PasswordInput(render_value=False)}
        help_texts = {"secret": _("Optional. DingTalk and Feishu robots with signing enabled need it. "
                                  "Leave empty when editing to keep the current secret.")}

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if not secret and self.instance.pk:
            return self.instance.secret  # an empty password box means "unchanged"
        return secret


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdmin):
    change_action = delete_action = "notify.manage"
    form = WebhookEndpointForm
    list_display = ["name", "format", "masked_url", "active", "created_at"]
    list_filter = ["format", "active"]
    search_fields = ["name"]

    @admin.display(description=_("URL"))
    def masked_url(self, obj):
        return obj.masked_url


@admin.register(OutboxMessage)
class OutboxMessageAdmin(LayerAdmin):
    view_action, change_action = "outbox.view", "outbox.manage"
    list_display = ["id", "created_at", "channel", "format", "display_recipient", "subject", "status", "attempts",
                    "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "format"]
    search_fields = ["subject", "dedupe_key"]
    list_select_related = ["endpoint"]
    exclude = ["recipient"]
    readonly_fields = ["channel", "format", "endpoint", "about_type", "about_id", "display_recipient", "subject", "body", "payload",
                       "dedupe_key", "status", "attempts", "next_attempt_at", "claimed_at", "last_error", "sent_at",
                       "created_at", "provider_message_id", "receipt_status", "receipt_at", "receipt_error", "digest"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # messages are written by services, in the transaction of their cause

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected failed messages"))
    def retry(self, request, queryset):
        done = 0
        for message in queryset:
            try:
                services.retry_message(request.user, message)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"#{message.pk}: {exc.message}", messages.WARNING)
        self.message_user(request, _("%(n)d message(s) queued again.") % {"n": done})


# ------------------------------------------------------------------------- the policy, as data

class RuleForm(forms.ModelForm):
    """Roles, relations and channels as tick boxes over the JSON lists the rule stores."""

    roles = forms.MultipleChoiceField(label=_("roles"), required=False, widget=forms.CheckboxSelectMultiple)
    relations = forms.MultipleChoiceField(label=_("relations to the object"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    channels = forms.MultipleChoiceField(label=_("channels"), required=False, widget=forms.CheckboxSelectMultiple,
                                         choices=RuleChannel.choices,
                                         help_text=_("Every user recipient also gets an in-app notification."))
    sms_params = forms.CharField(label=_("SMS template parameters"), required=False,
                                 help_text=_("Names separated by commas, e.g. number,title."))

    class Meta:
        model = NotificationRule
        fields = ["kind", "name", "active", "roles", "relations", "channels", "skip_actor", "sms_template",
                  "sms_params", "endpoints"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [c for c in Role.choices if c[0] != Role.SYSTEM]
        self.fields["relations"].choices = relation_choices()
        if self.instance.pk:
            self.initial["sms_params"] = ",".join(self.instance.sms_params or [])

    def clean_sms_params(self):
        return [name.strip() for name in (self.cleaned_data.get("sms_params") or "").split(",") if name.strip()]


class RuleTemplateInline(LayerInline, admin.TabularInline):
    model = RuleTemplate
    extra = 0


@admin.register(NotificationRule)
class NotificationRuleAdmin(AuditedAdmin):
    change_action = delete_action = "notify.manage"
    form = RuleForm
    list_display = ["name", "kind", "active", "channels", "skip_actor"]
    list_filter = ["active", "kind"]
    search_fields = ["name", "kind__code", "kind__name"]
    list_select_related = ["kind"]
    filter_horizontal = ["endpoints"]
    inlines = [RuleTemplateInline]


class RuleInline(LayerInline, admin.TabularInline):
    model = NotificationRule
    fields = ["name", "active", "channels"]
    readonly_fields = ["channels"]
    extra = 0
    show_change_link = True


@admin.register(EventKind)
class EventKindAdmin(AuditedAdmin):
    change_action = delete_action = "notify.manage"
    list_display = ["code", "name", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    inlines = [RuleInline]


@admin.register(ChatAccount)
class ChatAccountAdmin(LayerAdmin):
    change_action = delete_action = "notify.manage"
    list_display = ["user", "app", "account_id"]
    list_filter = ["app"]
    search_fields = ["user__username", "account_id"]
    autocomplete_fields = ["user"]
