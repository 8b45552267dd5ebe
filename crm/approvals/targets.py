"""The records discussed in threads (crm.discussions): approval requests, and — by the same mechanism —
deals and clients. Registered here because approvals is the app that brings the chat; the deal and
client lines may move to their own apps' `ready()` without changing anything else.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.approvals.access import requests_visible_to
from crm.approvals.models import ApprovalRequest
from crm.clients.access import clients_visible_to
from crm.clients.models import Client
from crm.discussions.registry import Target, register
from crm.pipeline.access import deals_visible_to
from crm.pipeline.models import Deal


def _request_people(request: ApprovalRequest) -> list[Any]:
    return [request.approver, request.requested_by]


def _deal_people(deal: Deal) -> list[Any]:
    return [deal.manager]


def register_discussion_targets() -> None:
    register(
        Target(
            kind="approval",
            model=ApprovalRequest,
            label=_("запрос на согласование"),
            visible_to=requests_visible_to,
            url=lambda request: reverse("approvals:detail", args=[request.pk]),
            verdict_recipients=_request_people,
        )
    )
    register(
        Target(
            kind="deal",
            model=Deal,
            label=_("сделка"),
            visible_to=deals_visible_to,
            url=lambda deal: reverse("deals:detail", args=[deal.pk]),
            verdict_recipients=_deal_people,
        )
    )
    register(
        Target(
            kind="client",
            model=Client,
            label=_("клиент"),
            visible_to=clients_visible_to,
            url=lambda client: reverse("clients:detail", args=[client.pk]),
        )
    )
