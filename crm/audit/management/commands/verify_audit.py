from typing import Any

from django.core.management.base import BaseCommand, CommandError

from crm.audit.queries import verify_chain


class Command(BaseCommand):
    help = "Проверяет цепочку хешей журнала аудита и сообщает о каждой изменённой вручную записи."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, breaks = verify_chain()
        for item in breaks:
            self.stderr.write(f"event {item.event_id}: {item.reason}")
        if breaks:
            raise CommandError(f"audit chain broken: {len(breaks)} problem(s) in {checked} events")
        self.stdout.write(f"audit chain intact: {checked} events verified")
