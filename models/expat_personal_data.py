"""The inventory of where the desk keeps personal data about an individual.

Every model that holds personal data about a person declares it with two
methods, next to its own fields:

``_expat_personal_fields(self)``
    Return the list of names of this model's fields that hold personal data
    in free form: names, contact data, free text, document names. The Art. 15
    export lists these fields and the anonymisation clears them, so the two
    cannot drift apart. How each field is cleared (the rule):

    * it is emptied (``False``; a many2many is unlinked);
    * a *required* char, text or html field gets the fixed text "Anonymised"
      (translated) instead, so that the record stays valid;
    * a model that needs other replacement values (a marker flag, a
      placeholder name) defines ``_expat_anonymized_values(self)`` returning
      ``{field name: value}``; these win over the rule and are written to all
      the model's records of a person in the same write (so they are the same
      for every record: no per-record values);
    * never list a required many2one or a one2many: list the fields of the
      comodel in the comodel itself.

    Fields kept because statistics need them (nationality, dates, topics) are
    not listed here; a model may name them in the optional
    ``_expat_personal_kept_fields(self)`` so that the export shows them too.

``_expat_personal_records(self, partners)``
    Return the recordset of this model's records that belong to the persons
    ``partners`` (a ``res.partner`` recordset), archived ones included. It is
    called once per batch of persons, on an environment with superuser rights
    and ``active_test=False``, *before* anything is changed: it may therefore
    find records through the persons' current e-mail address. It must not
    change anything, and should cost one query (or a few) for the whole
    batch.

Both methods are found by looking at every model in the registry (see
``expat.personal.data._personal_models``): another addon or model joins the
inventory by defining them, nothing else needs to be registered. Records of
models that inherit ``mail.thread`` also have their messages, tracking
values, attachments, activities, outgoing mails and notifications erased and
exported (see ``expat.anonymization`` and ``expat.data.export``).
"""

from odoo import Command, api, models

PERSONAL_FIELDS_METHOD = "_expat_personal_fields"
PERSONAL_RECORDS_METHOD = "_expat_personal_records"


class ExpatPersonalData(models.AbstractModel):
    _name = "expat.personal.data"
    _description = "Inventory of Personal Data"

    @api.model
    def _personal_models(self):
        """Names of the models that declare personal data, sorted, with
        ``res.partner`` last (the person is erased after what points at
        them).

        :return: list of model names (str)
        """
        names = sorted(
            name
            for name, model_class in self.env.registry.items()
            if not model_class._abstract
            and not model_class._transient
            and callable(getattr(model_class, PERSONAL_FIELDS_METHOD, None))
            and callable(getattr(model_class, PERSONAL_RECORDS_METHOD, None))
        )
        names.sort(key=lambda name: name == "res.partner")
        return names

    @api.model
    def _personal_records(self, partners):
        """Everything the inventory holds about ``partners``, found before
        anything changes.

        :param partners: ``res.partner`` recordset
        :return: dict {model name: recordset (superuser, ``active_test``
            off)}, only non-empty recordsets
        """
        env = self.env(su=True, context=dict(self.env.context, active_test=False))
        partners = partners.with_env(env)
        result = {}
        for name in self._personal_models():
            records = getattr(env[name], PERSONAL_RECORDS_METHOD)(partners)
            if records:
                result[name] = records.with_env(env)
        return result

    @api.model
    def _anonymized_values(self, model):
        """The values that clear the personal fields of ``model`` by the
        rule in this module's docstring.

        :param model: an (empty) recordset of the model
        :return: dict {field name: value} for one ``write()``
        """
        values = {}
        for fname in getattr(model, PERSONAL_FIELDS_METHOD)():
            field = model._fields[fname]
            if field.type in ("char", "text", "html") and field.required:
                values[fname] = self.env._("Anonymised")
            elif field.type == "many2many":
                values[fname] = [Command.clear()]
            else:
                values[fname] = False
        extra = getattr(model, "_expat_anonymized_values", None)
        if callable(extra):
            values.update(extra())
        return values

    @api.model
    def _clear(self, recordset):
        """Clear the personal fields of ``recordset`` by the rule, in one
        ``write()``; files (binary fields) only on the records that have one,
        since clearing an empty one costs a query per record."""
        values = self._anonymized_values(recordset)
        binaries = [
            fname
            for fname, value in values.items()
            if not value and recordset._fields[fname].type == "binary"
        ]
        for fname in binaries:
            holders = recordset.with_context(bin_size=True).filtered(fname)
            if holders:
                holders.write({fname: False})
        recordset.write({k: v for k, v in values.items() if k not in binaries})

    @api.model
    def _export_fields(self, model):
        """The fields of ``model`` that the Art. 15 export lists: the
        personal fields and the kept ones, in that order, without repeats.

        :return: list of field names
        """
        fnames = list(getattr(model, PERSONAL_FIELDS_METHOD)())
        kept = getattr(model, "_expat_personal_kept_fields", None)
        if callable(kept):
            fnames += [fname for fname in kept() if fname not in fnames]
        return fnames
