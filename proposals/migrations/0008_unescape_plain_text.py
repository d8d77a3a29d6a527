"""Rows written before decide.sanitize.plain_text stopped escaping hold "&amp;", "&lt;"...: unescape them.

Plain text is now stored as typed and escaped at output (issue 13, item 8). Only rows
containing "&" can be affected; they are read in batches and rewritten field by field.
Not reversible in a meaningful way (the reverse leaves rows as they are).
"""

import html

from django.db import migrations
from django.db.models import Q

FIELDS = {
    "Proposal": ("title", "summary", "status_reason"),
    "Comment": ("hidden_reason",),
    "Flag": ("reason",),
}


def unescape_rows(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("proposals", model_name)
        touched = Q()
        for field in fields:
            touched |= Q(**{f"{field}__contains": "&"})
        batch = []
        for row in model.objects.filter(touched).only("pk", *fields).iterator(chunk_size=2000):
            for field in fields:
                setattr(row, field, html.unescape(getattr(row, field)))
            batch.append(row)
            if len(batch) >= 2000:
                model.objects.bulk_update(batch, fields)
                batch = []
        if batch:
            model.objects.bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0007_offline_channels_sheets_sms")]

    operations = [migrations.RunPython(unescape_rows, migrations.RunPython.noop, elidable=True)]
