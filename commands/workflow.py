"""The approval life cycle: ``millplan submit``, the planner's ``millplan review``, and ``millplan approve``."""

from __future__ import annotations

from pathlib import Path

import typer

from millplan.commands.common import (
    IdArgument,
    JsonOption,
    LineOption,
    MonthOption,
    PositionArgument,
    XlsxOption,
    emit,
    err,
    handled,
    login_of,
    month_of,
    out,
    render,
    store_of,
)
from millplan.core.access.users import whoami
from millplan.core.domain.i18n import _
from millplan.core.domain.months import month_text
from millplan.core.views.assignment import assignment_document
from millplan.core.views.reviews import review_document, reviews_view
from millplan.core.workflow import assignments, reviews

review_app = typer.Typer(help="The production planner's review of a month's assignment.", no_args_is_help=True)


@handled
def submit(ctx: typer.Context, month: str = MonthOption, line: str = LineOption, as_json: bool = JsonOption) -> None:
    """Submit the month's draft (or re-approval) assignment for review."""
    submitted = assignments.submit(store_of(ctx), month_of(month), line, login=login_of(ctx))
    if as_json:
        emit(assignment_document(submitted))
    else:
        out.print(
            _("{month} {line} revision {revision} submitted for review").format(
                month=month_text(submitted.month), line=submitted.product_line, revision=submitted.revision
            )
        )


@handled
def approve(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    reason: str | None = typer.Option(
        None, "--reason", help="Kept with the approval; the director's approval over open conflicts needs one."
    ),
    as_json: bool = JsonOption,
) -> None:
    """Approve the month's assignment in review for a product line, freezing the revision."""
    approved = assignments.approve(store_of(ctx), month_of(month), line, login=login_of(ctx), reason=reason)
    if as_json:
        emit(assignment_document(approved))
    else:
        out.print(
            _("{month} {line} revision {revision} approved by {who}").format(
                month=month_text(approved.month),
                line=approved.product_line,
                revision=approved.revision,
                who=whoami(store_of(ctx), approved.approved_by).name,
            )
        )


@review_app.command("agree")
@handled
def review_agree(
    ctx: typer.Context, month: str = MonthOption, line: str = LineOption, as_json: bool = JsonOption
) -> None:
    """Agree to the latest revision of a month's assignment (production planner)."""
    review = reviews.agree(store_of(ctx), month_of(month), line, login=login_of(ctx))
    if as_json:
        emit(review_document(review))
    else:
        out.print(
            _("{month} {line} revision {revision}: agreed by {login}").format(
                month=month_text(review.month),
                line=review.product_line,
                revision=review.revision,
                login=whoami(store_of(ctx), review.login).name,
            )
        )


@review_app.command("object")
@handled
def review_object(
    ctx: typer.Context,
    position: str = PositionArgument,
    month: str = MonthOption,
    line: str = LineOption,
    reason: str = typer.Option(..., "--reason", help="Why, for the product-line manager."),
    as_json: bool = JsonOption,
) -> None:
    """Object to a position's line in the latest revision, with a reason (production planner)."""
    review = reviews.object_to(store_of(ctx), position, month_of(month), line, login=login_of(ctx), reason=reason)
    if as_json:
        emit(review_document(review))
    else:
        out.print(
            _("objection {id} to {ref} recorded; the product-line manager answers it").format(
                id=review.id, ref=review.position_ref
            )
        )


@review_app.command("answer")
@handled
def review_answer(
    ctx: typer.Context,
    review_id: int = IdArgument,
    reply: str = typer.Option(..., "--reply", help="The answer, for the planner."),
    as_json: bool = JsonOption,
) -> None:
    """Answer a planner's objection (product-line manager)."""
    review = reviews.answer(store_of(ctx), review_id, login=login_of(ctx), reply=reply)
    if as_json:
        emit(review_document(review))
    else:
        out.print(_("objection {id} answered").format(id=review.id))


@review_app.command("list")
@handled
def review_list(
    ctx: typer.Context,
    month: str = MonthOption,
    line: str = LineOption,
    xlsx: Path | None = XlsxOption,
    as_json: bool = JsonOption,
) -> None:
    """Verdicts on the latest revision of a month's assignment."""
    found = reviews.reviews(store_of(ctx), month_of(month), line)
    if as_json:
        emit([review_document(r) for r in found])
    elif not found:
        err.print(_("No reviews of this revision yet."))
    else:
        render(reviews_view(found))
