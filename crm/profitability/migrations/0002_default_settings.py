from decimal import Decimal

from django.db import migrations

# The defaults the head of sales starts from (docs/metrics.md, «Toxic-client score»). Literal values: a
# migration must not change when the model's defaults change later.
DEFAULTS = {
    "window_months": 36,
    "min_exposure_years": Decimal("1.00"),
    "min_earned_premium_amount": Decimal("100000.00"),
    "min_deals": 5,
    "min_instalments": 8,
    "loss_ratio_threshold": Decimal("1.00"),
    "loss_ratio_weight": 12,
    "claim_frequency_threshold": Decimal("1.50"),
    "claim_frequency_weight": 8,
    "complaints_threshold": 4,
    "complaints_weight": 25,
    "discount_share_threshold": Decimal("0.7500"),
    "discount_share_weight": 15,
    "discount_requested_threshold": Decimal("0.2000"),
    "discount_requested_weight": 10,
    "late_share_threshold": Decimal("0.5000"),
    "late_share_weight": 15,
    "delay_days_threshold": Decimal("30.0"),
    "delay_days_weight": 10,
    "score_threshold": 50,
}


def create_defaults(apps, schema_editor):
    ToxicScoreSettings = apps.get_model("profitability", "ToxicScoreSettings")
    ToxicScoreSettings.objects.get_or_create(pk=1, defaults=DEFAULTS)


class Migration(migrations.Migration):
    dependencies = [("profitability", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
