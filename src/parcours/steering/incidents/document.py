"""The EIG notification form to the authority (WeasyPrint PDF), with the contents the arrêté of
28 December 2016 lists (DOMAIN.md): the authority, the establishment, dates of occurrence and
discovery, nature and circumstances, category, number of victims and persons exposed, immediate
measures, information given to the persons and families, measures to remedy the cause and prevent
recurrence, administrative or judicial follow-up, media coverage; the 48-hour deadline and the date
the form was sent. The persons involved appear by role, sex and age only: the form carries no name."""

from django.template.loader import render_to_string
from django.utils import timezone

from parcours.core.dates import age_at, today
from parcours.steering.incidents.selectors import informed_rows


def eig_pdf(incident, links: list) -> bytes:
    """The form as PDF bytes; links: the IncidentPerson rows already read (and audited)."""
    from weasyprint import HTML

    occurred = timezone.localtime(incident.occurred_at)
    persons = [
        {
            "role": link.get_role_display(),
            "sex": link.person.get_sex_display(),
            "age": age_at(link.person.birth_date, occurred.date()),
        }
        for link in links
    ]
    html = render_to_string(
        "incidents/eig_pdf.html",
        {
            "incident": incident,
            "establishment": incident.establishment,
            "occurred": occurred,
            "discovered": timezone.localtime(incident.discovered_at),
            "deadline": timezone.localtime(incident.report_deadline),
            "persons": persons,
            "informed": informed_rows(incident.informed),
            "actions": list(incident.actions.all()),
            "printed_on": today(),
        },
    )
    return HTML(string=html).write_pdf()
