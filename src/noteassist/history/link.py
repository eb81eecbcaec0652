"""Which agencies' clients are the client asked for: probabilistic record linkage with Splink on DuckDB.

The unit linked is a *profile*: the records one agency keeps under one client id (an agency's own id
is trusted within that agency). Each profile is scored against the *probe*, the client named on the
command line, with a Fellegi-Sunter model (Splink): first name and surname by Jaro-Winkler with
levels for a nickname, swapped first/last names and a shared part of a hyphenated surname; date of
birth exact, one keystroke off, or missing. The m and u probabilities are set by hand below rather than
trained: a handful of profiles is far too few for EM, and fixed weights make a score mean the same thing
from one run to the next. A profile is merged only at or above the threshold; below it but at or above
`possible_from` it is reported as a possible match and never merged.
"""

from __future__ import annotations

import datetime as dt
import logging
import warnings
from collections import Counter
from dataclasses import dataclass, field

from ..errors import HistoryError
from .load import HistoryRecord, agency_key
from .names import canonical_first, normal

#: Default --threshold: a profile whose match probability is below this is not merged (docs/history.md).
DEFAULT_THRESHOLD = 0.90
#: Default --possible-from: below the threshold but at or above this, "possible match, not merged".
DEFAULT_POSSIBLE_FROM = 0.20
#: Prior that a profile is the client (Splink's probability_two_random_records_match).
PRIOR = 0.02


@dataclass
class Profile:
    agency: str
    client_id: str
    first_name: str
    last_name: str
    dob: dt.date | None
    records: list[HistoryRecord] = field(default_factory=list)
    score: float = 0.0
    by_id: bool = False  # the client was named by this profile's id

    @property
    def key(self) -> tuple[str, str]:
        return (agency_key(self.agency), self.client_id.strip().lower())

    @property
    def part2(self) -> bool:
        return any(r.part2 for r in self.records)


