"""Small helpers shared by services: validation of model instances into Invalid errors."""

from django.core.exceptions import ValidationError

from parcours.core.errors import Invalid


def clean(instance, *, exclude: list[str] | None = None, rename: dict[str, str] | None = None) -> None:
    """full_clean() the instance; a failure becomes Invalid with the API's field names."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        err = Invalid.from_django(exc)
        if rename:
            for item in err.errors:
                item["field"] = rename.get(item["field"], item["field"])
        raise err from None


def pick(model, pk, field: str, label: str, queryset=None):
    """Resolve an id given for a field into an object, or Invalid naming the field."""
    if pk in (None, ""):
        raise Invalid({field: "Ce champ est obligatoire."})
    qs = queryset if queryset is not None else model.objects.all()
    try:
        obj = qs.filter(pk=pk).first()
    except (ValueError, TypeError):
        obj = None
    if obj is None:
        raise Invalid({field: f"{label} introuvable."})
    return obj
