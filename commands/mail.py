"""``millplan mail``: e-mail copies of notifications — send the outbox, see how delivery stands, retry."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from millplan.commands.common import (
    ExitCode,
    JsonOption,
    XlsxOption,
    emit,
    err,
    handled,
    login_of,
    out,
    plant_time,
    render,
    store_of,
)
from millplan.core.domain.i18n import _, ngettext
from millplan.core.mail import outbox
from millplan.core.views.mail import delivery_document, outbox_document, problems_view, requeued_document
from millplan.storage.store import Store

app = typer.Typer(
    help="E-mail copies of notifications: send the outbox, see how delivery stands.", no_args_is_help=True
)


def _report_delivery(report: outbox.DeliveryReport, store: Store) -> None:
    err.print(
        _("sent {sent}, deferred {deferred}, failed {failed}, taken by another sender {skipped}").format(
            sent=report.sent, deferred=report.deferred, failed=report.failed, skipped=report.skipped
        )
    )
    for error in report.errors:
        err.print(_("error: {error}").format(error=error), soft_wrap=True)
    if report.deferred:
        err.print(_("next attempt at {when}").format(when=plant_time(outbox.status(store).next_attempt_at)))


@app.command("send")
@handled
def mail_send(
    ctx: typer.Context,
    loop: bool = typer.Option(
        False, "--loop", help="Keep sending until interrupted (Ctrl+C), every --interval seconds."
    ),
    interval: float = typer.Option(30.0, "--interval", min=0.1, help="Seconds between rounds with --loop."),
    as_json: bool = JsonOption,
) -> None:
    """Send the due e-mails of the outbox through the SMTP server (MILLPLAN_SMTP_HOST …)."""
    if loop and as_json:
        raise typer.BadParameter(_("--json prints one document: use it without --loop"))
    settings, store = outbox.sending_settings(), store_of(ctx)
    if not loop:
        report = outbox.deliver(store, settings)
        if as_json:
            emit(delivery_document(report, outbox.status(store)))
        else:
            _report_delivery(report, store)
        if report.errors:
            raise typer.Exit(ExitCode.NOT_DONE)  # the server was unreachable or refused: cron must see it
        return
    err.print(
        _("sending through {server} every {interval:g} s; Ctrl+C stops").format(
            server=settings.server, interval=interval
        )
    )
    try:
        while True:
            report = outbox.deliver(store, settings)
            if report.sent or report.deferred or report.failed or report.released:
                _report_delivery(report, store)
            time.sleep(interval)
    except KeyboardInterrupt:
        err.print(_("stopped"))


@app.command("status")
@handled
def mail_status(ctx: typer.Context, xlsx: Path | None = XlsxOption, as_json: bool = JsonOption) -> None:
    """The outbox: messages by state, the next attempt, and messages with errors."""
    settings = outbox.SmtpSettings.from_env()
    found = outbox.status(store_of(ctx))
    if as_json:
        emit(outbox_document(settings, found))
        return
    out.print(
        _("SMTP server: {server}").format(
            server=settings.server if settings else _("none (MILLPLAN_SMTP_HOST unset): e-mail is off")
        )
    )
    out.print(
        _("pending {pending}  sending {sending}  sent {sent}  failed {failed}").format(
            **{state.value: count for state, count in found.counts.items()}  # every state, zero when none
        )
    )
    out.print(_("next attempt: {when}").format(when=plant_time(found.next_attempt_at)))
    if found.problems:
        render(problems_view(found))


@app.command("retry")
@handled
def mail_retry(
    ctx: typer.Context,
    ids: list[int] | None = typer.Argument(
        None, metavar="NUMBERS", help="Numbers (#) of failed messages, as `mail status` lists them.", show_default=False
    ),
    every: bool = typer.Option(False, "--all", help="Every failed message."),
    as_json: bool = JsonOption,
) -> None:
    """Queue failed e-mails again (after the cause was fixed); the next `mail send` tries them."""
    if bool(ids) == every:
        raise typer.BadParameter(_("give message numbers or --all (not both)"))
    queued = outbox.retry(store_of(ctx), None if every else list(ids), by=login_of(ctx))
    if as_json:
        emit(requeued_document(queued))
    else:
        out.print(
            ngettext("{count} message queued again", "{count} messages queued again", queued).format(count=queued)
        )
