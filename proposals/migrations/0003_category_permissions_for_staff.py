"""Moderators and administrators manage proposal categories in the Wagtail admin (snippets check model permissions)."""

from django.db import migrations

ROLES = ("moderator", "administrator")
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    category_ct, _ = ContentType.objects.get_or_create(app_label="proposals", model="category")
    perms = [
        Permission.objects.get_or_create(
            content_type=category_ct, codename=f"{action}_category", defaults={"name": f"Can {action} category"}
        )[0]
        for action in ACTIONS
    ]
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="proposals", codename__in=[f"{a}_category" for a in ACTIONS])
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_proposal_status_before_hidden"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
