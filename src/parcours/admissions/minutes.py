"""Minutes of a commission session as a PDF (WeasyPrint)."""

from django.template.loader import render_to_string


def minutes_pdf(session) -> bytes:
    from weasyprint import HTML

    referrals = session.referrals.select_related("person").prefetch_related("decisions__unit").order_by("id")
    decisions = session.decisions.select_related("unit", "referral__person").order_by(
        "referral_id", "unit__name"
    )
    html = render_to_string(
        "admissions/minutes.html",
        {
            "session": session,
            "members": session.members.order_by("last_name"),
            "referrals": referrals,
            "decisions": decisions,
        },
    )
    return HTML(string=html).write_pdf()
