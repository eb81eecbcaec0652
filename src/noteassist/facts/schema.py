"""Export the visit-facts JSON Schema: `python -m noteassist.facts.schema > schema/visit-facts.schema.json`."""

from __future__ import annotations

import json

from .models import SCHEMA_VERSION, VisitFacts


def json_schema() -> dict:
    schema = VisitFacts.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://noteassist.invalid/schema/visit-facts/v{SCHEMA_VERSION}.json"
    return schema


def main() -> None:
    print(json.dumps(json_schema(), indent=2, sort_keys=False))


if __name__ == "__main__":
    main()
