"""Token login and "who am I" for API clients (engineer apps, integrations)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .choices import INTERNAL_ROLES
from .lockout import lockout_response
from .models import User
from .permissions import rights_of, role_of


class MeSerializer(serializers.ModelSerializer):
    is_internal = serializers.SerializerMethodField()
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)
    rights = serializers.SerializerMethodField(
        help_text="What this user may do: action → scope (own, team, organisation, all); see docs/permissions.md.")

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "role", "organisation", "organisation_name",
                  "is_internal", "rights"]
        read_only_fields = fields

    def get_is_internal(self, user) -> bool:
        return role_of(user) in INTERNAL_ROLES

    def get_rights(self, user) -> dict[str, str]:
        return rights_of(user)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's token login with documented maximum lengths (issue 6: every text has a limit)."""

    username = serializers.CharField(label=_("Username"), max_length=150, write_only=True)
    password = serializers.CharField(label=_("Password"), max_length=1000, write_only=True, trim_whitespace=False,
                                     style={"input_type": "password"})


class TokenView(ObtainAuthToken):
    """POST username + password → {"token": …}; send it as `Authorization: Token …`.

    Rate limited with the login page (django-axes, accounts/lockout.py): after too many failures
    the answer is 429 until the cool-off ends, even to the right password.
    """

    serializer_class = TokenRequestSerializer

    @extend_schema(responses={200: AuthTokenSerializer,
                              400: OpenApiResponse(description="Wrong user name or password."),
                              429: OpenApiResponse(description="Too many failures: locked out for a while.")})
    def post(self, request, *args, **kwargs):
        try:
            response = super().post(request, *args, **kwargs)
        except ValidationError:
            # Axes marks the DRF request it was given; its middleware only sees the Django one.
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise
        return response
