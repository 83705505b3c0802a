from django.core.management.base import BaseCommand, CommandError

from parcours.access.models import User
from parcours.access.services import issue_token, two_factor_required, verify_otp
from parcours.core.errors import Invalid


class Command(BaseCommand):
    help = (
        "Crée un jeton d'API pour un utilisateur et l'affiche (une seule fois). Il expire après "
        "API_TOKEN_DAYS jours ; si la double authentification est obligatoire pour un rôle de "
        "l'utilisateur, donnez le code de son application (--otp)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--otp", default="", help="code de l'application d'authentification")
        parser.add_argument("--days", type=int, default=None, help="durée de validité en jours")

    def handle(self, *args, username, name, otp, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Utilisateur {username} inconnu ou inactif.")
        if otp:
            try:
                verify_otp(user, otp)
            except Invalid as exc:
                raise CommandError(exc.errors[0]["message"]) from None
        elif two_factor_required(user):
            raise CommandError(
                f"La double authentification est obligatoire pour un rôle de {username} : "
                "donnez le code de son application avec --otp."
            )
        if days is not None and days < 1:
            raise CommandError("--days : au moins 1 jour.")
        self.stdout.write(issue_token(user, name, days=days, otp_verified=bool(otp)))
