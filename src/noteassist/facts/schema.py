"""Export the visit-facts JSON Schema: `python -m noteassist.facts.schema > schema/visit-facts.schema.json`."""

from __future__ import annotations

import json

from pydantic import TypeAdapter

from .human_services import HumanServicesFacts
from .models import SCHEMA_VERSION, VisitFacts


def json_schema() -> dict:
    # A file is one of the two documents: workers' compensation (a claim) or human services (a client).
    schema = TypeAdapter(VisitFacts | HumanServicesFacts).json_schema()
    schema["title"] = "Visit facts"
    schema["description"] = ("One contact: workers' compensation facts (claim, claimant) or, from schema_version 3, "
                             "human-services facts (client, program).")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://noteassist.invalid/schema/visit-facts/v{SCHEMA_VERSION}.json"
    return schema


def main() -> None:
    print(json.dumps(json_schema(), indent=2, sort_keys=False))


if __name__ == "__main__":
    main()
