"""Flask commands of the reports slice (registered by thads.cli)."""
from __future__ import annotations

COMMANDS: list = []
