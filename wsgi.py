"""WSGI entry point: ``flask --app wsgi run`` or ``gunicorn wsgi:app``."""
import sys

from thads import create_app
from thads.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # one clear sentence, not a traceback
    print(f"THADS configuration error: {exc}", file=sys.stderr)
    sys.exit(2)
