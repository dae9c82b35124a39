"""Forms of the back office. They parse and label input; the services validate and write."""

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rione.core.models import Role, User
from rione.portal.models import News, Story
from rione.programmes.models import (
    AmendmentKind,
    Call,
    ExtraQuestion,
    FaqEntry,
    GrantRule,
    Lot,
    Programme,
    RequiredDocument,
    Stage,
)
from rione.territory.models import (
    ApplicantType,
    City,
    District,
    Neighbourhood,
    Site,
)

ROME_HELP = _("Data e ora italiana (Europe/Rome).")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def rome_datetime_field(label: Any, *, required: bool = False) -> forms.DateTimeField:
    """A datetime typed on the Europe/Rome wall clock (the active time zone)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
        help_text=ROME_HELP,
    )


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that only parses input: the service runs the model's validation and saves."""

    def _post_clean(self) -> None:
        pass

    def values(self, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
        """The cleaned plain fields, for a service's ``values`` argument."""
        skip = set(exclude) | set(self.m2m_names()) | {"updated_at"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def m2m(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.m2m_names() if name in self.fields}

    def m2m_names(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.many_to_many if f.name in self.fields]


class VersionedForm(ServiceModelForm):
    """Carries the ``updated_at`` of the record it edits, so a later save can spot a conflict."""

    updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stamp = getattr(self.instance, "updated_at", None)
        if self.instance.pk and stamp is not None:
            self.fields["updated_at"].initial = stamp.isoformat()

    def clean_updated_at(self) -> datetime | None:
        raw = self.cleaned_data.get("updated_at") or ""
        if not raw:
            return None
        try:
            return datetime.fromisoformat(raw)
        except ValueError as error:
            raise forms.ValidationError(
                _("Versione del modulo non valida: ricarica la pagina.")
            ) from error

    @property
    def expected_updated_at(self) -> datetime | None:
        value = self.cleaned_data.get("updated_at")
        return value if isinstance(value, datetime) else None


def set_queryset(form: forms.BaseForm, name: str, queryset: Any) -> None:
    """Limit a model-choice field to ``queryset`` (e.g. the rows of one city)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def checkbox_list(queryset: Any, label: Any, help_text: Any = "") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


# Programmes


class ProgrammeForm(VersionedForm):
    class Meta:
        model = Programme
        fields = ["title", "slug", "summary", "description", "funding_source", "total_budget"]


class StageForm(ServiceModelForm):
    class Meta:
        model = Stage
        fields = ["title", "description", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


# Calls


class CallForm(VersionedForm):
    opens_at = rome_datetime_field(_("apertura candidature"))
    closes_at = rome_datetime_field(_("scadenza"))

    class Meta:
        model = Call
        fields = [
            "title",
            "slug",
            "kind",
            "stage",
            "summary",
            "description",
            "who_can_apply",
            "opens_at",
            "closes_at",
            "budget",
            "cap_selected",
            "duration_months",
            "allows_multiple_proposals",
            "min_group_members",
            "restricted_to_call",
            "eligible_applicant_types",
            "eligible_neighbourhoods",
            "contact_email",
        ]

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        city_id = programme.city_id
        set_queryset(self, "stage", Stage.objects.filter(programme=programme))
        others = Call.objects.filter(city_id=city_id).order_by("title")
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        set_queryset(self, "restricted_to_call", others)
        self.fields["eligible_applicant_types"] = checkbox_list(
            ApplicantType.objects.filter(city_id=city_id, is_active=True),
            _("proponenti ammessi"),
        )
        self.fields["eligible_neighbourhoods"] = checkbox_list(
            Neighbourhood.objects.filter(city_id=city_id).select_related("district"),
            _("quartieri ammessi"),
        )
        if self.instance.pk:
            self.initial["eligible_applicant_types"] = [
                t.pk for t in self.instance.eligible_applicant_types.all()
            ]
            self.initial["eligible_neighbourhoods"] = [
                n.pk for n in self.instance.eligible_neighbourhoods.all()
            ]
        self.fields["budget"].help_text = _("In euro, ad esempio 516500,00.")

    def lock_dates(self) -> None:
        """A public call changes its dates only through an amendment."""
        for name in ("opens_at", "closes_at"):
            self.fields[name].disabled = True
            self.fields[name].help_text = _(
                "Il bando è pubblicato: per cambiare la scadenza pubblica una proroga."
            )


class LotForm(ServiceModelForm):
    class Meta:
        model = Lot
        fields = ["number", "title", "description", "budget", "sites"]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Vuoto: il numero successivo.")
        self.fields["sites"] = checkbox_list(
            Site.objects.filter(city=city).order_by("name"), _("sedi")
        )
        if self.instance.pk:
            self.initial["sites"] = [s.pk for s in self.instance.sites.all()]


class GrantRuleForm(ServiceModelForm):
    class Meta:
        model = GrantRule
        fields = ["category", "min_grant", "max_grant", "min_cofinancing_pct"]
        help_texts = {
            "min_cofinancing_pct": _("Quota minima a carico del proponente, tra 0 e 100."),
        }


class RequiredDocumentForm(ServiceModelForm):
    class Meta:
        model = RequiredDocument
        fields = ["title", "description", "is_mandatory", "order"]


class ExtraQuestionForm(ServiceModelForm):
    class Meta:
        model = ExtraQuestion
        fields = ["text", "help_text", "kind", "choices", "is_required", "max_length", "order"]


class FaqForm(ServiceModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question", "answer", "order"]


class CallDocumentForm(forms.Form):
    title = forms.CharField(label=_("titolo"), max_length=200)
    file = forms.FileField(
        label=_("file PDF"),
        help_text=_("Solo file PDF, al massimo 20 MB."),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("tipo"), choices=AmendmentKind.choices)
    text = forms.CharField(label=_("testo"), widget=forms.Textarea(attrs={"rows": 4}))
    new_closes_at = rome_datetime_field(_("nuova scadenza"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_closes_at"].help_text = _(
            "Solo per la proroga. Data e ora italiana (Europe/Rome)."
        )


# Territory


class SiteForm(VersionedForm):
    class Meta:
        model = Site
        fields = [
            "name",
            "slug",
            "neighbourhood",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "description",
            "is_illustrative",
        ]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "neighbourhood", Neighbourhood.objects.filter(city=city))


class HttpsURLField(forms.URLField):
    """An address typed without a scheme is taken as https://."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(assume_scheme="https", **kwargs)


class CityForm(VersionedForm):
    """What a city says of itself: on the portal's pages, in the documents and in open data."""

    class Meta:
        model = City
        fields = [
            "name",
            "official_name",
            "ipa_code",
            "region",
            "description",
            "office",
            "address",
            "opening_hours",
            "email",
            "pec",
            "phone",
            "website",
        ]
        field_classes = {"website": HttpsURLField}

    def clean_ipa_code(self) -> str:
        # IPA shows codes in either case; the register and the catalogue use lower case.
        return str(self.cleaned_data["ipa_code"]).lower()


class DistrictForm(ServiceModelForm):
    class Meta:
        model = District
        fields = ["name", "code", "slug", "order"]


class NeighbourhoodForm(ServiceModelForm):
    class Meta:
        model = Neighbourhood
        fields = ["district", "name", "slug", "is_target_area", "order"]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "district", District.objects.filter(city=city))


TERM_FIELDS = ["name", "name_en", "slug", "order", "is_active"]


def term_form_class(model: type[Any]) -> type[ServiceModelForm]:
    extra = ["category", "runts_section"] if model is ApplicantType else []
    meta = type(
        "Meta", (), {"model": model, "fields": [*TERM_FIELDS[:3], *extra, *TERM_FIELDS[3:]]}
    )
    return type(f"{model.__name__}Form", (ServiceModelForm,), {"Meta": meta})


# Portal content


class NewsForm(VersionedForm):
    class Meta:
        model = News
        fields = ["kind", "title", "slug", "programme", "call", "summary", "body"]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "programme", Programme.objects.filter(city=city))
        set_queryset(self, "call", Call.objects.filter(city=city).order_by("title"))


