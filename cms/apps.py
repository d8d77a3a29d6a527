from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Editorial pages")

    def ready(self) -> None:
        from wagtail.images import get_image_model

        from .identity import forget_identity
        from .models import SiteIdentity

        # The cached identity holds rendition URLs of the logo: a new logo file or new settings drop it.
        for model in (SiteIdentity, get_image_model()):
            post_save.connect(forget_identity, sender=model, dispatch_uid=f"identity-save-{model.__name__}")
            post_delete.connect(forget_identity, sender=model, dispatch_uid=f"identity-delete-{model.__name__}")
