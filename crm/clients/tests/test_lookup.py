"""The client picker searches the server among the clients the user sees."""

import re

import pytest
from django.urls import reverse

from crm.clients.factories import ClientFactory


def _options(response_or_html) -> list[str]:
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    return re.findall(r'<option value="(\d+)"', html)


@pytest.fixture
def named(manager_a, manager_b):
    return {
        "alpha": ClientFactory(name="ООО «Альфа-Строй»", manager=manager_a),
        "alpha_b": ClientFactory(name="АО «Альфа Логистик»", manager=manager_b),
        "beta": ClientFactory(name="ООО «Бета»", manager=manager_a),
    }


def test_lookup_finds_visible_clients_by_name_in_any_case(client, manager_a, named):
    client.force_login(manager_a)
    response = client.get(reverse("clients:lookup"), {"q": "альфа"})
    assert _options(response) == [str(named["alpha"].pk)]


def test_head_sees_matches_of_every_team_ordered_by_name(client, head, named):
    client.force_login(head)
    response = client.get(reverse("clients:lookup"), {"q": "Альфа"})
    assert _options(response) == [str(named["alpha_b"].pk), str(named["alpha"].pk)]


def test_lookup_by_inn_prefix_and_nothing_for_an_empty_query(client, manager_a, named):
    client.force_login(manager_a)
    assert _options(client.get(reverse("clients:lookup"), {"q": named["beta"].inn[:10]})) == [str(named["beta"].pk)]
    assert _options(client.get(reverse("clients:lookup"), {"q": " "})) == []


def test_lookup_returns_at_most_twenty_options(client, head, manager_a):
    ClientFactory.create_batch(25, manager=manager_a, name="ООО «Гамма»")
    client.force_login(head)
    assert len(_options(client.get(reverse("clients:lookup"), {"q": "Гамма"}))) == 20


def test_deal_form_renders_only_the_chosen_client_not_the_whole_list(client, manager_a, named):
    client.force_login(manager_a)
    page = client.get(reverse("deals:create"), {"client": named["beta"].pk}).content.decode()
    select = page[page.index('name="client"') : page.index("</select>", page.index('name="client"'))]
    assert _options(select) == [str(named["beta"].pk)]
    assert 'hx-get="/clients/lookup/"' in page
