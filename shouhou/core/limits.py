"""The maximum length of every free text (issue 6, hardening; documented in docs/limits.md).

A text column without a limit let one request store a 2,000,000-character description.  Every
TextField names one of these limits as its `max_length` (forms and the API refuse longer input
with a message naming the field; the OpenAPI schema shows `maxLength`), and the request body as a
whole is capped by DATA_UPLOAD_MAX_MEMORY_SIZE (a JSON 400 naming the limit, core.params).
"""

SHORT_TEXT = 1000   # a reason, a note on a task
TEXT = 4000         # notes, a visit's work record, a fault analysis section
LONG_TEXT = 10000   # a fault description, a comment, warranty terms
MESSAGE = 20000     # an outgoing notification's body (written by the system)
# A drawn signature as base64 text: the PNG limit (dispatch.signature, 512 KB) grown by 4/3.
SIGNATURE_TEXT = 700_000


def enforce_text_limits() -> int:
    """Make `full_clean()` refuse a text longer than its field's `max_length` (called in CoreConfig.ready).

    Django reflects a TextField's max_length in forms and our API, but not in model validation nor
    in the database (PostgreSQL's text has no limit), so a service fed by the CLI importer stored
    30,000 characters of notes.  Each of our models' TextFields gets a MaxLengthValidator, so every
    service's full_clean — and with it `shouhou import`, which reports the line and the field's
    Chinese name — refuses it like any other bad value.  The validator is added to the field's
    validators, not to its constructor arguments: no migration changes.  Returns how many fields.
    """
    from django.apps import apps
    from django.core.validators import MaxLengthValidator
    from django.db import models

    count = 0
    for model in apps.get_models():
        if not model.__module__.startswith("shouhou."):
            continue
        for field in model._meta.local_fields:
            if not isinstance(field, models.TextField) or not field.max_length:
                continue
            if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
                field.__dict__["validators"] = [*field.validators, MaxLengthValidator(field.max_length)]
                count += 1
    return count
