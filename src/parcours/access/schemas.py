from datetime import date, datetime

from ninja import Field, Schema


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str


class MembershipIn(Schema):
    role: str
    scope: str = Field(..., description="organisation:ID, establishment:ID ou unit:ID")


class MembershipOut(Schema):
    role: str
    scope: str


class UserIn(Schema):
    username: str
    password: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    memberships: list[MembershipIn] = []


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    is_active: bool
    memberships: list[MembershipOut]

    @staticmethod
    def resolve_memberships(obj):
        return [{"role": m.role, "scope": m.scope} for m in obj.memberships.all()]


class UserList(Schema):
    count: int
    items: list[UserOut]


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    otp_verified: bool


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor: int | None = Field(None, alias="actor_id")
    actor_label: str
    action: str
    object_type: str
    object_id: str
    person: int | None = Field(None, alias="person_id")
    ip: str | None
    reason: str
    details: dict


class AuditList(Schema):
    count: int
    items: list[AuditEventOut]


class AuditFilters(Schema):
    person: int | None = None
    actor: int | None = None
    action: str | None = None
    from_: date | None = Field(None, alias="from")
    to: date | None = None
    limit: int = 50
    offset: int = 0
