"""An agenda pasted as organisers have it (Word, e-mail, Markdown, a programme's web page) read
into an AgendaDraft. Plain Python: no app, no database.

Each line is, in this order of checks: an item with a time ("ore 15.00 — Registrazione",
"9.45-11.00 Tavola rotonda", "h. 9.45"), speakers (after "Interviene:", "Modera:"…, or a line
that starts with names: "Nome Cognome, Ruolo, Ente", "Nome Cognome (Ruolo, Ente)", "A e B,
Ruolo, Ente"), a section heading ("Sessione pomeridiana", a line in capitals, a Markdown
heading), a date or the word "Programma" (left out, and said so), a description (a sentence
under an item's title), or else the title of an item without a time. A line that is none of
these is listed as unplaced: nothing is dropped silently.
"""
import re
from datetime import time

from flask_babel import lazy_gettext as _l

from ..spreadsheets import visible
from .agenda_draft import (NAME_MAX, ROLE_MAX, SECTION_MAX, TITLE_MAX, AgendaDraft, AgendaUnreadable,
                           DraftItem, DraftSpeaker, LineNote, check_times, guess_kind, name_key,
                           shorten)

MAX_CHARS = 50_000
TOO_LONG = _l("Il testo è troppo lungo: al massimo 50.000 caratteri.")

# ---- what a line looks like --------------------------------------------------------------------

DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
#: the same, for a regular expression's character class
DASH = re.escape(DASHES)
#: bullets left by Word, e-mail or Markdown at the start of a line ("-", "•", "–", "1.")
BULLET = re.compile(rf"^(?:[{DASH}•◦▪▸►·*+>]+\s+|\d{{1,2}}[.)]\s+(?!\d))")
EMPHASIS = re.compile(r"\*+|(?<![^\W_])_+|_+(?![^\W_])|`+")
#: halves of characters that are not text (and no database stores)
SURROGATES = re.compile("[\ud800-\udfff]")
HEADING_MARK = re.compile(r"^#{1,6}\s*")
_HOUR = r"(?:[01]?\d|2[0-3])"
_CLOCK = rf"(?P<{{0}}h>{_HOUR})(?:[.:,h](?P<{{0}}m>[0-5]\d)|(?P<{{0}}bare>))"
_PREFIX = r"(?:(?:ore|h\.?|dalle(?:\s+ore)?)\s*)"
TIMED = re.compile(
    rf"^{_PREFIX}?(?:{_CLOCK.format('s')})(?!\d)"
    rf"(?:\s*(?:[{DASH}/]|\balle(?:\s+ore)?\b|\ba\b)\s*(?:ore\s*|h\.?\s*)?(?:{_CLOCK.format('e')})(?!\d))?"
    rf"(?P<rest>.*)$", re.IGNORECASE)
#: separators between a time and its title: "15.00 — Registrazione", "15.00: Registrazione"
AFTER_TIME = re.compile(rf"^[\s{DASH}:|.,;)\]]+")
#: "Interviene:", "Modera:", "Ne discutono:", "Saluti di:" …; the colon may be missing
SPEAKER_PREFIX = re.compile(
    r"^(?:(?P<word>introduc[eo] e moder[ao]|introducono e moderano|intervien[ei]|intervengono|"
    r"moder(?:a|ano|atore|atrice|atori|azione(?: di)?)|"
    r"relator[ei]|relatric[ei]|ne discutono|ne parlano|discutono|introduc[eo]|introducono|"
    r"coordin(?:a|ano)|conduc[eo]|conducono|presiede|saluti(?: istituzionali)? di|a cura di|"
    r"con la partecipazione di)\s*(?::|\s(?=[A-ZÀ-Ý]))|"
    r"(?P<colon>partecipano|presentano|presenta|speakers?|keynote|con|relatori e relatrici)\s*:)"
    r"\s*(?P<rest>.*)$", re.IGNORECASE)
PANEL_PREFIXES = ("ne discutono", "ne parlano", "discutono")
#: where a title goes on with its speakers: "Saluti: Nome Cognome, Sindaco", "… a cura di Nome"
INLINE_COLON = re.compile(r":\s+(?=[A-ZÀ-Ý])")
INLINE_WORDS = re.compile(r"\s+(?:a cura di|interviene|intervengono|modera|ne discutono|con)\s+(?=[A-ZÀ-Ý])")
SECTION = re.compile(
    r"^(?:(?:prima|seconda|terza|quarta|\d+[ªa°]?)\s+(?:sessione|parte|giornata)|sessione|session|"
    r"parte|modulo|giornata|mattin[oa]|mattinata|pomeriggio|sera|track)\b", re.IGNORECASE)
