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
    VIEW_RECORDS = "view_records"  # open persons' records in scope
    EDIT_RECORDS = "edit_records"  # identity, family, measures, notes, documents, stays
    MANAGE_OFFER = "manage_offer"  # organisations, establishments, units, capacities
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"
    VIEW_ARCHIVES = "view_archives"
    CONFIDENTIAL_NOTES = "confidential_notes"  # notes marked "coordinator only"
    MERGE_RECORDS = "merge_records"
    # steering: CPOM, quality self-assessment, classification / analysis / closure of adverse events
    MANAGE_QUALITY = "manage_quality"


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

PERMISSIONS: dict[str, set[str]] = {
    Perm.VIEW_RECORDS: set(INTERNAL),
    Perm.EDIT_RECORDS: set(WRITERS),
    Perm.MANAGE_OFFER: {Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE},
    Perm.MANAGE_USERS: {Role.ADMIN},
    Perm.VIEW_AUDIT: {Role.ADMIN, Role.QUALITY},
    Perm.VIEW_ARCHIVES: {Role.ADMIN, Role.DIRECTOR},
    Perm.CONFIDENTIAL_NOTES: {Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE, Role.COORDINATOR},
    Perm.MERGE_RECORDS: {Role.ADMIN, Role.DIRECTOR, Role.HEAD_OF_SERVICE, Role.COORDINATOR},
    Perm.MANAGE_QUALITY: {Role.ADMIN, Role.DIRECTOR, Role.QUALITY},
}


def roles_with(perm: str) -> set[str]:
    return {str(r) for r in PERMISSIONS[perm]}
