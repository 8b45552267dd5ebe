from typing import Any

from django.core.management.base import BaseCommand

from crm.demo.services import ensure_demo_users


class Command(BaseCommand):
    help = "Создаёт или обновляет демо-входы: по одному на каждую роль, пароль demo12345."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = ensure_demo_users()
        header = f"{'Логин':<12} {'Пароль':<10} {'Роль':<26} {'Сотрудник':<30} Команда"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for login in logins:
            self.stdout.write(
                f"{login.username:<12} {login.password:<10} {login.role_label:<26} {login.full_name:<30} "
                f"{login.team_name or '—'}"
            )
