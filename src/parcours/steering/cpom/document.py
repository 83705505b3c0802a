"""The CPOM as a PDF (WeasyPrint): the contract, then each strategic objective with its action
sheets — pilot, context, objectives, means, implementation, calendar, the 'programmation
prévisionnelle' table, partners — and the indicators target vs actual per year, red/amber/green."""

from django.template.loader import render_to_string

from parcours.core.dates import today
from parcours.steering.cpom import selectors
from parcours.steering.cpom.choices import Status


def cpom_pdf(user, cpom) -> bytes:
    """The PDF of a CPOM loaded with selectors.cpom_tree()."""
    from weasyprint import HTML

    view = selectors.overview(user, cpom)
    html = render_to_string(
        "cpom/cpom_pdf.html",
        {
            **view,
            "establishments": list(cpom.establishments.all()),
            "status_labels": dict(Status.choices),
            "printed_on": today(),
        },
    )
    return HTML(string=html).write_pdf()
