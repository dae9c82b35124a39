"""Forms of the personal area. They parse and label input; the services validate and write."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rione.applicants.models import (
    MANAGING_ROLES,
    GroupMember,
    InformalGroup,
    MemberRole,
    Organisation,
    Person,
)
from rione.applicants.validators import normalise_code, validate_person_cf
from rione.backoffice.forms import DateInput, ServiceModelForm, VersionedForm

CF_HELP = _("16 caratteri, come sulla tessera sanitaria.")


class ProfileForm(VersionedForm):
    language = forms.ChoiceField(label=_("lingua"), choices=settings.LANGUAGES)
    privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sulla privacy e acconsento al trattamento dei miei dati."),
        required=True,
    )

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "codice_fiscale", "phone"]
        help_texts = {"codice_fiscale": CF_HELP, "phone": _("Facoltativo.")}

    def __init__(self, *args: Any, needs_consent: bool, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        if not needs_consent:
            del self.fields["privacy"]

    def clean_codice_fiscale(self) -> str:
        """Checked here too, so that a wrong code shows together with the other errors."""
        value = normalise_code(self.cleaned_data.get("codice_fiscale", ""))
        validate_person_cf(value)
        return value


class OrganisationForm(VersionedForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "codice_fiscale",
            "partita_iva",
            "pec",
            "runts_number",
            "runts_registered_on",
            "registered_office",
            "legal_rep_name",
            "legal_rep_cf",
        ]
        widgets = {"runts_registered_on": DateInput()}
        help_texts = {
            "codice_fiscale": _("11 cifre. Indica il codice fiscale, la partita IVA o entrambi."),
            "partita_iva": _("11 cifre."),
            "runts_number": _("Obbligatorio per gli enti del Terzo settore."),
            "runts_registered_on": _("Obbligatoria per gli enti del Terzo settore."),
            "legal_rep_cf": CF_HELP,
        }


class NewOrganisationForm(OrganisationForm):
    creator_role = forms.ChoiceField(
        label=_("il tuo ruolo nell'ente"),
        choices=[(r.value, r.label) for r in MemberRole if r in MANAGING_ROLES],
        help_text=_("Potrai invitare altre persone dopo aver registrato l'ente."),
    )

    def values(self, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        return super().values(exclude=(*exclude, "creator_role"))


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("indirizzo e-mail"),
        help_text=_("La persona riceverà un collegamento valido 14 giorni."),
    )
    role = forms.ChoiceField(label=_("ruolo"), choices=MemberRole.choices)


class GroupForm(VersionedForm):
    class Meta:
        model = InformalGroup
        fields = ["name"]


class GroupMemberForm(ServiceModelForm):
    class Meta:
        model = GroupMember
        fields = ["first_name", "last_name", "codice_fiscale"]
        help_texts = {"codice_fiscale": CF_HELP}


class BaseGroupMemberFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The filled-in rows (empty extra rows are skipped)."""
        return [form.values() for form in self.forms if form.has_changed()]


GroupMemberFormSet: type[BaseGroupMemberFormSet] = forms.formset_factory(  # type: ignore[assignment]
    GroupMemberForm, formset=BaseGroupMemberFormSet, extra=0, max_num=50, absolute_max=50
)
