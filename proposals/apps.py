from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Processes, proposals and debate")

    def ready(self) -> None:
        from accounts.desk.acts import DeskAct, act_label_register, desk_act_register

        desk_act_register(DeskAct(label=_("Support a proposal for this person"), url_name="proposals:desk_support"))
        desk_act_register(
            DeskAct(label=_("Submit a proposal in this person's name"), url_name="proposals:desk_propose")
        )
        act_label_register("assisted.support", _("Registered a support for a person"))
        act_label_register("assisted.proposal", _("Submitted a proposal in a person's name"))
        act_label_register("assisted.signature_sheet", _("Entered a paper signature sheet"))
