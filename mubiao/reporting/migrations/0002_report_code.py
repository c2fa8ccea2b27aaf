"""A public code (UUID) for each report slot: URLs and Excel files name reports by it."""

import uuid

from django.db import migrations, models


def fill_codes(apps, schema_editor):
    Report = apps.get_model("reporting", "Report")
    for report in Report.objects.filter(code__isnull=True).only("pk"):
        Report.objects.filter(pk=report.pk).update(code=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="code",
            field=models.UUIDField(null=True, editable=False, verbose_name="code"),
        ),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="report",
            name="code",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="code"
            ),
        ),
    ]
