"""Reading an uploaded file as a table: CSV (UTF-8 with or without BOM, or Windows-1251; `;`, `,` or tab) or XLSX.

The kind of file is told by its first bytes, not by its name. Everything streams: a CSV is decoded and
split line by line, an XLSX is read with openpyxl in read-only mode, so a file of a million lines costs
the memory of one line. Whatever cannot be read as a table raises `FileRejected` with a message for the
user; problems of single rows (a wrong number of fields, a formula in an XLSX cell) are reported with
the row and the import goes on.

XLSX safety: before openpyxl opens the archive, the sizes declared in the ZIP directory are checked
(total uncompressed size, compression ratio of each member, number of members); Python's `zipfile`
never inflates a member past its declared size, so the check bounds what is read. Formulas are not
evaluated (no cached results are trusted either): a cell holding a formula is reported as an error.
"""

import codecs
import csv
import datetime
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl
from django.utils.translation import gettext as _

from crm.core.money import group_thousands

CHUNK = 1 << 20
SNIFF_BYTES = 64 * 1024
SNIFF_LINES = 50
DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "«;»", ",": "«,»", "\t": "табуляция"}
UTF8_BOM = codecs.BOM_UTF8
XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters but tab and line ends


@dataclass(frozen=True)
class Limits:
    """How big a file may be: bytes on disk, rows, columns, and for XLSX the unpacked size and ratio."""

    max_bytes: int = 200 * 1024 * 1024
    max_rows: int = 1_100_000
    max_columns: int = 100
    max_cell_chars: int = 100_000
    max_unpacked_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 200
    max_members: int = 1_000


DEFAULT_LIMITS = Limits()


class FileRejected(Exception):
    """The whole file cannot be imported; `message` says why, in Russian."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Formula(str):
    """The text of an XLSX formula cell (`=B2*2`): never evaluated, reported as an error."""

    __slots__ = ()


class ExcelError(str):
    """An XLSX cell holding an error value such as `#N/A` or `#DIV/0!`."""

    __slots__ = ()


Cell = str | int | float | bool | datetime.datetime | datetime.date | None


@dataclass
class Row:
    """One data row: its number as a spreadsheet shows it (the header is row 1) and its cells.

    `problem` is set when the row cannot be split into the header's columns (wrong number of fields).
    """

    number: int
    cells: list[Cell]
    problem: str = ""


@dataclass
class Table:
    """A file opened as a table: how it was read (format, encoding, separator), its header, its rows."""

    format: str
    header: list[str]
    rows: Iterator[Row]
    encoding: str = ""
    delimiter: str = ""
    estimated_rows: int = 0
    closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for closer in self.closers:
            closer.close()

    @property
    def description(self) -> str:
        """How the file was read, for the page: «CSV, Windows-1251, разделитель «;»» or «XLSX»."""
        if self.format == "xlsx":
            return "XLSX"
        encoding = {"utf-8-sig": "UTF-8 (с BOM)", "utf-8": "UTF-8", "cp1251": "Windows-1251"}[self.encoding]
        return _("CSV, %(encoding)s, разделитель %(delimiter)s") % {
            "encoding": encoding,
            "delimiter": DELIMITER_NAMES[self.delimiter],
        }


def open_table(path: Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    """The file at `path` as a table; FileRejected when it is empty, too big, binary or unreadable."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(_("Файл пустой."))
    if size > limits.max_bytes:
        raise FileRejected(
            _("Файл слишком большой: %(size)s МБ, допускается не больше %(limit)s МБ.")
            % {"size": _megabytes(size), "limit": _megabytes(limits.max_bytes)}
        )
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(XLSX_MAGIC):
        return open_xlsx(path, limits)
    _refuse_other_binaries(head)
    return open_csv(path, limits)


def _megabytes(size: int) -> str:
    return group_thousands(str(max(1, round(size / (1024 * 1024)))))


def _refuse_other_binaries(head: bytes) -> None:
    if head.startswith(OLE2_MAGIC):
        raise FileRejected(
            _("Это файл Excel 97–2003 (XLS) — он не поддерживается. Сохраните таблицу как XLSX или CSV.")
        )
    if head.startswith(UTF16_BOMS):
        raise FileRejected(_("Файл в кодировке UTF-16 («Юникод-текст» Excel). Сохраните его как «CSV UTF-8» или XLSX."))
    if head.startswith(b"%PDF"):
        raise FileRejected(_("Это PDF, а не таблица. Загрузите CSV или XLSX."))
    if b"\x00" in head:
        raise FileRejected(_("Файл не похож на текстовую таблицу: в нём есть двоичные данные. Загрузите CSV или XLSX."))


