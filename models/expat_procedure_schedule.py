from datetime import timedelta

from odoo import models

from .expat_activity import activities_by_record, place_activity

ACTIVITY_TYPE = "expat_service_desk.mail_activity_type_procedure_step"


class ExpatProcedureSchedule(models.AbstractModel):
    """The deadlines of a procedure: the due dates of its open steps and the
    advisor's activity for the next one. Mixed into ``expat.procedure`` (it
    relies on the procedure's ``start_date``, ``step_ids``, ``state``,
    ``next_step_id``, ``next_due_date`` and ``case_id``)."""

    _name = "expat.procedure.schedule"
    _description = "Procedure Schedule"

    def _reschedule(self):
        """Set the due date of every open step: each is due ``days`` after
        the step before it is done (or skipped), or after the due date that
        step was given while it is still open; the first step ``days`` after
        the start. Done and skipped steps keep their dates."""
        steps_by_due = {}
        for procedure in self:
            reference = procedure.start_date
            for step in procedure.step_ids.sorted(lambda s: (s.sequence, s.id)):
                if step.state != "open":
                    reference = step.done_date or reference
                    continue
                due = reference + timedelta(days=step.days)
                if step.due_date != due:
                    steps_by_due.setdefault(due, []).append(step.id)
                reference = due
        steps = self.env["expat.procedure.step"].with_context(
            expat_procedure_rescheduling=True
        )
        for due, step_ids in steps_by_due.items():
            steps.browse(step_ids).write({"due_date": due})

    def _sync_step_activity(self):
        """One activity for the case's advisor per running procedure, due on
        its next deadline and naming the next step; moved as steps are done
        and removed when the procedure ends."""
        activity_type = self.env.ref(ACTIVITY_TYPE, raise_if_not_found=False)
        if not activity_type or not self:
            return
        existing = activities_by_record(self, activity_type)
        for procedure in self:
            activity = existing.get(procedure.id)
            step = procedure.next_step_id
            if procedure.state != "running" or not step:
                if activity:
                    activity.unlink()
                continue
            responsibles = dict(
                step._fields["responsible"]._description_selection(self.env)
            )
            summary = self.env._(
                "%(step)s (%(responsible)s)",
                step=step.name,
                responsible=responsibles.get(step.responsible, ""),
            )
            user = procedure.case_id.user_id or self.env.user
            place_activity(
                procedure,
                activity,
                activity_type,
                procedure.next_due_date,
                user,
                summary,
            )
