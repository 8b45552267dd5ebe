"""Integration accounts and tokens from the shell, for operations (the same services as the admin screens).

manage.py integration_token list
manage.py integration_token create-account "1С: Учёт" --source finance [--scopes contracts instalments claims]
manage.py integration_token issue "1С: Учёт"          # prints the token once
manage.py integration_token revoke <prefix>
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from crm.integrations.models import SOURCE_KINDS, IntegrationAccount, IntegrationToken, SourceSystem
from crm.integrations.queries import account_rows
from crm.integrations.services import create_account, issue_token, revoke_token
from crm.org.models import User


class Command(BaseCommand):
    help = "Учётные записи интеграций и их токены: list, create-account, issue, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--actor", help="логин, от имени которого пишется журнал аудита (по умолчанию system)")
        commands = parser.add_subparsers(dest="command", required=True)
        commands.add_parser("list", help="учётные записи и токены")
        create = commands.add_parser("create-account", help="новая учётная запись")
        create.add_argument("name")
        create.add_argument("--source", required=True, choices=SourceSystem.values)
        create.add_argument("--scopes", nargs="+", help="по умолчанию — всё, что пишет система-источник")
        issue = commands.add_parser("issue", help="выпустить токен (показывается один раз)")
        issue.add_argument("name")
        revoke = commands.add_parser("revoke", help="отозвать токен по префиксу")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options.get("actor"))
        try:
            getattr(self, "_" + options["command"].replace("-", "_"))(actor, options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        except (IntegrationAccount.DoesNotExist, IntegrationToken.DoesNotExist) as error:
            raise CommandError("Не найдено.") from error

    @staticmethod
    def _actor(login: str | None) -> User | None:
        if not login:
            return None
        user = User.objects.filter(username=login).first()
        if user is None:
            raise CommandError(f"Пользователя {login} нет.")
        return user

    def _list(self, actor: User | None, options: dict[str, Any]) -> None:
        for account in account_rows():
            state = "включена" if account.is_active else "отключена"
            self.stdout.write(f"{account.name} · {account.source_system} · {', '.join(account.scopes)} · {state} "
                              f"· пользователь {account.user.username}")  # fmt: skip
            for token in account.tokens.order_by("created_at"):
                revoked = f"отозван {token.revoked_at:%d.%m.%Y %H:%M}" if token.revoked_at else "действует"
                self.stdout.write(f"    {token} · {revoked}")

    def _create_account(self, actor: User | None, options: dict[str, Any]) -> None:
        scopes = options["scopes"] or SOURCE_KINDS[options["source"]]
        account = create_account(actor=actor, name=options["name"], source_system=options["source"], scopes=scopes)
        self.stdout.write(self.style.SUCCESS(f"Создана учётная запись «{account.name}» ({account.user.username})."))

    def _issue(self, actor: User | None, options: dict[str, Any]) -> None:
        account = IntegrationAccount.objects.get(name=options["name"])
        _token, secret = issue_token(actor=actor, account=account)
        self.stdout.write(secret)
        self.stderr.write("Сохраните токен сейчас: CRM хранит только его хеш.")

    def _revoke(self, actor: User | None, options: dict[str, Any]) -> None:
        token = revoke_token(actor=actor, token=IntegrationToken.objects.get(prefix=options["prefix"]))
        self.stdout.write(self.style.SUCCESS(f"Токен {token} отозван."))
