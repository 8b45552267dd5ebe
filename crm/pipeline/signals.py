"""Signals of the funnel for apps above it (pipeline imports none of them).

`deal_terms_changed` is sent by `crm.pipeline.services.update_deal` inside its transaction, after the
`deal.updated` audit event, with `deal` (saved), `actor` and `changes` ({field: [old, new]}). Receivers
run in the same transaction: whatever they write commits or rolls back with the change. Approvals listens
to record terms changed after approval (crm.approvals.apps).
"""

from django.dispatch import Signal

deal_terms_changed = Signal()