HEADING_WORDS = {"programma", "agenda", "programma dei lavori", "programma della giornata",
                 "ordine del giorno", "programma provvisorio", "il programma"}
_MONTHS = ("gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|"
           "novembre|dicembre")
DATE = re.compile(
    rf"^(?:(?:luned[iì]|marted[iì]|mercoled[iì]|gioved[iì]|venerd[iì]|sabato|domenica),?\s+)?"
    rf"(?:\d{{1,2}}[°º]?\s+(?:{_MONTHS})(?:\s+\d{{4}})?|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}})"
    rf"(?:\s*[,{DASH}]\s*.*)?$", re.IGNORECASE)
LINK = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
#: "in collegamento", "da remoto", "collegata da Roma", "(online)": the speaker is remote
_REMOTE = (r"(?:in\s+(?:video)?collegamento(?:\s+da\s+[^,;()\[\]]+)?|(?:video)?collegat[oaie]\s+da"
           r"\s+[^,;()\[\]]+|(?:video)?collegat[oaie](?=\s*[)\]]|\s*$)|da\s+remoto|in\s+remoto|"
           r"videocollegamento)")
REMOTE = re.compile(rf"[(\[]\s*{_REMOTE}\s*[)\]]|[\s,;{DASH}]*\b{_REMOTE}\b", re.IGNORECASE)
ONLINE = re.compile(rf"(?:\s*[(\[]\s*on-?line\s*[)\]]|[\s,;{DASH}]+on-?line)(?=\s*(?:[,;]|$))",
                    re.IGNORECASE)

# ---- names ---------------------------------------------------------------------------------------

_UPPER = "A-ZÀ-ÖØ-Ý"
_LOWER = "a-zß-öø-ÿ"
NAME_WORD = re.compile(rf"^(?:[{_UPPER}][{_LOWER}]+(?:['’-][{_UPPER}]?[{_LOWER}]+)*|"
                       rf"(?:[DdLl]['’]|Mc|Mac)[{_UPPER}][{_LOWER}]+|[{_UPPER}]\.|[{_UPPER}]{{4,}})$")
PARTICLES = {"de", "di", "da", "del", "della", "dello", "dei", "degli", "delle", "van", "von",
             "der", "den", "le", "la", "lo", "du", "dos", "das", "y", "e"}
#: words that are never part of a person's name: roles, kinds of organisation, agenda words
NOT_NAMES = set("""
comune comuni città citta regione provincia ministero università universita politecnico
fondazione associazione cooperativa consorzio agenzia istituto camera banca società societa
formez anci ue unione europea commissione dipartimento direzione servizio servizi ufficio
area settore ente enti gruppo rete centro azienda scuola ordine tribunale prefettura
assessore assessora sindaco sindaca presidente vicepresidente direttore direttrice dirigente
responsabile coordinatore coordinatrice esperto esperta consigliere consigliera segretario
segretaria funzionario funzionaria professore professoressa prof dott dottore dottoressa
ricercatore ricercatrice referente capo consulente docente manager project team head director
officer founder fondatore fondatrice ceo staff
programma sessione pausa coffee break pranzo lunch saluti saluto apertura chiusura conclusioni
registrazione accoglienza tavola rotonda panel dibattito introduzione presentazione domande
risposte lavori plenaria workshop webinar laboratorio question answer welcome keynote fis
innovazione sociale progetto progetti esperienze esperienza aula palazzo piazza via conferenze
auditorium teatro sede consiliare riunioni
""".split())
#: "Prof.", "Dott.ssa", "On.": kept with the name
HONORIFIC = re.compile(r"^(?:prof(?:\.|essor)?(?:\.?ssa)?|dott(?:\.|ore)?(?:\.?ssa)?|dr\.|ing\.|avv\.|"
                       r"arch\.|on\.|sen\.|mons\.|sig(?:\.|\.ra|ra)?)\s+", re.IGNORECASE)
