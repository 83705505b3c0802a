"""Thin-view helpers: service errors become 404/403 pages or form errors next to the field."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from parcours.core.errors import Forbidden, NotFound, ServiceError


def service_errors(view):
    """NotFound → 404 page, Forbidden → 403 page. Other service errors are for forms; one that no form
    caught (a bad or missing page parameter…) is a 400 page (409 for a conflict) saying why, never a
    500."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.detail) from None
        except Forbidden as exc:
            raise PermissionDenied(exc.detail) from None
        except ServiceError as exc:
            return bad_request_page(request, exc)

    return wrapper


def bad_request_page(request, exc: ServiceError):
    """The page of a request whose parameters a service refused: the reasons, status 400 (409 for a
    conflict with the current state)."""
    from django.shortcuts import render

    status = 409 if exc.status == 409 else 400
    messages = [e.get("message", "") for e in exc.errors if e.get("message")]
    return render(request, "400.html", {"detail": exc.detail, "errors": messages}, status=status)


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


def plausible(form) -> bool:
    """The shared plausible ranges (core.validators) on a valid form's data: each implausible date or
    too long text becomes an error next to its field. False when there is one."""
    from parcours.core.validators import plausibility_errors

    for field, message in plausibility_errors(form.cleaned_data).items():
        name = field.split("[", 1)[0].split(".", 1)[0]
        form.add_error(name if name in form.fields else None, message)
    return not form.errors


def submit(form, action):
    """Run action(cleaned_data) when the form is valid and its dates and texts plausible; service
    errors land on the form. Returns the action's result, or None when the form must be shown again."""
    if not form.is_valid() or not plausible(form):
        return None
    try:
        return action(form.cleaned_data)
    except (NotFound, Forbidden):
        raise
    except ServiceError as exc:
        attach_errors(form, exc)
        return None
