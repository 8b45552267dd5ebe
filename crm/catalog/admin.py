from django.contrib import admin

from crm.audit.admin import AuditedModelAdmin
from crm.catalog.models import Product, ProductLine, Risk


@admin.register(ProductLine)
class ProductLineAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "position"]


@admin.register(Product)
class ProductAdmin(AuditedModelAdmin):
    list_display = ["name", "product_line", "is_pilot", "launched_on", "is_active"]
    list_filter = ["product_line", "is_pilot", "is_active"]
    filter_horizontal = ["covered_risks"]


@admin.register(Risk)
class RiskAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "product_line"]
