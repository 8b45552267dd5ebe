"""`manage.py bench`: one benchmark run on the current database; results to var/bench/results/."""

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm.bench.cases import BULK_ROWS, BenchError
from crm.bench.runner import Options, mismatches, run


class Command(BaseCommand):
    help = "Замеряет экраны, операции и аналитические показатели на текущей базе и сверяет их с эталонами SQL/DuckDB."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", required=True, choices=["XS", "S", "M", "L"], help="масштаб демо-данных в базе")
        parser.add_argument("--repeat", type=int, default=10, help="сколько замеров на каждый случай")
        parser.add_argument("--only", default="", help="только случаи, в названии которых есть эта строка")
        parser.add_argument("--no-references", action="store_true", help="без сверки с SQL и DuckDB")
        parser.add_argument("--refresh-parquet", action="store_true", help="заново выгрузить таблицы в Parquet")
        parser.add_argument(
            "--bulk-rows", type=int, default=BULK_ROWS, help="строк в импорте и выгрузке (по умолчанию 100 000)"
        )
        parser.add_argument("--output", default="", help="куда записать JSON (по умолчанию var/bench/results/)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = run(
                Options(
                    scale=options["scale"],
                    repeat=options["repeat"],
                    only=options["only"],
                    references=not options["no_references"],
                    refresh_parquet=options["refresh_parquet"],
                    bulk_rows=options["bulk_rows"],
                )
            )
        except BenchError as error:
            raise CommandError(str(error)) from error
        default = Path(settings.VAR_DIR) / "bench" / "results" / f"{result['scale']}-{result['database']}.json"
        output = Path(options["output"]) if options["output"] else default
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        for kind in ("screens", "operations", "figures"):
            for row in result[kind]:
                extra = f"  SQL×{row['sql_ratio']}  DuckDB×{row['duckdb_ratio']}" if "sql_ratio" in row else ""
                self.stdout.write(
                    f"{row['label'][:60]:<60} p50 {row['median_ms']:8.1f}  p95 {row['p95_ms']:8.1f} ms  "
                    f"{row['queries']:3} SQL  {row['peak_mib']:6.1f} MiB{extra}"
                )
        self.stdout.write(f"→ {output}")
        problems = mismatches(result)
        if problems:
            raise CommandError("Показатели расходятся с эталонами:\n" + "\n".join(problems))
