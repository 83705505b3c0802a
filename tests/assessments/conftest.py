import pytest

from tests.api.conftest import api  # noqa: F401 - the API clients of the personas


@pytest.fixture(autouse=True)
def _director_of_the_association(request):
    """Assessment grids are their organisation's: who designs them holds a membership on the
    organisation (steering scope rule). In these tests the director of E1 is also the director of its
    association; the establishment-only director is tested in tests/steering/test_steering_scope.py."""
    if "world" not in request.fixturenames:
        return
    from parcours.access.models import Membership

    world = request.getfixturevalue("world")
    Membership.objects.create(user=world.director, role="director", organisation=world.assoc)
