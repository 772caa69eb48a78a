"""The approval workflow's open items: sales managers' ``request``s, key-account
``conflict``s, and the director's ``escalation``s."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import (
    IdArgument,
    JsonOption,
    LineOption,
    MonthOption,
    PositionArgument,
    WhyOption,
    XlsxOption,
    emit,
    err,
    handled,
    login_of,
    month_of,
    optional_month,
    out,
    render,
    solving,
    store_of,
)
from millplan.core.access.permissions import actor
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.domain.numbers import grouped
from millplan.core.domain.states import state_label
from millplan.core.domain.workflow import RequestState
from millplan.core.planning.whatif import WhatIf
from millplan.core.views.conflicts import conflict_document, conflicts_view, forced_document
from millplan.core.views.escalations import decided_document, escalation_document, escalations_view
from millplan.core.views.requests import answered_document, raised_document, request_document, requests_view
from millplan.core.views.whatif import effect_view
from millplan.core.workflow import conflicts, escalations, request_answers, request_raising, requests

request_app = typer.Typer(help="Sales managers' requests on their positions, and their answers.", no_args_is_help=True)
conflict_app = typer.Typer(help="Key-account positions a draft leaves short of their month.", no_args_is_help=True)
escalation_app = typer.Typer(help="Conflicts and re-approval rounds waiting for the director.", no_args_is_help=True)

OptionalMonth = typer.Option(
    None, "--month", "-m", help="Month, YYYY-MM (default: the one whose assignment holds the position)."
)


def _show_effect(effect: WhatIf, note: str) -> None:
    """A what-if for people: totals on stderr, the positions moved as a table."""
    render(effect_view(effect))
    err.print(
        _("{note} marginal income changes by {change} RUB; key-account tonnes {before} → {after} t").format(
            note=note,
            change=grouped(effect.margin_change),
            before=grouped(effect.key_tonnes_before, 1),
            after=grouped(effect.key_tonnes_after, 1),
        )
    )


def _raised(raised: request_raising.Raised, as_json: bool) -> None:
    if as_json:
        emit(raised_document(raised))
        return
    if raised.effect:
        render(effect_view(raised.effect))
    out.print(
        _("request {id}: {what} ({month} {line}) — {margin} RUB at stake; waits for the product-line manager").format(
            id=raised.request.id,
            what=requests.describe(raised.request),
            month=month_text(raised.request.month),
            line=raised.request.product_line,
            margin=grouped(raised.request.margin_at_stake),
        )
    )


@request_app.command("priority")
@handled
def request_priority(
    ctx: typer.Context,
    position: str = PositionArgument,
    raise_: bool | None = typer.Option(
        None,
        "--raise/--lower",
        help="Raise (locked in, priority 1) or lower (priority 3, unlocked).",
        show_default=False,
    ),
    why: str = WhyOption,
    month: str | None = OptionalMonth,
    as_json: bool = JsonOption,
) -> None:
    """Ask to raise or lower the priority of one of your positions; millplan states the margin at stake."""
    if raise_ is None:
        raise typer.BadParameter(_("say --raise or --lower"))
    store, login, when = store_of(ctx), login_of(ctx), optional_month(month)
    _raised(
        solving(
            lambda: request_raising.request_priority(store, position, raise_=raise_, login=login, why=why, month=when)
        ),
        as_json,
    )


@request_app.command("replace")
@handled
def request_replace(
    ctx: typer.Context,
    position: str = PositionArgument,
    by: str = typer.Option(..., "--by", help="Your position to put in its place, DEAL#NO."),
    why: str = WhyOption,
    month: str | None = OptionalMonth,
    as_json: bool = JsonOption,
) -> None:
    """Ask to replace one of your positions in the assignment by another of yours."""
    store, login, when = store_of(ctx), login_of(ctx), optional_month(month)
    _raised(
        solving(lambda: request_raising.request_replacement(store, position, by, login=login, why=why, month=when)),
        as_json,
    )


@request_app.command("reapproval")
@handled
def request_reapproval(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    why: str = WhyOption,
    as_json: bool = JsonOption,
) -> None:
    """Ask for a re-approval round of a month's assignment that pulls the director in."""
    _raised(
        request_raising.request_reapproval(store_of(ctx), month_of(month), line, login=login_of(ctx), why=why), as_json
    )


