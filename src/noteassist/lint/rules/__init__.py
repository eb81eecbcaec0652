"""Rule families. Importing this package registers every rule.

One module per family, each citing its source in ../shared/domain.md:
- `elements`: required elements per note type (NA1xx, missing-element)
- `verbs`: reporting-verb repetition (NA2xx, repeated-verb)
- `readability`: grade level, reading ease, overlong sentences (NA3xx, readability)
- `stigma`: stigmatizing and judgmental language (NA4xx, stigmatizing-language)
- `abbreviations`: The Joint Commission "Do Not Use" list in medication context (NA5xx)
- `attribution`: agentless reporting, "opined" by non-experts, bare "verbalized understanding" (NA6xx)
- `claim_number`: claim-number typos and formats (NA70x, claim-number)
- `dates`: date-of-injury, service, next-appointment, MMI and work-status date logic (NA80x, date-logic)
- `timeliness`: late entries without a label (NA81x, timeliness)
- `copy_forward`: notes cloned from an earlier note on the same claim (NA82x, copy-forward)
- `claim_consistency`: a claimant's name (NA703, claim-number), date of injury or birth (NA808, date-logic)
  that differs from an earlier note on the same claim
- `safety`: a positive risk screen without a safety plan or follow-up (NA131, safety)
- `service_plan`: progress on a goal that is not in the service plan (NA132, service-plan)
- `privacy`: Social Security numbers and other identifiers (NA901, privacy)
- `sensitive`: psychotherapy content and unrelated sensitive conditions in adjuster documents (NA902-NA903)
- `part2`: substance-use treatment information (42 CFR Part 2) for another agency without consent (NA904)
"""

from . import (
    abbreviations,
    attribution,
    claim_consistency,
    claim_number,
    copy_forward,
    dates,
    elements,
    part2,
    privacy,
    readability,
    safety,
    sensitive,
    service_plan,
    stigma,
    timeliness,
    verbs,
)
