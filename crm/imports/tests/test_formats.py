"""Files → tables: encodings, separators, headers, XLSX cells, and the files that are refused."""

import datetime
import io
import zipfile

import openpyxl
import pytest

from crm.core.money import group_thousands
from crm.imports.formats import ExcelError, FileRejected, Formula, Limits, open_table

NB = "\u00a0"
HEADER = "Номер договора;Дата платежа;Сумма, руб."
ROW = "КА-2025-0000001;26.11.2026;1 234,56"


def write(tmp_path, data: bytes, name: str = "file.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(path, limits: Limits | None = None):
    table = open_table(path, limits or Limits())
    try:
        return table, [(row.number, row.cells, row.problem) for row in table.rows]
    finally:
        table.close()


@pytest.mark.parametrize(
    ("data", "encoding", "described"),
    [
        ((HEADER + "\r\n" + ROW + "\r\n").encode(), "utf-8", "CSV, UTF-8, разделитель «;»"),
        (b"\xef\xbb\xbf" + (HEADER + "\n" + ROW).encode(), "utf-8-sig", "CSV, UTF-8 (с BOM), разделитель «;»"),
        ((HEADER + "\r\n" + ROW + "\r\n").encode("cp1251"), "cp1251", "CSV, Windows-1251, разделитель «;»"),
    ],
)
def test_encodings_are_detected_and_the_text_is_the_same(tmp_path, data, encoding, described):
    table, rows = read(write(tmp_path, data))
    assert (table.encoding, table.description) == (encoding, described)
    assert table.header == ["Номер договора", "Дата платежа", "Сумма, руб."]
    assert rows == [(2, ["КА-2025-0000001", "26.11.2026", "1 234,56"], "")]


def test_comma_separated_with_quoted_commas_and_a_multiline_cell(tmp_path):
    text = 'ID,"Сумма, руб.",Комментарий\r\n1,"1 234,56","две\r\nстроки"\r\n2,"5,00",\r\n'
    table, rows = read(write(tmp_path, text.encode()))
    assert (table.delimiter, table.header) == (",", ["ID", "Сумма, руб.", "Комментарий"])
    assert rows == [(2, ["1", "1 234,56", "две\r\nстроки"], ""), (3, ["2", "5,00", ""], "")]


def test_tab_separated(tmp_path):
    table, rows = read(write(tmp_path, "ID\tСумма\n1\t5\n".encode()))
    assert (table.delimiter, rows) == ("\t", [(2, ["1", "5"], "")])


def test_blank_lines_and_trailing_separators_are_ignored_and_row_numbers_stay_those_of_excel(tmp_path):
    text = f"\r\n{HEADER};\r\n{ROW};\r\n;;;\r\n\r\n{ROW}\r\n"
    table, rows = read(write(tmp_path, text.encode()))
    assert table.header == ["Номер договора", "Дата платежа", "Сумма, руб."]
    assert [number for number, _cells, _problem in rows] == [3, 6]


def test_a_row_split_by_another_separator_is_reported_on_that_row(tmp_path):
    text = f"{HEADER}\r\n{ROW}\r\nКА-2025-0000002,26.11.2026,5\r\n"
    _table, rows = read(write(tmp_path, text.encode()))
    assert rows[1] == (
        3,
        ["КА-2025-0000002,26.11.2026,5"],
        "В строке 1 полей, а в заголовке 3 (разделитель «;»): проверьте разделители и кавычки.",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Файл пустой."),
        (b"\r\n;;\r\n", "Файл пустой: в нём нет ни заголовка, ни строк."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
            "Это файл Excel 97–2003 (XLS) — он не поддерживается. Сохраните таблицу как XLSX или CSV.",
        ),
        (
            "ID;Сумма".encode("utf-16"),
            "Файл в кодировке UTF-16 («Юникод-текст» Excel). Сохраните его как «CSV UTF-8» или XLSX.",
        ),
        (b"%PDF-1.7\n", "Это PDF, а не таблица. Загрузите CSV или XLSX."),
        (b"ID;\x00\x01\x02", "Файл не похож на текстовую таблицу: в нём есть двоичные данные. Загрузите CSV или XLSX."),
        (
            b"\xef\xbb\xbf" + HEADER.encode("cp1251"),
            "Файл начинается с метки UTF-8 (BOM), но дальше текст не в UTF-8 (похоже на Windows-1251). Пересохраните "
            "файл целиком в одной кодировке: «CSV UTF-8» или «CSV (разделители — точка с запятой)».",
        ),
        (
            b"ID;\x98\x98",
            "Не удалось определить кодировку: файл не в UTF-8 и не в Windows-1251. Сохраните его как «CSV UTF-8».",
        ),
        (
            b'ID;Text\r\n1;"open quote\r\n' + b"x" * 300,
            "Строка 2 не читается: незакрытая кавычка или значение длиннее 200 символов. "
            "Проверьте кавычки в этой строке.",
        ),
    ],
)
def test_files_that_are_not_readable_tables_are_refused_with_the_reason(tmp_path, data, message):
    with pytest.raises(FileRejected) as raised:
        read(write(tmp_path, data), Limits(max_cell_chars=200))
    assert raised.value.message == message


