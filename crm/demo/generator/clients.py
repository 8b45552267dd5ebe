"""Clients with their profiles (industry, turnover, region, manager), contacts, 152-ФЗ consents and leads."""

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from crm.clients.models import Client, Consent, Contact, Segment, Significance, segment_for_turnover
from crm.demo.generator import names, stories
from crm.demo.generator.config import (
    INDUSTRY_WEIGHTS,
    LEAD_SOURCE_WEIGHTS,
    LEGACY_SHARE,
    PROSPECT_SHARE,
    QUOTA_INDUSTRIES,
    QUOTA_PER_INDUSTRY,
    SOLE_PROPRIETOR_SHARE,
)
from crm.demo.generator.context import Context, ManagerInfo, RegionInfo
from crm.demo.generator.dates import DAY, at_work_hours, seasonal_date, uniform_date
from crm.demo.generator.identifiers import kpp_for, ogrn, ogrnip
from crm.demo.generator.randomness import weighted
from crm.demo.generator.sink import Sink
from crm.pipeline.models import Lead

CONSENT_PURPOSE = "Заключение и исполнение договоров страхования, информирование о страховых продуктах"
CONTACTS_BY_SEGMENT = {"micro": (1, 3), "small": (2, 3), "medium": (2, 5), "large": (3, 6), "key": (4, 8), "": (1, 2)}


@dataclass(slots=True)
class ClientProfile:
    """What the generator knows about a client while it writes the client's whole history."""

    index: int
    pk: int
    rng: random.Random
    industry: str
    region: RegionInfo
    city: str
    tax_region: str
    manager: ManagerInfo
    turnover: float
    headcount: int
    segment: str
    since: datetime.date
    is_legacy: bool
    is_prospect: bool
    lead_source: str
    short_name: str = ""
    inn: str = ""
    planted: stories.PlantedClient | None = None
    lead_id: int | None = None
    contact_names: list[str] = field(default_factory=list)

    @property
    def toxic(self) -> str:
        return self.planted.toxic if self.planted else ""

    @property
    def is_sole_proprietor(self) -> bool:
        return len(self.inn) == 12


def make_profile(ctx: Context, index: int) -> ClientProfile:
    """Draw a client's profile; the first clients are the planted ones, then industry quotas, then the mix."""
    rng = ctx.rng_for("client", index)
    planted = stories.PLANTED_CLIENTS[index] if index < len(stories.PLANTED_CLIENTS) else None
    manager = _owner(ctx, rng, planted)
    region = next(r for r in ctx.org.regions if r.code == manager.region_code)
    city, tax_region = rng.choice(region.cities)
    industry = planted.industry if planted else _industry(rng, index - len(stories.PLANTED_CLIENTS))
    turnover = planted.turnover_mln * 1e6 if planted else max(5e6, rng.lognormvariate(math.log(1e8), 1.6))
    is_legacy = planted is not None or rng.random() < LEGACY_SHARE
    profile = ClientProfile(
        index, ctx.pks.take(Client), rng, industry, region, city, tax_region, manager, turnover,
        headcount=max(1, int(turnover / rng.uniform(2.5e6, 9e6))),
        segment=segment_for_turnover(Decimal(int(turnover))),
        since=_since(ctx, rng, is_legacy),
        is_legacy=is_legacy,
        is_prospect=not planted and not is_legacy and rng.random() < PROSPECT_SHARE,
        lead_source=weighted(rng, LEAD_SOURCE_WEIGHTS),
        planted=planted,
    )  # fmt: skip
    if planted:
        ctx.planted[planted.short_name] = profile.pk
    return profile


def _since(ctx: Context, rng: random.Random, is_legacy: bool) -> datetime.date:
    """A client of the legacy portfolio came before the history; new clients come ever more often."""
    if is_legacy:
        return ctx.start - rng.randint(60, 3_000) * DAY
    return seasonal_date(rng, ctx.start, ctx.today - 20 * DAY, growth=0.5)


