"""Daily plan alerts: each hierarchy node off plan by more than the threshold, to its owner and the head of sales.

For the current month and the current quarter, as the head of sales sees them, every flagged node
(docs/metrics.md, «Flag») notifies its owner — a manager themselves, a team its lead, a region the seniors
leading its teams, the company nobody more — and every head of sales. The notification key carries the
period, the node and the day, so a second run on the same day sends nothing new and the next day reminds again.
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.analytics.forms import current_quarter, period_label, period_query
from crm.analytics.queries import dashboard
from crm.analytics.results import Dashboard, TreeNode
from crm.analytics.sales import ZERO
from crm.core.money import format_percent, format_rub
from crm.core.periods import Period
from crm.core.roles import Role
from crm.notifications.services import notify
from crm.org.models import Team, User


def alert_periods(today: datetime.date) -> dict[str, Period]:
    """The periods the daily alert watches: the current month and the current quarter."""
    return {"month": Period.month(today.year, today.month), "quarter": current_quarter(today)}


def _ids(keys: Iterable[str], level: str) -> set[int]:
    return {int(key.removeprefix(f"{level}:")) for key in keys if key.startswith(f"{level}:")}


def node_owners(keys: Iterable[str]) -> dict[str, list[User]]:
    """Who answers for each node (two queries): a manager, a team's lead, the leads of a region's teams."""
    keys = list(keys)
    managers, team_ids, region_ids = _ids(keys, "manager"), _ids(keys, "team"), _ids(keys, "region")
    owners: dict[str, list[User]] = {}
    for person in User.objects.filter(pk__in=managers, is_active=True).order_by("pk"):
        owners[f"manager:{person.pk}"] = [person]
    led = Team.objects.filter(Q(pk__in=team_ids) | Q(region_id__in=region_ids), lead__is_active=True)
    for team in led.select_related("lead").order_by("name", "pk"):
        assert team.lead is not None  # lead__is_active=True excludes teams without a lead
        if team.pk in team_ids:
            owners.setdefault(f"team:{team.pk}", []).append(team.lead)
        if team.region_id in region_ids:
            owners.setdefault(f"region:{team.region_id}", []).append(team.lead)
    return owners


def _recipients(owners: list[User], heads: list[User]) -> list[User]:
    """The owners and the heads of sales, each person once."""
    return list({person.pk: person for person in [*owners, *heads]}.values())


def _message(node: TreeNode, result: Dashboard) -> tuple[str, str, str]:
    """Title, body and link of the alert about one flagged node."""
    amount, period = node.amount, result.period
    rate = amount.deviation or ZERO  # a flagged node always has a deviation
    direction = _("ниже плана") if node.flag == "below" else _("выше плана")
    title = _("%(name)s: %(direction)s на %(rate)s (%(period)s)") % {
        "name": node.name,
        "direction": direction,
        "rate": format_percent(abs(rate)),
        "period": period_label(period),
    }
    body = _(
        "Отклонение от плана на дату %(deviation)s при пороге ±%(threshold)s. Факт %(fact)s, план на дату "
        "%(to_date)s, план периода %(plan)s. Период %(first)s – %(last)s, данные на %(today)s."
    ) % {
        "deviation": ("−" if rate < 0 else "+") + format_percent(abs(rate)),
        "threshold": format_percent(result.threshold),
        "fact": format_rub(amount.fact),
        "to_date": format_rub(amount.plan_to_date),
        "plan": format_rub(amount.plan),
        "first": f"{period.first:%d.%m.%Y}",
        "last": f"{period.last:%d.%m.%Y}",
        "today": f"{result.today:%d.%m.%Y}",
    }
    url = f"{reverse('analytics:node', args=[node.key])}?{urlencode(period_query(period))}"
    return title, body, url


def _alert_period(name: str, result: Dashboard, heads: list[User]) -> int:
    """Notify about the flagged nodes of one period's dashboard; returns how many notifications were new."""
    flagged = result.flagged_nodes()
    owners = node_owners(node.key for node in flagged)
    sent = 0
    for node in flagged:
        title, body, url = _message(node, result)
        key = f"plan-alert:{name}:{node.key}:{result.today.isoformat()}"
        for recipient in _recipients(owners.get(node.key, []), heads):
            if notify(recipient=recipient, key=key, title=title, body=body, url=url):
                sent += 1
    return sent


def send_plan_alerts(today: datetime.date) -> int:
    """Notify owners and the head about nodes off plan this month and quarter; returns the notifications sent.

    Idempotent per (recipient, period, node, day); e-mails go out after the transaction commits. Without an
    active head of sales there is no company view to compute, and nothing is sent.
    """
    heads = list(User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk"))
    if not heads:
        return 0
    sent = 0
    with transaction.atomic():
        for name, period in alert_periods(today).items():
            sent += _alert_period(name, dashboard(heads[0], period, today), heads)
    return sent
