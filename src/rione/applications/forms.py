"""Forms of the proposal steps. They parse and label input; the services validate and store.

Every field is optional here: a step may be saved half done. What is missing shows in
the step list and on the summary, and blocks only the submission.
"""

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rione.applicants.models import InformalGroup, OrganisationMembership
from rione.applications.models import Partner, Proposal
from rione.applications.services import IDEA_FIELDS, LineInput
from rione.backoffice.forms import ServiceModelForm
from rione.core.models import User
from rione.core.uploads import ACCEPTED_LABEL
from rione.programmes.models import Call, ExtraQuestion, Lot, QuestionKind
from rione.territory.models import CostCategory, Neighbourhood, Sector, TargetGroup

_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d*)?$")
_GROUPED_EN = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_amount(text: str) -> Decimal:
    """Read an amount as people type it: "1.250,50", "1250,50", "1250.50", "€ 1 250".

    In English, "1,250" (commas every three digits) is one thousand two hundred and fifty.
    """
    value = text.replace("€", "").replace(" ", "").replace("\u00a0", "").strip()
    if _GROUPED.match(value):
        value = value.replace(".", "")
    elif (get_language() or "it").startswith("en") and _GROUPED_EN.match(value):
        value = value.replace(",", "")
    if "," in value and "." in value:
        value = (
            value.replace(".", "")
            if value.rfind(",") > value.rfind(".")
            else value.replace(",", "")
        )
    value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError(_("Scrivi un importo in cifre, ad esempio 1.250,50.")) from None
    if not number.is_finite():
        raise ValidationError(_("Scrivi un importo in cifre, ad esempio 1.250,50."))
    return number


class AmountField(forms.Field):
    """An amount typed the Italian way (or the English one), returned as Decimal."""

    widget = forms.TextInput

    def __init__(self, *args: Any, places: int = 2, **kwargs: Any) -> None:
        self.places = places
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"})

    def to_python(self, value: Any) -> Decimal | None:
        text = str(value or "").strip()[:40]
        if not text:
            return None
        number = parse_amount(text)
        if number < 0:
            raise ValidationError(_("L'importo non può essere negativo."))
        if number >= Decimal("1e11"):
            raise ValidationError(_("L'importo è troppo grande."))
        if number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise ValidationError(_("Al massimo %(n)d cifre decimali.") % {"n": self.places})
        return number

    def prepare_value(self, value: Any) -> Any:
        """Decimals shown the Italian way, 1.250,50, which ``parse_amount`` reads back."""
        if isinstance(value, Decimal):
            return f"{value:,.{self.places}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return value


class StepForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


def applicant_choices(user: User) -> list[tuple[str, str]]:
    """The organisations and groups ``user`` may apply for, as "org:<id>" and "group:<id>"."""
    choices = [
        (f"org:{m.organisation_id}", str(m.organisation.name))
        for m in OrganisationMembership.objects.filter(user=user).select_related("organisation")
    ]
    choices += [
        (f"group:{g.pk}", f"{g.name} ({_('gruppo informale')})")
        for g in InformalGroup.objects.filter(contact=user)
    ]
    return choices