@dataclass
class Probe:
    first_name: str
    last_name: str
    dob: dt.date

    @property
    def display(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Linked:
    probe: Probe
    merged: list[Profile]
    possible: list[Profile]
    threshold: float


def profiles(records: list[HistoryRecord]) -> list[Profile]:
    """One profile per (agency, client id); its name and dob are the values its records give most often."""
    groups: dict[tuple[str, str], list[HistoryRecord]] = {}
    for record in records:
        groups.setdefault(record.profile, []).append(record)
    result = []
    for group in groups.values():
        def common(values):
            counted = Counter(v for v in values if v)
            return counted.most_common(1)[0][0] if counted else None
        result.append(Profile(agency=group[0].agency, client_id=group[0].client_id,
                              first_name=common(r.first_name for r in group) or "",
                              last_name=common(r.last_name for r in group) or "",
                              dob=common(r.dob for r in group), records=group))
    return result


def make_probe(client: str, dob: dt.date, found: list[Profile]) -> Probe:
    """The client to look for: `client` is an agency client id (`ID` or `AGENCY:ID`) or a name.

    An id whose records give another date of birth is refused: it names someone else, or --dob is wrong.
    """
    agency, sep, ident = client.rpartition(":")
    wanted = [p for p in found if p.client_id.strip().lower() == (ident if sep else client).strip().lower()
              and (not sep or agency_key(agency) == agency_key(p.agency))]
    if wanted:
        other = [p for p in wanted if p.dob and p.dob != dob]
        if other:
            raise HistoryError(f"--client {client}: {other[0].agency} records give date of birth "
                               f"{other[0].dob.isoformat()}, not --dob {dob.isoformat()}")
        for profile in wanted:
            profile.by_id = True
        return Probe(wanted[0].first_name, wanted[0].last_name, dob)
    if "," in client:  # "Last, First"
        last, _, first = client.partition(",")
    else:
        first, _, last = client.strip().rpartition(" ")
    if not first.strip() or not last.strip():
        raise HistoryError(f"--client {client}: no agency client id {client!r} in the exports; give an id, "
                           "AGENCY:ID, or the client's name as 'First Last'")
    return Probe(first.strip(), last.strip(), dob)


def link(found: list[Profile], probe: Probe, *, threshold: float = DEFAULT_THRESHOLD,
         possible_from: float = DEFAULT_POSSIBLE_FROM) -> Linked:
    scores = score_profiles(found, probe)
    merged, possible = [], []
    for index, profile in enumerate(found):
        profile.score = 1.0 if profile.by_id else scores.get(index, 0.0)
        if profile.score >= threshold:
            merged.append(profile)
        elif profile.score >= possible_from:
            possible.append(profile)
    possible.sort(key=lambda p: -p.score)
    return Linked(probe, merged, possible, threshold)


def _row(uid: str, first: str, last: str, dob: dt.date | None) -> dict:
    return {"unique_id": uid, "first_name": normal(first) or None, "first_canon": canonical_first(first) or None,
            "surname": normal(last) or None, "dob": dob.isoformat() if dob else None}


def score_profiles(found: list[Profile], probe: Probe) -> dict[int, float]:
    """Match probability of each profile (by index) against the probe."""
    if not found:
        return {}
    import pandas as pd
    from splink import DuckDBAPI, Linker

    left = pd.DataFrame([_row("probe", probe.first_name, probe.last_name, probe.dob)])
    right = pd.DataFrame([_row(str(i), p.first_name, p.last_name, p.dob) for i, p in enumerate(found)])
    # Splink's timing lines and untrained-parameter warning are not the user's business: the weights are
    # set by hand on purpose, and stdout/stderr carry noteassist's own lines only.
    logging.getLogger("splink").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        linker = Linker([left, right], _settings(), db_api=DuckDBAPI(), input_table_aliases=["probe", "profiles"],
                        set_up_basic_logging=False)
        table = linker.inference.predict().as_pandas_dataframe()
    return {int(row.unique_id_r if row.unique_id_l == "probe" else row.unique_id_l): float(row.match_probability)
            for row in table.itertuples()}


def _settings():
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator

    def level(sql: str, label: str, m: float, u: float):
        return cll.CustomLevel(sql, label_for_charts=label).configure(m_probability=m, u_probability=u)

    null = cll.NullLevel
    first = cl.CustomComparison(output_column_name="first_name", comparison_levels=[
        null("first_name"),
        level("first_canon_l = first_canon_r", "same name or nickname", 0.82, 0.01),
        level("first_name_l = surname_r AND surname_l = first_name_r", "first and last swapped", 0.03, 0.0005),
        level("jaro_winkler_similarity(first_name_l, first_name_r) >= 0.92", "Jaro-Winkler >= 0.92", 0.08, 0.005),
        level("jaro_winkler_similarity(first_name_l, first_name_r) >= 0.80", "Jaro-Winkler >= 0.80", 0.04, 0.03),
        cll.ElseLevel().configure(m_probability=0.03, u_probability=0.9545),
    ])
    surname = cl.CustomComparison(output_column_name="surname", comparison_levels=[
        null("surname"),
        level("surname_l = surname_r", "same surname", 0.80, 0.005),
        level("first_name_l = surname_r AND surname_l = first_name_r", "first and last swapped", 0.03, 0.0005),
        # "Garcia-Lopez" and "Garcia": one part of a double surname dropped by one agency's system.
        level("list_has_any(string_split(surname_l, '-'), string_split(surname_r, '-'))", "shares a surname part",
              0.07, 0.001),
        level("jaro_winkler_similarity(surname_l, surname_r) >= 0.92", "Jaro-Winkler >= 0.92", 0.05, 0.005),
        level("jaro_winkler_similarity(surname_l, surname_r) >= 0.80", "Jaro-Winkler >= 0.80", 0.03, 0.02),
        cll.ElseLevel().configure(m_probability=0.02, u_probability=0.9685),
    ])
    dob = cl.CustomComparison(output_column_name="dob", comparison_levels=[
        null("dob"),
        level("dob_l = dob_r", "same date of birth", 0.90, 0.0005),
        # One digit mistyped or two swapped (1980-03-12 / 1980-03-21), or month and day swapped.
        level("damerau_levenshtein(dob_l, dob_r) <= 1 OR (substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND "
              "substr(dob_l, 6, 2) = substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2))",
              "one keystroke off", 0.07, 0.005),
        # A date of birth that disagrees is strong evidence of another person: --dob is given on purpose.
        cll.ElseLevel().configure(m_probability=0.002, u_probability=0.9945),
    ])
    return SettingsCreator(link_type="link_only", comparisons=[first, surname, dob],
                           blocking_rules_to_generate_predictions=["1=1"],  # one probe: compare it with all
                           probability_two_random_records_match=PRIOR)
