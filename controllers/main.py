import logging
import re

from werkzeug.exceptions import HTTPException

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

_logger = logging.getLogger(__name__)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MAX_MESSAGE = 10_000  # characters
MAX_ATTACHMENT = 10 * 1024 * 1024  # bytes
MAX_FIELD = 200  # characters of name, e-mail and phone
LANGUAGES = {"de": "de_DE", "en": "en_US"}
DESK_NAME_PARAM = "expat_service_desk.desk_name"
DESK_NAME_DEFAULT = "Expat Service Desk"
LEGAL_NOTICE_PARAM = "expat_service_desk.legal_notice_url"


class ExpatDeskRequest(http.Controller):
    """The public request form: a plain page on Odoo's frontend layout."""

    @http.route(
        "/expat-desk/request",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
        # Checked in _submit: only for logged-in sessions, as Odoo's own
        # website forms do (an embedded form or blocked cookies lose the
        # visitor's session, and with it the token).
        csrf=False,
    )
    def expat_desk_request(self, **post):
        # Control characters (a NUL byte cannot even be stored) are no text
        # anybody typed: they are dropped, tabs and line breaks stay.
        post = {
            key: CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value
            for key, value in post.items()
        }
        lang = self._language(post.get("lang"))
        installed = dict(request.env["res.lang"].get_installed())
        if LANGUAGES[lang] in installed:
            request.update_context(lang=LANGUAGES[lang])
        if request.httprequest.method == "GET":
            return self._render_form(lang)
        try:
            return self._submit(lang, post)
        except HTTPException:
            raise
        except Exception:
            # A public page never answers 500: the visitor gets the form
            # back with a message, the log gets the details.
            _logger.exception("Expat desk request failed")
            request.env.cr.rollback()
            return self._render_form(
                lang,
                post,
                [
                    request.env._(
                        "Sorry, your request could not be processed. "
                        "Please try again later."
                    )
                ],
                status=503,
            )

    def _submit(self, lang, post):
        env = request.env
        token = post.pop("csrf_token", None)
        exceeded = env["expat.intake.attempt"]._register_post(
            request.httprequest.remote_addr, post.get("email")
        )
        if exceeded:
            return self._render_form(
                lang,
                post,
                [
                    env._(
                        "Too many requests from your address. "
                        "Please try again in a few minutes."
                    )
                    if exceeded == "address"
                    else env._(
                        "Too many requests with this e-mail address. "
                        "Please try again in a few minutes."
                    )
                ],
                status=429,
            )
        if request.session.uid and not request.validate_csrf(token):
            # A logged-in session must prove the post comes from our page.
            # The form comes back with everything typed and a fresh token.
            return self._render_form(
                lang,
                post,
                [
                    env._(
                        "Your session has expired. Please check your entries "
                        "and send the form again."
                    )
                ],
                status=400,
            )
        if post.get("company_website"):
            # Only robots fill the hidden field: they are thanked, nothing more.
            return self._render_page("expat_service_desk.request_thanks_page", lang)
        errors, values = self._validate(post)
        if errors:
            return self._render_form(lang, post, errors, status=400)
        installed = dict(env["res.lang"].get_installed())
        values["lang"] = LANGUAGES[lang] if LANGUAGES[lang] in installed else False
        try:
            with env.cr.savepoint():
                self._create_case(values)
        except (UserError, ValidationError, ValueError) as error:
            _logger.info("Expat desk request refused: %s", error)
            return self._render_form(
                lang,
                post,
                [
                    env._(
                        "Your request could not be recorded: %(reason)s",
                        reason=str(error),
                    )
                ],
                status=400,
            )
        return self._render_page("expat_service_desk.request_thanks_page", lang)

    @http.route(
        "/expat-desk/privacy",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def expat_desk_privacy(self, **kwargs):
        """The privacy notice of the desk (Art. 13 GDPR), in German or
        English, linked from the request form."""
        lang = self._language(kwargs.get("lang"))
        installed = dict(request.env["res.lang"].get_installed())
        if LANGUAGES[lang] in installed:
            request.update_context(lang=LANGUAGES[lang])
        env = request.env
        return self._render_page(
            "expat_service_desk.privacy_notice_page",
            lang,
            {
                "companies": env["res.company"]._expat_joint_controllers(),
                "retention_months": env["res.partner"].sudo()._expat_retention_months(),
            },
            path="/expat-desk/privacy",
        )

    # ------------------------------------------------------------------

    def _render_page(self, template, lang, values=None, path="/expat-desk/request"):
        """Render a public page of the desk with what every page shows: the
        desk's name and logo, the language switch and the links to the
        privacy notice and the legal notice (Settings)."""
        return request.render(
            template,
            {
                **self._page_values(lang, path),
                **(values or {}),
            },
        )

    def _page_values(self, lang, path):
        env = request.env
        params = env["ir.config_parameter"].sudo()
        organisation = env["expat.case"]._expat_intake_company()
        if organisation.uses_default_logo:
            logo = "/expat_service_desk/static/description/icon.png"
        else:
            logo = f"/web/binary/company_logo?company={organisation.id}"
        return {
            "form_lang": lang,
            "page_path": path,
            "desk_name": params.get_param(DESK_NAME_PARAM) or DESK_NAME_DEFAULT,
            "desk_logo": logo,
            "legal_notice_url": params.get_param(LEGAL_NOTICE_PARAM) or "",
            "privacy_url": f"/expat-desk/privacy?lang={lang}",
        }

    def _language(self, asked):
        if asked in LANGUAGES:
            return asked
        best = request.httprequest.accept_languages.best_match(list(LANGUAGES))
        return best or "de"

    def _choices(self):
        env = request.env
        topics = env["expat.topic"].sudo().search([])
        countries = env["res.country"].sudo().search([]).sorted("name")
        return topics, countries

    def _render_form(self, lang, values=None, errors=None, status=200):
        env = request.env
        topics, countries = self._choices()
        companies = env["res.company"]._expat_joint_controllers()
        retention = env["res.partner"].sudo()._expat_retention_months()
        response = self._render_page(
            "expat_service_desk.request_form_page",
            lang,
            {
                "values": values or {},
                "errors": errors or [],
                "topics": topics,
                "countries": countries,
                "controllers": companies.mapped("name"),
                "retention_months": retention,
                "max_message": MAX_MESSAGE,
            },
        )
        response.status_code = status
        return response

    def _validate(self, post):
        """The request's values, or the errors to show (translated)."""
        env = request.env
        errors = []
        name = " ".join((post.get("name") or "").split())
        email = (post.get("email") or "").strip()
        phone = (post.get("phone") or "").strip()
        message = (post.get("message") or "").strip()
        if not name:
            errors.append(env._("Please enter your name."))
        if len(name) > MAX_FIELD or len(email) > MAX_FIELD or len(phone) > MAX_FIELD:
            errors.append(
                env._(
                    "Name, e-mail and phone may have %(max)s characters each.",
                    max=MAX_FIELD,
                )
            )
        normalized = email_normalize(email)
        if not normalized or "," in email or ";" in email:
            errors.append(env._("Please enter a valid e-mail address."))
        if not message:
            errors.append(env._("Please describe your request."))
        elif len(message) > MAX_MESSAGE:
            errors.append(
                env._(
                    "Your message is too long: at most %(max)s characters, please.",
                    max=MAX_MESSAGE,
                )
            )
        if post.get("consent") != "on":
            errors.append(
                env._(
                    "Please agree to the processing of your data, "
                    "or contact us by phone."
                )
            )
        topic = self._record("expat.topic", post.get("topic_id"))
        if not topic:
            errors.append(env._("Please choose one of the topics offered."))
        country = env["res.country"].sudo()
        if post.get("nationality_id"):
            country = self._record("res.country", post["nationality_id"])
            if not country:
                errors.append(env._("Please choose one of the nationalities offered."))
        attachment = request.httprequest.files.get("attachment")
        data = b""
        if attachment and attachment.filename:
            data = attachment.read(MAX_ATTACHMENT + 1)
            if len(data) > MAX_ATTACHMENT:
                errors.append(env._("Attachments may be 10 MB at most."))
        return errors, {
            "name": name,
            "email": normalized,
            "phone": phone,
            "message": message,
            "topic": topic,
            "country": country,
            "attachment": (attachment.filename, data) if data else None,
        }

    def _record(self, model, value):
        """The active record for an id sent by the form, or None when the id
        is malformed or unknown (a bad request: 400, and the post counts)."""
        try:
            record_id = int(value)
        except (TypeError, ValueError):
            return None
        if record_id <= 0:
            return None
        record = request.env[model].sudo().browse(record_id).exists()
        if not record or ("active" in record._fields and not record.active):
            return None
        return record

    def _create_case(self, values):
        env = request.env(su=True)
        # Never changes an existing contact: a stranger who knows a client's
        # name and phone number gets a new person, not the client's file.
        person = env["res.partner"]._expat_find_or_create_person(
            values["name"], email=values["email"], phone=values["phone"]
        )
        # The public user creates the case: do not make it a follower.
        cases = env["expat.case"].with_context(mail_create_nosubscribe=True)
        case = cases.create(
            {
                "person_id": person.id,
                "company_id": cases._expat_intake_company().id,
                "user_id": False,
                "channel": "web_form",
                "legal_basis": "consent",
                "consent_date": fields.Date.context_today(cases),
                "topic_ids": values["topic"].ids,
                "nationality_id": values["country"].id,
                "description": plaintext2html(values["message"]),
                "request_lang": values.get("lang") or False,
            }
        )
        if values["attachment"]:
            filename, data = values["attachment"]
            env["ir.attachment"].create(
                {
                    "name": filename,
                    "raw": data,
                    "res_model": "expat.case",
                    "res_id": case.id,
                }
            )
        topic = values["topic"]
        case._expat_schedule_intake_activity(
            lambda env: env._(
                "New request from the web form: %(topic)s",
                topic=topic.with_env(env).name,
            )
        )
        case._expat_send_acknowledgement("auto-generated")
        return case
