"""The audit trail's commands (``flask audit …``); the service is ``thads.services.audit``."""
