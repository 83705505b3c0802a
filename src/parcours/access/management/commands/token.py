from django.core.management.base import BaseCommand, CommandError

from parcours.access.models import User
from parcours.access.services import issue_token


class Command(BaseCommand):
    help = "Crée un jeton d'API pour un utilisateur et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Utilisateur {username} inconnu ou inactif.")
        self.stdout.write(issue_token(user, name))
