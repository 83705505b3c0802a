from ninja import NinjaAPI

api = NinjaAPI(title="Parcours API", version="1")
