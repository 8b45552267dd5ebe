"""Time the profitability pages, their API, exports and the card panel on the current database.

Requests go through Django's full request handler (middleware, views, templates) in this process, so the
figures are server time without the network. Warm: each URL is requested once before timing. Read-only.
"""

import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.test import Client

from crm.clients.models import Client as CrmClient
from crm.clients.models import Industry
from crm.core.roles import Role
from crm.org.models import User


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Замеряет время ответа отчётов о прибыльности (p50/p95, мс) на текущей базе."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--username", default="head")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], role=Role.HEAD_OF_SALES).first()
        if user is None:
            raise CommandError("Нет начальника отдела продаж с таким логином; запустите demo_users.")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        for label, url in self._urls():
            self._time(client, label, url, options["repeat"])

    def _urls(self) -> list[tuple[str, str]]:
        logistics = Industry.objects.filter(code="logistics").values_list("pk", flat=True).first()
        busiest = CrmClient.objects.annotate(n=Count("contracts")).order_by("-n").values_list("pk", flat=True).first()
        return [
            ("page LTV top 20", "/profitability/"),
            ("page LTV bottom 20", "/profitability/?order=bottom"),
            ("page loss ratio by industry", "/profitability/loss-ratio/"),
            ("page loss ratio logistics", f"/profitability/loss-ratio/?industry={logistics}"),
            ("page toxic clients", "/profitability/toxic/"),
            ("panel of a client card", f"/profitability/clients/{busiest}/panel/"),
            ("api LTV", "/api/profitability/ltv/"),
            ("api loss ratio", "/api/profitability/loss-ratio/"),
            ("api toxic", "/api/profitability/toxic/"),
            ("api client profile", f"/api/profitability/clients/{busiest}/"),
            ("xlsx LTV", "/profitability/export/ltv.xlsx"),
            ("xlsx loss ratio", "/profitability/export/loss-ratio.xlsx"),
            ("xlsx toxic", "/profitability/export/toxic.xlsx"),
        ]

    def _time(self, client: Client, label: str, url: str, repeat: int) -> None:
        status = client.get(url).status_code
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
        self.stdout.write(f"{label:<30} {status}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (n={repeat})")
