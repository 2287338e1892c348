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
