"""The snapshot gives exactly the on-demand figures, stays exact after changes, and falls back when it cannot.

Every comparison is between the same report computed twice: from the snapshot, and on demand inside
`snapshot.disabled()` (the reference). Datasets: `portfolio` (LTV), `industries` (loss ratio), `storm` (score).
"""

import dataclasses
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.catalog.models import ProductLine
from crm.clients.models import Client, Industry
from crm.finance.models import Instalment
from crm.policies.models import Contract, ContractStatus
from crm.profitability.models import ClientBehaviour, DirtyClient, LineNorm, LtvEntry, SnapshotState, WindowEntry
from crm.profitability.queries import Filters, client_profile, loss_ratio_report, ltv_ranking, snapshot, toxic_clients
from crm.profitability.tests.conftest import TODAY, claim, contract, day
from crm.profitability.tests.test_loss_ratio import industries  # noqa: F401 — a fixture
from crm.profitability.tests.test_toxic import storm  # noqa: F401 — a fixture

pytestmark = pytest.mark.django_db
SQLITE = connection.vendor == "sqlite"
FLOAT_DIGITS = Decimal("1e-9")
WINDOW = snapshot.default_window(TODAY)


def _line(code: str) -> int:
    return ProductLine.objects.get(code=code).pk


def _filters() -> list[Filters]:
    logistics = Industry.objects.get(code="logistics").pk
    small = Filters(industry_id=logistics, segment="small")
    return [
        Filters(),
        Filters(product_line_id=_line("property")),
        Filters(industry_id=logistics),
        small,
        Filters(industry_id=logistics, segment="small", product_line_id=_line("cargo")),
        Filters(industry_id=logistics, segment="medium", product_line_id=_line("property")),
    ]


def _reports(viewers) -> list:
    """Every report the pages, API and card show, for each viewer and filter set."""
    out: list = []
    for viewer in viewers:
        for filters in _filters():
            out.append(ltv_ranking(viewer, TODAY, filters, order="top", limit=50))
            out.append(ltv_ranking(viewer, TODAY, filters, order="bottom", limit=2))
            out.append(loss_ratio_report(viewer, WINDOW, filters))
            out.append(toxic_clients(viewer, TODAY, filters, limit=100))
    for client in Client.objects.order_by("pk"):
        out.append(client_profile(client, today=TODAY))
    return out


def _read_snapshot(viewers) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        reports = _reports(viewers)
    return reports, [query["sql"] for query in queries.captured_queries]


def _on_demand(viewers) -> list:
    with snapshot.disabled():
        return _reports(viewers)


def _first_difference(got: object, expected: object, path: str = "") -> str:
    """Where two reports differ (a dotted path and the two values), for a readable failure."""
    if dataclasses.is_dataclass(got) and type(got) is type(expected):
        for field in dataclasses.fields(got):
            found = _first_difference(getattr(got, field.name), getattr(expected, field.name), f"{path}.{field.name}")
            if found:
                return found
        return ""
    if isinstance(got, list | tuple) and isinstance(expected, list | tuple) and len(got) == len(expected):
        for index, (a, b) in enumerate(zip(got, expected, strict=True)):
            found = _first_difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return ""
    if SQLITE and isinstance(got, Decimal) and isinstance(expected, Decimal):
        # SQLite sums money as floats, and Σ per line then Σ lines may differ from one Σ in the last digit.
        same = abs(got - expected) <= FLOAT_DIGITS * max(abs(expected), 1)
    else:
        same = got == expected
    return "" if same else f"{path}: snapshot {got!r} ≠ on demand {expected!r}"


def _assert_equal(viewers) -> list[str]:
    reference = _on_demand(viewers)
    reports, sql = _read_snapshot(viewers)
    assert len(reports) == len(reference)
    for got, expected in zip(reports, reference, strict=True):
        assert not _first_difference(got, expected), _first_difference(got, expected)
        assert SQLITE or got == expected
    return sql


