"""Token login and "who am I" for API clients (engineer apps, integrations)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import User


class MeSerializer(serializers.ModelSerializer):
    is_internal = serializers.BooleanField(read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True, default=None)

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "role", "organisation", "organisation_name", "is_internal"]
        read_only_fields = fields


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TokenView(ObtainAuthToken):
    """POST username + password → {"token": …}; send it as `Authorization: Token …`."""
