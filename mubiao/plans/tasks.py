"""Background work for plans, run by the database worker (`mubiao manage task_worker`)."""

from __future__ import annotations

import logging

from django.tasks import task

from mubiao.plans.models import ImportDraft

logger = logging.getLogger(__name__)


@task
def extract_import(code: str) -> str:
    """Read one queued import; the review page polls its progress."""
    from mubiao.plans.actions import fail_extraction, run_extraction

    draft = ImportDraft.objects.get(code=code)
    try:
        return run_extraction(draft).status
    except Exception:
        logger.exception("reading import %s failed", code)
        return fail_extraction(draft).status


@task
def accept_in_background(code: str) -> str:
    """Accept one large reviewed import, chunk by chunk; the review page polls its
    progress. A crash leaves the last committed chunk's place for the stalled retry."""
    from mubiao.plans.actions import run_accept

    draft = ImportDraft.objects.get(code=code)
    return run_accept(draft).status
