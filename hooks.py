# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# The event app's multi-company rules that security/event_security.xml
# replaces by rules admitting co-organisers (keep both lists in step).
EVENT_COMPANY_RULES = (
    "event.event_event_company_rule",
    "event.event_registration_company_rule",
    "event.ir_rule_event_event_ticket_company",
)


def uninstall_hook(env):
    """Give the event app its own multi-company rules back.

    :param env: the environment of the uninstallation (superuser).
    :return: None; re-activates the rules named in ``EVENT_COMPANY_RULES``.
    """
    for xmlid in EVENT_COMPANY_RULES:
        rule = env.ref(xmlid, raise_if_not_found=False)
        if rule:
            rule.active = True
