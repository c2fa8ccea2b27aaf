"""Unit links only where the reader may open the unit's page (no link to a 403)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from mubiao.orgs import access

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_link(context, unit) -> str:
    """The unit's short name, linked to its page if the user may see it."""
    request = context.get("request")
    cache = context.render_context.setdefault("visible_unit_ids", {})
    user = getattr(request, "user", None)
    if user is None:
        return format_html("{}", unit.short_name)
    if "ids" not in cache:
        cache["ids"] = set(access.visible_units(user).values_list("pk", flat=True))
    if unit.pk in cache["ids"]:
        return format_html(
            '<a href="{}">{}</a>', reverse("orgs:unit", args=[unit.code]), unit.short_name
        )
    return format_html("{}", unit.short_name)
