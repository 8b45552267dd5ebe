"""The department's structure: regions, teams with their seniors, managers and the neighbouring departments."""

import random
from dataclasses import dataclass

from crm.core.roles import Role
from crm.demo.generator import stories
from crm.demo.generator.config import USER_EMAIL_DOMAIN
from crm.demo.generator.context import Context, ManagerInfo, Org, RegionInfo, TeamInfo
from crm.demo.generator.names import person, translit
from crm.org.models import Region, Team, User

# (name, code, weight of clients, cities with their tax region codes); the first N are used at a scale.
REGIONS = [
    ("Москва", "MSK", 0.30, (("Москва", "77"),)),
    ("Сибирь", "SIB", 0.12, (("Новосибирск", "54"), ("Красноярск", "24"))),
    ("Северо-Запад", "NW", 0.14, (("Санкт-Петербург", "78"),)),
    ("Юг", "S", 0.10, (("Краснодар", "23"), ("Ростов-на-Дону", "61"))),
    ("Урал", "URL", 0.09, (("Екатеринбург", "66"), ("Челябинск", "74"))),
    ("Поволжье", "VLG", 0.09, (("Казань", "16"), ("Самара", "63"), ("Нижний Новгород", "52"))),
    ("Центр", "CTR", 0.07, (("Тула", "71"), ("Ярославль", "76"))),
    ("Дальний Восток", "FE", 0.05, (("Владивосток", "25"), ("Хабаровск", "27"))),
    ("Московская область", "MO", 0.08, (("Химки", "50"), ("Подольск", "50"))),
    ("Черноземье", "BLK", 0.04, (("Воронеж", "36"),)),
    ("Западная Сибирь", "WS", 0.05, (("Тюмень", "72"),)),
    ("Север", "N", 0.03, (("Архангельск", "29"), ("Мурманск", "51"))),
]
TEAM_SPECIALISATIONS = [
    "Крупный бизнес",
    "Средний бизнес",
    "Транспорт и логистика",
    "Малый бизнес",
    "Промышленность",
    "Отраслевые продажи",
    "Ключевые клиенты",
    "Новый бизнес",
]
# A password hash that matches nothing: generated people log in only after `demo_users` sets one.
UNUSABLE_PASSWORD = "!demo-login-disabled"  # noqa: S105
STAFF_ROLES = [Role.RISK_MANAGER, Role.MARKETING, Role.SERVICE_DESK, Role.PRODUCT]


@dataclass(slots=True)
class UserSpec:
    """A person to create or refresh: login, name, role and team (by position in the team list)."""

    username: str
    names: tuple[str, str, str]
    role: str
    team_index: int | None = None


def build_org(ctx: Context) -> Org:
    """Create regions and teams, upsert the people, and make each team's senior its lead."""
    regions = _create_regions(ctx)
    teams = _create_teams(ctx, regions)
    specs = _user_specs(ctx, teams)
    users = _upsert_users(specs, teams)
    org = Org(regions, teams, users["head"].pk, [], {})
    rng = ctx.rng_for("org", 0)
    for spec in specs:
        user = users[spec.username]
        if spec.role == Role.UNDERWRITER:
            org.underwriter_ids.append(user.pk)
        if spec.team_index is not None and spec.role in (Role.MANAGER, Role.SENIOR_MANAGER):
            _add_salesperson(org, spec, user, rng)
    Team.objects.bulk_update([Team(pk=team.id, lead_id=team.lead_id) for team in teams], ["lead"])
    return org


def _create_regions(ctx: Context) -> list[RegionInfo]:
    chosen = REGIONS[: ctx.scale.regions]
    created = Region.objects.bulk_create([Region(name=name, code=code) for name, code, _w, _c in chosen])
    return [
        RegionInfo(region.pk, name, code, weight, cities)
        for region, (name, code, weight, cities) in zip(created, chosen, strict=True)
    ]


def teams_per_region(ctx: Context) -> list[int]:
    """Every region gets a team, Москва at least two; the rest follow the regions' weights."""
    regions = REGIONS[: ctx.scale.regions]
    counts = [2 if index == 0 else 1 for index in range(len(regions))]
    total_weight = sum(weight for _n, _c, weight, _ci in regions)
    while sum(counts) < ctx.scale.teams:
        gaps = [weight / total_weight * ctx.scale.teams - counts[i] for i, (_n, _c, weight, _ci) in enumerate(regions)]
        counts[gaps.index(max(gaps))] += 1
    return counts


def _create_teams(ctx: Context, regions: list[RegionInfo]) -> list[TeamInfo]:
    rows = []
    for region, count in zip(regions, teams_per_region(ctx), strict=True):
        for index in range(count):
            spec = TEAM_SPECIALISATIONS[index % len(TEAM_SPECIALISATIONS)]
            suffix = f" {index // len(TEAM_SPECIALISATIONS) + 1}" if index >= len(TEAM_SPECIALISATIONS) else ""
            rows.append((region, f"{region.name} — {spec}{suffix}"))
    created = Team.objects.bulk_create([Team(name=name, region_id=region.id) for region, name in rows])
    return [TeamInfo(team.pk, team.name, region.code) for team, (region, _n) in zip(created, rows, strict=True)]


