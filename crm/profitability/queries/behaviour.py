"""A client's behaviour over a window, grouped by client in SQL (docs/metrics.md: «Behaviour of a client»).

- Payment delay: instalments **due** in the window; delay = (payment date, or `today` if unpaid) − due date,
  when positive; late = delay > 0 (paid late, or unpaid and past due). Not yet due and unpaid is not late.
- Discount pressure: deals **created** in the window (Moscow dates); a request is `requested_discount_rate > 0`.
  Average requested: over the deals with a request. Average granted and rejections: over the *decided* (won or
  lost) deals with a request, an empty granted rate counting as 0; "rejected" = decided with a request and
  nothing granted (a lost deal's request counts as rejected; the approvals issue will refine this).
- Complaints: received in the window. NPS: answers in the window, promoters 9–10, detractors 0–6.
"""

import datetime
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from crm.core.periods import Period
from crm.finance.models import Instalment
from crm.org.models import User
from crm.pipeline.models import Deal, DealStatus
from crm.profitability.expressions import RATE, DaysBetween, date_value
from crm.profitability.queries.scope import viewer_q
from crm.service.models import Complaint, NpsResponse

REQUESTED = Q(requested_discount_rate__gt=0)
DECIDED = Q(status__in=[DealStatus.WON, DealStatus.LOST])
NOT_GRANTED = Q(granted_discount_rate__isnull=True) | Q(granted_discount_rate=0)


def _moments(window: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The window as aware datetimes [first 00:00, day after last 00:00) in the current (Moscow) time zone."""
    start = timezone.make_aware(datetime.datetime.combine(window.first, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(window.last + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def delay_days(today: datetime.date) -> Any:
    """Days an instalment is late: (payment date, or today if unpaid) − due date, when positive."""
    paid_or_today = Coalesce(F("paid_on"), date_value(today))
    return Greatest(DaysBetween(paid_or_today, F("due_on")), Value(0))


def late(today: datetime.date) -> Q:
    """Paid after the due date, or unpaid with the due date before today."""
    return Q(paid_on__gt=F("due_on")) | Q(paid_on__isnull=True, due_on__lt=today)


def instalments_part(viewer: User | None, window: Period, today: datetime.date) -> QuerySet[Any]:
    """Per client: instalments due in the window, how many late, Σ days late."""
    instalments = Instalment.objects.filter(viewer_q(viewer, "contract__client__"), due_on__range=window_range(window))
    return (
        instalments.order_by()
        .values(k_client=F("contract__client_id"))
        .annotate(due=Count("id"), late=Count("id", filter=late(today)), delay_sum=Sum(delay_days(today)))
    )


def deals_part(viewer: User | None, window: Period) -> QuerySet[Any]:
    """Per client: deals created in the window, requests, Σ requested, decided requests, Σ granted, rejected."""
    start, end = _moments(window)
    deals = Deal.objects.filter(viewer_q(viewer, "client__"), created_at__gte=start, created_at__lt=end)
    return (
        deals.order_by()
        .values(k_client=F("client_id"))
        .annotate(
            deals=Count("id"),
            requests=Count("id", filter=REQUESTED),
            requested_sum=Sum("requested_discount_rate", filter=REQUESTED, output_field=RATE),
            decided_requests=Count("id", filter=REQUESTED & DECIDED),
            granted_sum=Sum(
                Coalesce("granted_discount_rate", Value(0), output_field=RATE),
                filter=REQUESTED & DECIDED,
                output_field=RATE,
            ),
            rejected=Count("id", filter=REQUESTED & DECIDED & NOT_GRANTED),
        )
    )


def complaints_part(viewer: User | None, window: Period) -> QuerySet[Any]:
    """Per client: complaints received in the window."""
    complaints = Complaint.objects.filter(viewer_q(viewer, "client__"), received_on__range=window_range(window))
    return complaints.order_by().values(k_client=F("client_id")).annotate(complaints=Count("id"))


def nps_part(viewer: User | None, window: Period) -> QuerySet[Any]:
    """Per client: NPS answers in the window, promoters and detractors."""
    answers = NpsResponse.objects.filter(viewer_q(viewer, "client__"), responded_on__range=window_range(window))
    return (
        answers.order_by()
        .values(k_client=F("client_id"))
        .annotate(
            responses=Count("id"),
            promoters=Count("id", filter=Q(score__gte=9)),
            detractors=Count("id", filter=Q(score__lte=6)),
        )
    )


def window_range(window: Period) -> tuple[datetime.date, datetime.date]:
    return window.first, window.last
