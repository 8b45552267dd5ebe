"""English through Django i18n: the language switcher, translated pages, and a complete, compiled catalogue."""

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")


@pytest.fixture(autouse=True)
def _no_language_leaks_into_other_tests():
    """LocaleMiddleware activates the request's language for the thread and never deactivates it."""
    yield
    translation.deactivate()


def navbar(page: str) -> str:
    return page[page.index('<nav class="navbar') : page.index("</nav>")]


def switch_to_english(client, next_url: str = "/login/"):
    return client.post("/i18n/setlang/", {"language": "en", "next": next_url})


def test_login_page_is_russian_by_default(client, db):
    page = client.get("/login/").content.decode()
    assert "Вход в CRM" in page and 'lang="ru"' in page
    assert "Sign in to the CRM" not in page


def test_language_switcher_is_on_the_login_page(client, db):
    page = client.get("/login/").content.decode()
    switcher = page[page.index('data-testid="language-switcher"') :]
    switcher = switcher[: switcher.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in switcher
    assert '<input type="hidden" name="next" value="/login/">' in switcher
    assert 'role="group" aria-label="Язык интерфейса"' in switcher
    assert re.search(r'value="ru"[^>]*aria-pressed="true">RU</button>', switcher)
    assert re.search(r'value="en"[^>]*aria-pressed="false">EN</button>', switcher)


def test_switching_to_english_translates_the_login_page(client, db):
    response = switch_to_english(client)
    assert (response.status_code, response["Location"]) == (302, "/login/")
    page = client.get("/login/").content.decode()
    assert "Sign in to the CRM" in page and 'lang="en"' in page
    assert "Вход в CRM" not in page
    assert re.search(r'value="en"[^>]*aria-pressed="true">EN</button>', page)


def test_english_chosen_while_signed_in_stays_on_the_login_page(client, head):
    client.force_login(head)
    assert switch_to_english(client, "/clients/")["Location"] == "/clients/"
    assert client.post("/logout/")["Location"] == "/login/"
    page = client.get("/login/").content.decode()
    assert "Sign in to the CRM" in page and 'lang="en"' in page
    assert "Вход в CRM" not in page
    assert "<title>Sign in · Corporate Sales</title>" in page
    assert re.search(r'value="en"[^>]*aria-pressed="true">EN</button>', page)


def test_switching_back_to_russian(client, head):
    client.force_login(head)
    switch_to_english(client, "/clients/")
    assert "Sign out" in client.get("/clients/").content.decode()
    client.post("/i18n/setlang/", {"language": "ru", "next": "/clients/"})
    assert "Выйти" in client.get("/clients/").content.decode()


def test_logged_in_pages_show_english_navigation(client, head):
    client.force_login(head)
    response = switch_to_english(client, "/clients/")
    assert response["Location"] == "/clients/"
    page = client.get("/clients/").content.decode()
    nav = navbar(page)
    for label in ("Sales CRM", "Pipeline", "Deals", "Clients", "Sales plan", "Head of Sales", "Sign out"):
        assert label in nav, label
    for label in ("Воронка", "Сделки", "Клиенты", "План продаж", "Начальник отдела продаж", "Выйти"):
        assert label not in nav, label
    assert '<input type="hidden" name="next" value="/clients/">' in nav
    assert "<title>Clients · Corporate Sales</title>" in page


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: flags, msgctxt, msgid, msgid_plural, msgstr (a list: one form, or one per plural form)."""
    entries: list[dict] = []
    entry: dict = {}
    field = ""
    for line in [*text.splitlines(), ""]:
        if not line.strip() or line.startswith("#~"):  # a blank line ends an entry; obsolete ones are dropped
            if "msgid" in entry:
                entries.append(entry)
            entry, field = {}, ""
        elif line.startswith("#,"):
            entry.setdefault("flags", set()).update(flag.strip() for flag in line[2:].split(","))
        elif not line.startswith("#"):
            if not line.startswith('"'):  # `msgid "…"`, `msgstr[1] "…"`; a bare `"…"` continues `field`
                keyword, _, line = line.partition(" ")
                field = "msgstr" if keyword.startswith("msgstr") else keyword
                if field == "msgstr":
                    entry.setdefault("msgstr", []).append("")
                else:
                    entry[field] = ""
            value = ast.literal_eval(line.strip())  # a C string literal: \n, \", \\ read as in Python
            if field == "msgstr":
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def test_the_po_parser_reads_continuations_plurals_and_escapes():
    entries = parse_po(
        '#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        '#, python-format\nmsgid "Найден %(n)s клиент"\nmsgid_plural "Найдено: %(n)s"\n'
        'msgstr[0] "%(n)s client"\nmsgstr[1] ""\n"%(n)s clients"\n\n'
        'msgid ""\n"Две "\n"строки"\nmsgstr "Say \\"two\\""\n\n#~ msgid "старое"\n#~ msgstr ""\n\n'
        'msgctxt "секунды"\nmsgid "с"\nmsgstr "s"\n'
    )
    assert entries == [
        {"flags": {"fuzzy"}, "msgid": "", "msgstr": ["Language: en\n"]},
        {
            "flags": {"python-format"},
            "msgid": "Найден %(n)s клиент",
            "msgid_plural": "Найдено: %(n)s",
            "msgstr": ["%(n)s client", "%(n)s clients"],
        },
        {"msgid": "Две строки", "msgstr": ['Say "two"']},
        {"msgctxt": "секунды", "msgid": "с", "msgstr": ["s"]},
    ]


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    header, *messages = po_entries
    assert header["msgid"] == "" and "Language: en\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    assert len(messages) > 500
    fuzzy = [entry["msgid"] for entry in po_entries if "fuzzy" in entry.get("flags", ())]
    untranslated = [entry["msgid"] for entry in messages if not all(form.strip() for form in entry["msgstr"])]
    assert (fuzzy, untranslated) == ([], [])
    for entry in messages:
        expected_forms = 2 if "msgid_plural" in entry else 1
        assert len(entry["msgstr"]) == expected_forms, entry["msgid"]
        for form in entry["msgstr"]:
            assert sorted(PLACEHOLDER.findall(form)) == sorted(PLACEHOLDER.findall(entry["msgid"])), entry["msgid"]


def mo_catalog(path: Path) -> dict:
    with path.open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def test_compiled_catalogue_holds_every_translation_of_the_po(po_entries):
    """Runs without gettext: the committed .mo says exactly what the .po says."""
    expected = {}
    for entry in po_entries[1:]:  # the header differs: msgfmt leaves POT-Creation-Date out of the .mo
        # A message with a context is stored as "context\x04message", as gettext's pgettext looks it up.
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        if "msgid_plural" in entry:
            expected.update({(key, n): form for n, form in enumerate(entry["msgstr"])})
        else:
            expected[key] = entry["msgstr"][0]
    compiled = mo_catalog(MO_FILE)
    assert compiled.pop("").startswith("Project-Id-Version: crm\n")
    assert compiled == expected


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_compiled_catalogue_is_what_msgfmt_makes_of_the_po(tmp_path):
    """File dates mean nothing after a checkout, so compare content: the .mo is not older than the .po."""
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)  # noqa: S603, S607
    assert mo_catalog(MO_FILE) == mo_catalog(fresh), "run `manage.py compilemessages` after editing the .po"