def _user_specs(ctx: Context, teams: list[TeamInfo]) -> list[UserSpec]:
    rng = ctx.rng_for("people", 0)
    taken = set(stories.FIXED_USERS)
    specs = [UserSpec("head", stories.FIXED_USERS["head"], Role.HEAD_OF_SALES)]
    story_team = next(i for i, team in enumerate(teams) if team.name == stories.UNDER_PLAN_TEAM)
    complaints_team = next(i for i, team in enumerate(teams) if team.name == stories.COMPLAINTS_MANAGER_TEAM)
    for index in range(len(teams)):
        username = "senior" if index == story_team else _new_username(rng, taken)
        specs.append(_spec(rng, username, Role.SENIOR_MANAGER, index))
    seats = manager_seats(ctx, teams)
    for username, team in (("manager", story_team), (stories.COMPLAINTS_MANAGER, complaints_team)):
        specs.append(_spec(rng, username, Role.MANAGER, team))
        seats[team] -= 1
    for team, count in enumerate(seats):
        specs += [_spec(rng, _new_username(rng, taken), Role.MANAGER, team) for _ in range(count)]
    for number in range(ctx.scale.underwriters):
        specs.append(_spec(rng, "underwriter" if number == 0 else _new_username(rng, taken), Role.UNDERWRITER))
    for role in STAFF_ROLES:
        for number in range(ctx.scale.support_staff):
            fixed = stories.STAFF_USERNAMES[role]
            specs.append(_spec(rng, fixed if number == 0 else _new_username(rng, taken), role))
    return specs


def manager_seats(ctx: Context, teams: list[TeamInfo]) -> list[int]:
    """Managers per team in proportion to the clients the team's region brings, at least two per team."""
    region_weight = {code: weight for _n, code, weight, _c in REGIONS}
    teams_in = {code: sum(1 for t in teams if t.region_code == code) for code in region_weight}
    shares = [region_weight[t.region_code] / teams_in[t.region_code] for t in teams]
    exact = [share / sum(shares) * ctx.scale.managers for share in shares]
    seats = [max(2, int(value)) for value in exact]
    while sum(seats) < ctx.scale.managers:
        gaps = [value - seat for value, seat in zip(exact, seats, strict=True)]
        seats[gaps.index(max(gaps))] += 1
    return seats


def _spec(rng: random.Random, username: str, role: str, team_index: int | None = None) -> UserSpec:
    names = stories.FIXED_USERS.get(username) or person(rng)
    return UserSpec(username, names, role, team_index)


def _new_username(rng: random.Random, taken: set[str]) -> str:
    last, first, _patronymic = person(rng)
    base = f"{translit(first)[0]}.{translit(last)}"
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    taken.add(candidate)
    return candidate


def _upsert_users(specs: list[UserSpec], teams: list[TeamInfo]) -> dict[str, User]:
    """Create missing people and refresh existing ones by login; passwords and audit links survive."""
    existing = {user.username: user for user in User.objects.filter(username__in=[s.username for s in specs])}
    foreign = sorted(name for name, user in existing.items() if not user.email.endswith(f"@{USER_EMAIL_DOMAIN}"))
    if foreign:
        raise ValueError(f"logins already taken by people who are not demo users: {', '.join(foreign)}")
    fields = ["first_name", "last_name", "patronymic", "role", "team", "email", "phone", "is_active"]
    fresh: list[User] = []
    stale: list[User] = []
    for number, spec in enumerate(specs):
        user = existing.get(spec.username) or User(username=spec.username, password=UNUSABLE_PASSWORD)
        user.last_name, user.first_name, user.patronymic = spec.names
        user.role, user.email, user.is_active = spec.role, f"{spec.username}@{USER_EMAIL_DOMAIN}", True
        user.team_id = teams[spec.team_index].id if spec.team_index is not None else None
        user.phone = f"+7 (495) 100-{number // 100:02d}-{number % 100:02d}"
        (stale if user.pk else fresh).append(user)
    User.objects.bulk_create(fresh)
    User.objects.bulk_update(stale, fields, batch_size=500)
    return {user.username: user for user in User.objects.filter(username__in=[s.username for s in specs])}


def _add_salesperson(org: Org, spec: UserSpec, user: User, rng: random.Random) -> None:
    assert spec.team_index is not None
    team = org.teams[spec.team_index]
    is_senior = spec.role == Role.SENIOR_MANAGER
    if is_senior:
        team.lead_id = user.pk
    info = ManagerInfo(
        id=user.pk,
        username=user.username,
        team_index=spec.team_index,
        region_code=team.region_code,
        weight=0.3 if is_senior else (1.0 if user.username in stories.FIXED_USERS else rng.lognormvariate(0, 0.3)),
        objection_rate=stories.OBJECTION_RATES.get(user.username, rng.uniform(0.45, 0.95)),
    )
    team.members.append(info)
    org.by_username[user.username] = info
