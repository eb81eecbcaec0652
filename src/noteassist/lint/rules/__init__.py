"""Rule families. Importing this package registers every rule.

One module per family, each citing its source in ../shared/domain.md:
- `elements`: required elements per note type (NA1xx, missing-element)
- `verbs`: reporting-verb repetition (NA2xx, repeated-verb)
- `readability`: grade level, reading ease, overlong sentences (NA3xx, readability)
- `stigma`: stigmatizing and judgmental language (NA4xx, stigmatizing-language)
- `abbreviations`: The Joint Commission "Do Not Use" list in medication context (NA5xx)
- `attribution`: agentless reporting, "opined" by non-experts, bare "verbalized understanding" (NA6xx)
- `privacy`: Social Security numbers and other identifiers (NA9xx, privacy)
"""

from . import abbreviations, attribution, elements, privacy, readability, stigma, verbs  # noqa: F401
