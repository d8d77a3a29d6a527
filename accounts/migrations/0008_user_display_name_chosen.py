"""Public names never come from the email: every account without one gets a neutral generated name.

Until now an account with no public name showed the local part of its email beside everything it
wrote. Each such account gets "Participante 4821" (random digits, not the id); the person can
change it in the profile. Then the database refuses an empty name.
"""

import secrets

from django.db import migrations, models

import accounts.display_names

# The word as the site's default language wrote it when this ran; later accounts use display_name_generate.
_NEUTRAL = "Participante"


def _name_the_unnamed(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(display_name="").only("pk").iterator():
        User.objects.filter(pk=user.pk).update(display_name=f"{_NEUTRAL} {1000 + secrets.randbelow(9000)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_census_import_failed_and_language"),
    ]

    operations = [
        migrations.RunPython(_name_the_unnamed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.CharField(
                default=accounts.display_names.display_name_generate, max_length=80, verbose_name="public name"
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(("display_name", ""), _negated=True), name="user_display_name_not_empty"
            ),
        ),
    ]
