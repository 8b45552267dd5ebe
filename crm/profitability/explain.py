"""The toxic score in words: for each component, the client's figure against the threshold, in Russian.

Pure functions of the figures the SQL returned and the settings; the points themselves come from the SQL.
"""

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from crm.core.money import format_percent, format_rub
from crm.profitability import formulas
from crm.profitability.models import ToxicScoreSettings
from crm.profitability.results import Behaviour, Component, Economics, ScoreLine


def number(value: Decimal | int | None, places: int = 2) -> str:
    """1.5234 → «1,52»; None → «—»."""
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):f}".replace(".", ",")


def _economics_assessed(economics: Economics, settings: ToxicScoreSettings) -> bool:
    return (
        economics.earned_premium > 0
        and economics.exposure_years >= settings.min_exposure_years
        and economics.earned_premium >= settings.min_earned_premium_amount
    )


def _too_little_exposure(economics: Economics, settings: ToxicScoreSettings) -> str:
    return _(
        "не оценивается: экспозиция %(years)s договоро-лет и заработанная премия %(earned)s "
        "(нужно не меньше %(min_years)s и %(min_earned)s)"
    ) % {
        "years": number(economics.exposure_years, 1),
        "earned": format_rub(economics.earned_premium),
        "min_years": number(settings.min_exposure_years, 1),
        "min_earned": format_rub(settings.min_earned_premium_amount),
    }


def loss_ratio_line(economics: Economics, settings: ToxicScoreSettings, points: Decimal) -> ScoreLine:
    value, threshold = economics.loss_ratio, settings.loss_ratio_threshold
    assessed = _economics_assessed(economics, settings)
    text = _("убыточность %(value)s при пороге %(threshold)s") % {
        "value": number(value),
        "threshold": number(threshold),
    }
    if not assessed:
        text = _("убыточность %(value)s — %(why)s") % {
            "value": number(value),
            "why": _too_little_exposure(economics, settings),
        }
    return ScoreLine("loss_ratio", value, threshold, settings.loss_ratio_weight, points, assessed, text)


def claim_frequency_line(
    economics: Economics, expected: Decimal | None, settings: ToxicScoreSettings, points: Decimal
) -> ScoreLine:
    value = formulas.ratio(economics.claims_count, expected) if expected else None
    threshold = settings.claim_frequency_threshold
    assessed = _economics_assessed(economics, settings) and bool(expected)
    text = _(
        "убытков %(claims)s при %(expected)s ожидаемых по его видам страхования: ×%(value)s к норме "
        "при пороге ×%(threshold)s"
    ) % {
        "claims": economics.claims_count,
        "expected": number(expected, 1),
        "value": number(value, 1),
        "threshold": number(threshold, 1),
    }
    if not _economics_assessed(economics, settings):
        text = _("частота убытков — %(why)s") % {"why": _too_little_exposure(economics, settings)}
    return ScoreLine("claim_frequency", value, threshold, settings.claim_frequency_weight, points, assessed, text)


def complaints_line(count: int, months: int, settings: ToxicScoreSettings, points: Decimal) -> ScoreLine:
    threshold = Decimal(settings.complaints_threshold)
    text = _("жалоб за %(months)s мес.: %(value)s при пороге %(threshold)s") % {
        "months": months,
        "value": count,
        "threshold": settings.complaints_threshold,
    }
    return ScoreLine("complaints", Decimal(count), threshold, settings.complaints_weight, points, True, text)


def _too_few(count: int, minimum: int, what: str) -> str:
    return _("не оценивается: %(what)s %(count)s, нужно не меньше %(minimum)s") % {
        "what": what,
        "count": count,
        "minimum": minimum,
    }


def discount_lines(
    behaviour: Behaviour, settings: ToxicScoreSettings, points: Mapping[Component, Decimal]
) -> list[ScoreLine]:
    discounts = behaviour.discounts
    assessed = discounts.deals_count >= settings.min_deals and discounts.deals_count > 0
    share, requested = discounts.request_share, discounts.average_requested
    too_few = _too_few(discounts.deals_count, settings.min_deals, _("сделок"))
    share_text = _("сделок с запросом скидки: %(requests)s из %(deals)s (%(value)s при пороге %(threshold)s)") % {
        "requests": discounts.requests_count,
        "deals": discounts.deals_count,
        "value": format_percent(share),
        "threshold": format_percent(settings.discount_share_threshold),
    }
    requested_text = _(
        "средняя запрошенная скидка %(value)s при пороге %(threshold)s (предоставлено в среднем %(granted)s)"
    ) % {
        "value": format_percent(requested),
        "threshold": format_percent(settings.discount_requested_threshold),
        "granted": format_percent(discounts.average_granted),
    }
    return [
        ScoreLine(
            "discount_share",
            share,
            settings.discount_share_threshold,
            settings.discount_share_weight,
            points["discount_share"],
            assessed,
            share_text if assessed else _("запросы скидок — %(why)s") % {"why": too_few},
        ),
        ScoreLine(
            "discount_requested",
            requested,
            settings.discount_requested_threshold,
            settings.discount_requested_weight,
            points["discount_requested"],
            assessed,
            requested_text if assessed else _("размер скидок — %(why)s") % {"why": too_few},
        ),
    ]


def payment_lines(
    behaviour: Behaviour, settings: ToxicScoreSettings, points: Mapping[Component, Decimal]
) -> list[ScoreLine]:
    payments = behaviour.payments
    assessed = payments.instalments_due >= settings.min_instalments and payments.instalments_due > 0
    too_few = _too_few(payments.instalments_due, settings.min_instalments, _("платежей по графику"))
    late_text = _("платежей с просрочкой: %(late)s из %(due)s (%(value)s при пороге %(threshold)s)") % {
        "late": payments.instalments_late,
        "due": payments.instalments_due,
        "value": format_percent(payments.share_late),
        "threshold": format_percent(settings.late_share_threshold),
    }
    delay_text = _("средняя просрочка платежа %(value)s дн. при пороге %(threshold)s дн.") % {
        "value": number(payments.average_days_late, 1),
        "threshold": number(settings.delay_days_threshold, 1),
    }
    return [
        ScoreLine(
            "late_share",
            payments.share_late,
            settings.late_share_threshold,
            settings.late_share_weight,
            points["late_share"],
            assessed,
            late_text if assessed else _("просрочки платежей — %(why)s") % {"why": too_few},
        ),
        ScoreLine(
            "delay_days",
            payments.average_days_late,
            settings.delay_days_threshold,
            settings.delay_days_weight,
            points["delay_days"],
            assessed,
            delay_text if assessed else _("средняя просрочка — %(why)s") % {"why": too_few},
        ),
    ]


def score_lines(
    economics: Economics,
    expected: Decimal | None,
    behaviour: Behaviour,
    settings: ToxicScoreSettings,
    points: Mapping[Component, Decimal],
) -> tuple[ScoreLine, ...]:
    """Every component of a client's score, in the order of the settings page."""
    return (
        loss_ratio_line(economics, settings, points["loss_ratio"]),
        claim_frequency_line(economics, expected, settings, points["claim_frequency"]),
        complaints_line(behaviour.complaints_count, settings.window_months, settings, points["complaints"]),
        *discount_lines(behaviour, settings, points),
        *payment_lines(behaviour, settings, points),
    )
