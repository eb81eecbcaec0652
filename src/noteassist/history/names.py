"""Name normalisation before linkage: what fuzzy string scores cannot see.

Jaro-Winkler rates "Bob" and "Robert" as different names (0.0 shared prefix), so first names are
also mapped to a canonical form through a small table of common English nicknames; "Smith-Jones"
and "Jones" share a part, which is checked in SQL (link.py). Accents, apostrophes and case are dropped
because agencies' systems keep or lose them at random ("José", "Jose"; "O'Neil", "ONeil").
"""

from __future__ import annotations

import re
import unicodedata

_NICKNAMES = {
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "william": ("bill", "billy", "will", "willie", "liam"),
    "richard": ("rick", "ricky", "dick", "rich", "richie"),
    "james": ("jim", "jimmy", "jamie"),
    "john": ("jack", "johnny", "jon"),
    "joseph": ("joe", "joey"),
    "michael": ("mike", "mikey", "mick"),
    "thomas": ("tom", "tommy"),
    "charles": ("charlie", "chuck"),
    "christopher": ("chris", "topher"),
    "daniel": ("dan", "danny"),
    "anthony": ("tony",),
    "edward": ("ed", "eddie", "ted", "ned"),
    "jose": ("pepe",),
    "francisco": ("paco", "frank", "pancho"),
    "alexander": ("alex", "sasha"),
    "nicholas": ("nick", "nicky"),
    "steven": ("steve", "stephen"),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "benjamin": ("ben", "benny"),
    "samuel": ("sam", "sammy"),
    "gregory": ("greg",),
    "timothy": ("tim", "timmy"),
    "patrick": ("pat", "paddy"),
    "elizabeth": ("liz", "beth", "betty", "lizzie", "eliza", "betsy"),
    "margaret": ("maggie", "peggy", "meg", "marge"),
    "katherine": ("kate", "katie", "kathy", "catherine", "kathryn", "cathy"),
    "jennifer": ("jen", "jenny"),
    "patricia": ("patty", "trish", "tricia"),
    "susan": ("sue", "susie"),
    "deborah": ("deb", "debbie", "debra"),
    "rebecca": ("becky", "becca"),
    "jessica": ("jess", "jessie"),
    "victoria": ("vicky", "tori"),
    "alexandra": ("alex", "lexi"),
    "christina": ("chris", "tina", "christine"),
    "samantha": ("sam", "sammie"),
    "theresa": ("terry", "tess", "teresa"),
    "dolores": ("lola",),
    "guadalupe": ("lupe",),
}
_FULL: dict[str, set[str]] = {}
for _full, _nicks in _NICKNAMES.items():
    for _nick in _nicks:
        _FULL.setdefault(_nick, set()).add(_full)
# "Alex" and "Chris" belong to more than one name: they stay as written, and Jaro-Winkler's shared prefix
# carries them ("Chris"/"Christopher" 0.89) rather than a guess that makes Christopher a Christina.
_CANONICAL = {nick: fulls.pop() for nick, fulls in _FULL.items() if len(fulls) == 1}


def normal(name: str) -> str:
    """Lower case, no accents or punctuation except the hyphen of a double surname."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z\- ]+", "", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return " ".join(text.split())


def canonical_first(name: str) -> str:
    """The first word of a normalised first name, nickname mapped to its usual full form."""
    first = normal(name).split(" ")[0] if normal(name) else ""
    return _CANONICAL.get(first, first)