class ApplicantStepForm(StepForm):
    applicant = forms.ChoiceField(
        label=_("chi presenta la proposta"), widget=forms.RadioSelect, choices=()
    )
    is_network = forms.BooleanField(
        label=_("L'ente presenta la proposta come capofila di una rete di partenariato"),
        required=False,
        help_text=_(
            "Potrai indicare i partner, il ruolo e le risorse di ciascuno e caricare le lettere di impegno."
        ),
    )
    lot = forms.ModelChoiceField(label=_("lotto"), queryset=Lot.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = applicant_choices(user)  # type: ignore[attr-defined]
        lots = call.lots.order_by("number")
        if lots.exists():
            field = self.fields["lot"]
            field.queryset = lots  # type: ignore[attr-defined]
            field.required = True
            field.empty_label = _("Scegli il lotto")  # type: ignore[attr-defined]
        else:
            del self.fields["lot"]

    def applicant_kwargs(self) -> dict[str, Any]:
        kind, _sep, pk = self.cleaned_data["applicant"].partition(":")
        from rione.applicants.models import Organisation

        if kind == "group":
            return {"organisation": None, "group": InformalGroup.objects.get(pk=pk)}
        return {"organisation": Organisation.objects.get(pk=pk), "group": None}


class NewProposalForm(ApplicantStepForm):
    revision = None  # type: ignore[assignment]


class IdeaStepForm(StepForm):
    title = forms.CharField(label=_("titolo"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("sintesi"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In poche righe: che cosa fate, dove, per chi."),
    )
    sector = forms.ModelChoiceField(
        label=_("settore"), queryset=Sector.objects.none(), required=False
    )
    neighbourhoods = forms.ModelMultipleChoiceField(
        label=_("quartieri"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Solo i quartieri ammessi dall'avviso."),
    )
    problem = forms.CharField(
        label=_("problema o bisogno"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    solution = forms.CharField(
        label=_("soluzione proposta"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    innovation = forms.CharField(
        label=_("elementi di innovazione"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    impact = forms.CharField(
        label=_("impatto atteso"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    sustainability = forms.CharField(
        label=_("sostenibilità dopo il contributo"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Come proseguirà l'attività quando il contributo sarà finito."),
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(city_id=call.city_id, is_active=True)  # type: ignore[attr-defined]
        eligible = call.eligible_neighbourhoods.all()
        self.fields["neighbourhoods"].queryset = (  # type: ignore[attr-defined]
            eligible if eligible.exists() else Neighbourhood.objects.filter(city_id=call.city_id)
        ).select_related("district")
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs["data-counter"] = str(field.max_length)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in IDEA_FIELDS}


class TargetsStepForm(StepForm):
    """One number per target group of the city: leave it empty for groups the proposal does not address."""

    def __init__(self, *args: Any, call: Call, current: dict[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = list(TargetGroup.objects.filter(city_id=call.city_id, is_active=True))
        for group in self.groups:
            self.fields[f"group_{group.pk}"] = forms.IntegerField(
                label=group.label,
                required=False,
                min_value=1,
                max_value=1_000_000,
                initial=current.get(group.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def rows(self) -> list[tuple[TargetGroup, int]]:
        return [
            (group, self.cleaned_data[f"group_{group.pk}"])
            for group in self.groups
            if self.cleaned_data.get(f"group_{group.pk}")
        ]


def cost_categories(city_id: int) -> QuerySet[CostCategory]:
    """The cost categories a budget line of ``city_id`` may take."""
    return CostCategory.objects.filter(city_id=city_id, is_active=True)


class BudgetLineForm(forms.Form):
    cost_category = forms.ModelChoiceField(
        label=_("voce di costo"), queryset=CostCategory.objects.none(), required=False
    )
    description = forms.CharField(label=_("descrizione"), max_length=300, required=False)
    quantity = AmountField(label=_("quantità"), required=False)
    unit_cost = AmountField(label=_("costo unitario (€)"), required=False)

    def __init__(
        self,
        *args: Any,
        city_id: int,
        categories: Sequence[CostCategory] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category = cast(forms.ModelChoiceField, self.fields["cost_category"])
        category.queryset = cost_categories(city_id)
        if categories is not None:  # read once for the whole formset, not once per line
            category.choices = [("", category.empty_label), *((c.pk, str(c)) for c in categories)]
        for name, field in self.fields.items():
            if name != "DELETE":
                field.widget.attrs["class"] = (
                    "form-select" if name == "cost_category" else "form-control"
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [name for name in self.fields if data.get(name) not in (None, "")]
        if filled and len(filled) < len(self.fields):
            raise ValidationError(
                _("Completa la voce: categoria, descrizione, quantità e costo unitario.")
            )
        return data

    def line(self) -> LineInput | None:
        data = self.cleaned_data
        if not data or data.get("cost_category") is None or data.get("DELETE"):
            return None
        return LineInput(
            cost_category=data["cost_category"],
            description=data["description"],
            quantity=data["quantity"],
            unit_cost=data["unit_cost"],
        )


class BaseBudgetLineFormSet(forms.BaseFormSet[BudgetLineForm]):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if not hasattr(self, "_categories"):
            self._categories = list(cost_categories(kwargs["city_id"]))
        return {**kwargs, "categories": self._categories}

    def lines(self) -> list[LineInput]:
        return [line for form in self.forms if (line := form.line()) is not None]


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    extra=2,
    can_delete=True,
    max_num=100,
    absolute_max=100,
)


class BudgetStepForm(StepForm):
    requested_grant = AmountField(
        label=_("contributo richiesto (€)"),
        required=False,
        help_text=_(
            "La parte del costo totale che chiedi alla città; il resto è il tuo cofinanziamento."
        ),
    )


def question_field(question: ExtraQuestion) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.text,
        "required": False,
        "help_text": question.help_text,
    }
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=[("", "—"), ("yes", _("Sì")), ("no", _("No"))], **common)
    if question.kind == QuestionKind.CHOICE:
        options = [line.strip() for line in question.choices.splitlines() if line.strip()]
        return forms.ChoiceField(choices=[("", "—"), *[(o, o) for o in options]], **common)
    if question.kind == QuestionKind.NUMBER:
        return forms.CharField(
            max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common
        )
    limit = question.max_length or (400 if question.kind == QuestionKind.SHORT_TEXT else 4000)
    widget = (
        forms.TextInput()
        if question.kind == QuestionKind.SHORT_TEXT
        else forms.Textarea(attrs={"rows": 5})
    )
    widget.attrs["data-counter"] = str(limit)
    return forms.CharField(max_length=limit, widget=widget, **common)


class QuestionsStepForm(StepForm):
    def __init__(self, *args: Any, call: Call, current: dict[int, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(call.extra_questions.all())
        for question in self.questions:
            field = question_field(question)
            field.initial = current.get(question.pk, "")
            self.fields[f"q_{question.pk}"] = field

    def answers(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") or "" for q in self.questions}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("file"),
        help_text=ACCEPTED_LABEL,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.p7m,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.odt,.ods"}
        ),
    )
    title = forms.CharField(label=_("titolo dell'allegato"), max_length=200, required=False)
    required_document = forms.IntegerField(required=False, widget=forms.HiddenInput)
    partner = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PartnerForm(ServiceModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "codice_fiscale", "role", "resources"]
        widgets = {
            "role": forms.Textarea(attrs={"rows": 3}),
            "resources": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "codice_fiscale": _("Facoltativo."),
            "resources": _("Persone, spazi, attrezzature, competenze, fondi."),
        }


class SubmitForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    truthfulness = forms.BooleanField(
        label=_(
            "Dichiaro, ai sensi degli articoli 46 e 47 del DPR 445/2000 e consapevole delle "
            "sanzioni previste dall'articolo 76 per le dichiarazioni false, che quanto "
            "indicato nella domanda è vero."
        ),
        required=True,
    )
    privacy = forms.BooleanField(
        label=_(
            "Ho letto l'informativa sulla privacy dell'avviso e acconsento al trattamento dei "
            "dati per la gestione della domanda."
        ),
        required=True,
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("motivo del ritiro"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Facoltativo."),
    )
    confirm = forms.BooleanField(label=_("Confermo di voler ritirare la domanda."), required=True)


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("la tua domanda"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "data-counter": "2000"}),
        help_text=_("Non scrivere dati personali: la risposta potrà essere pubblicata tra le FAQ."),
    )


class VerifyReceiptForm(forms.Form):
    protocol_number = forms.IntegerField(
        label=_("numero di protocollo"), min_value=1, max_value=10**9
    )
    sha256 = forms.RegexField(
        label=_("impronta SHA-256"),
        regex=r"^\s*[0-9a-fA-F]{64}\s*$",
        error_messages={"invalid": _("L'impronta è fatta di 64 caratteri tra 0-9 e a-f.")},
    )

    def clean_sha256(self) -> str:
        return str(self.cleaned_data["sha256"]).strip().lower()


def proposal_initial(proposal: Proposal) -> dict[str, Any]:
    applicant = (
        f"org:{proposal.organisation_id}"
        if proposal.organisation_id
        else f"group:{proposal.group_id}"
    )
    return {"applicant": applicant, "is_network": proposal.is_network, "lot": proposal.lot_id}