#: "il Sindaco Mario Rossi": a role before the name, after an article
ROLE_BEFORE = re.compile(r"^(?:(?:il|la|lo|l['’]|i|gli|le)\s*)?(?P<role>.+?)\s+(?P<name>\S+(?:\s+\S+){1,3})$")
CONNECTOR = re.compile(r"\s+(?:e|ed|and|&)\s+|\s*&\s*")


def is_name(text):
    """'Cinzia Di Fenza', "Niccolò D'Angelo", 'Anna Maria De Luca': two to six words, each
    capitalised or a particle (de, di, della…), none a role, a kind of organisation or an agenda
    word."""
    words = HONORIFIC.sub("", text).split()
    if not 2 <= len(words) <= 6 or len(text) > NAME_MAX:
        return False
    capitalised = 0
    for index, word in enumerate(words):
        bare = word.strip(".,")
        if bare.lower() in NOT_NAMES:
            return False
        if NAME_WORD.match(bare) or NAME_WORD.match(word):
            capitalised += 1
        elif bare.lower() in PARTICLES and 0 < index < len(words) - 1:
            continue
        else:
            return False
    return capitalised >= 2 and not all(w.isupper() for w in words)


def names_in(segment):
    """The names a segment lists ('A e B'), or None when it is not only names."""
    names = [part.strip() for part in CONNECTOR.split(segment.strip()) if part.strip()]
    return names if names and all(is_name(n) for n in names) else None


# ---- cleaning a line -------------------------------------------------------------------------

def clean_line(raw):
    """The line without bullets, emphasis, Markdown heading marks and extra spaces; and whether
    it was marked as a heading ('# Sessione…')."""
    line = " ".join(visible(SURROGATES.sub("", raw)).split())
    heading = bool(HEADING_MARK.match(line))
    line = HEADING_MARK.sub("", line)
    for _ in range(2):  # "- **15.00**" : a bullet, then emphasis, then perhaps another bullet
        line = EMPHASIS.sub("", line).strip()
        line = BULLET.sub("", line).strip()
    return " ".join(line.split()), heading


def _clock(hour, minute):
    return time(int(hour), int(minute or 0))


def timed(line):
    """(start, end, rest) when the line starts with a time, else None."""
    match = TIMED.match(line)
    if match is None:
        return None
    bare_start = match["sbare"] is not None
    if bare_start and not re.match(_PREFIX, line, re.IGNORECASE):
        return None  # "3 esperienze": a bare number is a time only after "ore" or "h"
    rest = match["rest"]
    if rest and rest[0].isalnum() and not rest.startswith(" "):
        return None  # "15.00abc" is not a time followed by a title
    start = _clock(match["sh"], match["sm"])
    end = None
    if match["eh"] is not None and (bare_start or match["ebare"] is None):
        end = _clock(match["eh"], match["em"])
    elif match["eh"] is not None:  # "15.00 - 3 esperienze": a bare number after a full time is text
        rest = line[match.end("sm"):]
    return start, end, AFTER_TIME.sub("", rest).strip()


def remote_marked(text):
    """(the text without its remote markers, whether it had one)."""
    cleaned, found = REMOTE.subn(" ", text)
    cleaned, online = ONLINE.subn("", cleaned)
    cleaned = re.sub(r"\(\s*\)|\[\s*\]", "", cleaned)
    cleaned = " ".join(cleaned.split()).strip(" ,;" + DASHES)
    return cleaned, bool(found or online)


