"""Users, organisations and roles.  Scoping of domain records lives with each model (visible_to)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.audit import AuditedRecords

from .choices import OrganisationKind, Role


class Organisation(models.Model):
    """Our company, a dealer (经销商) or a customer organisation whose people log in."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who logs in.  `role` decides what they may do; `organisation` what they may see."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.SERVICE_DESK)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    # Role, organisation, active/staff flags are audited; the password hash and last login are not.
    history = AuditedRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # Whether and how far this user may act is accounts.permissions' business (may / require /
    # visible_to); the model only carries its inputs: role, organisation, teams, is_active.

    @property
    def is_system(self) -> bool:
        """The system actor (accounts.permissions.system_user); it never logs in."""
        return self.role == Role.SYSTEM

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    """A branch, service centre or engineers' group (班组 / 分支机构): the "team" scope of the
    permission layer.  A member whose rights reach "team" (a branch manager) sees and follows the
    jobs assigned to every member of his teams."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="teams",
    )
    members = models.ManyToManyField(User, verbose_name=_("members"), blank=True, related_name="teams")

    history = AuditedRecords(m2m_fields=["members"])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self):
        return self.name
