"""Reads of approvals: the inbox, the decision card with the client 360, approved terms for contracts."""

from crm.approvals.queries.card import DecisionCard, RequesterHistory, decision_card, requester_history
from crm.approvals.queries.client360 import (
    ClientOverview,
    CrossSell,
    Loyalty,
    client_loyalty,
    client_overview,
    cross_sell_potential,
)
from crm.approvals.queries.inbox import BOXES, Inbox, boxes_for, inbox, inbox_rows, open_request_for_deal
from crm.approvals.queries.terms import ApprovedTerms, approved_terms_for

__all__ = [
    "BOXES",
    "ApprovedTerms",
    "ClientOverview",
    "CrossSell",
    "DecisionCard",
    "Inbox",
    "Loyalty",
    "RequesterHistory",
    "approved_terms_for",
    "boxes_for",
    "client_loyalty",
    "client_overview",
    "cross_sell_potential",
    "decision_card",
    "inbox",
    "inbox_rows",
    "open_request_for_deal",
    "requester_history",
]
