"""The filters of a dashboard: a GET form whose choices are the scope's calls, stages, districts."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rione.programmes.models import Call, Stage
from rione.territory.models import District


@dataclass(frozen=True)
class Filters:
    call: Call | None = None
    stage: Stage | None = None
    district: District | None = None

    @property
    def any(self) -> bool:
        return any((self.call, self.stage, self.district))


def _choices(items: Sequence[Any], everything: str) -> list[tuple[str, str]]:
    return [("", everything), *((str(item.pk), str(item)) for item in items)]


class FilterForm(forms.Form):
    """``municipalita`` always; ``avviso`` and ``fase`` on a programme's dashboard."""

    def __init__(
        self,
        data: Any,
        *,
        districts: Sequence[District],
        calls: Sequence[Call] = (),
        stages: Sequence[Stage] = (),
    ) -> None:
        super().__init__(data or None)
        self.by_id: dict[str, dict[str, Any]] = {}
        if calls:
            self._add("avviso", _("Avviso"), calls, _("Tutti gli avvisi"))
        if stages:
            self._add("fase", _("Fase del programma"), stages, _("Tutte le fasi"))
        self._add("municipalita", _("Municipalità"), districts, _("Tutte le municipalità"))

    def _add(self, name: str, label: Any, items: Sequence[Any], everything: Any) -> None:
        self.fields[name] = forms.ChoiceField(
            label=label, required=False, choices=_choices(items, str(everything))
        )
        self.by_id[name] = {str(item.pk): item for item in items}

    def filters(self) -> Filters:
        """The valid choices (an invalid one is reported on its field and not applied)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        chosen = {
            name: self.by_id[name].get(self.cleaned_data.get(name) or "") for name in self.by_id
        }
        return Filters(
            call=chosen.get("avviso"), stage=chosen.get("fase"), district=chosen.get("municipalita")
        )
