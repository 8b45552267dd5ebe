"""`manage.py import_file`: the same import from the command line, with its summary and exit status."""

import pytest
from django.core.management import CommandError, call_command

from crm.audit.models import AuditEvent
from crm.finance.models import Instalment
from crm.imports.models import ImportJob
from crm.imports.tests.conftest import CONTRACT_ID, payments_csv

NB = "\u00a0"


def test_import_then_the_same_file_again(tmp_path, contract, head, capsys):
    path = tmp_path / "платежи.csv"
    path.write_bytes(payments_csv(f"P-1;{CONTRACT_ID};;01.03.2025;100 000,00;;").encode("cp1251"))

    call_command("import_file", str(path), "--source", "payments", "--mapping", "system", "--user", "head")
    call_command("import_file", str(path), "--source", "payments")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(": платежи.csv (CSV, Windows-1251, разделитель «;»), Импортирован")
    assert lines[1].startswith("Строк: 1; создано: 1, изменено: 0, без изменений: 0, строк с ошибками: 0; ")
    assert lines[3].startswith("Строк: 1; создано: 0, изменено: 0, без изменений: 1, строк с ошибками: 0; ")
    assert list(Instalment.objects.values_list("external_id", flat=True)) == ["P-1"]
    first, second = ImportJob.objects.order_by("pk")
    assert (first.created_by, second.created_by, first.mode) == (head, None, "all")
    assert list(
        AuditEvent.objects.filter(action="import.finished").order_by("id").values_list("actor_label", flat=True)
    ) == ["head", "system"]


def test_all_or_nothing_with_a_bad_row_fails_and_prints_the_rows(tmp_path, contract, capsys):
    path = tmp_path / "p.csv"
    path.write_text(payments_csv(f"P-1;{CONTRACT_ID};;01.03.2025;100 000,00;;", "P-2;1C-404;;01.03.2025;1;;"))

    with pytest.raises(CommandError) as raised:
        call_command("import_file", str(path), "--source", "payments")

    assert str(raised.value) == "Ничего не записано: в файле нашлись строки с ошибками (1)."
    out = capsys.readouterr().out
    assert "  строка 3, «Код договора» = «1C-404»: Договор с внешним ID «1C-404» не найден." in out
    assert Instalment.objects.count() == 0


def test_check_only_writes_nothing(tmp_path, contract, capsys):
    path = tmp_path / "p.csv"
    path.write_text(payments_csv(f"P-1;{CONTRACT_ID};;01.03.2025;100 000,00;;"))
    call_command("import_file", str(path), "--source", "payments", "--check")
    assert "создано: 1" in capsys.readouterr().out
    assert Instalment.objects.count() == 0


def test_unknown_user_and_missing_file(tmp_path, db):
    with pytest.raises(CommandError, match="Файл не найден"):
        call_command("import_file", str(tmp_path / "nope.csv"), "--source", "payments")
    path = tmp_path / "p.csv"
    path.write_text("x")
    with pytest.raises(CommandError, match="Нет активного пользователя с логином «ghost»"):
        call_command("import_file", str(path), "--source", "payments", "--user", "ghost")


def test_benchmark_files_import_cleanly(tmp_path, contract, capsys):
    call_command("import_bench_files", "--out", str(tmp_path), "--payments", "3", "--claims", "4")
    call_command("import_file", str(tmp_path / "payments-3.csv"), "--source", "payments", "--mapping", "system")
    call_command("import_file", str(tmp_path / "claims-4.csv"), "--source", "claims", "--mapping", "system")
    out = capsys.readouterr().out
    assert "Строк: 3; создано: 3, изменено: 0, без изменений: 0, строк с ошибками: 0" in out
    assert "Строк: 4; создано: 4, изменено: 0, без изменений: 0, строк с ошибками: 0" in out
