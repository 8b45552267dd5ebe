from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "crm.policies"
    label = "policies"
    verbose_name = "Договоры"