def _owner(ctx: Context, rng: random.Random, planted: stories.PlantedClient | None) -> ManagerInfo:
    if planted and planted.owner in ctx.org.by_username:
        return ctx.org.by_username[planted.owner]
    if planted:
        team = next(team for team in ctx.org.teams if team.name == planted.owner)
    else:
        region = rng.choices(ctx.org.regions, weights=[r.weight for r in ctx.org.regions])[0]
        team = rng.choice([team for team in ctx.org.teams if team.region_code == region.code])
    return rng.choices(team.members, weights=[m.weight for m in team.members])[0]


def _industry(rng: random.Random, generic_index: int) -> str:
    if 0 <= generic_index < QUOTA_PER_INDUSTRY * len(QUOTA_INDUSTRIES):
        return QUOTA_INDUSTRIES[generic_index % len(QUOTA_INDUSTRIES)]
    return weighted(rng, INDUSTRY_WEIGHTS)


def write_client(ctx: Context, profile: ClientProfile, sink: Sink) -> None:
    """The client row (identifiers with valid checksums), its contacts, consents and its converted lead."""
    rng, planted = profile.rng, profile.planted
    sole = planted.is_sole_proprietor if planted else profile.turnover < 1.5e8 and rng.random() < SOLE_PROPRIETOR_SHARE
    if sole:
        profile.turnover, profile.segment = min(profile.turnover, 1.2e8), Segment.MICRO
        profile.headcount = min(profile.headcount, rng.randint(1, 30))
    short_name, full_name = _names(ctx, profile, sole)
    profile.short_name = short_name
    pool = ctx.identifiers
    inn = (pool.sole_proprietor_inn if sole else pool.legal_entity_inn)(rng, profile.tax_region)
    profile.inn = inn
    sink.add(_client_row(ctx, profile, full_name, sole))
    _write_contacts(ctx, profile, sink)
    if not profile.is_legacy:
        _write_lead(ctx, profile, sink)


def _client_row(ctx: Context, profile: ClientProfile, full_name: str, sole: bool) -> Client:
    rng, inn = profile.rng, profile.inn
    sparse = 0.12 if profile.manager.username == stories.COMPLAINTS_MANAGER else 0.04
    keep = profile.planted is not None or rng.random() >= sparse
    big = profile.segment in (Segment.LARGE, Segment.KEY)
    turnover = Decimal(f"{profile.turnover:.2f}") if keep or big else None
    return Client(
        pk=profile.pk,
        name=full_name,
        short_name=profile.short_name,
        inn=inn,
        kpp="" if sole else kpp_for(inn),
        ogrn=("" if not keep else ogrnip(rng, profile.tax_region) if sole else ogrn(rng, profile.tax_region)),
        industry_id=ctx.refs.industries[profile.industry],
        turnover_amount=turnover,
        segment=segment_for_turnover(turnover),
        headcount=profile.headcount,
        region_id=profile.region.id,
        branch_count=rng.randint(2, 40) if big else rng.choice((0, 0, 0, 1, 2)),
        significance=Significance.HIGH
        if profile.segment == Segment.KEY
        else (Significance.MEDIUM if big else Significance.LOW),
        is_strategic=profile.segment == Segment.KEY or (big and rng.random() < 0.3),
        manager_id=profile.manager.id,
        lead_source_id=ctx.refs.lead_sources[profile.lead_source],
        address=f"г. {profile.city}, {rng.choice(names.STREETS)}, д. {rng.randint(1, 120)}",
        created_at=at_work_hours(rng, profile.since),
    )


def _names(ctx: Context, profile: ClientProfile, sole: bool) -> tuple[str, str]:
    if profile.planted:
        return profile.planted.short_name, profile.planted.full_name
    rng = profile.rng
    if sole:
        person = names.full_name(names.person(rng))
        return f"ИП {person}", f"Индивидуальный предприниматель {person}"
    form = "ПАО" if profile.segment == Segment.KEY and rng.random() < 0.5 else ("АО" if rng.random() < 0.18 else "ООО")
    brand = names.brand(rng, profile.industry, ctx.brands)
    return f"{form} «{brand}»", f"{names.LEGAL_FORMS[form]} «{brand}»"


