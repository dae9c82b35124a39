"""Forms of the evaluation. They parse and label input; the services validate and write."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rione.backoffice.forms import rome_datetime_field
from rione.core.models import User
from rione.core.uploads import ACCEPTED_LABEL
from rione.evaluation import ranking_selectors
from rione.evaluation.models import (
    AdmissibilityOutcome,
    AppealOutcome,
    ChecklistItem,
    CommissionMember,
    CommissionRole,
    Criterion,
    EntryStatus,
    Participation,
    ScoringMethod,
    SelectionRules,
)
from rione.evaluation.models import Overflow as RankingOverflow
from rione.programmes.models import Lot, RequiredDocument

# Admissibility


class AdmissibilityFilterForm(forms.Form):
    esito = forms.ChoiceField(
        label=_("esito"),
        required=False,
        choices=[("", _("Tutti")), *AdmissibilityOutcome.choices],
    )

    def outcome(self) -> str:
        """The outcome to filter by ("" for all, and when the input is invalid)."""
        return str(self.cleaned_data["esito"]) if self.is_valid() else ""


class ChecklistItemForm(forms.Form):
    text = forms.CharField(
        label=_("verifica"),
        max_length=300,
        help_text=_(
            "Una condizione da verificare a mano su ogni proposta, ad esempio "
            "«Il progetto si svolge in uno spazio accessibile»."
        ),
    )
    order = forms.IntegerField(
        label=_("ordine"),
        min_value=0,
        required=False,
        initial=0,
        help_text=_("Le verifiche sono elencate dal numero più basso."),
    )


class DecisionForm(forms.Form):
    """The outcome of one proposal: manual checks passed, outcome, reason."""

    passed = forms.MultipleChoiceField(
        label=_("verifiche manuali superate"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Spunta le verifiche che la proposta supera; le altre risultano non superate."),
    )
    outcome = forms.ChoiceField(
        label=_("esito"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Scegli l'esito.")},
    )
    reason = forms.CharField(
        label=_("motivazione"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Obbligatoria. Il proponente la riceve per e-mail insieme all'esito."),
        error_messages={"required": _("Scrivi la motivazione dell'esito: è obbligatoria.")},
    )

    def __init__(
        self,
        *args: Any,
        outcomes: Iterable[str],
        items: Iterable[ChecklistItem],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.outcomes = list(outcomes)
        labels = dict(AdmissibilityOutcome.choices)
        outcome_field = self.fields["outcome"]
        assert isinstance(outcome_field, forms.ChoiceField)
        outcome_field.choices = [(value, labels[value]) for value in self.outcomes]
        outcome_field.widget.attrs["class"] = "form-check-input"
        passed_field = self.fields["passed"]
        assert isinstance(passed_field, forms.MultipleChoiceField)
        passed_field.choices = [(str(item.pk), item.text) for item in self.items]
        if not self.items:
            del self.fields["passed"]

    def manual(self) -> dict[int, bool]:
        """{checklist item id: passed} for every item of the call."""
        passed = set(self.cleaned_data.get("passed") or [])
        return {item.pk: str(item.pk) in passed for item in self.items}


class IntegrationRequestForm(forms.Form):
    message = forms.CharField(
        label=_("che cosa serve"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Il proponente riceve questo testo per e-mail e nella sua area personale."),
        error_messages={"required": _("Scrivi che cosa deve integrare il proponente.")},
    )
    due_at = rome_datetime_field(_("termine per rispondere"), required=True)
    required_document = forms.ModelChoiceField(
        label=_("documento richiesto"),
        queryset=RequiredDocument.objects.none(),
        required=False,
        empty_label=_("Nessuno: un chiarimento o un altro documento"),
        help_text=_("Il file che il proponente carica sarà collegato a questo documento."),
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document_field = self.fields["required_document"]
        assert isinstance(document_field, forms.ModelChoiceField)
        document_field.queryset = documents


class IntegrationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("la tua risposta"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Scrivi la risposta alla richiesta.")},
    )
    file = forms.FileField(
        label=_("file (facoltativo)"),
        required=False,
        help_text=ACCEPTED_LABEL,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.p7m,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.odt,.ods"}
        ),
    )


# Commissions and scoring


def points_field(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DecimalField:
    """Points typed the Italian way (7,5), with a numeric keyboard on phones.

    Range checks are the services' (their messages name the criterion and its maximum).
    """
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=7,
        decimal_places=2,
        localize=True,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class CriterionForm(forms.Form):
    parent = forms.ModelChoiceField(
        label=_("criterio superiore"),
        queryset=Criterion.objects.none(),
        required=False,
        empty_label=_("Nessuno: è un criterio principale"),
        help_text=_(
            "Un sotto-criterio si valuta da solo; il criterio superiore vale la somma dei suoi "
            "sotto-criteri."
        ),
    )
    code = forms.CharField(label=_("codice"), max_length=20, help_text=_("Ad esempio A o A.1."))
    title = forms.CharField(label=_("criterio"), max_length=300)
    description = forms.CharField(
        label=_("indicazioni per i valutatori"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    max_points = points_field(
        _("punteggio massimo"),
        help_text=_("Per un criterio con sotto-criteri è la loro somma, calcolata da sola."),
    )
    weight = points_field(
        _("peso"),
        help_text=_("Moltiplica il punteggio del criterio nel totale. Solo i criteri principali."),
    )
    min_points = points_field(
        _("punteggio minimo"),
        help_text=_("Facoltativo: una proposta sotto questo punteggio viene segnalata."),
    )
    order = forms.IntegerField(label=_("ordine"), min_value=0, required=False, initial=0)

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        if parents is None:
            del self.fields["parent"]
        else:
            parent_field.queryset = parents
        self.fields["weight"].initial = 1

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["weight"] = data.get("weight") or Decimal(1)
        data["order"] = data.get("order") or 0
        return data


class BonusRuleForm(forms.Form):
    points = points_field(
        _("punti"), help_text=_("Lascia vuoto (o zero) per non dare questa premialità.")
    )


class CommissionForm(forms.Form):
    name = forms.CharField(label=_("nome"), max_length=200)
    lot = forms.ModelChoiceField(
        label=_("lotto"),
        queryset=Lot.objects.none(),
        required=False,
        empty_label=_("Tutto l'avviso"),
        help_text=_("Una commissione per tutto l'avviso, oppure una per ciascun lotto."),
    )
    method = forms.ChoiceField(
        label=_("aggregazione dei punteggi"),
        choices=ScoringMethod.choices,
        widget=forms.RadioSelect,
    )
    evaluators_per_proposal = forms.IntegerField(
        label=_("valutatori per proposta"),
        min_value=1,
        required=False,
        help_text=_("Vuoto: tutti i componenti valutano tutte le proposte."),
    )
    outlier_gap = points_field(
        _("scarto che segnala un punteggio da discutere"),
        help_text=_(
            "Facoltativo: se due componenti danno a un criterio punteggi più distanti di così, "
            "la proposta viene segnalata."
        ),
    )

    def __init__(self, *args: Any, lots: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lot_field = self.fields["lot"]
        assert isinstance(lot_field, forms.ModelChoiceField)
        if lots is None or not lots.exists():
            del self.fields["lot"]
        else:
            lot_field.queryset = lots


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user)


class MemberForm(forms.Form):
    user = PersonChoiceField(
        label=_("persona"),
        queryset=User.objects.none(),
        help_text=_("Solo chi fa parte dello staff della città."),
    )
    role = forms.ChoiceField(label=_("ruolo"), choices=CommissionRole.choices)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = people


class ReassignForm(forms.Form):
    from_member = MemberChoiceField(label=_("da"), queryset=CommissionMember.objects.none())
    to_member = MemberChoiceField(label=_("a"), queryset=CommissionMember.objects.none())

    def __init__(self, *args: Any, current: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("from_member", current), ("to_member", candidates)):
            member_field = self.fields[name]
            assert isinstance(member_field, forms.ModelChoiceField)
            member_field.queryset = queryset


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("hai un conflitto di interessi con questa proposta?"),
        choices=[
            ("no", _("No, non ho conflitti di interessi")),
            ("si", _("Sì, ho un conflitto di interessi")),
        ],
        coerce=lambda value: value == "si",
        widget=forms.RadioSelect,
        error_messages={"required": _("Rispondi sì o no.")},
    )
    reason = forms.CharField(
        label=_("motivo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obbligatorio se dichiari un conflitto."),
    )


class ScoresForm(forms.Form):
    """Points and a comment for each scored criterion, plus an overall judgement.

    Field names ``points_<criterion id>`` and ``comment_<criterion id>`` are those the
    scoring services key their errors by.
    """

    comment = forms.CharField(
        label=_("giudizio complessivo"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    confirm = forms.BooleanField(
        label=_("Confermo: dopo la firma la valutazione non si può più modificare."),
        required=False,
    )

    def __init__(
        self, *args: Any, criteria: Iterable[Criterion], overall: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"points_{criterion.pk}"] = points_field(
                _("punteggio (massimo %(max)s)") % {"max": criterion.max_points}
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("commento"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if not overall:
            del self.fields["comment"]
            del self.fields["confirm"]

    def rows(self) -> list[tuple[Criterion, forms.BoundField, forms.BoundField]]:
        return [(c, self[f"points_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def points(self) -> dict[int, Decimal | None]:
        return {c.pk: self.cleaned_data.get(f"points_{c.pk}") for c in self.criteria}

    def comments(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"comment_{c.pk}") or "" for c in self.criteria}


# Rankings


MAX_TIE_BREAKS = 5


def _count_field(label: Any, help_text: Any) -> forms.IntegerField:
    """A whole number, zero or more, that may be left empty."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=9999,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Scrivi un numero intero (ad esempio 3), oppure lascia vuoto."),
            "min_value": _("Il numero non può essere negativo."),
            "max_value": _("Il numero è troppo grande."),
        },
    )