@pytest.fixture
def everything(portfolio, industries, storm):  # noqa: F811 — fixtures imported above
    return portfolio


def test_snapshot_figures_equal_the_on_demand_ones(everything, head, manager_a, manager_b):
    report = snapshot.refresh(full=True, today=TODAY)
    assert report.full and report.rows > 0
    assert ClientBehaviour.objects.filter(client__name="ООО «Шторм»").exists()
    sql = _assert_equal([head, manager_a, manager_b])
    for table in ("ltventry", "ltvclient", "windowentry", "windowclient", "clientbehaviour"):
        assert any(f"profitability_{table}" in text for text in sql), table
    assert not any('FROM "finance_claim"' in text for text in sql), "no report read the claims"


def test_the_snapshot_is_not_empty_of_meaning(everything, head):
    """A sanity anchor: a hand-computed figure through the snapshot (Бета: 1 000 000 × 330/365 − 100 000 × 330/365)."""
    snapshot.refresh(full=True, today=TODAY)
    rows = {row.client.name: row for row in ltv_ranking(head, TODAY).rows}
    assert rows["ООО «Бета»"].economics.earned_premium.quantize(Decimal("0.01")) == Decimal("904109.59")


def test_changes_mark_the_client_dirty_and_the_page_shows_the_new_exact_figure(everything, head, manager_a):
    snapshot.refresh(full=True, today=TODAY)
    alpha = everything["alpha"]
    before = {row.client.name: row.economics.incurred_claims for row in ltv_ranking(head, TODAY).rows}

    c4 = Contract.objects.get(client=alpha, starts_on=day("01.10.2026"))
    claim(c4, "01.11.2026", "12345.67")  # a new claim
    assert set(DirtyClient.objects.values_list("client_id", flat=True)) == {alpha.pk}
    after = {row.client.name: row.economics.incurred_claims for row in ltv_ranking(head, TODAY).rows}
    cents = Decimal("0.01")  # SQLite sums money as floats
    assert after["ООО «Альфа»"].quantize(cents) == (before["ООО «Альфа»"] + Decimal("12345.67")).quantize(cents)
    assert not DirtyClient.objects.exists(), "the few dirty clients were recomputed in the request"

    beta = everything["beta"]  # a terminated contract
    Contract.objects.filter(client=beta).update(status=ContractStatus.TERMINATED, terminated_on=day("30.06.2026"))
    assert DirtyClient.objects.filter(client_id=beta.pk).exists()
    _assert_equal([head, manager_a])

    storm_main = Contract.objects.get(client__name="ООО «Шторм»", starts_on=day("01.01.2025"))
    unpaid = Instalment.objects.filter(contract=storm_main, paid_on__isnull=True).order_by("due_on").first()
    unpaid.paid_on = day("20.11.2026")  # a paid instalment
    unpaid.paid_amount = unpaid.amount
    unpaid.save()
    assert DirtyClient.objects.filter(client_id=storm_main.client_id).exists()
    _assert_equal([head, manager_a])

    contract(everything["delta"], "01.01.2026", "31.12.2026", "200000", "20000", "kasko")  # a new contract
    Contract.objects.filter(client=alpha, starts_on=day("01.06.2025")).delete()  # and a deleted one
    assert DirtyClient.objects.filter(client_id__in=[alpha.pk, everything["delta"].pk]).count() == 2
    _assert_equal([head])


def test_an_irrelevant_update_marks_nobody(everything):
    snapshot.refresh(full=True, today=TODAY)
    Contract.objects.filter(client=everything["alpha"]).update(concluded_on=day("01.01.2020"))
    assert not DirtyClient.objects.exists()
    Contract.objects.filter(client=everything["alpha"]).update(written_premium_amount=Decimal("1"))
    assert set(DirtyClient.objects.values_list("client_id", flat=True)) == {everything["alpha"].pk}


