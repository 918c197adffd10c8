"""The one reminder activity of a given type that a desk record keeps: found,
moved or created here, so cases and referrals share the same mechanics."""


def reader_env(env, user):
    """``env`` in the language of ``user``, who will read what is written
    (an activity summary, a chatter note): texts stored in the database are
    translated once, for their reader, not for whoever triggered them.

    :param env: the current environment
    :param user: ``res.users`` record (may be empty: then ``env`` unchanged)
    :return: an environment with ``lang`` set to the user's language
    """
    lang = user.sudo().lang if user else False
    if not lang or lang == env.lang:
        return env
    return env(context=dict(env.context, lang=lang))


def activities_by_record(records, activity_type):
    """{record id: activity} of ``activity_type`` on ``records``, one query."""
    activities = records.env["mail.activity"].search(
        [
            ("res_model", "=", records._name),
            ("res_id", "in", records.ids),
            ("activity_type_id", "=", activity_type.id),
        ]
    )
    return {activity.res_id: activity for activity in activities}


def place_activity(record, activity, activity_type, deadline, user, summary):
    """Move ``activity`` to ``deadline`` / ``user``, or schedule it on
    ``record`` when there is none yet."""
    values = {"date_deadline": deadline, "user_id": user.id, "summary": summary}
    if activity:
        activity.write(values)
    else:
        record.activity_schedule(activity_type_id=activity_type.id, **values)
