"""The acknowledgement a person gets when their request opens a case: by
e-mail to the desk's alias or through the public request form, never for
cases an advisor types in."""

import logging
import re

from odoo import api, fields, models
from odoo.tools import email_normalize, html2plaintext

from odoo.addons.base.models.res_partner import _lang_get

_logger = logging.getLogger(__name__)

ACKNOWLEDGEMENT_TEMPLATE = "expat_service_desk.mail_template_expat_case_received"
# Words that tell German from English in a short request; the language with
# more of them wins, English on a tie (the desk's international audience).
GERMAN_WORDS = frozenset(
    "aber als auch auf aus bei bin bitte danke das dass dem den der des die "
    "diese du ein eine einen er es für geehrte geehrter gibt grüße gruß haben "
    "habe hallo ich ihnen im ist jetzt kann können mein meine meinen mich mir "
    "mit möchte nach nicht noch oder sehr sie sind und uns von vielen war was "
    "wie wir wird zu zum zur über".split()
)
ENGLISH_WORDS = frozenset(
    "about also am an and are as at be but can could dear for from have hello "
    "hi how i if in is it me my not of on or our please regards should thank "
    "thanks that the there this to was we what when which will with would you "
    "your".split()
)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class ExpatCaseAcknowledgement(models.AbstractModel):
    """The acknowledgement of a request that opened a case: inherited by
    ``expat.case`` (its own model, so that the case's code stays in files of
    a readable size without a second class inheriting ``expat.case``)."""

    _name = "expat.case.acknowledgement"
    _description = "Acknowledgement of Requests"

    request_lang = fields.Selection(
        _lang_get,
        string="Language of the Request",
        copy=False,
        help="The language the person wrote in (e-mail) or chose (request "
        "form); the acknowledgement of the request is sent in it.",
    )

    @api.model
    def _expat_guess_lang(self, text):
        """German or English, whichever the words of ``text`` suggest.

        :param str text: plain text or HTML (subject and body of a mail)
        :return: ``"de_DE"`` or ``"en_US"`` when that language is installed,
            else ``False``
        """
        words = [word.lower() for word in WORD.findall(html2plaintext(text or ""))]
        german = sum(word in GERMAN_WORDS for word in words)
        english = sum(word in ENGLISH_WORDS for word in words)
        lang = "de_DE" if german > english else "en_US"
        installed = dict(self.env["res.lang"].get_installed())
        return lang if lang in installed else False

    def _expat_send_acknowledgement(self, auto_submitted="auto-replied"):
        """Tell each case's person that their request arrived: an e-mail
        from ``mail_template_expat_case_received`` in the case's
        ``request_lang`` (else the person's language), naming the case
        reference and what happens next, posted on the case's chatter.

        Sent to the person only (not to the case's followers), with the
        headers of an automatic message (``Auto-Submitted``, RFC 3834, and
        ``X-Auto-Response-Suppress``) so that auto-responders do not answer
        it. Nothing is sent when the person has no valid address, when the
        address is on Odoo's e-mail blacklist (``mail.blacklist``), or when
        it is one of this database's own addresses (a loop). Mail that
        Odoo's loop protection (``mail.gateway.loop.*``) or the intake
        filters drop never opens a case, so it is never acknowledged.

        :param str auto_submitted: the ``Auto-Submitted`` header:
            ``"auto-replied"`` for an answer to an e-mail,
            ``"auto-generated"`` for a request made on the web form
        :return: the cases acknowledged (``expat.case`` recordset)
        :side effects: one ``mail.message`` (``auto_comment``) per case
            acknowledged, and its ``mail.mail``
        """
        template = self.env.ref(ACKNOWLEDGEMENT_TEMPLATE, raise_if_not_found=False)
        done = self.browse()
        if not template:
            return done
        for case in self.sudo():
            person = case.person_id
            address = email_normalize(person.email or "")
            if not address or self._expat_is_own_address(address):
                continue
            if person.is_blacklisted:
                _logger.info(
                    "Expat desk: no acknowledgement of %s, address blacklisted",
                    case.name,
                )
                continue
            lang = template._render_lang(case.ids)[case.id] or self.env.lang
            localized = template.with_context(lang=lang)
            subject = localized._render_field("subject", case.ids, set_lang=lang)
            body = localized._render_field("body_html", case.ids, set_lang=lang)
            organisation = case.company_id
            case.with_context(lang=lang).message_post(
                subject=subject[case.id],
                body=body[case.id],
                author_id=organisation.partner_id.id,
                email_from=organisation.email_formatted or None,
                partner_ids=person.ids,
                message_type="auto_comment",
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
                force_email_lang=lang,
                notify_skip_followers=True,
                mail_headers={
                    "Auto-Submitted": auto_submitted,
                    "X-Auto-Response-Suppress": "All",
                },
            )
            done |= case
        return done
