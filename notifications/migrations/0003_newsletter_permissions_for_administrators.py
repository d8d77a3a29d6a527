"""Administrators write and send newsletters in the Wagtail admin without being superusers.

The snippet views check Django model permissions; the send desk checks the role (newsletters.newsletter_refusal).
"""

from django.db import migrations

ROLE = "administrator"
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    newsletter_ct, _ = ContentType.objects.get_or_create(app_label="notifications", model="newsletter")
    perms = [
        Permission.objects.get_or_create(
            content_type=newsletter_ct, codename=f"{action}_newsletter", defaults={"name": f"Can {action} newsletter"}
        )[0]
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name=ROLE):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="notifications", codename__in=[f"{action}_newsletter" for action in ACTIONS]
    )
    for group in Group.objects.filter(name=ROLE):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_event_recipient_query"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
