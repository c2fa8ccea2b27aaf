"""Every kind of audit row, as a constant: the code never passes a free string to ``record``.

An event's value is what the ``action`` column stores ("report.approve"), so rows written
before these constants existed read the same. ``record`` refuses a value that is not here,
and a test fails when a call passes a literal. To add an event: add a member below (value
``noun.verb``), give it a label in ``_LABELS`` (English msgid, zh_Hans in django.po), and
pass the member to ``record``.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Event(StrEnum):
    # Plan import (plans.actions)
    IMPORT_START = "import.start"
    IMPORT_REVIEW = "import.review"
    IMPORT_ACCEPT = "import.accept"
    IMPORT_RECOVER = "import.recover"  # a reading whose worker died: retried or failed
    IMPORT_SPLIT = "import.split"  # a task of the draft cut in two before accepting
    # The plan tree (plans.actions)
    TASK_CLOSE = "task.close"
    MILESTONE_COMPLETE = "milestone.complete"
    TARGET_CHANGE = "target.change"
    UNIT_ASSIGN = "unit.assign"
    # Building and issuing the plan, change requests (plans.actions)
    PLAN_CREATE = "plan.create"
    PLAN_CHANGE = "plan.change"
    PLAN_RENUMBER = "plan.renumber"
    PLAN_ISSUE = "plan.issue"
    PLAN_IMPORT_WORKBOOK = "plan.import_workbook"
    PLAN_COPY = "plan.copy"
    TASK_REORDER = "task.reorder"
    AREA_CREATE = "area.create"
    AREA_CHANGE = "area.change"
    AREA_MOVE = "area.move"
    AREA_DELETE = "area.delete"
    TASK_CREATE = "task.create"
    TASK_CHANGE = "task.change"
    TASK_MOVE = "task.move"
    TASK_DELETE = "task.delete"
    TASK_REOPEN = "task.reopen"
    TASK_ACKNOWLEDGE = "task.acknowledge"
    TASK_OBJECT = "task.object"
    TARGET_CREATE = "target.create"
    TARGET_MOVE = "target.move"
    TARGET_DELETE = "target.delete"
    MILESTONE_CREATE = "milestone.create"
    MILESTONE_CHANGE = "milestone.change"
    MILESTONE_DELETE = "milestone.delete"
    UNIT_UNASSIGN = "unit.unassign"
    CHANGE_REQUEST = "change.request"
    CHANGE_APPROVE = "change.approve"
    CHANGE_REFUSE = "change.refuse"
    CHANGE_EVIDENCE = "change.evidence"
    # Reporting (reporting.actions)
    REPORT_SAVE_DRAFT = "report.save_draft"
    REPORT_SUBMIT = "report.submit"
    REPORT_APPROVE = "report.approve"
    REPORT_RETURN = "report.return"
    REPORT_UNLOCK = "report.unlock"
    REPORT_IMPORT = "report.import"
    REPORT_REOPEN = "report.reopen"
    REPORT_URGE = "report.urge"
    REMINDERS_READ = "reminder.read"
    # Key projects (projects.actions)
    PROJECTS_IMPORT = "projects.import"
    # Publishing (dashboard)
    BULLETIN_PUBLISH = "bulletin.publish"
    BULLETIN_DRAFT = "bulletin.draft"
    STATUSES_REBUILD = "statuses.rebuild"  # the whole plan judged again by hand (admin)
    # How statuses are judged and units ranked (dashboard.actions)
    BANDS_CHANGE = "plan.bands"
    RANKING_CHANGE = "plan.ranking"
    # API tokens (api.actions)
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    # Signing in (orgs.security)
    LOGIN_FAILED = "login.failed"
    LOGIN_LOCKED = "login.locked"
    # People, roles and memberships changed in the admin (orgs.admin)
    USER_ADD = "user.add"
    USER_CHANGE = "user.change"
    USER_DELETE = "user.delete"
    MEMBERSHIP_ADD = "membership.add"
    MEMBERSHIP_CHANGE = "membership.change"
    MEMBERSHIP_DELETE = "membership.delete"
    # Accounts kept by the office and unit heads (orgs.actions)
    USER_RESET_PASSWORD = "user.reset_password"
    USER_RESET_LINK = "user.reset_link"
    USER_DEACTIVATE = "user.deactivate"
    USER_REACTIVATE = "user.reactivate"
    USER_SET_PASSWORD = "user.set_password"
    USERS_IMPORT = "users.import"
    # Reminding units that have not acknowledged their tasks (plans.actions)
    TASK_REMIND_ACKNOWLEDGE = "task.remind_acknowledge"
    # Supervision (supervision.actions): the nodes, instructions, notices, escalation
    SUPERVISION_REGISTER = "supervision.register"
    SUPERVISION_ASSIGN = "supervision.assign"
    SUPERVISION_ACKNOWLEDGE = "supervision.acknowledge"
    SUPERVISION_FEEDBACK = "supervision.feedback"
    SUPERVISION_REPORT = "supervision.report"
    SUPERVISION_RETURN = "supervision.return"
    SUPERVISION_CLOSE = "supervision.close"
    SUPERVISION_CANCEL = "supervision.cancel"
    SUPERVISION_ESCALATE = "supervision.escalate"
    INSTRUCTION_WRITE = "supervision.instruct"
    INSTRUCTION_ANSWER = "supervision.answer"
    NOTICE_ISSUE = "supervision.notice"
    NOTICE_RECEIVE = "supervision.notice_received"
    NOTICE_ANSWER = "supervision.notice_answer"
    SUPERVISION_MESSAGES_READ = "supervision.messages_read"

    @property
    def label(self) -> str | Promise:
        """What the event is called on screen (users never see the codes)."""
        return _LABELS[self]


_LABELS: dict[Event, str | Promise] = {
    Event.IMPORT_START: _("started a plan import"),
    Event.IMPORT_REVIEW: _("reviewed a plan import"),
    Event.IMPORT_ACCEPT: _("accepted a plan import"),
    Event.IMPORT_RECOVER: _("recovered a plan import whose worker stopped"),
    Event.IMPORT_SPLIT: _("split a task of a plan import"),
    Event.TASK_CLOSE: _("closed the task"),
    Event.MILESTONE_COMPLETE: _("completed a milestone"),
    Event.TARGET_CHANGE: _("changed a target"),
    Event.UNIT_ASSIGN: _("changed the assigned units"),
    Event.PLAN_CREATE: _("created a plan"),
    Event.PLAN_CHANGE: _("changed the plan"),
    Event.PLAN_RENUMBER: _("renumbered the plan"),
    Event.PLAN_ISSUE: _("issued tasks"),
    Event.PLAN_IMPORT_WORKBOOK: _("filled the plan from a task-division workbook"),
    Event.PLAN_COPY: _("copied a plan for the next year"),
    Event.TASK_REORDER: _("reordered the tasks"),
    Event.AREA_CREATE: _("added an area"),
    Event.AREA_CHANGE: _("changed an area"),
    Event.AREA_MOVE: _("moved an area"),
    Event.AREA_DELETE: _("deleted an area"),
    Event.TASK_CREATE: _("added a task"),
    Event.TASK_CHANGE: _("changed the task"),
    Event.TASK_MOVE: _("moved the task"),
    Event.TASK_DELETE: _("deleted a task"),
    Event.TASK_REOPEN: _("reopened the task"),
    Event.TASK_ACKNOWLEDGE: _("acknowledged the task"),
    Event.TASK_OBJECT: _("objected to the task"),
    Event.TARGET_CREATE: _("added a target"),
    Event.TARGET_MOVE: _("moved a target"),
    Event.TARGET_DELETE: _("deleted a target"),
    Event.MILESTONE_CREATE: _("added a milestone"),
    Event.MILESTONE_CHANGE: _("changed a milestone"),
    Event.MILESTONE_DELETE: _("deleted a milestone"),
    Event.UNIT_UNASSIGN: _("removed an assigned unit"),
    Event.CHANGE_REQUEST: _("asked for a change"),
    Event.CHANGE_APPROVE: _("approved a change request"),
    Event.CHANGE_REFUSE: _("refused a change request"),
    Event.CHANGE_EVIDENCE: _("attached evidence to a change request"),
    Event.REPORT_SAVE_DRAFT: _("saved a draft"),
    Event.REPORT_REOPEN: _("reopened the consolidation to merge late parts"),
    Event.REPORT_URGE: _("urged the units that had not reported"),
    Event.REPORT_SUBMIT: _("submitted"),
    Event.REPORT_APPROVE: _("approved"),
    Event.REPORT_RETURN: _("returned"),
    Event.REPORT_UNLOCK: _("reopened for a late report"),
    Event.REPORT_IMPORT: _("imported from Excel"),
    Event.REMINDERS_READ: _("marked reminders read"),
    Event.PROJECTS_IMPORT: _("imported key projects"),
    Event.BULLETIN_PUBLISH: _("published a bulletin"),
    Event.BULLETIN_DRAFT: _("saved a bulletin draft"),
    Event.STATUSES_REBUILD: _("rebuilt the plan's statuses"),
    Event.BANDS_CHANGE: _("changed the status bands"),
    Event.RANKING_CHANGE: _("changed the ranking formula"),
    Event.TOKEN_CREATE: _("created an API token"),
    Event.TOKEN_REVOKE: _("revoked an API token"),
    Event.LOGIN_FAILED: _("failed to sign in"),
    Event.LOGIN_LOCKED: _("login locked"),
    Event.USER_ADD: _("added a user"),
    Event.USER_CHANGE: _("changed a user"),
    Event.USER_DELETE: _("deleted a user"),
    Event.MEMBERSHIP_ADD: _("added a membership"),
    Event.MEMBERSHIP_CHANGE: _("changed a membership"),
    Event.MEMBERSHIP_DELETE: _("removed a membership"),
    Event.USER_RESET_PASSWORD: _("reset a password to a temporary one"),
    Event.USER_RESET_LINK: _("made a one-time link to set a password"),
    Event.USER_DEACTIVATE: _("deactivated an account"),
    Event.USER_REACTIVATE: _("reactivated an account"),
    Event.USER_SET_PASSWORD: _("set their own password"),
    Event.USERS_IMPORT: _("created accounts from an Excel list"),
    Event.TASK_REMIND_ACKNOWLEDGE: _("reminded units to acknowledge their tasks"),
    Event.SUPERVISION_REGISTER: _("registered a supervision item"),
    Event.SUPERVISION_ASSIGN: _("assigned a supervision item"),
    Event.SUPERVISION_ACKNOWLEDGE: _("acknowledged a supervision item"),
    Event.SUPERVISION_FEEDBACK: _("sent feedback on a supervision item"),
    Event.SUPERVISION_REPORT: _("reported a supervision item done"),
    Event.SUPERVISION_RETURN: _("returned a supervision item"),
    Event.SUPERVISION_CLOSE: _("closed a supervision item"),
    Event.SUPERVISION_CANCEL: _("cancelled a supervision item"),
    Event.SUPERVISION_ESCALATE: _("recorded an escalation"),
    Event.INSTRUCTION_WRITE: _("wrote an instruction"),
    Event.INSTRUCTION_ANSWER: _("answered an instruction"),
    Event.NOTICE_ISSUE: _("issued a supervision notice"),
    Event.NOTICE_RECEIVE: _("received a supervision notice"),
    Event.NOTICE_ANSWER: _("answered a supervision notice"),
    Event.SUPERVISION_MESSAGES_READ: _("marked supervision reminders read"),
}


def label(action: str) -> str | Promise:
    """The on-screen name of a stored ``action`` value (the value itself if unknown)."""
    try:
        return Event(action).label
    except ValueError:
        return action
