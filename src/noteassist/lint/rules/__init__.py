"""Rule families. Importing this package registers every rule.

One module per family, each citing its source in ../shared/domain.md:
- `elements`: required elements per note type (NA1xx, missing-element)
- `verbs`: reporting-verb repetition (NA2xx, repeated-verb)
- `readability`: grade level, reading ease, overlong sentences (NA3xx, readability)
"""

from . import elements, readability, verbs  # noqa: F401
