"""Time the integration API: instalment (payment schedule and payment) upserts in batches, in rows per second.

WRITES to the database it runs on: a bench integration account, instalments with external ids
`BENCH-<run>-<n>` on existing contracts, and one audit event per created or changed row. Run it on a scratch
copy. Requests go through Django's full request handler in this process (no network), as an integration
sends them: JSON, bearer token, per-item results. Three passes over the same rows: created, then the same
batches again (unchanged: nothing written), then with payments added (updated).
"""

import secrets
import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client

from crm.core.periods import today
from crm.integrations.models import ObjectKind
from crm.integrations.services import create_account, issue_token, revoke_token
from crm.policies.models import Contract

PATH = "/api/integrations/instalments/"


class Command(BaseCommand):
    help = "Замеряет upsert платежей через API интеграций (строк/с). Пишет в базу — запускайте на копии."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batches", type=int, default=10)
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        rows = Contract.objects.exclude(external_id=None).order_by("pk").values_list("external_id", "starts_on")
        contracts = [(str(external_id), starts_on) for external_id, starts_on in rows[:5000]]
        if not contracts:
            raise CommandError("Нет договоров с внешним ID: сначала generate_demo.")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        run = secrets.token_hex(3)
        account = create_account(
            actor=None, name=f"bench-{run}", source_system="finance", scopes=[ObjectKind.INSTALMENTS]
        )
        token, secret = issue_token(actor=None, account=account)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        batches = [self._batch(run, contracts, number, options["batch_size"]) for number in range(options["batches"])]
        for expected, batch_list in (
            ("created", batches), ("unchanged", batches), ("updated", [self._paid(b) for b in batches]),
        ):  # fmt: skip
            self._time(client, expected, batch_list)
        revoke_token(actor=None, token=token)

    @staticmethod
    def _batch(run: str, contracts: list[tuple[str, Any]], number: int, size: int) -> list[dict[str, Any]]:
        items = []
        for index in range(number * size, (number + 1) * size):
            external_id, starts_on = contracts[index % len(contracts)]
            items.append({"external_id": f"BENCH-{run}-{index}", "contract_external_id": external_id,
                          "due_on": starts_on.isoformat(), "amount": "1000.00"})  # fmt: skip
        return items

    @staticmethod
    def _paid(batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        day = today().isoformat()
        return [{**item, "paid_on": min(item["due_on"], day), "paid_amount": "1000.00"} for item in batch]

    def _time(self, client: Client, expected: str, batches: list[list[dict[str, Any]]]) -> None:
        samples, rows = [], 0
        for batch in batches:
            started = time.perf_counter()
            response = client.post(PATH, data=batch, content_type="application/json")
            samples.append(time.perf_counter() - started)
            counts = response.json()["counts"]
            if counts[expected] != len(batch):
                raise CommandError(f"Ожидалось {expected} для всех строк, получено {counts}")
            rows += len(batch)
        total = sum(samples)
        self.stdout.write(
            f"{expected:<10} {rows:>7} строк за {total:6.2f} с — {rows / total:8.0f} строк/с; "
            f"пакет p50 {statistics.median(samples) * 1000:6.0f} мс, max {max(samples) * 1000:6.0f} мс"
        )
