from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import ConfigDict, Discriminator, Tag


class ReferralIn(Schema):
    person: int
    modality: str
    public: str
    emergency: bool = False
    wished_date: date
    reason: str
    target_units: list[int] = []
    organisation: int | None = None
    family_informed: bool = False
    family_informed_on: date | None = None
    consent_notes: str = ""
    needs: list[str] = []


class DecisionIn(Schema):
    unit: int
    decision: str
    reason: str = ""


class DecisionOut(Schema):
    id: int
    unit: int = Field(..., alias="unit_id")
    decision: str
    reason: str
    decided_on: date
    session: int | None = Field(None, alias="session_id")


class ReferralOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    modality: str
    public: str
    emergency: bool
    wished_date: date
    reason: str
    organisation: int | None = Field(None, alias="organisation_id")
    target_units: list[int]
    status: str
    received_on: date
    session: int | None = Field(None, alias="session_id")
    family_informed: bool
    family_informed_on: date | None
    consent_notes: str
    needs: list[str]
    decisions: list[DecisionOut]
    stay: int | None = Field(None, alias="stay_id")
    outcome: str
    follow_up_due: date | None = None
    emergency_end_due: date | None = None

    @staticmethod
    def resolve_follow_up_due(obj):
        """After an emergency admission, the orientation decision is due within the unit's delay."""
        from datetime import timedelta

        if obj.emergency and obj.stay_id:
            return obj.stay.start_date + timedelta(days=obj.stay.unit.emergency_follow_up_days)
        return None

    @staticmethod
    def resolve_emergency_end_due(obj):
        from datetime import timedelta

        if obj.emergency and obj.stay_id:
            return obj.stay.start_date + timedelta(days=obj.stay.unit.max_emergency_days)
        return None

    @staticmethod
    def resolve_target_units(obj):
        return [u.pk for u in obj.target_units.all()]

    @staticmethod
    def resolve_decisions(obj):
        return list(obj.decisions.all())


class ReferralPartnerOut(Schema):
    """What a partner sees of its referral: its status and the unit proposed, nothing else."""

    # Nothing else indeed: the document tells the two views of a referral apart.
    model_config = ConfigDict(json_schema_extra={"additionalProperties": False})

    id: int
    person: int = Field(..., alias="person_id")
    emergency: bool
    wished_date: date
    status: str
    received_on: date
    outcome: str
    proposed_unit: str | None = None
    stay: int | None = Field(None, alias="stay_id")

    @staticmethod
    def resolve_proposed_unit(obj):
        accepted = [d for d in obj.decisions.all() if d.decision == "accepted"]
        return accepted[0].unit.name if accepted else None


class AdmitIn(Schema):
    unit: int
    start_date: date


class WithdrawIn(Schema):
    reason: str


class MatchOut(Schema):
    unit: int
    unit_name: str
    score: float
    vacant: int
    reasons: list[str]


class WaitingOut(Schema):
    rank: int
    referral: int
    person: int
    decision: str
    emergency: bool
    decided_on: date
    waiting_days: int


class SessionIn(Schema):
    date: date
    organisation: int
    kind: str = "admission_commission"
    members: list[int] = []


class SessionOut(Schema):
    id: int
    date: date
    organisation: int = Field(..., alias="organisation_id")
    kind: str
    members: list[int]
    referrals: list[int]

    @staticmethod
    def resolve_members(obj):
        return [u.pk for u in obj.members.all()]

    @staticmethod
    def resolve_referrals(obj):
        return [r.pk for r in obj.referrals.all()]


class AgendaIn(Schema):
    referral: int


class OutcomeIn(Schema):
    outcome: str
    reason: str = ""


class NotificationOut(Schema):
    id: int
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None


def _view_of(referral) -> str:
    return "partner" if getattr(referral, "partner_view", False) else "full"


# A referral as its reader may see it: in full, or a partner's view (status and proposed unit) when
# the API marked it so (referral.partner_view).
ReferralView = Annotated[
    Annotated[ReferralOut, Tag("full")] | Annotated[ReferralPartnerOut, Tag("partner")],
    Discriminator(_view_of),
]


class ReferralListOut(Schema):
    count: int
    items: list[ReferralView]


class AllocationLineOut(Schema):
    referral: int
    unit: int
    score: float


class AllocationOut(Schema):
    on: date
    assignments: list[AllocationLineOut]
    unplaced: list[int]