def _dump() -> list:
    return [
        sorted(model.objects.values_list(*[f.attname for f in model._meta.fields if f.attname != "id"]))
        for model in (LtvEntry, WindowEntry, ClientBehaviour, LineNorm)
    ]


def test_refresh_is_idempotent_and_an_incremental_run_with_nothing_dirty_writes_nothing(everything):
    snapshot.refresh(full=True, today=TODAY)
    first = _dump()
    snapshot.refresh(full=True, today=TODAY)
    assert _dump() == first
    report = snapshot.refresh(today=TODAY)
    assert (report.full, report.clients, report.rows) == (False, 0, 0)
    assert _dump() == first
    Contract.objects.filter(client=everything["beta"]).update(commission_amount=Decimal("1"))
    snapshot.refresh(today=TODAY)
    Contract.objects.filter(client=everything["beta"]).update(commission_amount=Decimal("100000"))
    assert snapshot.refresh(today=TODAY).clients == 1
    assert _dump() == first


def test_another_day_or_too_many_dirty_clients_compute_on_demand(everything, head, monkeypatch):
    snapshot.refresh(full=True, today=day("25.11.2026"))
    assert snapshot.ledger_source(TODAY) is None
    snapshot.refresh(today=TODAY)  # another day: the incremental run recomputes everything
    assert SnapshotState.objects.get().today == TODAY
    assert snapshot.ledger_source(TODAY) is not None
    monkeypatch.setattr(snapshot, "SYNC_LIMIT", 0)
    claim(Contract.objects.filter(client=everything["gamma"]).get(), "02.06.2026", "1")
    assert snapshot.ledger_source(TODAY) is None
    assert DirtyClient.objects.exists(), "nothing was recomputed in the request"
    _, sql = _read_snapshot([head])
    assert not any("profitability_ltventry" in text for text in sql)


def test_a_custom_period_is_computed_on_demand(everything, head):
    snapshot.refresh(full=True, today=TODAY)
    custom = snapshot.default_window(day("30.06.2026"))
    with CaptureQueriesContext(connection) as queries:
        report = loss_ratio_report(head, custom)
    assert not any("profitability_windowentry" in q["sql"] for q in queries.captured_queries)
    with snapshot.disabled():
        assert report == loss_ratio_report(head, custom)


PAGES = {"/profitability/": "ranking", "/profitability/loss-ratio/": "report", "/profitability/toxic/": "toxic"}


@pytest.mark.parametrize("url", list(PAGES))
def test_the_pages_show_the_same_figures_and_the_query_count_is_constant(client, head, everything, monkeypatch, url):
    monkeypatch.setattr("crm.profitability.views.today", lambda: TODAY)
    client.force_login(head)
    with snapshot.disabled():
        reference = client.get(url).context[PAGES[url]]
    snapshot.refresh(full=True, today=TODAY)
    with CaptureQueriesContext(connection) as small:
        shown = client.get(url).context[PAGES[url]]
    assert not _first_difference(shown, reference), _first_difference(shown, reference)
    assert any(f"profitability_{table}" in q["sql"] for q in small.captured_queries for table in ("ltv", "window"))
    for number in range(5):
        claim(contract(everything["gamma"], "01.02.2026", "31.12.2026", "1000", line="cargo"), "01.03.2026", "10")
        contract(everything["beta"], "01.03.2026", "31.12.2026", str(1000 + number), line="kasko")
    snapshot.refresh(today=TODAY)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)


def test_the_card_profile_reads_the_expected_claims_from_the_snapshot(everything):
    snapshot.refresh(full=True, today=TODAY)
    storm_client = Client.objects.get(name="ООО «Шторм»")
    with CaptureQueriesContext(connection) as queries:
        profile = client_profile(storm_client, today=TODAY)
    assert any("profitability_windowclient" in q["sql"] for q in queries.captured_queries)
    assert not any('FROM "finance_claim"' in q["sql"] for q in queries.captured_queries)
    with snapshot.disabled():
        assert profile == client_profile(storm_client, today=TODAY)
