"""The audit trail's commands (``flask audit …``); the services are ``thads.services.audit``
(append, MACs, anchors) and ``thads.services.audit_verify`` (the full check and signing)."""
