"""Time the head-of-sales dashboard, its drill-down and its API on the current database.

Requests go through Django's full request handler (middleware, views, templates) in this process, so the
figures are server time without the network. Warm: each URL is requested once before timing. The roll-ups
are read as they are (refresh them first with `refresh_rollups`); `--no-rollups` times the on-demand SQL.
"""

import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.test import Client

from crm.analytics.models import RollupDirtyDay, RollupMonth
from crm.core.roles import Role
from crm.org.models import User


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Замеряет время ответа дашборда начальника отдела продаж (p50/p95, мс) на текущей базе."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--username", default="head")
        parser.add_argument("--no-rollups", action="store_true", help="читать всё из договоров и сделок, без сводов")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], role=Role.HEAD_OF_SALES).first()
        if user is None:
            raise CommandError("Нет начальника отдела продаж с таким логином; запустите demo_users.")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        settings.CRM_ANALYTICS_ROLLUPS = not options["no_rollups"]
        self._coverage()
        client = Client()
        client.force_login(user)
        for label, url in self._urls():
            self._time(client, label, url, options["repeat"])

    def _coverage(self) -> None:
        if not settings.CRM_ANALYTICS_ROLLUPS:
            self.stdout.write("Своды не читаются (--no-rollups): всё из договоров и сделок.")
            return
        filled = dict(RollupMonth.objects.values_list("stat").annotate(n=Count("pk")).values_list("stat", "n"))
        marked = RollupDirtyDay.objects.values_list("stat", "day").distinct().count()
        self.stdout.write(f"Своды: рассчитано месяцев {filled}, изменённых с тех пор дней {marked}.")

    def _urls(self) -> list[tuple[str, str]]:
        team = (
            User.objects.filter(role=Role.SENIOR_MANAGER, team__isnull=False).values_list("team_id", flat=True).first()
        )
        manager = User.objects.filter(role=Role.MANAGER).values_list("pk", flat=True).first()
        return [
            ("page /dashboard/", "/dashboard/"),
            ("page drill-down team", f"/dashboard/node/team:{team}/"),
            ("page drill-down manager", f"/dashboard/node/manager:{manager}/"),
            ("api /api/dashboard/", "/api/dashboard/?period=quarter"),
            ("api hot spots", "/api/dashboard/hot-spots/?period=quarter"),
            ("api manager deals", f"/api/dashboard/managers/{manager}/deals/?period=quarter"),
            ("xlsx hierarchy", "/dashboard/export/hierarchy.xlsx"),
        ]

    def _time(self, client: Client, label: str, url: str, repeat: int) -> None:
        status = client.get(url).status_code
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
        p50, p95 = statistics.median(samples), _percentile(samples, 0.95)
        self.stdout.write(f"{label:<28} {status}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (n={repeat})")
