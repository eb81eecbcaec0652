"""Visit facts: the structured record of one encounter (schema, loading, validation)."""

from .load import load_facts, validate_facts
from .models import NOTE_TYPES, SCHEMA_VERSION, VisitFacts

__all__ = ["NOTE_TYPES", "SCHEMA_VERSION", "VisitFacts", "load_facts", "validate_facts"]
