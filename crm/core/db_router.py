"""Primary/replica routing: reads go to the replica unless this thread wrote recently.

Enabled only when DATABASE_REPLICA_URL is set (docs/decisions/0003-read-replica-router.md).
"""

import threading
import time
from typing import Any

PIN_SECONDS = 5.0
_state = threading.local()


def pin_to_primary() -> None:
    _state.pinned_until = time.monotonic() + PIN_SECONDS


def _pinned() -> bool:
    return getattr(_state, "pinned_until", 0.0) > time.monotonic()


class PrimaryReplicaRouter:
    def db_for_read(self, model: type, **hints: Any) -> str:
        return "default" if _pinned() else "replica"

    def db_for_write(self, model: type, **hints: Any) -> str:
        pin_to_primary()
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
