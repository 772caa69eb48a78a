"""One user action's repositories, sharing one session.

``Store.unit_of_work()`` and ``Store.reading()`` yield a :class:`UnitOfWork`; its
repositories never commit (the store does, when the block ends). Every write records an
audit entry through the shared :class:`AuditRepository`, in the same transaction, so a
change and its record are kept or lost together.
"""

from __future__ import annotations

from sqlmodel import Session

from millplan.storage.actuals import ActualsRepository
from millplan.storage.assignments import AssignmentRepository
from millplan.storage.audit import AuditRepository
from millplan.storage.changes import ChangeRepository
from millplan.storage.closes import CloseRepository
from millplan.storage.dispositions import DispositionRepository
from millplan.storage.mailbox import MailboxRepository
from millplan.storage.plant import PlantRepository
from millplan.storage.settings import SettingsRepository
from millplan.storage.users import UserRepository
from millplan.storage.workflow import WorkflowRepository


class UnitOfWork:
    """The store by subject, on one session: ``plant`` (mills, capacity, norms, customers,
    deals, positions), ``assignments`` (revisions with their lines, exclusions and
    options), ``workflow`` (requests, conflicts, escalations, reviews), ``mailbox``
    (notifications, outbox, e-mail addresses), ``audit``, ``users``, ``actuals`` (daily
    actuals and the produced tonnes they give), ``closes`` (closed months, carry-over),
    ``settings``, ``dispositions`` (the stale-deal ledger's changes of positions) and
    ``changes`` (the store's change counter)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.audit = AuditRepository(session)
        self.plant = PlantRepository(session, self.audit)
        self.assignments = AssignmentRepository(session, self.audit)
        self.workflow = WorkflowRepository(session, self.audit)
        self.mailbox = MailboxRepository(session)
        self.users = UserRepository(session, self.audit)
        self.actuals = ActualsRepository(session, self.audit)
        self.closes = CloseRepository(session, self.audit)
        self.settings = SettingsRepository(session, self.audit)
        self.dispositions = DispositionRepository(session, self.audit)
        self.changes = ChangeRepository(session)
