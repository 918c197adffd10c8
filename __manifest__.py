# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Expat Service Desk",
    "summary": "Advise companies employing international staff and the expats "
    "themselves: cases, company contacts, consultations, events, KPIs",
    "version": "19.0.1.0.0",
    "category": "Services/Expat Service Desk",
    "website": "https://github.com/expat-service-desk/expat_service_desk",
    "author": "Expat Service Desk Düsseldorf / Kreis Mettmann",
    "maintainers": [],
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": ["mail", "contacts", "event"],
    "data": [
        "security/expat_security.xml",
        "security/ir.model.access.csv",
        "data/expat_topic_data.xml",
        "views/expat_topic_views.xml",
        "views/expat_menus.xml",
    ],
    "demo": [],
}
