import pytest

from crm.audit.models import AuditEvent
from crm.org.models import Region


@pytest.fixture
def admin_user(administrator):
    administrator.is_staff = True
    administrator.is_superuser = True
    administrator.save()
    return administrator


def test_a_change_in_the_admin_is_audited(client, admin_user, region):
    client.force_login(admin_user)
    response = client.post(f"/admin/org/region/{region.pk}/change/", {"name": "Центр и Поволжье", "code": "C"})

    assert response.status_code == 302
    region.refresh_from_db()
    assert region.name == "Центр и Поволжье"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_label, event.changes) == (
        "admin.changed",
        "admin1",
        {"name": ["Центр", "Центр и Поволжье"]},
    )


def test_sales_people_cannot_open_the_admin(client, head):
    head.is_staff = True  # even if someone set the flag by mistake
    head.save()
    client.force_login(head)
    response = client.get("/admin/org/region/")
    assert response.status_code == 403
    assert Region.objects.count() == 0
