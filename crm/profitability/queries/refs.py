"""Names for rows: the clients a report lists, in one query."""

from collections.abc import Iterable

from crm.clients.models import Client
from crm.profitability.results import ClientRef


def client_refs(client_ids: Iterable[int]) -> dict[int, ClientRef]:
    """Name, manager, industry and segment of each client (one query)."""
    clients = Client.objects.filter(pk__in=list(client_ids)).select_related("manager", "industry")
    return {
        client.pk: ClientRef(
            id=client.pk,
            name=str(client),
            manager=client.manager.short_name,
            industry=client.industry.name if client.industry else "",
            segment=client.get_segment_display() if client.segment else "",
        )
        for client in clients
    }
