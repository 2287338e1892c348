"""Hooks through which approvals tells the subject's app what happened (architecture.md: a lower
app never imports a higher one).

All are sent inside the service's transaction with ``sender=`` the subject's model class, so a
receiver's writes (the subject's own state, a ticket timeline entry) commit or roll back with the
decision.  A receiver that raises ServiceError refuses the whole decision.
"""

from django.dispatch import Signal

# sender=subject model, request=ApprovalRequest, subject=…, actor=User
request_submitted = Signal()
# sender=subject model, request=…, subject=…, decision=ApprovalDecision, actor=User
decision_recorded = Signal()
# sender=subject model, request=… (state approved / rejected / returned / withdrawn), subject=…, actor=User
request_finished = Signal()
