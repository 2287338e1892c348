"""Background work of the retention app (style rule 15): no arguments, bounded, idempotent.

settings.BACKGROUND_JOBS declares it once: the embedded worker and Celery beat run
`apply_retention()` once a day.
"""

from __future__ import annotations

from .services import apply_retention as _apply


def apply_retention(batch_size: int = 500, max_batches: int = 20) -> dict:
    """Apply every active retention rule now (not a dry run); returns the counts done per kind."""
    return {r.kind: r.done for r in _apply(None, dry_run=False, batch_size=batch_size, max_batches=max_batches)}