@request_app.command("list")
@handled
def request_list(
    ctx: typer.Context,
    mine: bool = typer.Option(False, "--mine", help="Only yours (a product-line manager: those on your lines)."),
    open_only: bool = typer.Option(False, "--open", help="Only those waiting for an answer."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Requests, newest first."""
    state = RequestState.OPEN if open_only else None
    store = store_of(ctx)
    found = requests.mine(store, login_of(ctx), state=state) if mine else requests.requests(store, state=state)
    if as_json:
        emit([request_document(r) for r in found])
    elif not found:
        err.print(_("No requests."))
    else:
        render(requests_view(found))


def _answered(answered: request_answers.Answered, as_json: bool) -> None:
    if as_json:
        emit(answered_document(answered))
        return
    if answered.effect:
        _show_effect(answered.effect, _("re-planned:"))
    if answered.escalation:
        err.print(_("escalation {id} opened: the director is in the chain").format(id=answered.escalation.id))
    out.print(
        _("request {id} {state}: {what}").format(
            id=answered.request.id, state=state_label(answered.request.state), what=requests.describe(answered.request)
        )
    )


@request_app.command("grant")
@handled
def request_grant(ctx: typer.Context, request_id: int = IdArgument, as_json: bool = JsonOption) -> None:
    """Grant a request: the plan changes and the month is re-planned (a re-approval round escalates)."""
    store, login = store_of(ctx), login_of(ctx)
    _answered(solving(lambda: request_answers.grant(store, request_id, login=login)), as_json)


@request_app.command("refuse")
@handled
def request_refuse(
    ctx: typer.Context,
    request_id: int = IdArgument,
    reason: str = typer.Option(..., "--reason", help="Why, for the sales manager."),
    as_json: bool = JsonOption,
) -> None:
    """Refuse a request, with a reason."""
    _answered(request_answers.refuse(store_of(ctx), request_id, login=login_of(ctx), reason=reason), as_json)


@request_app.command("withdraw")
@handled
def request_withdraw(ctx: typer.Context, request_id: int = IdArgument, as_json: bool = JsonOption) -> None:
    """Take back one of your open requests."""
    withdrawn = request_answers.withdraw(store_of(ctx), request_id, login=login_of(ctx))
    if as_json:
        emit(request_document(withdrawn))
    else:
        out.print(_("request {id} withdrawn").format(id=withdrawn.id))


@conflict_app.command("list")
@handled
def conflict_list(
    ctx: typer.Context,
    month: str | None = typer.Option(None, "--month", "-m", help="Only this month, YYYY-MM."),
    line: str | None = typer.Option(None, "--line", "-l", help="Only this product line."),
    open_only: bool = typer.Option(False, "--open", help="Only unresolved ones (open, escalated)."),
    mine: bool = typer.Option(False, "--mine", help="Only those on your deals (a sales manager)."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Conflicts: key-account positions left short of their requested month."""
    store = store_of(ctx)
    seller = actor(store, login_of(ctx)) if mine else None
    found = conflicts.conflicts(
        store, month=optional_month(month), product_line=line, unresolved_only=open_only, seller=seller
    )
    if as_json:
        emit([conflict_document(c) for c in found])
    elif not found:
        err.print(_("No conflicts."))
    else:
        render(conflicts_view(found))


@conflict_app.command("force")
@handled
def conflict_force(
    ctx: typer.Context,
    conflict_id: int = IdArgument,
    dry_run: bool = typer.Option(False, "--dry-run", help="Only show what forcing it in displaces."),
    as_json: bool = JsonOption,
) -> None:
    """Force the position into its month (locked whole) and re-plan; --dry-run shows what it displaces."""
    store, login = store_of(ctx), login_of(ctx)
    forced = solving(lambda: conflicts.force_in(store, conflict_id, login=login, dry_run=dry_run))
    if as_json:
        emit(forced_document(forced, dry_run))
        return
    _show_effect(forced.effect, _("if forced in:") if dry_run else _("forced in:"))
    if not dry_run:
        out.print(_("conflict {id} resolved: forced in").format(id=conflict_id))


@conflict_app.command("later")
@handled
def conflict_later(
    ctx: typer.Context,
    conflict_id: int = IdArgument,
    month: str = typer.Option(..., "--month", "-m", help="The later month agreed, YYYY-MM."),
    reason: str | None = typer.Option(None, "--reason", help="What was agreed, with whom."),
    as_json: bool = JsonOption,
) -> None:
    """Record a later month agreed with the client; the conflict closes."""
    agreed = conflicts.agree_later(store_of(ctx), conflict_id, month_of(month), login=login_of(ctx), reason=reason)
    if as_json:
        emit(conflict_document(agreed))
    else:
        out.print(
            _("conflict {id} resolved: {ref} moves to {month}").format(
                id=agreed.id, ref=agreed.position_ref, month=month_text(agreed.agreed_month)
            )
        )


@conflict_app.command("escalate")
@handled
def conflict_escalate(
    ctx: typer.Context, conflict_id: int = IdArgument, why: str = WhyOption, as_json: bool = JsonOption
) -> None:
    """Raise a conflict to the director."""
    escalation = conflicts.escalate(store_of(ctx), conflict_id, login=login_of(ctx), why=why)
    if as_json:
        emit(escalation_document(escalation))
    else:
        out.print(_("escalation {id} opened: {subject}").format(id=escalation.id, subject=escalation.subject))


@escalation_app.command("list")
@handled
def escalation_list(
    ctx: typer.Context,
    open_only: bool = typer.Option(False, "--open", help="Only those waiting for the director."),
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Escalations, oldest first."""
    found = escalations.escalations(store_of(ctx), open_only=open_only)
    if as_json:
        emit([escalation_document(e) for e in found])
    elif not found:
        err.print(_("No escalations."))
    else:
        render(escalations_view(found))


@escalation_app.command("decide")
@handled
def escalation_decide(
    ctx: typer.Context,
    escalation_id: int = IdArgument,
    force: bool = typer.Option(False, "--force", help="Force the conflict's position into its month."),
    later: str | None = typer.Option(None, "--later", help="Accept this later month, YYYY-MM."),
    reason: str = typer.Option(..., "--reason", help="The decision's reason (recorded)."),
    as_json: bool = JsonOption,
) -> None:
    """The director decides: --force, or --later YYYY-MM, with a reason (a re-approval round: the reason alone)."""
    store, login, month = store_of(ctx), login_of(ctx), optional_month(later)
    decided = solving(
        lambda: escalations.decide(store, escalation_id, login=login, reason=reason, force=force, later=month)
    )
    if as_json:
        emit(decided_document(decided))
        return
    if decided.effect:
        _show_effect(decided.effect, _("forced in:"))
    out.print(
        _("escalation {id} decided: {outcome}").format(id=decided.escalation.id, outcome=decided.escalation.outcome)
    )
