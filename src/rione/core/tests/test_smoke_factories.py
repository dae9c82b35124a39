import pytest

from rione.programmes.models import CallPhase
from rione.programmes.tests.factories import CallFactory


@pytest.mark.django_db
def test_factories_build_an_open_call():
    call = CallFactory(open=True)
    assert call.phase == CallPhase.OPEN
    assert call.eligible_applicant_types.count() == 2
    assert call.eligible_neighbourhoods.get().city == call.city
