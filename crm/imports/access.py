"""Who may import which source, and whose imports they see.

The head of sales and administrators import every source (the finance system's files arrive through
them). Underwriters import underwriting decisions, the service desk complaints and NPS answers: each
department feeds its own data. A person sees the imports they started; the head of sales and
administrators see every import. An import one may not see answers «not found».
"""

from django.db.models import QuerySet

from crm.core.roles import Role
from crm.imports.models import ImportJob
from crm.imports.sources import SOURCES, Source
from crm.org.models import User

SEES_ALL_IMPORTS = frozenset({Role.HEAD_OF_SALES, Role.ADMINISTRATOR})


def sources_for(user: User) -> list[Source]:
    """The sources `user` may import, in the order of the upload form."""
    if not user.is_active:
        return []
    return [source for source in SOURCES.values() if user.role in source.roles or user.is_superuser]


def may_import(user: User, kind: str) -> bool:
    return any(source.kind == kind for source in sources_for(user))


def may_use_imports(user: User) -> bool:
    """Whether the import pages open for `user` at all (403 otherwise)."""
    return bool(sources_for(user))


def jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """The imports `user` sees: all of them for the head of sales and administrators, else their own."""
    jobs = ImportJob.objects.all()
    if not may_use_imports(user):
        return jobs.none()
    if user.role in SEES_ALL_IMPORTS or user.is_superuser:
        return jobs
    kinds = [source.kind.value for source in sources_for(user)]
    return jobs.filter(created_by=user, source__in=kinds)


def get_job_for(user: User, pk: int) -> ImportJob:
    """The import if `user` may see it; `ImportJob.DoesNotExist` otherwise."""
    return jobs_visible_to(user).select_related("created_by").get(pk=pk)
