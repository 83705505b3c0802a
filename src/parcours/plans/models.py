"""Individual plans: DIPC / contrat de séjour, projet personnalisé, PPE — versions, objectives, actions,
co-evaluations."""

from django.conf import settings
from django.db import models

from parcours.plans.reference import DOMAINS


class PlanKind(models.TextChoices):
    DIPC = "dipc", "DIPC"
    STAY_CONTRACT = "stay_contract", "Contrat de séjour"
    PERSONALISED_PLAN = "personalised_plan", "Projet personnalisé"
    PPE = "ppe", "Projet pour l'enfant (PPE)"
    SITUATION_REPORT = "situation_report", "Rapport de situation"


# The documents the département owns or receives: the only plans a département partner may see.
DEPARTEMENT_KINDS = {PlanKind.PPE, PlanKind.SITUATION_REPORT}


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SIGNED = "signed", "Signé"
    SUPERSEDED = "superseded", "Remplacé par un avenant"


class Plan(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="plans")
    stay = models.ForeignKey(
        "pathways.Stay", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans"
    )
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    status = models.CharField(max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="amendment"
    )
    start_date = models.DateField()
    due_date = models.DateField()
    next_review_date = models.DateField(null=True, blank=True)
    person_expression = models.TextField(blank=True)
    family_expression = models.TextField(blank=True)
    # needs assessed by domain: [{"domain", "serafin" (SERAFIN-PH code or ""), "description"}]
    needs = models.JSONField(default=list, blank=True)
    # partners involved: [{"name", "role"}]
    partners = models.JSONField(default=list, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signatories = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["person", "kind", "-version"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="plan_status_due"),
            models.Index(fields=["status", "next_review_date"], name="plan_status_review"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} v{self.version} ({self.person_id})"


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    domain = models.CharField(max_length=50, choices=list(DOMAINS.items()))
    description = models.TextField()
    expected_results = models.TextField(blank=True)

    def __str__(self):
        return self.description[:60]


class Action(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    responsible = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)

    def __str__(self):
        return self.description[:60]


class Evaluation(models.Model):
    """A co-evaluation with the person, the family, professionals and partners."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations")
    date = models.DateField()
    participants = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date", "id"]

    def __str__(self):
        return f"Évaluation du {self.date}"


class EvaluationResult(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="results")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="results")
    status = models.CharField(
        max_length=20,
        choices=[("achieved", "Atteint"), ("partly", "Partiellement"), ("not_achieved", "Non atteint")],
    )
    comment = models.TextField(blank=True)

    def __str__(self):
        return f"{self.objective_id}: {self.status}"


class Reminder(models.Model):
    """A deadline reminder sent to a professional: at most one per plan, deadline, kind and person
    notified, so the daily job can run again without repeating itself."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateField()
    kind = models.CharField(max_length=10, choices=[("upcoming", "À venir"), ("overdue", "En retard")])
    sent_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "user", "deadline", "kind"], name="one_reminder_per_deadline"
            )
        ]

    def __str__(self):
        return f"{self.plan_id} {self.kind} {self.deadline}"
