"""Speaker mentions and their resolution to names, without a model.

A *mention* is a capitalised name sequence ("French Foreign Minister Laurent Fabius"), a nominal
("the ministry", "activists", "a report") or a pronoun. Names are typed from the word lists of
``rules/names.toml`` (titles and roles, given names by gender, organisation words) and split into
name and role ("Laurent Fabius" / "French Foreign Minister"). Resolution, in document order:

* a surname or titled surname ("Fares", "Mr. Fares") -> the most recent full name ending in it,
  unless the surname already names someone the text has named twice or more (a relative or
  namesake introduced later does not take it over);
* he/she -> a compatible person: a speaker or sentence subject of its own or the sentence before
  it (``SALIENT_BACK``: "Ann Lee spoke. Tom Reyes met her. Ann Lee's ... she said" skips the
  object of the nearer sentence only when a subject is that close), else earlier in the same
  sentence, then sentence by sentence backwards (speakers and sentence subjects first, then other
  persons, left to right), gender from given names, titles and earlier pronouns; they -> a group
  or organisation; it -> an organisation or document;
* a definite nominal ("the ministry", "the activist group") -> the most recent organisation whose
  name holds the head word, else the most recent organisation speaker;
* plural group nouns ("officials", "activists") stay as they are (type ``anonymous``).

The rules are written once (``_Resolution``) against seven questions about earlier mentions;
``Resolver`` answers them from every mention added before, and ``resolve_alone`` resolves the
mentions that ask none of them (full names, group nouns, indefinite nominals, "I").

What it does not do: no syntax, so a pronoun's antecedent is chosen by position and agreement
only (Hobbs-style recency); names of places can be taken for persons when they look like names.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

import regex

from quotetrack.rulebook.ruleset import RuleFile

TOKEN_RE = regex.compile(r"\S+")
SPLIT_ONLY_SPACES = frozenset(
    "\x1c\x1d\x1e\x1f"
)  # whitespace to str.split, not to the pattern's \s
ACRONYM_RE = regex.compile(r"^\p{Lu}{2,}[\p{Lu}&.]*$")
# a plural of nationality or group ("Americans", "Syrians", "Lebanese", "Israelis", "Saudis"), not
# a surname of the same ending ("Davis", "Harris", "Morris", "Calabrese", "Reese"): such plurals
# end in a vowel and one consonant before "-is", and "-ese" follows a vowel and n, m or l
PLURAL_GROUP_RE = regex.compile(
    r"^\p{Lu}\p{Ll}+(?:ans|ians|eans|[aeiou](?:n|m|l)ese|(?:[aiou][lqnt]|el|en|ud|ar|sh)is)$"
)
DESCRIPTOR_PHRASE_RE = regex.compile(
    r"(?:\p{Lu}\S*\s+)*\S+-(?:based|led|backed|born|run|owned|funded|linked|allied|affiliated)\b"
)
DESCRIPTOR_RE = regex.compile(
    r"^\p{Lu}[\p{L}.]*-(?:based|led|backed|born|run|owned|funded|linked|allied|affiliated)$"
)
SALIENT_BACK = (
    1  # sentences back (besides its own) where a he/she looks for a subject or speaker first
)
UNTYPED = "named (untyped)"  # resolution of a single capitalised word typed by nothing
INDEFINITE = "indefinite nominal"  # resolution of a nominal that introduces someone unnamed
UNNAMED_BACK = 12  # sentences back where "the member" looks for "a member" met unnamed
CACHE_SIZE = (
    1 << 16
)  # distinct name and nominal strings remembered per lexicon (typing is a pure function)


class Mention(NamedTuple):
    """One mention of a possible source, with what resolution made of it (immutable; a tuple
    because documents have thousands and creating a tuple is cheap)."""

    start: int
    end: int
    text: str
    kind: str  # name / nominal / pronoun
    entity_type: str  # person / organisation / anonymous / document / unknown
    name: str  # resolved or canonical name
    role: str | None = None
    gender: str | None = None  # "m", "f" or None (unknown)
    plural: bool = False
    sentence: int = 0
    subject: bool = False  # first noun phrase of its sentence, or the subject of a frame
    speaker: bool = False
    resolution: str = "named"
    antecedent: int | None = None  # offset of the mention it was resolved from


def tokens_of(text: str) -> list[str]:
    """``TOKEN_RE.findall(text)``: ``str.split`` unless the text holds one of the four characters
    that it takes for whitespace and the pattern does not (U+001C-U+001F)."""
    return text.split() if SPLIT_ONLY_SPACES.isdisjoint(text) else TOKEN_RE.findall(text)


def is_descriptor(word: str) -> bool:
    """True for a hyphenated descriptor such as "Britain-based" or "Saudi-led"."""
    return "-" in word and DESCRIPTOR_RE.match(word) is not None


def unpossessive(word: str) -> str:
    """``word`` without a final possessive: "'s" or a bare apostrophe, straight or curly."""
    if word.endswith(("'s", "’s")):
        return word[:-2]
    if word.endswith(("'", "’")):
        return word[:-1]
    return word


def _resolved(
    m: Mention,
    entity_type: str,
    name: str,
    resolution: str,
    role: str | None,
    gender: str | None,
    plural: bool,
    antecedent: int | None,
) -> Mention:
    """``m`` with what resolution made of it (positional, without ``_replace``'s keyword parsing:
    the hot path)."""
    return Mention(
        m.start,
        m.end,
        m.text,
        m.kind,
        entity_type,
        name,
        role,
        gender,
        plural,
        m.sentence,
        m.subject,
        m.speaker,
        resolution,
        antecedent,
    )


class NameLexicon:
    """The word lists of ``rules/names.toml`` as sets, and the typing of one name."""

    def __init__(self, names: RuleFile) -> None:
        self.titles = names.lexicon_set("titles", lower=False)
        self.male_titles = names.lexicon_set("male_titles", lower=False)
        self.female_titles = names.lexicon_set("female_titles", lower=False)
        self.male = names.lexicon_set("male_names", lower=False)
        self.female = names.lexicon_set("female_names", lower=False)
        self.org_words = names.lexicon_set("organisation_words", lower=False)
        self.org_heads = names.lexicon_set("organisation_heads")
        self.person_heads = names.lexicon_set("person_heads")
        self.anon_heads = names.lexicon_set("anonymous_heads")
        self.doc_heads = names.lexicon_set("document_heads")
        self.not_names = names.lexicon_set("not_names", lower=False)
        self.places = names.lexicon_set("places", lower=False)
        self.place_firsts = names.lexicon_set("place_first_words", lower=False)
        self.vessel_prefixes = names.lexicon_set("vessel_prefixes", lower=False)
        self.event_words = names.lexicon_set("event_words", lower=False)
        self.has_participles = names.lexicon_set("has_participles")
        self.locative = names.lexicon_set("locative_prepositions")
        self.determiners = names.lexicon_set("determiners")
        self.prepositions = names.lexicon_set("prepositions")
        self.definite = names.lexicon_set("definite_determiners")
        self.articles = names.lexicon_set("articles")
        self.of_phrase = names.lexicon_set("of_phrase_prepositions")
        # possessive determiners: (gender, plural, the types their owner may have)
        self.possessives: dict[str, tuple[str | None, bool | None, tuple[str, ...]]] = {}
        for words, owner in (
            (names.lexicon_set("possessives_masculine"), ("m", False, ("person",))),
            (names.lexicon_set("possessives_feminine"), ("f", False, ("person",))),
            (names.lexicon_set("possessives_neuter"), (None, None, ("organisation",))),
            (names.lexicon_set("possessives_plural"), (None, True, ("organisation", "anonymous"))),
        ):
            for word in words:
                self.possessives.setdefault(word, owner)
        # pronouns: (gender, plural) of each form, from the gender and number lexicons
        masculine = names.lexicon_set("pronouns_masculine")
        feminine = names.lexicon_set("pronouns_feminine")
        plural = names.lexicon_set("pronouns_plural")
        self.neuter_pronouns = names.lexicon_set("pronouns_singular_neuter")
        self.first_person = names.lexicon_set("pronouns_first_person")
        self.subject_pronouns = names.lexicon_set("pronouns_subject")
        self.tracked_pronouns = names.lexicon_set("pronouns_tracked")
        self.pronoun_forms = (
            masculine
            | feminine
            | plural
            | self.neuter_pronouns
            | self.first_person
            | self.subject_pronouns
            | self.tracked_pronouns
        )
        self.pronouns: dict[str, tuple[str | None, bool]] = {
            w: ("m" if w in masculine else "f" if w in feminine else None, w in plural)
            for w in self.pronoun_forms
        }
        # subject pronouns of one person or thing ("he", "she", "it"): "'s" after one is a verb
        self.singular_subject_pronouns = self.subject_pronouns & (
            masculine | feminine | self.neuter_pronouns
        )
        # first words that are lower-cased in a nominal's name ("Officials" -> "officials")
        self.common_starts = (
            self.anon_heads | {"the", "a", "an"} | self.person_heads | self.doc_heads
        )
        self._type_name = lru_cache(maxsize=CACHE_SIZE)(self._type_name_uncached)
        self._function_word = lru_cache(maxsize=CACHE_SIZE)(self._function_word_uncached)
        self._type_nominal = lru_cache(maxsize=CACHE_SIZE)(self._type_nominal_uncached)

    def split_name(self, text: str) -> tuple[list[str], list[str]]:
        """Tokens of a name sequence, leading function words dropped: (role tokens, name tokens)."""
        return self._split_tokens(tokens_of(text))

    def _split_tokens(self, tokens: list[str]) -> tuple[list[str], list[str]]:
        function_word = self._function_word
        first = 0
        while first < len(tokens) and (
            function_word(tokens[first])
            or tokens[first][:1].islower()
            or is_descriptor(tokens[first])
        ):
            first += 1
        tokens = tokens[first:]
        if tokens:
            tokens[-1] = unpossessive(tokens[-1])
        last_title = len(tokens) - 2  # the last word is the name ("Mr. King", "Dr. Major")
        titles = self.titles
        while last_title >= 0 and tokens[last_title] not in titles:
            last_title -= 1
        return tokens[: last_title + 1], tokens[last_title + 1 :]

    def _function_word_uncached(self, token: str) -> bool:
        """A capitalised function word ("The", "On", "Thursday's"), with its punctuation or
        possessive."""
        return token in self.not_names or unpossessive(token.rstrip(".,")) in self.not_names

    def type_name(self, text: str) -> tuple[str, str, str | None, str | None]:
        """(entity type, name, role, gender) of a capitalised name sequence (cached per string)."""
        return self._type_name(text)

    def _type_name_uncached(self, text: str) -> tuple[str, str, str | None, str | None]:
        tokens = self._without_home(tokens_of(text))
        role, rest = self._split_tokens(tokens)
        function_word = self._function_word
        all_tokens = [t for t in tokens if not function_word(t) and t not in self.articles]
        if not all_tokens:
            return "unknown", "", None, None
        org_words = self.org_words
        # set tests instead of per-token generators (the same answer: a token or its unpossessive
        # form is one)
        has_org = (
            not org_words.isdisjoint(rest)
            or not org_words.isdisjoint([t.rstrip("'’s") for t in rest])
            or (not rest and not org_words.isdisjoint(role))
        )
        if has_org or (len(rest) == 1 and ACRONYM_RE.match(rest[0]) and not role):
            name = " ".join(all_tokens)
            name = unpossessive(name) if not has_org else name
            while name.split(" ", 1)[0] in self.not_names or is_descriptor(name.split(" ", 1)[0]):
                if " " not in name:
                    break
                name = name.split(" ", 1)[1]
            return "organisation", name, None, None
        if rest and rest[0] == "of":  # "Attorney General of Ohio Ann Pike", "Democrat of Ohio"
            rest = self._after_place(rest[1:])
        if not rest:
            return "unknown", "", None, None  # roles only ("The Democratic", "Democrat of Ohio")
        given = rest[0] in self.male or rest[0] in self.female
        if (
            " ".join(all_tokens) in self.places
            or " ".join(rest) in self.places  # "New Hampshire's"
            or (not role and self.places.issuperset(rest))
            or (
                (rest[-1] in self.places or rest[0] in self.place_firsts)
                and not role
                and not given
                and len(rest) > 1
                and rest[-1] not in self.org_words
            )
        ):
            return "place", " ".join(all_tokens), None, None
        if (
            len(rest) > 1
            and not role
            and not given
            and (rest[-1] in self.event_words or rest[0] in self.vessel_prefixes)
        ):
            return "place", " ".join(all_tokens), None, None  # "Election Day", "USS Cole"
        if len(rest) > 1 and not role and not given and all(t.isupper() for t in rest):
            return "unknown", "", None, None  # a heading in capitals ("FULL TEXT"), not a name
        if len(rest) == 1 and not role and PLURAL_GROUP_RE.match(rest[0]):
            return "anonymous", rest[0], None, None  # "Americans", "Syrians"
        gender = self.gender_of(role, rest)
        kind = "person" if (role or len(rest) > 1 or gender) else "unknown"
        return kind, " ".join(rest), " ".join(role) or None, gender

    def _without_home(self, tokens: list[str]) -> list[str]:
        """A person's name without the of-phrase that says where they are from or work
        ("Rep. Ann Pike of Ohio", "Dana Wills of the Safety Board" -> "... Ann Pike", "Dana
        Wills"): the words before "of" name a person (a given name or a title, no organisation
        word) and do not end in a title ("Secretary of State", "King of Spain")."""
        if "of" not in tokens:
            return tokens
        i = tokens.index("of")
        head = tokens[:i]
        given = any(w in self.male or w in self.female for w in head)
        if (
            i < 2
            or (head[-1] in self.titles and not given)
            or not self.org_words.isdisjoint(head)
            or not (
                given or not self.titles.isdisjoint(head) or self.places.issuperset(tokens[i + 1 :])
            )
        ):
            return tokens
        return head

    def _after_place(self, tokens: list[str]) -> list[str]:
        """The tokens after the longest place name that starts them (none if no place does)."""
        for j in range(min(len(tokens), 3), 0, -1):
            if " ".join(tokens[:j]) in self.places:
                return tokens[j:]
        return []

    def gender_of(self, role: list[str], rest: list[str]) -> str | None:
        """'m'/'f' from a title or a given name, else None."""
        for tok in role:
            if tok in self.male_titles:
                return "m"
            if tok in self.female_titles:
                return "f"
        if rest and rest[0] in self.male:
            return "m"
        if rest and rest[0] in self.female:
            return "f"
        return None

    def given_name(self, name: str) -> bool:
        """True when the first word of ``name`` is a known given name ("John F. Kerry")."""
        first = name.split(" ", 1)[0]
        return first in self.male or first in self.female

    def type_nominal(self, text: str) -> tuple[str, str, bool]:
        """(entity type, head word, definite) of a nominal mention (cached per string)."""
        return self._type_nominal(text)

    def _type_nominal_uncached(self, text: str) -> tuple[str, str, bool]:
        words = text.split()
        lowered = [w.lower() for w in words]
        head = ""
        head_index = len(words) - 1
        for i, w in enumerate(lowered):
            if w in self.of_phrase:
                break
            head_index = i
        head = lowered[head_index] if lowered else ""
        two = " ".join(lowered[max(0, head_index - 1) : head_index + 1])
        definite = lowered[0] in self.definite if lowered else False
        if head in self.anon_heads:
            return "anonymous", head, definite
        if head in self.doc_heads:
            return "document", head, definite
        if head in self.org_heads or two in self.org_heads:
            return "organisation", head, definite
        if head in self.person_heads:
            return "person", head, definite
        return "unknown", head, definite


class NeedsContext(Exception):
    """Raised by ``resolve_alone`` when a mention's resolution reads earlier mentions."""


