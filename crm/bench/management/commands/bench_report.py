"""`manage.py bench_report`: docs/benchmarks.md from the results of the latest `manage.py bench` runs."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm.bench.report import write


class Command(BaseCommand):
    help = "Собирает результаты замеров (var/bench/results/*.json) в docs/benchmarks.md."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("results", nargs="*", help="файлы JSON (по умолчанию все из var/bench/results/)")
        parser.add_argument("--docs", default=str(Path(settings.BASE_DIR) / "docs"))

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["results"]] or sorted(
            (Path(settings.VAR_DIR) / "bench" / "results").glob("*.json")
        )
        if not paths:
            raise CommandError("Нет результатов замеров: сначала запустите manage.py bench.")
        results = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
        write(Path(options["docs"]), results)
        self.stdout.write(f"docs/benchmarks.md: {len(results)} прогон(а) — " + ", ".join(p.stem for p in paths))
