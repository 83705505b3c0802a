"""Every status transition, allowed and refused, against the table of API.md written out by hand."""

from datetime import date

import pytest

from parcours.admissions import services
from parcours.admissions.models import Referral
from parcours.core.errors import Conflict

STATUSES = ["received", "under_review", "accepted", "waiting_list", "refused", "admitted", "withdrawn"]
ALLOWED = {
    ("received", "under_review"),
    ("received", "accepted"),
    ("received", "waiting_list"),
    ("received", "refused"),
    ("received", "withdrawn"),
    ("received", "admitted"),  # admitted straight away: emergencies only
    ("under_review", "accepted"),
    ("under_review", "waiting_list"),
    ("under_review", "refused"),
    ("under_review", "withdrawn"),
    ("under_review", "admitted"),
    ("accepted", "admitted"),
    ("accepted", "waiting_list"),
    ("accepted", "refused"),
    ("accepted", "withdrawn"),
    ("accepted", "accepted"),
    ("waiting_list", "accepted"),
    ("waiting_list", "admitted"),
    ("waiting_list", "refused"),
    ("waiting_list", "withdrawn"),
    ("waiting_list", "waiting_list"),
    ("refused", "accepted"),
    ("refused", "waiting_list"),
    ("refused", "refused"),
}


@pytest.mark.parametrize("source", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_transition_table(source, target):
    referral = Referral(status=source)
    if (source, target) in ALLOWED:
        services._move(referral, target)
        assert referral.status == target
    else:
        with pytest.raises(Conflict):
            services._move(referral, target)


def test_closed_referrals_refuse_every_operation(world):
    referral = services.submit_referral(
        world.director,
        person=world.child.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="r",
        target_units=[world.u1.pk],
    )
    services.withdraw(world.director, referral.pk, reason="Retour en famille")
    for call in (
        lambda: services.decide(world.director, referral.pk, unit=world.u1.pk, decision="accepted"),
        lambda: services.admit(world.director, referral.pk, unit=world.u1.pk, start_date=date(2026, 12, 1)),
        lambda: services.withdraw(world.director, referral.pk, reason="encore"),
        lambda: services.request_information(world.director, referral.pk, message="?"),
    ):
        with pytest.raises(Conflict):
            call()


def test_reading_a_referral_is_audited(api, world):
    from parcours.access.models import AuditEvent

    referral = services.submit_referral(
        world.director,
        person=world.child.pk,
        modality="residential",
        public="child_protection",
        wished_date=date(2026, 12, 1),
        reason="r",
        target_units=[world.u1.pk],
    )
    api.director.get(f"/referrals/{referral.pk}")
    api.director.get(f"/referrals/{referral.pk}/matches")
    assert AuditEvent.objects.filter(
        actor=world.director,
        object_type="referral",
        object_id=str(referral.pk),
        action="view",
        person_id=world.child.pk,
    ).exists()
