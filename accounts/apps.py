from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts, census and verification")

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added

        from .second_factor import record_enrolment

        # Enrolling TOTP in a session counts as that session's second factor (accounts.second_factor).
        authenticator_added.connect(record_enrolment, dispatch_uid="accounts.second_factor.record_enrolment")
