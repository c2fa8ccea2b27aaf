"""Signals other apps listen to, so reporting never imports them.

``report_submitted`` is sent after a version is submitted (the unit's timeliness may
change). ``report_approved`` is sent (inside the approving transaction, via on_commit) after a
report is approved or an approved report is reopened; the dashboard listens to refresh
the statuses of the report's indicators at once, with no nightly batch.
"""

from django.dispatch import Signal

# sender=Report class; kwargs: report (Report), actor (User)
report_approved = Signal()
report_reopened = Signal()
report_submitted = Signal()
