"""Who may see and change clients.

The sales hierarchy sees clients by ownership (head: all, senior: own and team's, manager: own) and edits
what it sees. The service desk reads every client, because it registers complaints against any of them.
Other departments see no clients until records are addressed to them.
"""

from crm.clients.models import Client, ClientQuerySet, Consent, Contact
from crm.core.roles import SALES_ROLES, Role
from crm.org.access import may_write_sales_records, sales_scope_q
from crm.org.models import User

READS_ALL_CLIENTS = frozenset({Role.SERVICE_DESK})


def clients_visible_to(user: User) -> ClientQuerySet:
    """The clients `user` may see."""
    clients: ClientQuerySet = Client.objects.all()
    if not user.is_active:
        return clients.none()
    if user.role in READS_ALL_CLIENTS:
        return clients
    if user.role not in SALES_ROLES:
        return clients.none()
    scope = sales_scope_q(user)
    return clients if scope is None else clients.filter(scope)


def clients_editable_by(user: User) -> ClientQuerySet:
    """The clients `user` may change: the sales hierarchy, over the clients it sees."""
    if not may_write_sales_records(user):
        return Client.objects.none()
    return clients_visible_to(user)


def get_client_for(user: User, pk: int, *, write: bool = False) -> Client:
    """The client if `user` may see it (or change it, with write=True); `Client.DoesNotExist` otherwise."""
    clients = clients_editable_by(user) if write else clients_visible_to(user)
    return clients.select_related("manager", "industry", "region", "lead_source").get(pk=pk)


def get_contact_for(user: User, client_pk: int, pk: int, *, write: bool = False) -> Contact:
    """A contact of a client `user` may see (or change); `Contact.DoesNotExist` otherwise."""
    clients = clients_editable_by(user) if write else clients_visible_to(user)
    return Contact.objects.select_related("client").get(pk=pk, client_id=client_pk, client__in=clients)


def get_consent_for(user: User, client_pk: int, pk: int, *, write: bool = False) -> Consent:
    """A consent of a client `user` may see (or change); `Consent.DoesNotExist` otherwise."""
    clients = clients_editable_by(user) if write else clients_visible_to(user)
    return Consent.objects.select_related("client", "contact").get(pk=pk, client_id=client_pk, client__in=clients)


def may_edit_visible_clients(user: User) -> bool:
    """Whether the clients `user` sees are also theirs to change (false for the read-only service desk)."""
    return may_write_sales_records(user)


def may_reassign_clients(user: User) -> bool:
    """Handing a client to another manager is for those who have more than themselves to assign."""
    return may_write_sales_records(user) and user.role in {Role.HEAD_OF_SALES, Role.SENIOR_MANAGER}


def may_create_clients(user: User) -> bool:
    """Only the sales hierarchy registers new clients."""
    return may_write_sales_records(user)


def may_see_client_pipeline(user: User) -> bool:
    """Deals on a client card are for the sales hierarchy; the service desk needs contracts, not deals."""
    return user.role in SALES_ROLES
