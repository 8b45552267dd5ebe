from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from crm.audit.admin import AuditedModelAdmin
from crm.org.models import Region, RoleDiscountLimit, Team, User


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "team", "is_active"]
    list_filter = ["role", "team__region", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("CRM", {"fields": ("role", "team", "patronymic", "phone", "discount_limit_rate")}),
    )


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["name", "code"]


@admin.register(Team)
class TeamAdmin(AuditedModelAdmin):
    list_display = ["name", "region", "lead"]
    list_filter = ["region"]


@admin.register(RoleDiscountLimit)
class RoleDiscountLimitAdmin(AuditedModelAdmin):
    list_display = ["role", "limit_rate"]
