"""Signals other apps listen to (orgs imports none of them)."""

from django.dispatch import Signal

# Sent inside the action's transaction when an account's credentials are withdrawn (a
# password reset or a deactivation): ``sender`` is the User model, with ``actor``,
# ``person`` and ``why``. The API app revokes the person's tokens on it.
credentials_withdrawn = Signal()