class StoryForm(VersionedForm):
    class Meta:
        model = Story
        fields = ["title", "slug", "programme", "neighbourhood", "summary", "body", "told_by"]

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "programme", Programme.objects.filter(city=city))
        set_queryset(self, "neighbourhood", Neighbourhood.objects.filter(city=city))


# Staff


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("indirizzo e-mail"),
        help_text=_("La persona riceverà un collegamento valido 14 giorni."),
    )
    role = forms.ChoiceField(label=_("ruolo"), choices=Role.choices)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.get_full_name()
        return f"{name} <{obj.email}>" if name else obj.email


class GrantRoleForm(forms.Form):
    user = StaffChoiceField(label=_("persona"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("ruolo"), choices=Role.choices)

    def __init__(self, *args: Any, city: City, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(
            self, "user", User.objects.filter(staff_roles__city=city).distinct().order_by("email")
        )
        self.fields["user"].help_text = _(
            "Solo persone che hanno già un ruolo nella città; le altre vanno invitate."
        )


class PhaseFilterForm(forms.Form):
    fase = forms.ChoiceField(label=_("fase"), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "fase", [("", _("Tutte")), *choices])


class ProposalFilterForm(forms.Form):
    """Filters of a call's proposals; ``lotto`` only when the call has lots."""

    KINDS = [
        ("organisation", _("Ente")),
        ("network", _("Ente capofila di rete")),
        ("group", _("Gruppo informale")),
    ]

    testo = forms.CharField(
        label=_("cerca"),
        required=False,
        max_length=200,
        help_text=_("Titolo, nome del proponente o numero di protocollo."),
    )
    stato = forms.ChoiceField(label=_("stato"), required=False)
    tipo = forms.ChoiceField(label=_("proponente"), required=False)
    lotto = forms.ChoiceField(label=_("lotto"), required=False)

    def __init__(
        self, *args: Any, statuses: list[tuple[str, Any]], lots: list[Lot], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lots = {str(lot.pk): lot for lot in lots}
        set_choices(self, "stato", [("", _("Tutti")), *statuses])
        set_choices(self, "tipo", [("", _("Tutti")), *self.KINDS])
        if lots:
            set_choices(
                self, "lotto", [("", _("Tutti")), *((k, str(v)) for k, v in self.lots.items())]
            )
        else:
            del self.fields["lotto"]

    def filters(self) -> dict[str, Any]:
        """The filters for ``selectors.submitted_versions`` (none when the input is invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "status": data["stato"],
            "kind": data["tipo"],
            "lot": self.lots.get(data.get("lotto") or ""),
            "q": data["testo"],
        }


class AnswerQuestionForm(forms.Form):
    answer = forms.CharField(
        label=_("risposta"), widget=forms.Textarea(attrs={"rows": 8}), max_length=4000
    )
    publish_as_faq = forms.BooleanField(
        label=_("pubblica anche nelle FAQ dell'avviso"),
        required=False,
        help_text=_(
            "La domanda e la risposta compaiono subito tra le FAQ pubbliche, "
            "senza il nome di chi ha chiesto."
        ),
    )

    def __init__(self, *args: Any, in_faq: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if in_faq:
            del self.fields["publish_as_faq"]
