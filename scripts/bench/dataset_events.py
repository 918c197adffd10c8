"""Loading the case topics, open activities (SQL) and desk events (ORM)
with their registrations (SQL) of the benchmark's data set."""

import datetime

from dataset_spec import N_EVENTS, N_ORGS, say


def load_case_topics_and_activities(env, run):
    """Topics on every case (one or two) and an open to-do on one case in
    ten, for the kanban cards and the list's activity column."""
    say("case topics and open activities (SQL)")
    todo = env.ref("mail.mail_activity_data_todo")
    run(
        """
        INSERT INTO expat_case_expat_topic_rel (expat_case_id, expat_topic_id)
        SELECT k.id, (%(topics)s::int[])[1 + floor(random() * %(n_topics)s)::int]
          FROM expat_case k
        UNION
        SELECT k.id, (%(topics)s::int[])[1 + floor(random() * %(n_topics)s)::int]
          FROM expat_case k
         WHERE random() < 0.5;
        INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name,
               activity_type_id, summary, date_deadline, user_id, user_tz,
               active, automated, create_uid, write_uid, create_date,
               write_date)
        SELECT %(model_id)s, 'expat.case', k.id, k.name, %(todo)s,
               'Call back', %(today)s::date - 20 + floor(random() * 40)::int,
               k.user_id, 'Europe/Berlin', TRUE, FALSE, 1, 1, now(), now()
          FROM expat_case k
         WHERE k.active AND random() < 0.1
        """,
        n_topics=len(env["expat.topic"].search([])),
        model_id=env["ir.model"]._get_id("expat.case"),
        todo=todo.id,
    )


def load_events(env, run, params, orgs):
    start = params["start"]
    say(f"{N_EVENTS} desk events (ORM) and their registrations (SQL)")
    events = env["event.event"].with_context(tracking_disable=True)
    vals_list = []
    for i in range(N_EVENTS + 3):
        offset = 15 + i * (params["days"] - 30) // (N_EVENTS + 3)
        day = start + datetime.timedelta(days=offset)
        # One event starts at 23:30 UTC: the next day in Berlin.
        hour = datetime.time(23, 30) if i == 7 else datetime.time(16, 0)
        begin = datetime.datetime.combine(day, hour)
        vals_list.append(
            {
                "name": f"Bench event {i + 1:02d}",
                "date_begin": begin,
                "date_end": begin + datetime.timedelta(hours=2),
                "date_tz": "Europe/Berlin",
                "company_id": orgs[i % N_ORGS].id,
                "is_expat_desk": i < N_EVENTS + 1,  # the last two are not desk events
                "target_group": "both",
            }
        )
    events = events.create(vals_list)
    env.flush_all()
    # One desk event cancelled, one archived: neither counts.
    run(
        "UPDATE event_event SET kanban_state = 'cancel' WHERE id = %(a)s;"
        "UPDATE event_event SET active = FALSE WHERE id = %(b)s",
        a=events[3].id,
        b=events[N_EVENTS].id,
    )
    # About 1,000 attended registrations of counted desk events: individuals
    # (with their employer) and companies registering as such.
    run(
        """
        INSERT INTO event_registration (event_id, partner_id, employer_id,
               company_id, name, email, state, active, create_uid, write_uid,
               create_date, write_date)
        SELECT e.id, CASE WHEN x.r < 0.7 THEN bp.id ELSE bc.id END, bc.id,
               e.company_id, p.name, p.email,
               CASE WHEN random() < 0.85 THEN 'done' ELSE 'open' END,
               random() > 0.02, 1, 1, now(), now()
          FROM event_event e
         CROSS JOIN LATERAL (
               SELECT g, random() AS r,
                      1 + floor(random() * 17000 + e.id * 0)::int AS person_n,
                      1 + floor(random() * 3000 + e.id * 0)::int AS company_n
                 FROM generate_series(1, 40) g) x
          JOIN bench_person bp ON bp.n = x.person_n
          JOIN bench_company bc ON bc.n = x.company_n
          JOIN res_partner p
            ON p.id = CASE WHEN x.r < 0.7 THEN bp.id ELSE bc.id END
         WHERE e.id = ANY(%(events)s)
        """,
        events=events.ids,
    )
    # What the ORM stores on create: an individual who booked under their own
    # name and address is the attendee (expat_person_id).
    run(
        """
        UPDATE event_registration r SET expat_person_id = r.partner_id
          FROM res_partner p
         WHERE p.id = r.partner_id AND NOT p.is_company
           AND r.event_id = ANY(%(events)s)
        """,
        events=events.ids,
    )
