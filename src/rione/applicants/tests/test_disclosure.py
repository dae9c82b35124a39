import pytest

from rione.applicants.disclosure import names_a_person, public_applicant_name


def test_an_informal_group_is_never_named():
    assert public_applicant_name(kind="informal_group", name="Amici di Scampia") == (
        "Gruppo informale"
    )


@pytest.mark.parametrize(
    ("name", "form", "representative", "shown"),
    [
        ("Pizzeria da Mario di Rossi Mario", "company", "Mario Rossi", "Impresa individuale"),
        ("ROSSI MARIO", "other", "Mario Rossi", "Impresa individuale"),
        ("Rossi & Figli S.r.l.", "company", "Mario Rossi", "Rossi & Figli S.r.l."),
        ("Fondazione Mario Rossi", "foundation", "Mario Rossi", "Fondazione Mario Rossi"),
        ("Cooperativa Il Gabbiano", "odv", "Anna De Luca", "Cooperativa Il Gabbiano"),
        ("Bar Centrale", "company", "", "Bar Centrale"),
    ],
)
def test_a_business_named_after_its_owner_is_a_sole_trader(name, form, representative, shown):
    assert (
        public_applicant_name(
            kind="organisation", name=name, legal_form=form, legal_representative=representative
        )
        == shown
    )


def test_missing_values_give_an_empty_name_not_none():
    assert public_applicant_name(kind="organisation", name=None, legal_form=None) == ""


def test_names_a_person_needs_every_word_and_ignores_initials():
    assert names_a_person("Studio Anna M. De Luca", "Anna M De Luca")
    assert not names_a_person("Studio De Luca", "Anna De Luca")
    assert not names_a_person("Anything", "")
