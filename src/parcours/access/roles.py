"""Roles and what each may do. One table, read by the scoping layer and by every service."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur du groupement"
    DIRECTOR = "director", "Directeur"
    HEAD_OF_SERVICE = "head_of_service", "Chef de service"
    COORDINATOR = "coordinator", "Coordinateur de parcours"
    EDUCATOR = "educator", "Éducateur"
    PSYCHOLOGIST = "psychologist", "Psychologue"
    SECRETARY = "secretary", "Secrétaire"
    QUALITY = "quality", "Référent qualité"
    PARTNER = "partner", "Partenaire (référent externe)"


class Perm:
    # --- persons' records ---------------------------------------------------------------------
    VIEW_IDENTITY = "view_identity"  # know the person: identity (the base of every record access)
    EDIT_IDENTITY = "edit_identity"  # change the identity
    REGISTER_PERSONS = "register_persons"  # create a record
    VIEW_RECORDS = "view_records"  # the whole record: family, stays, pathway, plans, history…
    EDIT_RECORDS = "edit_records"  # family, measures, notes, documents, stays
    VIEW_MEASURES = "view_measures"  # measures (a partner: those its organisation holds)
    VIEW_DOCUMENTS = "view_documents"  # documents (a partner: its own and those shared with it)
    ADD_DOCUMENTS = "add_documents"  # attach a document
    VIEW_NOTES = "view_notes"  # notes (a partner: level "partner" only)
    VIEW_PLANS = "view_plans"  # individual plans (a partner: the PPE and rapport de situation)
    REFER = "refer"  # send a referral for the person
    EXPORT_RECORDS = "export_records"  # GDPR export of a whole record
    MERGE_RECORDS = "merge_records"
    CONFIDENTIAL_NOTES = "confidential_notes"  # notes marked "coordinator only"
    VIEW_ARCHIVES = "view_archives"
    # --- the offer, users, audit, steering --------------------------------------------------------
    MANAGE_OFFER = "manage_offer"  # organisations, establishments, units, capacities
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    # steering: CPOM, quality self-assessment, classification / analysis / closure of adverse events
    MANAGE_QUALITY = "manage_quality"


class Reach:
    """How far a role's grant of a permission reaches over persons' records.

    MEMBERSHIP: the persons of the scopes of the user's memberships holding that role (registered by
    an establishment of an organisation- or establishment-level scope; with a stay, a referral or a
    decision in a unit of the scope). OWN: the persons the user registered or referred (the external
    partner). OWN_UNADMITTED: the persons the user registered itself, as long as no unit has admitted
    them (no stay). Permissions that are not about persons (the offer, users…) use MEMBERSHIP only."""

    MEMBERSHIP = "membership"
    OWN = "own"
    OWN_UNADMITTED = "own_unadmitted"


INTERNAL = {
    Role.ADMIN,
    Role.DIRECTOR,
    Role.HEAD_OF_SERVICE,
    Role.COORDINATOR,
    Role.EDUCATOR,
    Role.PSYCHOLOGIST,
    Role.SECRETARY,
    Role.QUALITY,
}
WRITERS = INTERNAL - {Role.QUALITY}
MANAGEMENT = {Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE, Role.COORDINATOR}


def _grant(roles, reach: str = Reach.MEMBERSHIP) -> dict[str, str]:
    return {str(r): reach for r in roles}


# permission → {role: reach}. A role absent from a permission's grants may not use it at all; the
# partner's grants stop at what professional secrecy lets it know (L226-2-2 CASF: only what is
# strictly necessary): its own referrals' persons, their identity, the measures and plans of its own
# authority, its own documents and those shared with it, the notes written for it.
PERMISSIONS: dict[str, dict[str, str]] = {
    Perm.VIEW_IDENTITY: {**_grant(INTERNAL), Role.PARTNER: Reach.OWN},
    Perm.EDIT_IDENTITY: {**_grant(WRITERS), Role.PARTNER: Reach.OWN_UNADMITTED},
    Perm.REGISTER_PERSONS: {**_grant(WRITERS), Role.PARTNER: Reach.OWN},
    Perm.VIEW_RECORDS: _grant(INTERNAL),
    Perm.EDIT_RECORDS: _grant(WRITERS),
    Perm.VIEW_MEASURES: {**_grant(INTERNAL), Role.PARTNER: Reach.OWN},
    Perm.VIEW_DOCUMENTS: {**_grant(INTERNAL), Role.PARTNER: Reach.OWN},
    Perm.ADD_DOCUMENTS: {**_grant(WRITERS), Role.PARTNER: Reach.OWN},
    Perm.VIEW_NOTES: {**_grant(INTERNAL), Role.PARTNER: Reach.OWN},
    Perm.VIEW_PLANS: {**_grant(INTERNAL), Role.PARTNER: Reach.OWN},
    Perm.REFER: {**_grant(WRITERS), Role.PARTNER: Reach.OWN},
    Perm.EXPORT_RECORDS: _grant(MANAGEMENT | {Role.SECRETARY}),
    Perm.MERGE_RECORDS: _grant(MANAGEMENT),
    Perm.CONFIDENTIAL_NOTES: _grant(MANAGEMENT),
    Perm.VIEW_ARCHIVES: _grant({Role.ADMIN, Role.DIRECTOR}),
    Perm.MANAGE_OFFER: _grant({Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE}),
    Perm.MANAGE_USERS: _grant({Role.ADMIN}),
    Perm.VIEW_AUDIT: _grant({Role.ADMIN, Role.QUALITY}),
    Perm.MANAGE_QUALITY: _grant({Role.ADMIN, Role.DIRECTOR, Role.QUALITY}),
}


# A referral addressed to a unit, or a decision taken for it, lets the unit's staff know the person
# (identity, to examine the referral); the rest of the record opens with the admission (a stay).
OPENED_BY_REFERRALS = {Perm.VIEW_IDENTITY}


def roles_with(perm: str, reach: str = Reach.MEMBERSHIP) -> set[str]:
    """The roles whose grant of perm reaches that far (by default: over their memberships' scopes)."""
    return {role for role, how in PERMISSIONS[perm].items() if how == reach}


def reaches(role: str, perm: str) -> str | None:
    """How far the role's grant of perm reaches (None: not granted)."""
    return PERMISSIONS[perm].get(str(role))