class _Resolution:
    """The resolution rules (see the module docstring), written against seven questions about the
    mentions before the one resolved. ``Resolver`` answers them from every earlier mention; this
    class answers none (each raises ``NeedsContext``), so it resolves exactly the mentions whose
    resolution reads nothing before them (``resolve_alone``)."""

    def __init__(self, lexicon: NameLexicon) -> None:
        self.lex = lexicon

    # -- what the rules ask about earlier mentions (``at``: how many resolved mentions start before
    # the one resolved, as the subclass that answers counts them) --
    def _surname(self, key: str, at: int | None) -> Mention | None:
        """The latest resolved person name (with a space) whose first or last word is ``key``."""
        raise NeedsContext

    def _gender(self, name: str, at: int | None) -> str | None:
        """The gender first learnt for the resolved person ``name`` (titles, given names)."""
        raise NeedsContext

    def _sentence(self, m: Mention, at: int | None, sentence: int) -> list[Mention]:
        """Resolved mentions of ``sentence`` that start before ``m``, in document order."""
        raise NeedsContext

    def _times_named(self, name: str, at: int | None) -> int:
        """How many name mentions so far resolved to ``name``."""
        raise NeedsContext

    def _org_named(self, m: Mention, at: int | None, head: str) -> Mention | None:
        """The latest organisation name before ``m`` that holds the word ``head``."""
        raise NeedsContext

    def _org_recent(self, m: Mention, at: int | None, flag: str | None) -> Mention | None:
        """The latest organisation name before ``m`` within 12 sentences (a speaker or subject if
        ``flag``)."""
        raise NeedsContext

    def _person_with_role(self, m: Mention, at: int | None, head: str) -> Mention | None:
        """The latest resolved person name before ``m`` whose role holds ``head``."""
        raise NeedsContext

    # -- the rules --------------------------------------------------------------------------------
    def resolve(self, m: Mention, at: int | None = None) -> Mention:
        """The mention with its name, type and resolution filled in from the earlier mentions."""
        if m.kind == "pronoun":
            return self._pronoun(m, at)
        if m.kind == "nominal":
            return self._nominal(m, at)
        if (
            m.entity_type in ("person", "unknown")
            or (m.entity_type == "anonymous" and m.kind == "name")
        ) and " " not in m.name:
            full = self._surname(m.name, at) if m.name else None
            if full is not None:
                gender = m.gender or full.gender
                return _resolved(
                    m,
                    "person",
                    full.name,
                    f"surname<-{full.name}@{full.start}",
                    m.role or full.role,
                    gender,
                    m.plural,
                    full.start,
                )
        if m.entity_type == "unknown" and m.name:
            return _resolved(m, "person", m.name, UNTYPED, m.role, m.gender, m.plural, m.antecedent)
        return m

    def _pronoun(self, m: Mention, at: int | None) -> Mention:
        word = m.text.lower()
        gender, plural = self.lex.pronouns.get(word, (None, False))
        if word in self.lex.first_person:
            return _resolved(
                m,
                "unknown",
                m.text,
                "unresolved first person",
                m.role,
                m.gender,
                m.plural,
                m.antecedent,
            )
        wanted: tuple[str, ...]
        neuter = word in self.lex.neuter_pronouns
        if neuter:
            wanted = ("organisation", "document")
        elif plural:
            wanted = ("organisation", "anonymous")
        else:
            wanted = ("person",)
        ante = self._antecedent(
            m, at, wanted, gender, plural if not neuter else None, salient_first=True
        )
        if ante is None:
            return _resolved(
                m, "unknown", m.text, "unresolved pronoun", m.role, gender, plural, m.antecedent
            )
        return _resolved(
            m,
            ante.entity_type,
            ante.name,
            f"pronoun<-{ante.text}@{ante.start}",
            ante.role,
            gender or ante.gender,
            plural,
            ante.start,
        )

    def _antecedent(
        self,
        m: Mention,
        at: int | None,
        wanted: tuple[str, ...],
        gender: str | None,
        plural: bool | None,
        max_back: int = 6,
        salient_first: bool = False,
    ) -> Mention | None:
        def ok(e: Mention) -> bool:
            if e.entity_type not in wanted or not e.name or e.resolution.startswith("unresolved"):
                return False
            if e.kind == "nominal" and e.antecedent is None and wanted == ("person",):
                return False  # "a doctor": a name is a better antecedent for "she"
            if gender:
                known = e.gender or self._gender(e.name, at)
                if known and known != gender:
                    return False
            if wanted == ("person",) and e.plural:
                return False
            return True

        def strong(e: Mention) -> bool:
            return ok(e) and not (
                (e.resolution == UNTYPED and not e.speaker and self._times_named(e.name, at) < 2)
                or e.text.endswith(("'s", "’s"))
            )

        # a single untyped word named once ("Salem", "Revolution") or a possessive ("Ohio's")
        # only when no other person is in reach
        def salient(e: Mention) -> bool:
            return (e.speaker or e.subject) and strong(e)

        passes = (
            ((salient, SALIENT_BACK), (strong, max_back), (ok, max_back))
            if wanted == ("person",) and salient_first
            else ((strong, max_back), (ok, max_back))
            if wanted == ("person",)
            else ((ok, max_back),)
        )
        for test, back in passes:
            for s in range(m.sentence, max(m.sentence - back - 1, -1), -1):
                cands = [e for e in self._sentence(m, at, s) if test(e)]
                if not cands:
                    continue
                if s == m.sentence:
                    subj = [e for e in cands if e.subject or e.speaker]
                    return (subj or cands)[-1] if subj else cands[-1]
                for group in (
                    [e for e in cands if e.speaker],
                    [e for e in cands if e.subject],
                    cands,
                ):
                    if group:
                        return group[0] if group is cands else group[-1]
        return None

    def _unnamed_with_head(self, m: Mention, at: int | None, head: str) -> Mention | None:
        """The latest person met as an indefinite nominal with the head ``head`` ("a party
        member", "a man") in the sentences before ``m`` (as far as a nominal looks back), or
        None."""
        for s in range(m.sentence, max(m.sentence - UNNAMED_BACK - 1, -1), -1):
            for e in reversed(self._sentence(m, at, s)):
                if (
                    e.kind == "nominal"
                    and e.resolution == INDEFINITE
                    and e.entity_type == "person"
                    and self.lex.type_nominal(e.text)[1] == head
                ):
                    return e
        return None

    def _possessed(
        self,
        m: Mention,
        at: int | None,
        etype: str,
        owner: tuple[str | None, bool | None, tuple[str, ...]],
    ) -> Mention | None:
        """ "her campaign", "his statement", "its report": the owner is found as the pronoun's
        antecedent would be; a document speaks for its owner (the issuer), an organisation is
        named after it ("Ann Pike's campaign"). None when no owner is in reach."""
        gender, plural, wanted = owner
        ante = self._antecedent(m, at, wanted, gender, plural)
        if ante is None:
            return None
        how = f"possessive<-{ante.text}@{ante.start}"
        if etype == "document":
            return _resolved(
                m, ante.entity_type, ante.name, how, m.text, ante.gender, ante.plural, ante.start
            )
        owned = f"{ante.name}'s {m.text.split(' ', 1)[1]}"
        return _resolved(m, "organisation", owned, how, m.role, None, m.plural, ante.start)

    def _nominal(self, m: Mention, at: int | None) -> Mention:
        etype, head, definite = self.lex.type_nominal(m.text)
        text = m.text
        owner = self.lex.possessives.get(text.split(" ", 1)[0].lower()) if " " in text else None
        if owner is not None and etype in ("organisation", "document"):
            owned = self._possessed(m, at, etype, owner)
            if owned is not None:
                return owned
        plain = (
            text[0].lower() + text[1:]
            if text[:1].isupper() and text.split()[0].lower() in self.lex.common_starts
            else text
        )
        if etype == "anonymous":
            return _resolved(
                m, "anonymous", plain, "group noun", m.role, m.gender, True, m.antecedent
            )
        undescribed = DESCRIPTOR_PHRASE_RE.sub("", text)
        indefinite = text.split()[0].lower() in (
            "a",
            "an",
            "one",
            "another",
            "some",
            "several",
            "many",
            "two",
            "three",
        )
        for_whom = " for " in text or " to " in text  # "a spokesman for X", "an adviser to X"
        if etype == "person" and not indefinite and not for_whom:
            # "the judge": the person whose role names the head, before the most salient one
            ante = self._person_with_role(m, at, head) if definite else None
            unnamed = self._unnamed_with_head(m, at, head) if definite else None
            if unnamed is not None and (ante is None or ante.start < unnamed.start):
                # "a party member ... the member said": the unnamed person met before
                return _resolved(
                    m,
                    "person",
                    plain,
                    f"nominal<-{unnamed.text}@{unnamed.start} (same head)",
                    m.role,
                    m.gender,
                    m.plural,
                    unnamed.start,
                )
            how = "role"
            if ante is None or m.sentence - ante.sentence > 12:
                ante = self._antecedent(m, at, ("person",), None, False, max_back=3)
                how = "salience"
            if (
                ante is not None and ante.kind != "nominal"
            ):  # "the Republican nominee" -> the salient person
                return _resolved(
                    m,
                    "person",
                    ante.name,
                    f"nominal<-{ante.text}@{ante.start} ({how})",
                    ante.role,
                    ante.gender,
                    m.plural,
                    ante.start,
                )
        if (
            not definite
            or " of " in text
            or for_whom
            or any(w[:1].isupper() for w in undescribed.split()[1:])
        ):
            # indefinite ("a spokesman for X") or named by its modifiers ("the Syrian government")
            return _resolved(
                m,
                etype if etype != "unknown" else "anonymous",
                plain,
                INDEFINITE,
                m.role,
                m.gender,
                m.plural,
                m.antecedent,
            )
        if etype == "organisation":
            e = self._org_named(m, at, head)
            for flag in ("speaker", "subject", None):
                if e is not None:
                    break
                e = self._org_recent(m, at, flag)
            if e is not None:
                return _resolved(
                    m,
                    "organisation",
                    e.name,
                    f"nominal<-{e.text}@{e.start}",
                    m.role,
                    m.gender,
                    m.plural,
                    e.start,
                )
            return _resolved(
                m,
                "organisation",
                plain,
                "unresolved nominal",
                m.role,
                m.gender,
                m.plural,
                m.antecedent,
            )
        if etype == "person":
            e = self._person_with_role(m, at, head)
            if e is not None:
                return _resolved(
                    m,
                    "person",
                    e.name,
                    f"nominal<-{e.text}@{e.start}",
                    e.role,
                    e.gender,
                    m.plural,
                    e.start,
                )
            return _resolved(
                m, "person", plain, "unresolved nominal", m.role, m.gender, m.plural, m.antecedent
            )
        return _resolved(
            m,
            etype if etype != "unknown" else "anonymous",
            plain,
            "nominal",
            m.role,
            m.gender,
            m.plural,
            m.antecedent,
        )


