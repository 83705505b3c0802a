from django.contrib import admin

from parcours.steering.cpom.models import Cpom, CpomAction, CpomIndicator, Stage, StrategicObjective


@admin.register(Cpom)
class CpomAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "start_year", "end_year", "signed_on")
    search_fields = ("title",)


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(admin.ModelAdmin):
    list_display = ("cpom", "number", "title")


@admin.register(CpomAction)
class CpomActionAdmin(admin.ModelAdmin):
    list_display = ("objective", "number", "title")


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("action", "label")


@admin.register(CpomIndicator)
class CpomIndicatorAdmin(admin.ModelAdmin):
    list_display = ("cpom", "label", "source", "key", "scope")
