"""Time the approvals screens on whatever database DATABASE_URL names (docs/benchmarks.md, «Approvals»).

`--plant` first writes requests consistent with the generated deals — use it on a copy of a benchmark
database, never on real data: every deal whose requested discount exceeds 5 % gets a decided request
(approved when granted in full, else rejected), some open deals get requests waiting for a decision, and
every tenth request a three-message thread with a verdict.
"""

import datetime
import statistics
import time
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client

from crm.approvals.models import ApprovalRequest, ApprovalState, RouteLevel, deal_terms
from crm.core.roles import Role
from crm.discussions.models import Message, Thread
from crm.org.models import Team, User
from crm.pipeline.models import Deal, DealStatus

MANAGER_LIMIT = Decimal("0.05")
SENIOR_LIMIT = Decimal("0.10")
BATCH = 2_000


class Command(BaseCommand):
    help = "Замеряет входящие согласования, карточку решения и обсуждение (p50/p95); --plant — сначала создать запросы."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--plant", action="store_true", help="создать запросы по сгенерированным сделкам (копия БД!)"
        )
        parser.add_argument("--open", type=int, default=300, help="сколько открытых сделок отправить на согласование")
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["plant"]:
            planted = plant(open_count=options["open"])
            self.stdout.write(f"Создано запросов: {planted}")
        if not ApprovalRequest.objects.exists():
            raise CommandError("Запросов нет: запустите с --plant на копии базы.")
        for label, (username, url, headers) in _cases().items():
            median, p95, queries = _time(username, url, headers, options["repeat"])
            self.stdout.write(f"{label:<48} p50 {median:7.1f} ms   p95 {p95:7.1f} ms   SQL {queries}")


def _heads_and_leads() -> tuple[User, dict[int, int]]:
    head = User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk").first()
    if head is None:
        raise CommandError("Нет начальника отдела продаж.")
    leads = dict(Team.objects.filter(lead__isnull=False).values_list("pk", "lead_id"))
    return head, leads


def _route(rate: Decimal, team_id: int | None, leads: dict[int, int], head: User) -> tuple[str, int]:
    lead = leads.get(team_id) if team_id is not None else None
    if lead is not None and rate <= SENIOR_LIMIT:
        return RouteLevel.SENIOR, lead
    return RouteLevel.HEAD, head.pk


def _request(deal: Deal, rate: Decimal, state: str, leads: dict[int, int], head: User) -> ApprovalRequest:
    route, approver = _route(rate, deal.manager.team_id, leads, head)
    submitted = deal.created_at + datetime.timedelta(days=1)
    request = ApprovalRequest(
        deal=deal, requested_by_id=deal.manager_id, discount_rate=rate, justification="Бенчмарк", state=state,
        route=route, approver_id=approver, requester_limit_rate=MANAGER_LIMIT, created_at=submitted,
        submitted_at=submitted,
    )  # fmt: skip
    if state != ApprovalState.SUBMITTED:
        request.decided_by_id, request.decided_at = approver, submitted + datetime.timedelta(days=1)
        request.decision_comment = "Решение"
    if state == ApprovalState.APPROVED:
        request.frozen_terms = deal_terms(deal, "")
    return request


def plant(*, open_count: int) -> int:
    """Requests consistent with the deals' discounts (see the module docstring); returns how many were written."""
    head, leads = _heads_and_leads()
    related = Deal.objects.select_related("manager")
    asked = related.filter(requested_discount_rate__gt=MANAGER_LIMIT).exclude(status=DealStatus.OPEN).order_by("pk")
    waiting = related.filter(status=DealStatus.OPEN, requested_discount_rate__isnull=True).order_by("pk")[:open_count]
    written = 0
    with transaction.atomic():
        rows = []
        for deal in asked.iterator(chunk_size=BATCH):
            assert deal.requested_discount_rate is not None
            full = deal.granted_discount_rate is not None and deal.granted_discount_rate >= deal.requested_discount_rate
            state = ApprovalState.APPROVED if full else ApprovalState.REJECTED
            rows.append(_request(deal, deal.requested_discount_rate, state, leads, head))
        for number, deal in enumerate(waiting):
            rate = Decimal("0.06") + Decimal(number % 15) / 100
            rows.append(_request(deal, rate, ApprovalState.SUBMITTED, leads, head))
        created = ApprovalRequest.objects.bulk_create(rows, batch_size=BATCH)
        written = len(created)
        _threads(created[::10], head)
    return written


def _threads(requests: list[ApprovalRequest], head: User) -> None:
    underwriter = User.objects.filter(role=Role.UNDERWRITER, is_active=True).order_by("pk").first() or head
    content_type = ContentType.objects.get_for_model(ApprovalRequest)
    threads = Thread.objects.bulk_create(
        [Thread(content_type=content_type, object_id=r.pk, created_at=r.submitted_at) for r in requests],
        batch_size=BATCH,
    )
    messages = []
    for request, thread in zip(requests, threads, strict=True):
        at = request.submitted_at
        messages += [
            Message(thread=thread, author=head, body="@underwriter оцените риск", created_at=at),
            Message(
                thread=thread,
                author=underwriter,
                body="Принять при франшизе",
                verdict="conditions",
                created_at=at + datetime.timedelta(hours=2),
            ),
            Message(thread=thread, author_id=request.requested_by_id, body="Спасибо", created_at=at),
        ]
    Message.objects.bulk_create(messages, batch_size=BATCH)


def _cases() -> dict[str, tuple[str, str, dict[str, str]]]:
    waiting = ApprovalRequest.objects.filter(state=ApprovalState.SUBMITTED).order_by("route", "pk")  # "head" first
    sample = waiting.filter(threads__isnull=False).first() or waiting.first() or ApprovalRequest.objects.first()
    assert sample is not None  # handle() checked that requests exist
    head = User.objects.filter(role=Role.HEAD_OF_SALES, is_active=True).order_by("pk").first()
    senior = User.objects.filter(role=Role.SENIOR_MANAGER, is_active=True, username="senior").first()
    assert head is not None
    hx = {"HX-Request": "true"}
    poll = f"/discussions/approval/{sample.pk}/poll/?after=10000000000"
    cases = {
        "inbox: head, waiting for me": (head.username, "/approvals/", {}),
        "inbox: head, all requests (page 1)": (head.username, "/approvals/?box=all", {}),
        "decision card (client 360, history, verdicts)": (head.username, f"/approvals/{sample.pk}/", {}),
        "thread panel (htmx)": (head.username, f"/discussions/approval/{sample.pk}/", hx),
        "thread poll, nothing new (204)": (head.username, poll, hx),
        "API list, head, all": (head.username, "/api/approvals/?box=all", {}),
    }
    if senior is not None:
        cases["inbox: senior, waiting for me"] = (senior.username, "/approvals/", {})
    return cases


def _time(username: str, url: str, headers: dict[str, str], repeat: int) -> tuple[float, float, int]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    response = client.get(url, headers=headers)  # warm
    if response.status_code not in (200, 204):
        raise CommandError(f"{url}: HTTP {response.status_code}")
    queries: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, headers=headers)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(samples), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], len(queries)