def test_limits_of_size_rows_and_columns(tmp_path):
    path = write(tmp_path, (HEADER + "\n" + (ROW + "\n") * 5).encode())
    with pytest.raises(FileRejected) as raised:
        read(path, Limits(max_bytes=100))
    assert raised.value.message == "Файл слишком большой: 1 МБ, допускается не больше 1 МБ."
    with pytest.raises(FileRejected) as raised:
        read(path, Limits(max_rows=3))
    assert raised.value.message == "В файле больше 3 строк — разбейте его на части."
    with pytest.raises(FileRejected) as raised:
        read(path, Limits(max_columns=2))
    assert raised.value.message == "В файле 3 столбцов — допускается не больше 2."


def xlsx(tmp_path, rows, name="file.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_cells_keep_their_types_and_formulas_are_not_evaluated(tmp_path):
    path = xlsx(
        tmp_path,
        [
            ["Номер", "Дата", "Сумма", "Итого"],
            ["КА-1", datetime.date(2026, 11, 26), 1234.56, "=C2*2"],
            [None, None, None, None],
            [12345, "26.11.2026", " 5 000 ", None],
        ],
    )
    table, rows = read(path)
    assert (table.format, table.description, table.header) == ("xlsx", "XLSX", ["Номер", "Дата", "Сумма", "Итого"])
    assert rows == [
        (2, ["КА-1", datetime.datetime(2026, 11, 26), 1234.56, "=C2*2"], ""),
        (4, [12345, "26.11.2026", "5 000", None], ""),
    ]
    assert isinstance(rows[0][1][3], Formula)


def test_xlsx_error_values_are_marked(tmp_path):
    path = xlsx(tmp_path, [["A", "B"], [1, "#N/A"]])
    _table, rows = read(path)
    assert rows == [(2, [1, "#N/A"], "")]
    assert isinstance(rows[0][1][1], ExcelError)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path):
    bomb = zip_bytes(
        {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * 50_000_000}
    )
    path = write(tmp_path, bomb, "bomb.xlsx")
    assert path.stat().st_size < 100_000
    with pytest.raises(FileRejected) as raised:
        read(path)
    ratio = group_thousands(str(50_000_000 // zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").compress_size))
    assert raised.value.message == (
        f"Файл XLSX отклонён: часть архива «xl/worksheets/sheet1.xml» сжата в {ratio} раз — так сжимаются только "
        "«zip-бомбы» (допускается до 200 раз). Сохраните таблицу заново или загрузите CSV."
    )
    with pytest.raises(FileRejected) as raised:
        read(path, Limits(max_unpacked_bytes=10 * 1024 * 1024))
    assert raised.value.message == (
        "Файл XLSX отклонён: в распакованном виде он занял бы 48 МБ, допускается не больше 10 МБ (защита от "
        "«zip-бомб»). Разбейте таблицу на части или загрузите CSV."
    )


def test_xlsx_damaged_truncated_or_not_a_workbook(tmp_path):
    good = xlsx(tmp_path, [["A"], [1]]).read_bytes()
    with pytest.raises(FileRejected) as raised:
        read(write(tmp_path, good[: len(good) // 2], "cut.xlsx"))
    assert raised.value.message == "Файл XLSX повреждён или обрезан: он не читается как архив."
    with pytest.raises(FileRejected) as raised:
        read(write(tmp_path, zip_bytes({"word/document.xml": b"<x/>"}), "doc.xlsx"))
    assert raised.value.message == "Это ZIP-архив, но не книга Excel (XLSX). Загрузите CSV или XLSX."
    with pytest.raises(FileRejected) as raised:
        read(write(tmp_path, zip_bytes({"xl/workbook.xml": b"not xml"}), "broken.xlsx"))
    assert raised.value.message == "Файл XLSX повреждён и не читается. Откройте его в Excel и сохраните заново."