# CSV ------------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """`utf-8-sig`, `utf-8` or `cp1251`: UTF-8 is tried strictly over the whole file, then Windows-1251."""
    with path.open("rb") as stream:
        has_bom = stream.read(len(UTF8_BOM)) == UTF8_BOM
        stream.seek(0)
        if _decodes(stream, "utf-8"):
            return "utf-8-sig" if has_bom else "utf-8"
        if has_bom:
            raise FileRejected(
                _(
                    "Файл начинается с метки UTF-8 (BOM), но дальше текст не в UTF-8 (похоже на Windows-1251). "
                    "Пересохраните файл целиком в одной кодировке: «CSV UTF-8» или «CSV (разделители — точка с "
                    "запятой)»."
                )
            )
        stream.seek(0)
        if _decodes(stream, "cp1251"):
            return "cp1251"
    raise FileRejected(
        _("Не удалось определить кодировку: файл не в UTF-8 и не в Windows-1251. Сохраните его как «CSV UTF-8».")
    )


def _decodes(stream: IO[bytes], encoding: str) -> bool:
    """Whether the whole stream decodes strictly and holds no control characters but tab and line ends."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        while chunk := stream.read(CHUNK):
            if _has_controls(decoder.decode(chunk)):
                return False
        return not _has_controls(decoder.decode(b"", final=True))
    except UnicodeDecodeError:
        return False


def _has_controls(text: str) -> bool:
    return CONTROLS.search(text) is not None


def sniff_delimiter(lines: list[str]) -> str:
    """The separator that splits the header into the most columns; `;` wins ties (Russian Excel writes it)."""
    best, best_count = ";", 1
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader(lines, delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(header) > best_count:
            best, best_count = delimiter, len(header)
    return best


def open_csv(path: Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    """A CSV file as a table: encoding detected, separator sniffed from the first lines, rows streamed."""
    encoding = detect_encoding(path)
    text = path.open(encoding=encoding, newline="")
    try:
        first_lines = [line for _, line in zip(range(SNIFF_LINES), text, strict=False)]
        delimiter = sniff_delimiter(first_lines)
        text.seek(0)
        records = _records(text, delimiter, limits)
        header = _csv_header(records, limits)
    except BaseException:
        text.close()
        raise
    return Table(
        format="csv",
        header=header,
        rows=_csv_rows(records, len(header), delimiter, limits),
        encoding=encoding,
        delimiter=delimiter,
        estimated_rows=max(count_lines(path) - 1, 0),
        closers=[text],
    )


def count_lines(path: Path) -> int:
    """Line breaks in the file (plus one for an unterminated last line): the progress bar's estimate of rows."""
    count, last = 0, b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _records(text: IO[str], delimiter: str, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    """(row number, fields) per CSV record; a broken record (open quote, giant field) rejects the file."""
    csv.field_size_limit(limits.max_cell_chars)
    reader = csv.reader(text, delimiter=delimiter, strict=False)
    number = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise FileRejected(
                _(
                    "Строка %(row)s не читается: незакрытая кавычка или значение длиннее %(limit)s символов. "
                    "Проверьте кавычки в этой строке."
                )
                % {"row": number + 1, "limit": group_thousands(str(limits.max_cell_chars))}
            ) from None
        number += 1
        if number > limits.max_rows + 1:
            raise _too_many_rows(limits)
        yield number, fields


def _too_many_rows(limits: Limits) -> FileRejected:
    return FileRejected(
        _("В файле больше %(limit)s строк — разбейте его на части.") % {"limit": group_thousands(str(limits.max_rows))}
    )


def _is_blank(cells: list[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _check_header(header: list[str], limits: Limits) -> list[str]:
    while header and not header[-1]:
        header.pop()
    if len(header) > limits.max_columns:
        raise _too_many_columns(len(header), limits)
    return header


def _too_many_columns(count: int, limits: Limits) -> FileRejected:
    return FileRejected(
        _("В файле %(count)s столбцов — допускается не больше %(limit)s.")
        % {"count": count, "limit": limits.max_columns}
    )


def _csv_header(records: Iterator[tuple[int, list[str]]], limits: Limits) -> list[str]:
    for _number, fields in records:
        if not _is_blank(fields):
            return _check_header([name.strip() for name in fields], limits)
    raise FileRejected(_("Файл пустой: в нём нет ни заголовка, ни строк."))


def _csv_rows(records: Iterator[tuple[int, list[str]]], width: int, delimiter: str, limits: Limits) -> Iterator[Row]:
    for number, fields in records:
        if _is_blank(fields):
            continue
        while len(fields) > width and not fields[-1].strip():
            fields.pop()
        if len(fields) > limits.max_columns:
            raise _too_many_columns(len(fields), limits)
        cells: list[Cell] = [value.strip() for value in fields]
        problem = ""
        if len(fields) != width:
            problem = _(
                "В строке %(got)s полей, а в заголовке %(want)s (разделитель %(delimiter)s): проверьте "
                "разделители и кавычки."
            ) % {"got": len(fields), "want": width, "delimiter": DELIMITER_NAMES[delimiter]}
        yield Row(number, cells, problem)


# XLSX -----------------------------------------------------------------------------------------------


def check_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a ZIP that is not a workbook, is damaged, or would unpack to too much (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected(_("Файл XLSX повреждён или обрезан: он не читается как архив.")) from None
    if len(members) > limits.max_members:
        raise FileRejected(_("Файл XLSX подозрительный: в архиве слишком много частей (%(n)s).") % {"n": len(members)})
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise FileRejected(
            _(
                "Файл XLSX отклонён: в распакованном виде он занял бы %(size)s МБ, допускается не больше %(limit)s МБ "
                "(защита от «zip-бомб»). Разбейте таблицу на части или загрузите CSV."
            )
            % {"size": _megabytes(unpacked), "limit": _megabytes(limits.max_unpacked_bytes)}
        )
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > CHUNK and ratio > limits.max_ratio:
            raise FileRejected(
                _(
                    "Файл XLSX отклонён: часть архива «%(member)s» сжата в %(ratio)s раз — так сжимаются только "
                    "«zip-бомбы» (допускается до %(limit)s раз). Сохраните таблицу заново или загрузите CSV."
                )
                % {"member": member.filename, "ratio": group_thousands(str(ratio)), "limit": limits.max_ratio}
            )
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise FileRejected(_("Это ZIP-архив, но не книга Excel (XLSX). Загрузите CSV или XLSX."))


def open_xlsx(path: Path, limits: Limits = DEFAULT_LIMITS) -> Table:
    """The first sheet of an XLSX workbook as a table; formulas are neither evaluated nor trusted."""
    check_archive(path, limits)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False, keep_links=False)
        sheet = workbook.worksheets[0]
        declared_rows = sheet.max_row or 0
        sheet.reset_dimensions()
        rows = _xlsx_records(sheet.iter_rows(), limits)
        header_row = _xlsx_header(rows, limits)
    except FileRejected:
        raise
    except Exception:
        raise FileRejected(_("Файл XLSX повреждён и не читается. Откройте его в Excel и сохраните заново.")) from None
    header = _check_header(["" if value is None else str(value).strip() for value in header_row], limits)
    return Table(
        format="xlsx",
        header=header,
        rows=_xlsx_rows(rows, len(header), limits),
        estimated_rows=max(min(declared_rows, limits.max_rows) - 1, 0),
        closers=[workbook],
    )


def _xlsx_value(cell: Any) -> Cell:
    value = cell.value
    if cell.data_type == "f":
        return Formula(value)
    if cell.data_type == "e":
        return ExcelError(value)
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    return value  # type: ignore[no-any-return]


def _xlsx_records(cell_rows: Iterator[Any], limits: Limits) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in enumerate(cell_rows, start=1):
        if number > limits.max_rows + 1:
            raise _too_many_rows(limits)
        values = [_xlsx_value(cell) for cell in cells]
        while values and values[-1] in (None, ""):
            values.pop()
        if len(values) > limits.max_columns:
            raise _too_many_columns(len(values), limits)
        yield number, values


def _xlsx_header(records: Iterator[tuple[int, list[Cell]]], limits: Limits) -> list[Cell]:
    for _number, values in records:
        if not _is_blank(values):
            if any(isinstance(value, Formula) for value in values):
                raise FileRejected(_("В заголовке таблицы есть формулы — заголовок должен быть текстом."))
            return values
    raise FileRejected(_("Файл пустой: на первом листе нет ни заголовка, ни строк."))


def _xlsx_rows(records: Iterator[tuple[int, list[Cell]]], width: int, limits: Limits) -> Iterator[Row]:
    try:
        for number, values in records:
            if _is_blank(values):
                continue
            problem = ""
            if len(values) > width:
                problem = _("В строке заполнены ячейки правее последнего столбца заголовка (%(got)s из %(want)s).") % {
                    "got": len(values),
                    "want": width,
                }
            yield Row(number, values + [None] * (width - len(values)), problem)
    except FileRejected:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError):
        raise FileRejected(_("Файл XLSX повреждён: лист прочитан не до конца.")) from None


def read_header(path: Path, limits: Limits = DEFAULT_LIMITS) -> tuple[list[str], str]:
    """Only the header and how the file was read (for the mapping form); the file is closed again."""
    table = open_table(path, limits)
    try:
        return table.header, table.description
    finally:
        table.close()
