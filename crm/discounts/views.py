"""Pages of discount rules: the list, a rule with its history, and the head's editor with the simulation.

Saving is two steps: «Сохранить» checks the form and shows the simulation with a confirmation; only
«Подтвердить и сохранить» writes (a new rule, or the rule's next version). While the head types, htmx
refreshes the simulation (`simulate`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.core.periods import today
from crm.discounts import queries, services
from crm.discounts.access import get_rule_for, may_edit_rules, may_view_rules, rules_visible_to
from crm.discounts.forms import RuleForm
from crm.discounts.models import DiscountRule, DiscountRuleVersion
from crm.discounts.queries import RuleSimulation
from crm.org.models import User
from crm.pipeline.access import deals_visible_to
from crm.pipeline.forms import add_service_errors


class AuthenticatedRequest(HttpRequest):
    user: User


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@require_GET
def rule_list(request: AuthenticatedRequest) -> HttpResponse:
    """Active rules (read-only for managers); the head also switches to the inactive ones."""
    _require(may_view_rules(request.user))
    can_edit = may_edit_rules(request.user)
    show_inactive = can_edit and request.GET.get("status") == "inactive"
    rows = queries.rule_rows(rules_visible_to(request.user), today=today(), active=not show_inactive)
    context = {"rows": rows, "can_edit": can_edit, "show_inactive": show_inactive}
    return render(request, "discounts/rule_list.html", context)


@require_GET
def rule_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A rule: its current terms and every version (who, when, what), with the deals each one decided."""
    _require(may_view_rules(request.user))
    rule = get_rule_for(request.user, pk)
    row = queries.rule_rows(rules_visible_to(request.user).filter(pk=rule.pk), today=today())[0]
    context = {"row": row, "history": queries.rule_history(rule), "can_edit": may_edit_rules(request.user)}
    return render(request, "discounts/rule_detail.html", context)


def _simulation(
    request: AuthenticatedRequest, form: RuleForm, version: DiscountRuleVersion | None = None
) -> RuleSimulation | None:
    """The simulation of the typed terms (or of the current version before any typing); None until computable."""
    inputs = form.simulation_input() if form.is_bound else None
    if not form.is_bound and version is not None:
        inputs = (version.conditions(), version.max_discount_rate)
    if inputs is None:
        return None
    conditions, max_rate = inputs
    return queries.rule_simulation(deals_visible_to(request.user), conditions, max_rate, today=today())


def _editor(
    request: AuthenticatedRequest, rule: DiscountRule | None, version: DiscountRuleVersion | None
) -> HttpResponse:
    """GET: the form. POST: check and show the simulation to confirm; POST with `confirm`: save."""
    data = request.POST if request.method == "POST" else None
    form = RuleForm(data, version=version)
    context: dict[str, object] = {"form": form, "rule": rule, "confirming": False}
    if data is not None and form.is_valid():
        if data.get("confirm") == "1":
            saved = _save(request, rule, form)
            if saved is not None:
                return redirect("discounts:detail", pk=saved.pk)
        else:
            context["confirming"] = True
    context["simulation"] = _simulation(request, form, version)
    return render(request, "discounts/rule_form.html", context)


def _save(request: AuthenticatedRequest, rule: DiscountRule | None, form: RuleForm) -> DiscountRule | None:
    try:
        if rule is None:
            rule = services.create_rule(actor=request.user, data=form.cleaned_data)
            messages.success(request, _("Правило «%(name)s» сохранено.") % {"name": rule.name})
            return rule
        version = services.change_rule(actor=request.user, rule=rule, data=form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, _("Сохранена версия %(number)s правила.") % {"number": version.number})
    return rule


@require_http_methods(["GET", "POST"])
def rule_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new rule (head of sales only)."""
    _require(may_edit_rules(request.user))
    return _editor(request, None, None)


@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """New terms for a rule: saved as its next version (head of sales only)."""
    _require(may_edit_rules(request.user))
    rule = get_rule_for(request.user, pk, write=True)
    current = queries.latest_versions().filter(rule=rule).select_related("rule")
    version = current.prefetch_related(*queries.VERSION_M2M).get()
    return _editor(request, rule, version)


@require_POST
def simulate(request: AuthenticatedRequest) -> HttpResponse:
    """The simulation of the terms typed so far (htmx partial)."""
    _require(may_edit_rules(request.user))
    simulation = _simulation(request, RuleForm(request.POST))
    return render(request, "discounts/_simulation.html", {"simulation": simulation})


@require_POST
def set_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Switch a rule off or back on (head of sales only)."""
    _require(may_edit_rules(request.user))
    rule = get_rule_for(request.user, pk, write=True)
    is_active = request.POST.get("is_active") == "1"
    try:
        services.set_rule_active(actor=request.user, rule=rule, is_active=is_active)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = _("Правило включено.") if is_active else _("Правило отключено: оно больше не применяется.")
        messages.success(request, done)
    return redirect("discounts:detail", pk=rule.pk)
