"""Administrators manage committee scopes in the Wagtail admin (snippets check model permissions)."""

from django.db import migrations

ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    scope_ct, _ = ContentType.objects.get_or_create(app_label="proposals", model="committeescope")
    perms = [
        Permission.objects.get_or_create(
            content_type=scope_ct, codename=f"{action}_committeescope", defaults={"name": f"Can {action} committee scope"}
        )[0]
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name="administrator"):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="proposals", codename__in=[f"{a}_committeescope" for a in ACTIONS]
    )
    for group in Group.objects.filter(name="administrator"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0010_followup_answers_milestones_attachments"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
