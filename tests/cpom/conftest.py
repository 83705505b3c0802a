import pytest

from tests.api.conftest import api  # noqa: F401 - the API clients of the personas


@pytest.fixture(autouse=True)
def _director_of_the_association(request):
    """A CPOM is its organisation's contract: who reads or manages it holds a membership on the
    organisation (steering scope rule). In these tests the director, the quality referent and the
    educator of E1 are also the association's (managers, and a reader who may not write); staff of
    one establishment or unit only are tested in tests/steering/test_steering_scope.py."""
    if "world" not in request.fixturenames:
        return
    from parcours.access.models import Membership

    world = request.getfixturevalue("world")
    Membership.objects.create(user=world.director, role="director", organisation=world.assoc)
    Membership.objects.create(user=world.quality, role="quality", organisation=world.assoc)
    Membership.objects.create(user=world.educator, role="educator", organisation=world.assoc)
