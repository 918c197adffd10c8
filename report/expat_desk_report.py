from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.expat_case import RESIDENCE_STATUSES
from ..models.expat_dossier_mixin import CHANNELS
from ..models.res_partner import COMPANY_SIZES
from . import expat_desk_report_sql as report_sql

# One row of expat.desk.report is one of these; every headline figure is
# one aggregate over the rows of one type (see README, "The figures").
ACTIVITY_TYPES = [
    ("company", "Company consultation"),
    ("individual", "Individual consultation"),
    ("event", "Event participation"),
    ("event_held", "Event held"),
    ("rating", "Satisfaction rating"),
]


class ExpatDeskReport(models.Model):
    """The desk's activity for its figures: one row per consultation, one
    per attended registration of a desk event and one per desk event held
    (whether anybody came or not), and one per satisfaction rating given on
    a case. It holds no names of individuals; ``person_key`` only tells
    them apart for distinct counts. A rating row carries only its value,
    day, organisation and municipality: not the person, the advisor or the
    consultation, so ratings cannot be traced to anybody.

    Row ids: a consultation row has the consultation's id (its topics are
    read through the consultation's relation table); the other rows have
    negative ids, ``-3 * id`` for registrations, ``-3 * id - 1`` for
    events and ``-3 * id - 2`` for ratings, so that they never collide."""

    _name = "expat.desk.report"
    _description = "Expat Service Desk Figures"
    _auto = False
    _rec_name = "date"
    _order = "date desc, id desc"
    _depends = {
        "expat.consultation": [
            "date",
            "case_id",
            "company_contact_id",
            "company_id",
            "organisation_id",
            "person_id",
            "municipality_id",
            "company_size",
            "nationality_id",
            "nationality_area",
            "residence_status",
            "channel",
            "user_id",
            "is_first",
            "duration",
            "topic_ids",
        ],
        "event.registration": [
            "active",
            "state",
            "event_id",
            "partner_id",
            "expat_person_id",
            "name",
            "email",
            "employer_id",
        ],
        "event.event": [
            "is_expat_desk",
            "active",
            "kanban_state",
            "date_begin",
            "date_tz",
            "company_id",
            "user_id",
        ],
        "res.partner": ["is_company", "municipality_id", "company_size", "tz"],
        "rating.rating": ["rating", "consumed", "rated_on", "expat_case_id"],
        "expat.case": ["company_id", "municipality_id"],
    }

    date = fields.Date(readonly=True)
    activity_type = fields.Selection(ACTIVITY_TYPES, string="Activity", readonly=True)
    company_id = fields.Many2one("res.company", string="Organisation", readonly=True)
    organisation_id = fields.Many2one(
        "res.partner",
        string="Companies",
        readonly=True,
        aggregator="count_distinct",
        help="The company advised, or the employer of the individual or "
        "attendee; as a measure, the number of distinct companies.",
    )
    person_key = fields.Integer(
        string="Individuals",
        readonly=True,
        aggregator="count_distinct",
        help="Tells individuals apart without naming them (a pseudonym, not "
        "the contact's id); as a measure, the number of distinct individuals.",
    )
    municipality_id = fields.Many2one("expat.municipality", readonly=True)
    district = fields.Selection(related="municipality_id.district", readonly=True)
    company_size = fields.Selection(COMPANY_SIZES, readonly=True)
    nationality_id = fields.Many2one("res.country", readonly=True)
    nationality_area = fields.Selection(
        [("eu", "EU"), ("non_eu", "Non-EU")],
        string="EU / Non-EU",
        readonly=True,
    )
    residence_status = fields.Selection(RESIDENCE_STATUSES, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    user_id = fields.Many2one("res.users", string="Advisor", readonly=True)
    is_first = fields.Boolean(string="First Contact", readonly=True)
    duration = fields.Float(string="Hours", readonly=True, aggregator="sum")
    event_id = fields.Many2one("event.event", readonly=True)
    rating = fields.Float(
        string="Satisfaction (1–5)",
        readonly=True,
        aggregator="avg",
        help="The value of a satisfaction rating (1 dissatisfied, 3 neutral, "
        "5 satisfied), on rating rows only; as a measure, their average.",
    )
    # Consultation rows have the consultation's id: they share its topics.
    topic_ids = fields.Many2many(
        "expat.topic",
        "expat_consultation_expat_topic_rel",
        "expat_consultation_id",
        "expat_topic_id",
        string="Topics (counted once per topic)",
        readonly=True,
        help="A consultation about several topics counts under each of them: "
        "the figures per topic add up to more than the consultations.",
    )

    @property
    def _table_query(self):
        return report_sql.table_query(self.env)

    # ------------------------------------------------------------------
    # KPIs
    # ------------------------------------------------------------------

    @api.model
    def _kpi_company_ids(self, company_ids):
        """The organisations to count for: the caller's current ones by
        default; asking for others is refused."""
        self.check_access("read")
        if company_ids is None:
            return self.env.companies.ids
        companies = self.env["res.company"].browse(company_ids).exists()
        if len(companies) != len(set(company_ids)):
            raise UserError(self.env._("Unknown organisation."))
        if not self.env.su:
            foreign = companies - self.env.user.company_ids
            if foreign:
                raise AccessError(
                    self.env._(
                        "You may not see the figures of %(organisations)s.",
                        organisations=", ".join(foreign.mapped("name")),
                    )
                )
        return companies.ids

    @api.readonly
    @api.model
    def get_kpis(self, date_from, date_to, company_ids=None):
        """The desk's headline figures over the closed interval
        [date_from, date_to] for the dossiers and events owned by
        ``company_ids`` (default: the caller's current organisations).

        Each figure has one definition, shared with the rows of this report
        (the dashboard and the annual report's tables read those; the
        annual report's headline calls this method): the same SQL conditions
        of ``expat_desk_report_sql`` (``desk_event_condition``,
        ``attended_registration_condition``, ``event_date_sql``) select the
        rows and the figures.

        :param date_from: first day counted (date or ``YYYY-MM-DD``)
        :param date_to: last day counted (date or ``YYYY-MM-DD``)
        :param company_ids: ids of ``res.company``; ``None`` for the
            caller's current companies
        :return: dict with

            - ``companies_advised`` (int): distinct companies of the company
              contacts with a consultation in the period
              (``organisation_id`` of ``company`` rows, counted distinctly)
            - ``individuals_advised`` (int): distinct persons of the cases
              with a consultation in the period (``person_key`` of
              ``individual`` rows, counted distinctly)
            - ``consultations`` (int): consultations dated in the period
              (``company`` + ``individual`` rows)
            - ``hours`` (float, hours): the sum of their durations
            - ``events`` (int): active, not cancelled desk events starting
              in the period (the day of ``date_begin`` in the event's time
              zone), attended or not (``event_held`` rows)
            - ``event_participants`` (int): active, attended registrations
              of those events (``event`` rows)
            - ``ratings`` (int): satisfaction ratings given in the period
              (the day of ``rated_on`` in the organisation's time zone) on
              the organisations' cases (``rating`` rows)
            - ``satisfaction`` (float): their average value on Odoo's scale
              of 1 to 5, ``0.0`` when there is none (``rating`` measure)
        :raise UserError: when the period is empty or reversed, or an
            organisation does not exist
        :raise AccessError: when the caller may not read the figures or
            asks for an organisation they do not work for
        """
        date_from = fields.Date.to_date(date_from)
        date_to = fields.Date.to_date(date_to)
        if not date_from or not date_to or date_from > date_to:
            raise UserError(
                self.env._("Give a period whose start is not after its end.")
            )
        company_ids = self._kpi_company_ids(company_ids)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT count(DISTINCT organisation_id)
                           FILTER (WHERE company_contact_id IS NOT NULL),
                       count(DISTINCT person_id) FILTER (WHERE case_id IS NOT NULL),
                       count(*),
                       COALESCE(sum(duration), 0)
                  FROM expat_consultation
                 WHERE date BETWEEN %(date_from)s AND %(date_to)s
                   AND company_id = ANY(%(company_ids)s)
                """,
                date_from=date_from,
                date_to=date_to,
                company_ids=company_ids,
            )
        )
        companies, individuals, consultations, hours = cr.fetchone()
        cr.execute(
            SQL(
                """
                SELECT ev.events, ev.participants, rt.ratings, rt.satisfaction
                  FROM (
                    SELECT count(*) AS events,
                           COALESCE(sum((
                               SELECT count(*) FROM event_registration r
                                WHERE r.event_id = e.id AND %(attended)s)), 0)
                               AS participants
                      FROM event_event e
                     WHERE %(desk_event)s
                       AND e.company_id = ANY(%(company_ids)s)
                       AND %(event_date)s BETWEEN %(date_from)s AND %(date_to)s
                  ) ev, (
                    SELECT count(*) AS ratings,
                           COALESCE(avg(rt.rating), 0) AS satisfaction
                      FROM %(rating_from)s
                     WHERE %(rating_given)s
                       AND rc.company_id = ANY(%(company_ids)s)
                       AND %(rating_date)s BETWEEN %(date_from)s AND %(date_to)s
                  ) rt
                """,
                attended=report_sql.attended_registration_condition(),
                desk_event=report_sql.desk_event_condition(),
                event_date=report_sql.event_date_sql(),
                rating_from=report_sql.rating_from_sql(),
                rating_given=report_sql.rating_given_condition(),
                rating_date=report_sql.rating_date_sql(),
                date_from=date_from,
                date_to=date_to,
                company_ids=company_ids,
            )
        )
        events, participants, ratings, satisfaction = cr.fetchone()
        return {
            "companies_advised": companies,
            "individuals_advised": individuals,
            "consultations": consultations,
            "hours": float(hours),
            "events": events,
            "event_participants": int(participants),
            "ratings": ratings,
            "satisfaction": float(satisfaction),
        }
