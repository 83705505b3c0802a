"""parcours secure_audit: on PostgreSQL, the roles that keep the application from erasing its audit log
(see parcours.access.audit_guard). Run by a database administrator after each `parcours migrate`."""

from django.core.management.base import BaseCommand, CommandError

from parcours.access import audit_guard


class Command(BaseCommand):
    help = (
        "PostgreSQL : l'application (rôle --app-role, sans droits d'administration) possède ses tables "
        "sauf le journal d'audit, qui appartient à --owner-role ; elle n'y a qu'INSERT et SELECT. "
        "À lancer par un administrateur après chaque migrate ; idempotent. --check : vérifier seulement."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", default="parcours_app", help="rôle de connexion de l'application")
        parser.add_argument("--owner-role", default="parcours_audit", help="propriétaire du journal d'audit")
        parser.add_argument("--check", action="store_true", help="vérifier sans rien changer")

    def handle(self, *args, app_role, owner_role, check=False, **options):
        try:
            if check:
                found = audit_guard.problems(app_role, owner_role)
                if found:
                    raise CommandError("Journal d'audit non protégé : " + " ; ".join(found))
                self.stdout.write(f"Journal d'audit protégé : {app_role} n'y a qu'INSERT et SELECT.")
                return
            for step in audit_guard.secure(app_role, owner_role):
                self.stdout.write(f"- {step}")
        except audit_guard.GuardError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Journal d'audit protégé : {owner_role} en est propriétaire, {app_role} n'y a qu'INSERT et "
            "SELECT (et possède les autres tables)."
        )
