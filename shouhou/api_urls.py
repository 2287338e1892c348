"""One router for /api/v1/; each domain app registers its viewsets in its api module."""

from rest_framework.routers import DefaultRouter

from shouhou.approvals import api as approvals_api
from shouhou.assets import api as assets_api
from shouhou.charging import api as charging_api
from shouhou.contracts import api as contracts_api
from shouhou.customers import api as customers_api
from shouhou.dispatch import api as dispatch_api
from shouhou.dispatch.repair_forms import api as repair_forms_api
from shouhou.dispatch.roster import api as roster_api
from shouhou.notify import api as notify_api
from shouhou.sla import api as sla_api
from shouhou.tickets import api as tickets_api

router = DefaultRouter()
for module in (customers_api, assets_api, contracts_api, tickets_api, sla_api, dispatch_api, notify_api,
               approvals_api, repair_forms_api, roster_api, charging_api):
    module.register(router)