def resolve_alone(lexicon: NameLexicon, m: Mention) -> Mention:
    """``m`` resolved when its resolution reads no earlier mention (a full name, a group noun, an
    indefinite nominal, "I"); raises ``NeedsContext`` otherwise."""
    return _Resolution(lexicon).resolve(m)


def _is_org_name(e: Mention) -> bool:
    return e.entity_type == "organisation" and e.kind == "name"


class Resolver(_Resolution):
    """Resolves every mention of one document in order, remembering what each one referred to
    (the answers to ``_Resolution``'s questions come from every mention added before)."""

    def __init__(self, lexicon: NameLexicon) -> None:
        super().__init__(lexicon)
        self.resolved: list[Mention] = []  # in document order
        self._starts: list[int] = []
        self._sentences: list[int] = []
        self.surnames: dict[str, Mention] = {}
        self.genders: dict[str, str] = {}  # name -> gender learnt from titles and resolved pronouns
        self.named: dict[str, int] = {}  # name -> how many name mentions resolved to it
        # what the nominal rules look for, indexed (``_hits``): the indices in ``resolved`` of the
        # person names with a role and of the organisation names, and per head word the indices
        # of those whose role or name holds it (filled lazily, as far as the candidates go)
        self._with_role: list[int] = []
        self._org_names: list[int] = []
        self._role_hits: dict[str, tuple[list[int], list[int]]] = {}
        self._org_hits: dict[str, tuple[list[int], list[int]]] = {}
        self._stale = False  # a mention was inserted before others: the indices are rebuilt

    def add(self, mention: Mention) -> Mention:
        """Resolve ``mention`` against what came before it and remember it."""
        return self.remember(self.resolve(mention))

    def remember(self, resolved: Mention) -> Mention:
        """Remember a mention resolved already (by ``resolve_alone``: what ``add`` would make of
        it)."""
        if (
            resolved.gender
            and resolved.entity_type == "person"
            and resolved.name
            and resolved.kind == "name"
        ):
            self.genders.setdefault(resolved.name, resolved.gender)
        if resolved.kind == "name":
            self.named[resolved.name] = self.named.get(resolved.name, 0) + 1
        if not self._starts or resolved.start >= self._starts[-1]:
            self._starts.append(resolved.start)  # the usual case: mentions come in document order
            self._sentences.append(resolved.sentence)
            if resolved.kind == "name" and not self._stale:
                if resolved.entity_type == "person" and resolved.role:
                    self._with_role.append(len(self.resolved))
                elif resolved.entity_type == "organisation":
                    self._org_names.append(len(self.resolved))
            self.resolved.append(resolved)
        else:
            i = bisect.bisect_right(self._starts, resolved.start)
            self._starts.insert(i, resolved.start)
            self._sentences.insert(i, resolved.sentence)
            self.resolved.insert(i, resolved)
            self._stale = True
        if resolved.entity_type == "person" and resolved.kind == "name" and " " in resolved.name:
            words = resolved.name.split()
            for key in (words[-1], words[0]):
                held = self.surnames.get(key)
                if held is None or held.name == resolved.name or self.named.get(held.name, 0) < 2:
                    self.surnames[key] = resolved
        return resolved

    def resolve(self, m: Mention, at: int | None = None) -> Mention:
        """``_Resolution.resolve``, the earlier mentions counted once."""
        return super().resolve(m, self._count_before(m, at))

    def _count_before(self, m: Mention, at: int | None) -> int:
        if at is not None:
            return at
        starts = self._starts
        if not starts or starts[-1] < m.start:
            return len(starts)  # the usual case, mentions in document order: what bisect_left gives
        return bisect.bisect_left(starts, m.start)

    def _index(self) -> None:
        """Rebuild the candidate lists after a mention was inserted before others (indices into
        ``resolved`` moved); the usual case, mentions in document order, never needs it."""
        self._with_role = [
            i
            for i, e in enumerate(self.resolved)
            if e.kind == "name" and e.entity_type == "person" and e.role
        ]
        self._org_names = [i for i, e in enumerate(self.resolved) if _is_org_name(e)]
        self._role_hits.clear()
        self._org_hits.clear()
        self._stale = False

    def _hits(
        self,
        cache: dict[str, tuple[list[int], list[int]]],
        candidates: list[int],
        head: str,
        holds: Callable[[Mention, str], bool],
    ) -> list[int]:
        """The indices (ascending) of the ``candidates`` whose mention ``holds`` ``head``: each
        candidate is tested once per head, however many nominals ask."""
        hits, done = cache.setdefault(head, ([], [0]))
        resolved = self.resolved
        for i in candidates[done[0] :]:
            if holds(resolved[i], head):
                hits.append(i)
        done[0] = len(candidates)
        return hits

    def _latest(self, hits: list[int], m: Mention, at: int | None) -> Mention | None:
        """The latest of the mentions at ``hits`` that start before ``m``."""
        k = bisect.bisect_left(hits, self._count_before(m, at))
        return self.resolved[hits[k - 1]] if k else None

    def _surname(self, key: str, at: int | None) -> Mention | None:
        return self.surnames.get(key)

    def _gender(self, name: str, at: int | None) -> str | None:
        return self.genders.get(name)

    def _times_named(self, name: str, at: int | None) -> int:
        return self.named.get(name, 0)

    def _sentence(self, m: Mention, at: int | None, sentence: int) -> list[Mention]:
        end = self._count_before(m, at)
        lo = bisect.bisect_left(self._sentences, sentence, 0, end)
        hi = bisect.bisect_right(self._sentences, sentence, lo, end)
        return self.resolved[lo:hi]

    def _org_named(self, m: Mention, at: int | None, head: str) -> Mention | None:
        if self._stale:
            self._index()
        hits = self._hits(self._org_hits, self._org_names, head, _name_holds)
        return self._latest(hits, m, at)

    def _org_recent(self, m: Mention, at: int | None, flag: str | None) -> Mention | None:
        if self._stale:
            self._index()
        orgs, resolved = self._org_names, self.resolved
        # the organisation names before m, the latest first, until one is 12 sentences away
        # (mentions come in document order, so every earlier one is as far at least)
        for k in range(bisect.bisect_left(orgs, self._count_before(m, at)) - 1, -1, -1):
            e = resolved[orgs[k]]
            if m.sentence - e.sentence > 12:
                break
            if flag is None or getattr(e, flag):
                return e
        return None

    def _person_with_role(self, m: Mention, at: int | None, head: str) -> Mention | None:
        if self._stale:
            self._index()
        hits = self._hits(self._role_hits, self._with_role, head, _role_holds)
        return self._latest(hits, m, at)


def _name_holds(e: Mention, head: str) -> bool:
    """``head`` is a word of the organisation name ``e``."""
    return head in e.name.lower().split()


def _role_holds(e: Mention, head: str) -> bool:
    """``head`` is in the role of the person ``e`` (as a substring: "president" in
    "vice-president")."""
    return head in (e.role or "").lower()
