"""Flask commands of the worklist slice (registered by thads.cli)."""
from __future__ import annotations

COMMANDS: list = []
