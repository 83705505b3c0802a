"""Thin-view helpers: service errors become 404/403 pages or form errors next to the field."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from parcours.core.errors import Forbidden, NotFound, ServiceError


def service_errors(view):
    """NotFound → 404 page, Forbidden → 403 page (other service errors are for forms)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.detail) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.detail) from None

    return wrapper


def attach_errors(form, exc: ServiceError) -> None:
    """Put a service's field errors next to the form's fields (others at the top of the form)."""
    if not exc.errors:
        form.add_error(None, exc.detail)
        return
    for item in exc.errors:
        field = item.get("field", "")
        name = field if field in form.fields else None
        message = item.get("message", exc.detail)
        if name is None and field not in ("", "__all__"):
            message = f"{exc.detail} {message}" if field == "duplicates" else message
        form.add_error(name, message)


def submit(form, action):
    """Run action(cleaned_data) when the form is valid; service errors land on the form.
    Returns the action's result, or None when the form must be shown again."""
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except (NotFound, Forbidden):
        raise
    except ServiceError as exc:
        attach_errors(form, exc)
        return None