def _write_contacts(ctx: Context, profile: ClientProfile, sink: Sink) -> None:
    rng = profile.rng
    low, high = CONTACTS_BY_SEGMENT[profile.segment]
    domain = names.translit(profile.short_name.split("«")[-1])[:20] or "company"
    for number in range(rng.randint(low, high)):
        parts = names.person(rng)
        contact = Contact(
            pk=ctx.pks.take(Contact),
            client_id=profile.pk,
            full_name=names.full_name(parts),
            position=names.POSITIONS[0] if number == 0 else rng.choice(names.POSITIONS[1:]),
            phone=names.phone(rng) if rng.random() < 0.9 else "",
            email=f"{names.translit(parts[1])[:1]}.{names.translit(parts[0])}@{domain}.ru"
            if rng.random() < 0.85
            else "",
            is_decision_maker=number == 0,
        )
        sink.add(contact)
        profile.contact_names.append(contact.full_name)
        _write_consent(ctx, profile, contact, sink)


def _write_consent(ctx: Context, profile: ClientProfile, contact: Contact, sink: Sink) -> None:
    """Most contacts consented (152-ФЗ); some never did, a few withdrew later."""
    rng = profile.rng
    if rng.random() < 0.12:
        return
    given_on = min(ctx.today, max(profile.since, ctx.start - 400 * DAY) + rng.randint(0, 30) * DAY)
    withdrawn_on = uniform_date(rng, given_on, ctx.today) if rng.random() < 0.05 else None
    sink.add(
        Consent(
            client_id=profile.pk,
            contact_id=contact.pk,
            purpose=CONSENT_PURPOSE,
            given_on=given_on,
            document=f"Согласие № {profile.inn[-4:]}-{len(profile.contact_names)} от {given_on:%d.%m.%Y}",
            withdrawn_on=withdrawn_on,
        )
    )


def _write_lead(ctx: Context, profile: ClientProfile, sink: Sink) -> None:
    rng = profile.rng
    created_on = max(ctx.start - 60 * DAY, profile.since - rng.randint(7, 90) * DAY)
    profile.lead_id = ctx.pks.take(Lead)
    sink.add(
        Lead(
            pk=profile.lead_id,
            company_name=profile.short_name,
            inn=profile.inn,
            contact_name=profile.contact_names[0],
            lead_source_id=ctx.refs.lead_sources[profile.lead_source],
            campaign_id=campaign_for(ctx, profile.lead_source, created_on),
            manager_id=profile.manager.id,
            client_id=profile.pk,
            created_at=at_work_hours(rng, created_on),
            converted_at=at_work_hours(rng, profile.since),
        )
    )


def campaign_for(ctx: Context, source: str, day: datetime.date) -> int | None:
    """The campaign of this channel running around `day`, if any."""
    for campaign in ctx.catalog.campaigns:
        if campaign.source == source and campaign.starts_on <= day <= campaign.ends_on + 30 * DAY:
            return campaign.id
    return None


UNCONVERTED_SOURCE_WEIGHTS = {
    "cold_call": 25,
    "website": 25,
    "campaign": 15,
    "exhibition": 10,
    "agent": 8,
    "broker": 7,
    "tender": 7,
    "referral": 3,
}


def write_unconverted_leads(ctx: Context, index: int, sink: Sink) -> None:
    """Leads that never became clients: about three for every converted one, mostly cold channels."""
    rng = ctx.rng_for("lead", index)
    salespeople = [member for team in ctx.org.teams for member in team.members]
    for _ in range(rng.choice((1, 1, 1, 2))):
        source = weighted(rng, UNCONVERTED_SOURCE_WEIGHTS)
        created_on = uniform_date(rng, ctx.start, ctx.today)
        industry = weighted(rng, INDUSTRY_WEIGHTS)
        region = rng.choice(ctx.org.regions)
        sink.add(
            Lead(
                pk=ctx.pks.take(Lead),
                company_name=f"ООО «{names.brand(rng, industry, ctx.brands)}»",
                inn=ctx.identifiers.legal_entity_inn(rng, region.cities[0][1]) if rng.random() < 0.4 else "",
                contact_name=names.full_name(names.person(rng)),
                lead_source_id=ctx.refs.lead_sources[source],
                campaign_id=campaign_for(ctx, source, created_on),
                manager_id=rng.choice(salespeople).id if rng.random() < 0.6 else None,
                created_at=at_work_hours(rng, created_on),
            )
        )