def _split_top(text, separators=","):
    """Split on the separators that are not inside parentheses."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char == "("
        depth -= char == ")" and depth > 0
        if char in separators and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


ORGANISATION_START = re.compile(
    r"^(?:comune|città|citta|regione|provincia|ministero|università|universita|politecnico|"
    r"fondazione|associazione|cooperativa|coop|consorzio|agenzia|istituto|camera|banca|società|"
    r"formez|anci|unione|commissione|ufficio|asl|asp|ats|inps|inail|istat|gruppo|rete|centro|"
    r"azienda|ente)\b|\b(?:s\.?p\.?a\.?|s\.?r\.?l\.?|ets|onlus|aps|odv|scs|impresa sociale)$",
    re.IGNORECASE)
ACRONYM = re.compile(r"^[A-Z]{2,}$")
ROLE_OF = re.compile(r"^(?P<role>.+?)\s+(?:del|della|dell['’]|di)\s*(?P<organisation>(?:Comune|Città|Regione|"
                     r"Provincia|Università|Fondazione|Camera|Ministero|Agenzia|Consorzio)\b.*)$")
ROLE_START = re.compile(
    r"^(?:vice\s*)?(?:assessor[ea]|sindac[oa]|president[ea]|vicepresident[ea]|direttor[ea]|"
    r"direttrice|dirigente|responsabile|coordinator[ea]|coordinatrice|espert[oa]|consiglier[ea]|"
    r"segretari[oa]|funzionari[oa]|professor[ea]|professoressa|prof\b|dott|ricercat|referente|"
    r"capo|consulente|docente|project|manager|direzione|head|founder|fondat|ceo|amministrat|"
    r"dipartimento|staff|collaborat|ufficio stampa|portavoce|garante|senior|junior|analista)",
    re.IGNORECASE)


def role_and_organisation(parts):
    """'Ruolo, Ente' after the names: the last part is the organisation; a single part is the
    organisation unless it reads as a role ("Sindaco", "giornalista")."""
    if not parts:
        return None, None
    if len(parts) == 1:
        only = parts[0]
        if (ROLE_START.match(only) or only[0].islower()) and not (
                ORGANISATION_START.search(only) or ACRONYM.match(only)):
            of = ROLE_OF.match(only)  # "Sindaco del Comune di Como"
            return (of["role"], of["organisation"]) if of else (only, None)
        return None, only
    return ", ".join(parts[:-1]), parts[-1]


def speakers_on(line, prefixed=False):
    """The speakers a line names, as (name, role, organisation, remote, shared) tuples; None when
    the line does not start with names. `shared`: several names sharing one role and
    organisation. After a prefix ("Modera:") the first part is a name whatever it looks like."""
    found = []
    for chunk in _pairs(_split_top(line, ";")):
        chunk, remote = remote_marked(chunk)
        if not chunk:
            if found:
                continue
            return None
        people = _people(chunk, prefixed)
        if people is None:
            return None
        names, role, organisation = people
        found += [(name, role, organisation, remote, len(names) > 1) for name in names]
    return found or None


PAIR = re.compile(r"\s+(?:e|ed)\s+(?=[A-ZÀ-Ý])")


def _pairs(chunks):
    """'A, Ente e B, Ente': two speakers, each with their own organisation."""
    for chunk in chunks:
        pieces = PAIR.split(chunk)
        start = 0
        for index in range(1, len(pieces)):
            head = _split_top(pieces[index])[0]
            left = _split_top(" e ".join(pieces[start:index]))
            if len(left) > 1 and not names_in(left[-1]) and "," in pieces[index] and is_name(head):
                yield " e ".join(pieces[start:index])
                start = index
        yield " e ".join(pieces[start:])


def _people(chunk, prefixed):
    """(names, role, organisation) of one speaker chunk, or None."""
    paren = re.match(r"^(?P<names>[^()]+?)\s*\((?P<inner>[^()]*)\)\s*(?P<after>.*)$", chunk)
    if paren and names_in(paren["names"]):
        names = names_in(paren["names"])
        parts = _split_top(paren["inner"]) + _split_top(paren["after"].lstrip(DASHES + " ,"))
        return (names,) + role_and_organisation(parts)
    # "Nome Cognome – Ruolo, Ente": a dash after the name works as a comma
    dashed = re.match(rf"^(?P<names>.+?)\s+[{DASH}]\s+(?P<rest>.+)$", chunk)
    if dashed and names_in(dashed["names"]) and "," not in dashed["names"]:
        chunk = f"{dashed['names']}, {dashed['rest']}"
    parts = _split_top(chunk)
    names = []
    while parts and (found := names_in(parts[0])):
        names += found
        parts.pop(0)
    if not names:
        if not prefixed or not parts:
            return None
        first = parts.pop(0)
        before = ROLE_BEFORE.match(first)
        if before and is_name(before["name"]):  # "il Sindaco Mario Rossi, Comune di Catanzaro"
            role, organisation = role_and_organisation(parts)
            if role is None:
                return [before["name"]], before["role"][:ROLE_MAX], organisation
            parts.insert(0, before["role"])
            return [before["name"]], ", ".join(parts[:-1]), parts[-1]
        names = [p.strip() for p in CONNECTOR.split(first) if p.strip()]
    return (names,) + role_and_organisation(parts)


# ---- the parser ------------------------------------------------------------------------------

class _Reader:
    def __init__(self, known):
        self.draft = AgendaDraft(source="text")
        #: name key -> (role, organisation) of people already known
        self.known = {name_key(k): v for k, v in (known or {}).items()}
        self.item = None
        self.section = None  # (text, line) waiting for the next item
        self.listing = False  # the line before was a prefix or a speaker: names follow
        self.panel_prefix = False
        self.raw = {}

    def note(self, line, code, text):
        self.draft.unplaced.append(LineNote(line, code, text[:200]))

    def cut(self, text, limit, line):
        return shorten(self.draft, text, limit, line)

    def new_item(self, title, line, start=None, end=None):
        self.close_item()
        item = DraftItem(title=self.cut(title, TITLE_MAX, line), start=start, end=end, line=line,
                         lines=[line])
        if self.section is not None:
            item.section, section_line = self.section
            item.lines.append(section_line)
            self.section = None
        self.draft.items.append(item)
        self.item, self.listing, self.panel_prefix = item, False, False
        return item

    def close_item(self):
        if self.item is not None:
            kind = guess_kind(self.item.title, len(self.item.speakers))
            if kind == "talk" and self.panel_prefix:
                kind = "panel"
            self.item.kind = kind

    def add_speakers(self, people, line, text):
        if self.item is None:
            self.note(line, "speaker_without_item", text)
            return
        self.item.lines.append(line)
        for name, role, organisation, remote, shared in people:
            name = self.cut(name, NAME_MAX, line)
            key = name_key(name)
            known = self.known.get(key)
            if known is not None and (shared or (role is None and organisation is None)):
                role, organisation = known
            role = self.cut(role, ROLE_MAX, line) if role else None
            organisation = self.cut(organisation, NAME_MAX, line) if organisation else None
            if any(name_key(s.name) == key for s in self.item.speakers):
                self.draft.warnings.append(LineNote(line, "duplicate_speaker", text[:200]))
                continue
            if role or organisation or key not in self.known:
                self.known[key] = (role, organisation)
            self.item.speakers.append(DraftSpeaker(name, role, organisation, remote, line))
        self.listing = True

    def read(self, number, raw):
        line, heading = clean_line(raw)
        if not any(c.isalnum() for c in line):
            self.note(number, "unreadable", raw.strip())
            return
        if (when := timed(line)) is not None:
            start, end, rest = when
            title, inline, panel = self.split_inline(rest)
            self.new_item(title or "", number, start, end)
            if inline:
                self.panel_prefix = panel
                self.add_speakers(inline, number, rest)
            return
        if self.item is not None and not self.item.title:  # "15.00 – 15.30" then the title
            self.item.title = self.cut(line, TITLE_MAX, number)
            self.item.lines.append(number)
            return
        prefix = SPEAKER_PREFIX.match(line)
        if prefix and not heading:
            word = (prefix["word"] or prefix["colon"]).lower()
            self.panel_prefix = self.panel_prefix or word in PANEL_PREFIXES
            rest = prefix["rest"].strip()
            if not rest:
                if self.item is None:
                    self.note(number, "speaker_without_item", line)
                else:
                    self.item.lines.append(number)
                    self.listing = True
                return
            people = speakers_on(rest, prefixed=True) or [(rest[:NAME_MAX], None, None, False, False)]
            self.add_speakers(people, number, line)
            return
        people = None if heading else speakers_on(line)
        described = people is not None and any(p[1] or p[2] or p[3] for p in people)
        if described and self.speaker_line(people):
            self.add_speakers(people, number, line)
            return
        if line.lower().rstrip(":").strip() in HEADING_WORDS:
            self.note(number, "heading", line)
            return
        if heading or self.is_section(line):
            self.section_line(line.rstrip(":").strip(), number)
            return
        if people is not None and not described and self.speaker_line(people):
            self.add_speakers(people, number, line)
            return
        if DATE.match(line):
            self.note(number, "date", line)
            return
        if LINK.match(line):  # the address a printed programme ends with
            self.note(number, "unreadable", line)
            return
        if self.is_description(line) or self.is_sentence(line):
            if self.item is None:
                self.note(number, "unreadable", line)
                return
            item = self.item
            item.description = f"{item.description} {line}" if item.description else line
            item.lines.append(number)
            return
        title, inline, panel = self.split_inline(line)
        self.new_item(title or line, number)
        if inline and title:
            self.panel_prefix = panel
            self.add_speakers(inline, number, line)

    def speaker_line(self, people):
        """Names, then a role or organisation: speakers. Names alone are speakers under an item
        whose speakers are being listed, or when every one of them is already known."""
        if self.item is None and not any(p[1] or p[2] for p in people):
            return False
        if any(p[1] or p[2] or p[3] for p in people):
            return True
        return self.listing or self.item is not None and (
            all(name_key(p[0]) in self.known for p in people) or len(people) > 1
            or not self.item.speakers)

    def split_inline(self, rest):
        """'Titolo — Nome Cognome, Ruolo, Ente; …' as on calendars and printed programmes,
        'Saluti: Nome Cognome, Sindaco', 'Conclusioni a cura di Nome Cognome (Ente)'."""
        parts = re.split(rf"\s+[{DASH}]\s+", rest)
        for cut in range(1, len(parts)):
            people = speakers_on(" - ".join(parts[cut:]))
            if people is not None:
                return " - ".join(parts[:cut]).strip(), people, False
        for joint, described in ((INLINE_COLON, True), (INLINE_WORDS, False)):
            match = joint.search(rest)
            people = speakers_on(rest[match.end():]) if match else None
            if people is not None and (not described or any(p[1] or p[2] for p in people)):
                title = rest[:match.start()].strip().rstrip(":" + DASHES).strip()
                return title, people, match.group().strip(" :") in PANEL_PREFIXES
        return rest, None, False

    def is_section(self, line):
        """A heading: in capitals, "Sessione…", "Prima parte…", or a short line ending with a
        colon before any item or after an item's speakers."""
        if len(line) > SECTION_MAX:
            return False
        letters = [c for c in line if c.isalpha()]
        if len(letters) >= 4 and all(c.isupper() for c in letters) or SECTION.match(line):
            return True
        return line.endswith(":") and len(line) <= 80 and (self.item is None or bool(self.item.speakers))

    def section_line(self, text, number):
        if self.section is not None:
            self.note(self.section[1], "section_without_item", self.section[0])
        self.close_item()
        self.item, self.listing = None, False
        self.section = (text[:SECTION_MAX], number)

    def is_description(self, line):
        """A sentence under an item's title, before its speakers."""
        item = self.item
        if item is None or item.speakers or self.listing:
            return False
        words = line.split()
        return line.endswith((".", "…", "!")) and len(words) >= 5 or len(words) > 16 or (
            line[0].islower() and len(words) >= 3)

    @staticmethod
    def is_sentence(line):
        words = line.split()
        return line.endswith((".", "…", "!", "?")) and len(words) >= 8 or len(words) > 16

    def finish(self):
        self.close_item()
        items = self.draft.items
        if any(i.start for i in items):
            # untimed lines before the first time, with nobody speaking: the event's title, its
            # description, the venue (a whole event page copied); said so, not made into items
            while items and items[0].start is None and not items[0].speakers:
                self.draft.unplaced += [LineNote(n, "heading", self.raw[n][:200]) for n in items.pop(0).lines]
        if not any(i.start or i.speakers for i in self.draft.items):
            # no time and no speaker anywhere: prose (an e-mail, a description), not an agenda
            for item in self.draft.items:
                self.draft.unplaced += [LineNote(n, "unreadable", self.raw[n][:200]) for n in item.lines]
            self.draft.items = []
        for item in [i for i in self.draft.items if not i.title]:  # a time and nothing after it
            if item.speakers:
                item.title = item.start.strftime("%H.%M")
            else:
                self.draft.items.remove(item)
                self.note(item.line, "no_title", self.raw[item.line])
        if self.section is not None:
            self.note(self.section[1], "section_without_item", self.section[0])
        return check_times(self.draft)


def parse_text(text, known=None):
    """The agenda in `text`. `known`: {name: (role, organisation)} of people already speakers of
    the event, whose role and organisation a line naming several people keeps. AgendaUnreadable
    when the text is too long; a text that is no agenda gives a draft with no items and every
    line unplaced."""
    if len(text) > MAX_CHARS:
        raise AgendaUnreadable(TOO_LONG)
    reader = _Reader(known)
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.strip():
            reader.raw[number] = raw.strip()
            reader.read(number, raw)
    return reader.finish()
