"""The daily deadline reminders: 15 days ahead and overdue, to the responsible professionals, in the
app and by e-mail, once per deadline."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from parcours.admissions.models import Notification
from parcours.pathways.models import Assignment
from parcours.plans.models import Plan, Reminder
from parcours.plans.reminders import send_reminders
from tests.conftest import make_user


@pytest.fixture
def due_plans(world):
    referent = make_user("referente", "educator", world.e1, email="referente@example.org")
    Assignment.objects.create(
        person=world.child, professional=referent, role="referent", start_date=date(2024, 9, 1)
    )
    soon = Plan.objects.create(
        person=world.child, kind="personalised_plan", start_date=date(2026, 6, 1), due_date=date(2026, 12, 1)
    )
    late = Plan.objects.create(
        person=world.child, kind="ppe", start_date=date(2026, 6, 1), due_date=date(2026, 9, 1)
    )
    far = Plan.objects.create(
        person=world.child, kind="dipc", start_date=date(2026, 6, 1), due_date=date(2027, 1, 1)
    )
    review = Plan.objects.create(
        person=world.child,
        kind="stay_contract",
        status="signed",
        start_date=date(2025, 6, 1),
        due_date=date(2025, 7, 1),
        signed_on=date(2025, 11, 30),
        next_review_date=date(2026, 11, 30),
    )
    return referent, soon, late, far, review


def test_reminders_within_fifteen_days_and_overdue_once(world, due_plans):
    referent, soon, late, far, review = due_plans
    sent = send_reminders(date(2026, 11, 20))
    assert sent == {"upcoming": 2, "overdue": 1}
    reminded = set(Reminder.objects.values_list("plan_id", "kind"))
    assert reminded == {(soon.pk, "upcoming"), (review.pk, "upcoming"), (late.pk, "overdue")}
    texts = list(Notification.objects.filter(user=referent).values_list("text", flat=True))
    assert any("En retard depuis le 01/09/2026" in t for t in texts)
    assert any("Échéance le 01/12/2026" in t for t in texts)
    assert len(mail.outbox) == 3 and mail.outbox[0].to == ["referente@example.org"]
    # the job runs again: nothing repeated; later the upcoming one turns overdue and is sent again
    assert send_reminders(date(2026, 11, 21)) == {"upcoming": 0, "overdue": 0}
    assert send_reminders(date(2026, 12, 2)) == {"upcoming": 0, "overdue": 2}
    # far (1 January) comes within the 15 days on 17 December
    assert send_reminders(date(2026, 12, 17)) == {"upcoming": 1, "overdue": 0}


def test_without_assigned_professional_the_unit_staff_is_reminded(world):
    Plan.objects.create(
        person=world.child, kind="ppe", start_date=date(2026, 6, 1), due_date=date(2026, 9, 1), stay=None
    )
    send_reminders(date(2026, 11, 20))
    assert Notification.objects.filter(user=world.director).exists()  # director of the MECS
    assert not Notification.objects.filter(user=world.outsider).exists()
    assert not Notification.objects.filter(user=world.partner).exists()


def test_signed_and_met_deadlines_are_not_reminded(world):
    Plan.objects.create(
        person=world.child,
        kind="ppe",
        status="signed",
        start_date=date(2026, 6, 1),
        due_date=date(2026, 9, 1),
        signed_on=date(2026, 8, 1),
        next_review_date=date(2027, 8, 1),
    )
    assert send_reminders(date(2026, 11, 20)) == {"upcoming": 0, "overdue": 0}


def test_remind_command_runs_the_task_once(world, due_plans):
    call_command("remind", "--date", "2026-11-20")
    assert Reminder.objects.count() == 3
    call_command("remind", "--enqueue", "--date", "2026-12-02")  # the immediate backend in tests
    assert Reminder.objects.filter(kind="overdue").count() == 3
    with pytest.raises(CommandError):
        call_command("remind", "--date", "2026-02-30")


@pytest.mark.django_db(transaction=True)
def test_database_worker_runs_the_enqueued_reminders(world, due_plans, settings):
    """The production path: `parcours remind --enqueue` stores the task, the database worker runs it
    (committed transactions: the worker closes and reopens its database connection)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "ENQUEUE_ON_COMMIT": False}}
    call_command("remind", "--enqueue", "--date", "2026-11-20")
    assert Reminder.objects.count() == 0 and DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--interval", "0")
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert Reminder.objects.count() == 3
