"""Administrators (not only superusers) set the site identity: Wagtail's settings check the change permission."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    identity_ct, _ = ContentType.objects.get_or_create(app_label="cms", model="siteidentity")
    change, _ = Permission.objects.get_or_create(
        content_type=identity_ct, codename="change_siteidentity", defaults={"name": "Can change site identity"}
    )
    for group in Group.objects.filter(name="administrator"):
        group.permissions.add(change)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    change = Permission.objects.filter(content_type__app_label="cms", codename="change_siteidentity")
    for group in Group.objects.filter(name="administrator"):
        group.permissions.remove(*change)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_site_identity"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
