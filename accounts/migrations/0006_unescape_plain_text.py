"""Rows written before decide.sanitize.plain_text stopped escaping hold "&amp;", "&lt;"...: unescape them.

Plain text is now stored as typed and escaped at output (issue 13, item 8). Only rows
containing "&" can be affected; they are read in batches and rewritten field by field.
Not reversible in a meaningful way (the reverse leaves rows as they are).
"""

import html

from django.db import migrations
from django.db.models import Q

FIELDS = {
    "User": ("display_name", "blocked_reason"),
    "AuditEntry": ("reason", "location"),
    "LoginCode": ("location",),
}


def unescape_rows(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("accounts", model_name)
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
    dependencies = [("accounts", "0005_user_phone_and_desk_codes")]

    operations = [migrations.RunPython(unescape_rows, migrations.RunPython.noop, elidable=True)]
