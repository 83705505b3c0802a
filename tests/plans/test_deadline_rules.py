"""Each legal deadline on hand-built dates, leap years and month ends included."""

from datetime import date

from parcours.plans import rules


def test_dipc_or_stay_contract():
    assert rules.admission_document("residential", expected_days=365, judicial_minor=False) == "stay_contract"
    assert rules.admission_document("residential", expected_days=45, judicial_minor=False) == "dipc"
    assert rules.admission_document("residential", expected_days=None, judicial_minor=True) == "dipc"
    assert rules.admission_document("ambulatory", expected_days=900, judicial_minor=False) == "dipc"
    assert rules.admission_document("home_placement", expected_days=900, judicial_minor=False) == "dipc"
    assert (
        rules.admission_document("residential", expected_days=365, judicial_minor=False, refuses_to_sign=True)
        == "dipc"
    )
    assert (
        rules.admission_document("residential", expected_days=365, judicial_minor=False, emergency=True)
        == "dipc"
    )


def test_admission_deadlines():
    dipc = rules.admission_deadlines(date(2024, 2, 20), "dipc")
    assert [(d.kind, d.deadline) for d in dipc] == [("dipc", date(2024, 3, 6))]  # 15 days, across 29 February
    contract = rules.admission_deadlines(date(2023, 1, 31), "stay_contract")
    assert [(d.kind, d.deadline) for d in contract] == [
        ("stay_contract", date(2023, 2, 15)),
        ("stay_contract_signature", date(2023, 2, 28)),
    ]
    assert rules.admission_deadlines(date(2024, 1, 31), "stay_contract")[1].deadline == date(2024, 2, 29)


def test_personalised_plan_and_reviews():
    assert rules.personalised_plan_deadline(date(2023, 8, 31)).deadline == date(2024, 2, 29)
    assert rules.personalised_plan_deadline(date(2022, 8, 31)).deadline == date(2023, 2, 28)
    review = rules.personalised_plan_deadline(date(2023, 1, 10), last_update=date(2024, 2, 29))
    assert (review.kind, review.deadline) == ("review", date(2025, 2, 28))


def test_ppe_three_months_then_yearly_or_six_monthly_under_two():
    birth = date(2023, 6, 1)
    assert rules.ppe_deadline(birth, date(2023, 11, 30)).deadline == date(2024, 2, 29)
    assert rules.ppe_deadline(birth, date(2023, 11, 30), last_update=date(2024, 3, 1)).deadline == date(
        2024, 9, 1
    )
    older = rules.ppe_deadline(birth, date(2023, 11, 30), last_update=date(2025, 6, 1))  # two on that day
    assert (older.kind, older.deadline) == ("ppe_review", date(2026, 6, 1))


def test_situation_report_health_autonomy_emergency():
    assert rules.situation_report_deadline(date(2024, 1, 1), date(2024, 3, 1)).deadline == date(2024, 9, 1)
    assert rules.situation_report_deadline(date(2010, 1, 1), date(2024, 3, 1)).deadline == date(2025, 3, 1)
    assert rules.health_check_deadline(date(2024, 1, 30)).deadline == date(2024, 2, 29)
    assert rules.autonomy_project_deadline(date(2008, 2, 29)).deadline == date(2025, 2, 28)
    assert rules.emergency_follow_up_deadline(date(2024, 12, 30), 3).deadline == date(2025, 1, 2)


def test_overdue():
    deadline = rules.health_check_deadline(date(2024, 1, 1))
    assert rules.is_overdue(deadline, None, date(2024, 2, 2))
    assert not rules.is_overdue(deadline, None, date(2024, 2, 1))
    assert not rules.is_overdue(deadline, date(2024, 2, 10), date(2024, 3, 1))