class SelectionRulesForm(forms.Form):
    """The selection rules of a call in plain fields; :meth:`values` gives the stored shape.

    Per applicant category ``max_<category>`` (empty: no limit) and ``reserved_<category>``
    (empty: none); tie-breaks as ``tie_break_1`` … in order, each a value of
    ``ranking_selectors.tie_break_choices``. A reserved share above its category's maximum
    or the call's cap, or the same tie-break twice, is refused with a message.
    """

    overall_min = forms.DecimalField(
        label=_("punteggio minimo complessivo"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        localize=True,
        help_text=_("Facoltativo: una proposta sotto questo punteggio non entra in graduatoria."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    overflow = forms.ChoiceField(
        label=_("quando la proposta successiva non rientra nella dotazione"),
        choices=RankingOverflow.choices,
    )
    appeal_days = forms.IntegerField(
        label=_("giorni per i ricorsi"),
        min_value=0,
        max_value=365,
        help_text=_("Dalla pubblicazione della graduatoria provvisoria."),
        error_messages={"invalid": _("Scrivi un numero intero di giorni.")},
    )
    earlier_call_participation = forms.ChoiceField(
        label=_("chi conta come partecipante per gli avvisi successivi riservati"),
        choices=Participation.choices,
    )

    def __init__(
        self,
        *args: Any,
        rules: SelectionRules,
        criteria: Iterable[Criterion],
        cap: int | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap
        self.categories = ranking_selectors.rule_categories(rules)
        for category in self.categories:
            self.fields[f"max_{category}"] = _count_field(
                _("massimo selezionabili"), _("Vuoto: nessun limite. Zero: nessuna proposta.")
            )
            self.fields[f"reserved_{category}"] = _count_field(
                _("quota riservata"),
                _("Vuoto: nessuna. Almeno tante proposte selezionate, se idonee in graduatoria."),
            )
        stored = [ranking_selectors.tie_break_code(item) for item in rules.tie_breaks or []]
        choices = ranking_selectors.tie_break_choices(criteria)
        known = {value for value, _label in choices}
        for code in stored:
            if code not in known:  # a criterion since removed: kept until someone changes it
                choices.append((code, ranking_selectors.tie_break_label(code, {})))
                known.add(code)
        self.tie_break_labels = dict(choices)
        self.slots = max(min(len(choices), MAX_TIE_BREAKS), len(stored))
        for n in range(1, self.slots + 1):
            self.fields[f"tie_break_{n}"] = forms.ChoiceField(
                label=gettext("%(n)d° criterio di parità") % {"n": n},
                required=False,
                choices=[("", gettext("Nessuno")), *choices],
            )
        self.initial.update(
            {
                "overall_min": rules.overall_min,
                "overflow": rules.overflow,
                "appeal_days": rules.appeal_days,
                "earlier_call_participation": rules.earlier_call_participation,
                **{f"max_{c}": n for c, n in (rules.quotas or {}).items()},
                **{f"reserved_{c}": n for c, n in (rules.reserved or {}).items()},
                **{f"tie_break_{n}": code for n, code in enumerate(stored, start=1)},
            }
        )

    def category_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(category label, maximum field, reserved field) for each category."""
        return [
            (
                ranking_selectors.category_label(c),
                self[f"max_{c}"],
                self[f"reserved_{c}"],
            )
            for c in self.categories
        ]

    def tie_break_fields(self) -> list[forms.BoundField]:
        return [self[f"tie_break_{n}"] for n in range(1, self.slots + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        total = 0
        for category in self.categories:
            maximum = data.get(f"max_{category}")
            reserved = data.get(f"reserved_{category}")
            if reserved is None:
                continue
            total += reserved
            if maximum is not None and reserved > maximum:
                self.add_error(
                    f"reserved_{category}",
                    gettext(
                        "La quota riservata (%(reserved)d) supera il massimo selezionabile per "
                        "questa tipologia (%(maximum)d)."
                    )
                    % {"reserved": reserved, "maximum": maximum},
                )
            elif self.cap is not None and reserved > self.cap:
                self.add_error(
                    f"reserved_{category}",
                    gettext(
                        "La quota riservata (%(reserved)d) supera il numero massimo di proposte "
                        "selezionabili nell'avviso (%(cap)d)."
                    )
                    % {"reserved": reserved, "cap": self.cap},
                )
        if self.cap is not None and total > self.cap and not self.errors:
            self.add_error(
                None,
                gettext(
                    "Le quote riservate, sommate, sono %(total)d: più del numero massimo di "
                    "proposte selezionabili nell'avviso (%(cap)d)."
                )
                % {"total": total, "cap": self.cap},
            )
        first: dict[str, int] = {}
        for n in range(1, self.slots + 1):
            code = data.get(f"tie_break_{n}")
            if not code:
                continue
            if code in first:
                self.add_error(
                    f"tie_break_{n}",
                    gettext(
                        "«%(label)s» è già il %(n)d° criterio di parità: ogni criterio si usa "
                        "una volta sola."
                    )
                    % {"label": self.tie_break_labels[code], "n": first[code]},
                )
            else:
                first[code] = n
        return data

    def values(self) -> dict[str, Any]:
        """The values for ``services.save_selection_rules``, in the stored shape."""
        data = self.cleaned_data
        codes = [data.get(f"tie_break_{n}") for n in range(1, self.slots + 1)]
        return {
            "overall_min": data["overall_min"],
            "overflow": data["overflow"],
            "appeal_days": data["appeal_days"],
            "earlier_call_participation": data["earlier_call_participation"],
            "quotas": {
                c: data[f"max_{c}"] for c in self.categories if data.get(f"max_{c}") is not None
            },
            "reserved": {
                c: data[f"reserved_{c}"]
                for c in self.categories
                if data.get(f"reserved_{c}") is not None
            },
            "tie_breaks": [ranking_selectors.tie_break_item(code) for code in codes if code],
        }


class RankingFilterForm(forms.Form):
    """The outcome to show in a ranking table (GET ``esito``)."""

    esito = forms.ChoiceField(
        label=_("esito"),
        required=False,
        choices=[("", _("Tutti gli esiti")), *EntryStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def status(self) -> str:
        """The outcome to filter by ("" for all, and when the input is invalid)."""
        return str(self.cleaned_data["esito"]) if self.is_valid() else ""


class RenounceForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Confermo la rinuncia: so che non si può annullare."),
        error_messages={"required": _("Spunta la conferma per rinunciare.")},
    )


class FinalRankingForm(forms.Form):
    act_number = forms.CharField(label=_("numero della determina"), max_length=60)
    act_date = forms.DateField(
        label=_("data della determina"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("esito"),
        widget=forms.RadioSelect,
        choices=[(AppealOutcome.UPHELD, _("Accolto")), (AppealOutcome.REJECTED, _("Respinto"))],
    )
    decision = forms.CharField(
        label=_("decisione motivata"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    reopen = forms.BooleanField(
        label=_("riapri la valutazione della proposta"),
        required=False,
        help_text=_(
            "Solo per un ricorso accolto: le valutazioni firmate tornano in bozza, i punteggi "
            "concordati sono rimossi e i valutatori ricevono un'e-mail per firmare di nuovo."
        ),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("motivo della revoca"), max_length=100)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none is chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("motivi del ricorso"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Scrivi i motivi del ricorso.")},
    )
    documents = MultipleFileField(
        label=_("documenti a sostegno (facoltativi)"),
        required=False,
        widget=MultipleFileInput(
            attrs={"accept": ".pdf,.p7m,.png,.jpg,.jpeg,.doc,.docx,.xls,.xlsx,.odt,.ods"}
        ),
    )

    def __init__(self, *args: Any, max_files: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = gettext(
            "Fino a %(n)d file. Tipi ammessi: %(types)s."
        ) % {"n": max_files, "types": ACCEPTED_LABEL}
