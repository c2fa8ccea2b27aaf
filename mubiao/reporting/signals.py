"""Signals other apps may listen to, so reporting never imports them.

Each is sent with ``transaction.on_commit`` once the action's transaction has committed:
``report_submitted`` after a version is submitted, ``report_approved`` after an approval,
``report_reopened`` after an approved report is unlocked (补报). They are notices for
whoever wants them; nothing keeps the status store through them (the actions call
``dashboard.statuses.apply`` inside their transaction, ``docs/dashboard.md``).
"""

from django.dispatch import Signal

# sender=Report class; kwargs: report (Report), actor (User)
report_approved = Signal()
report_reopened = Signal()
report_submitted = Signal()
