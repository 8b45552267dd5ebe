"""The top bar: the role's entries in one line, the service entries under «Ещё»."""

from django.urls import reverse

from crm.core.navigation import menu_for


def test_service_entries_go_under_more_and_the_rest_stay_in_the_bar(client, head):
    items = menu_for(head, "/audit/")
    secondary = [str(item.label) for item in items if item.is_secondary]
    assert secondary == ["Импорт файлов", "Журнал аудита"]
    primary = [str(item.label) for item in items if not item.is_secondary]
    assert primary[:4] == ["Дашборд", "Воронка", "Сделки", "Клиенты"]
    assert [item.is_active for item in items if str(item.label) == "Журнал аудита"] == [True]

    client.force_login(head)
    page = client.get(reverse("audit:journal")).content.decode()
    bar, more = page.split('data-testid="nav-more"', 1)
    assert "Журнал аудита" not in bar.split('<ul class="navbar-nav', 1)[1]
    assert 'class="dropdown-item active" aria-current="page" href="/audit/">Журнал аудита' in more


def test_a_role_without_service_entries_has_no_more_menu(client, manager_a):
    client.force_login(manager_a)
    assert 'data-testid="nav-more"' not in client.get(reverse("deals:list")).content.decode()
