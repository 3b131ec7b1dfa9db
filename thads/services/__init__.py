"""Use cases: the only code that changes state. Services flush; the caller commits."""
