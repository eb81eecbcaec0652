"""Visit facts: the structured record of one encounter (schema, loading, validation)."""

from .human_services import HumanServicesFacts
from .load import Facts, load_facts, validate_facts
from .models import NOTE_TYPES, SCHEMA_VERSION, VisitFacts

__all__ = ["NOTE_TYPES", "SCHEMA_VERSION", "Facts", "HumanServicesFacts", "VisitFacts", "load_facts", "validate_facts"]
