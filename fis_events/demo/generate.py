"""`flask demo generate`: a synthetic FIS programme whose totals are the programme's published
figures, built on top of `flask demo load` (which it runs first).

At scale 1 the totals are exactly those of data/fis-programme.json: 34 municipalities applied,
21 in feasibility, 18 in experimentation, 130 support meetings held (the two loaded ones
included) and 200 distinct participants in the first phase, 225 in the second. They are built
in, not hoped for: every person is planned into the phases they take part in, gets at least one
attendance in each of them and none elsewhere. `--scale N` multiplies people, meetings, public
events, registrations and attendances by N (the per-phase figures and held meetings then come
out N times the published ones); the 34 municipalities and their stages are never scaled.

Speed: rows go in with the driver's executemany in chunks of CHUNK rows (ids read back by a
unique key), no ORM object per row, all in one transaction, so an interrupted run leaves nothing
behind. The random generator is seeded: the same seed gives the same programme, except the secrets and the
dates of the upcoming meetings (they follow the day of generation, and count as held once they
are over, like any meeting). Held events get feedback answers too (demo/feedback.py).

Generated events carry a uid starting with MARKER: that is how a second run knows the data is
there, and how --reset finds what to remove, along with the participation records it added to
the loaded past events (Genova and the two support meetings).
"""
import base64
import json
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from itertools import product
from operator import attrgetter

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, exists, func, select

from ..certificates.models import Certificate
from ..checkin.models import Scan
from ..checkin.results import ScanResult
from ..db_types import EnumText, utcnow
from ..events.models import AgendaItem, AgendaItemKind, Event, EventKind, EventStatus, event_beneficiary
from ..events.services import refresh_search_text
from ..extensions import db
from ..feedback.models import (FeedbackAnswer, FeedbackInvitation, FeedbackResponse, Question,
                               Questionnaire)
from ..i18n import ROME
from ..notify.models import OutboxMessage
from ..participation.models import Attendance, AttendanceEvidence, AttendanceSource, RemoteJoinClick
from ..programme.models import Organisation, OrganisationKind, OrganisationStage, ProgrammeStage
from ..registration.models import AttendanceMode, Person, Registration, RegistrationStatus
from ..results.services import Scope, compute_totals, forget_totals
from ..search import organisation_key, search_key
from . import loader
from .feedback import FeedbackWriter

MARKER = "demo"
CHUNK = 5000
#: SQLite page cache while generating (the default 2 MB makes big runs crawl)
SQLITE_CACHE_KB = 512 * 1024
STAGE_NOTE = "Dati dimostrativi"
#: generated people have addresses under this reserved domain, never a real one
EMAIL_DOMAIN = "example.org"

# The programme at scale 1, beyond the published figures it must reproduce.
HELD_IN_FEASIBILITY = 50  # of the 130 held meetings; the rest are in experimentation
CANCELLED_MEETINGS = {"feasibility": 3, "experimentation": 4}
UPCOMING_MEETINGS = 3  # experimentation, dated after the day of generation
STAYED_IN_TEAMS = 75  # municipal staff and partners at meetings in both phases
PUBLIC_IN_BOTH = 10  # people who came only to public events, in both phases
PUBLIC_ONLY = {"feasibility": 40, "experimentation": 45}
NEVER_CAME = 20  # registered (no-shows, cancellations, waiting lists) but never attended
PHASE_DATES = {"feasibility": (date(2022, 4, 4), date(2023, 1, 31)),
               "experimentation": (date(2023, 2, 1), date(2024, 6, 30))}
APPLIED_BETWEEN = (date(2022, 1, 17), date(2022, 2, 28))
STAGE_REACHED = {ProgrammeStage.FEASIBILITY: date(2022, 3, 31),
                 ProgrammeStage.EXPERIMENTATION: date(2023, 1, 20)}
MEETING_SLOTS = (("10:00", 150), ("14:30", 120), ("09:30", 120))
PLATFORMS = (("Teams", "https://teams.microsoft.com/l/meetup-join/fis-demo-{}"),
             ("Zoom", "https://zoom.us/j/{}"), ("Jitsi", "https://meet.jit.si/fis-demo-{}"))
DOORS = ("Ingresso principale", "Ingresso laterale")
ACCESSIBILITY_NEEDS = ("Accesso senza barriere architettoniche", "Interprete LIS",
                       "Pasto senza glutine")


def read_data():
    return json.loads((loader.DATA_DIR / "synthetic.json").read_text(encoding="utf-8"))


def is_generated():
    return Event.uid.like(MARKER + "%")


def generated_event_count():
    return db.session.scalar(select(func.count(Event.id)).where(is_generated()))


def spread(rng, total, size, minimum=0, weights=None):
    """`total` split into `size` whole parts of at least `minimum`, at random by weight."""
    counts = [minimum] * size
    rest = total - minimum * size
    if rest < 0:
        raise ValueError("not enough to go round")
    for index in rng.choices(range(size), weights=weights, k=rest):
        counts[index] += 1
    return counts


def pick(rng, population, k, exclude):
    """Up to k distinct members of population not in exclude."""
    if k <= 0 or not population:
        return []
    chosen = rng.sample(population, min(len(population), k + len(exclude)))
    return [p for p in chosen if p not in exclude][:k]


def city_of(name):
    return name.split(" di ", 1)[1]


def slug(text):
    return "".join(c if c.isalnum() else "-" for c in search_key(text)).strip("-")


def rome_at(day, hhmm):
    """That time of day in Rome, as UTC: every time derived from it then converts cheaply."""
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ROME).astimezone(timezone.utc)


def tokens(count):
    """`count` secrets like secrets.token_urlsafe(24), from one call to the random source."""
    text = base64.urlsafe_b64encode(secrets.token_bytes(24 * count)).decode()
    return [text[i:i + 32] for i in range(0, 32 * count, 32)]


@dataclass
class Group:
    """A municipality with its project partners, and its people in each phase."""

    name: str
    org_id: int
    kind: OrganisationKind
    partners: list = field(default_factory=list)  # organisation ids
    members: dict = field(default_factory=dict)  # phase code -> person indexes

    @property
    def city(self):
        return city_of(self.name)

    @property
    def venue(self):
        article = "della" if self.kind is OrganisationKind.CITTA_METROPOLITANA else "del"
        return f"Sede {article} {self.name}"


@dataclass
class Plan:
    """One event to write (a new event's row, or a loaded event's id) and who registered."""

    starts_at: datetime
    ends_at: datetime
    row: dict | None = None
    event_id: int | None = None
    platform: str | None = None
    beneficiaries: list = field(default_factory=list)
    agenda: list = field(default_factory=list)
    #: (person index, mode, registration status, registration source, attendance source or None)
    people: list = field(default_factory=list)


@dataclass
class Summary:
    rows: dict
    seconds: float
    #: the programme's totals as the results pages count them
    totals: object

    @property
    def total_rows(self):
        return sum(self.rows.values())


class Generator:
    """prepare() (the loaded demo data, the stages), then run() (everything else, at once)."""

    def __init__(self, scale=1, seed=2023, now=None, progress=None):
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.scale, self.seed, self.rng, self.now = scale, seed, random.Random(seed), now or utcnow()
        self.progress = progress or (lambda steps: None)
        self.data = read_data()
        self.rows, self.conn, self.programme = {}, None, None

    # ---- the whole run --------------------------------------------------------------------

    def steps(self, existing_meetings):
        """Units of work for the progress bar: chunks of people, then new events. Everyone in
        a phase is counted once per phase, less those in both, plus those who never came."""
        n = self.scale
        people = (sum(self.published_phase_totals().values()) - STAYED_IN_TEAMS - PUBLIC_IN_BOTH
                  + NEVER_CAME) * n
        events = (self.published_meetings() * n - existing_meetings
                  + (sum(CANCELLED_MEETINGS.values()) + UPCOMING_MEETINGS
                     + sum(map(len, self.data["public_events"].values()))) * n)
        return -(-people // CHUNK) + events

    def prepare(self):
        """Load the demo data this builds on; returns the units of work for a progress bar."""
        loader.load_all(with_users=False)
        self.started = time.perf_counter()
        self.programme = loader.load_programme()
        self.phases = {p.code: p for p in self.programme.phases}
        for code, (starts_on, ends_on) in PHASE_DATES.items():
            phase = self.phases[code]
            phase.starts_on, phase.ends_on = phase.starts_on or starts_on, phase.ends_on or ends_on
        self.record_stages()
        self.existing = self.existing_meetings()
        return self.steps(sum(map(len, self.existing.values())))

    def run(self):
        """Generate everything in one transaction; returns the rows written and the figures."""
        if self.programme is None:
            self.prepare()
        self.conn = db.session.connection()
        sqlite = self.conn.dialect.name == "sqlite"
        if sqlite:
            # Random tokens land all over their unique indexes: keep the indexes in memory.
            cache = self.conn.exec_driver_sql("PRAGMA cache_size").scalar()
            self.conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KB}")
        self.groups = self.make_organisations()
        self.make_people()
        writer = Writer(self)
        for code in ("feasibility", "experimentation"):
            for plan in self.plan_meetings(code, self.existing.get(code, [])):
                writer.add(plan)
            for plan in self.plan_public_events(code):
                writer.add(plan)
        writer.flush()
        writer.feedback.write()
        refresh_search_text(writer.event_ids)
        if sqlite:
            self.conn.exec_driver_sql(f"PRAGMA cache_size={cache}")
        else:
            # PostgreSQL plans by its statistics, which still say the tables are small: the
            # first totals would take seconds per thousand rows until autovacuum comes by.
            quote = self.conn.dialect.identifier_preparer.quote
            self.conn.exec_driver_sql("ANALYZE " + ", ".join(quote(table) for table in self.rows))
        forget_totals()
        seconds = time.perf_counter() - self.started
        return Summary(self.rows, seconds, compute_totals(Scope(programme=self.programme), self.now))

    def published_phase_totals(self):
        return loader.read("fis-programme.json")["results"]["participants"]["by_phase"]

    def published_meetings(self):
        return loader.read("fis-programme.json")["results"]["support_meetings"]["count"]

    def insert(self, table, rows, key=None):
        """Bulk insert; with `key`, a unique column of the rows, the new ids in the order of
        the rows, read back by that key (RETURNING keeps the order only row by row on SQLite,
        and ids chosen here would need the sequences fixed)."""
        if not rows:
            return []
        self.rows[table.name] = self.rows.get(table.name, 0) + len(rows)
        columns = list(rows[0])
        binds = self.binds(table, columns)
        self.write(table, columns, [tuple(bind(row[c]) if bind else row[c] for c, bind in zip(columns, binds))
                                    for row in rows])
        if key is None:
            return []
        values, ids = [row[key] for row in rows], {}
        for start in range(0, len(values), CHUNK):  # bound parameters are limited (65535 on PG)
            ids.update(self.conn.execute(select(table.c[key], table.c.id).where(
                table.c[key].in_(values[start:start + CHUNK]))).all())
        return [ids[value] for value in values]

    def binds(self, table, columns):
        """Each column type's conversion of values, as SQLAlchemy would apply it: building the
        parameters through SQLAlchemy's executemany costs more than writing the rows."""
        dialect = self.conn.dialect
        return [attrgetter("value") if isinstance(table.c[c].type, EnumText)
                else table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]

    def write(self, table, columns, data):
        """The driver's executemany, in the transaction of the session. (COPY on PostgreSQL
        measured no faster: the unique indexes on random tokens are the cost.)"""
        quote = self.conn.dialect.identifier_preparer.quote
        marker = "?" if self.conn.dialect.paramstyle == "qmark" else "%s"
        self.conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
                                  f"VALUES ({', '.join([marker] * len(columns))})", data)

    # ---- organisations and the pipeline ---------------------------------------------------

    def make_organisations(self):
        """The 34 municipalities (made with their stages) and the partners (in bulk). Partner
        names follow their index, not the seed, so a rebuild reuses them."""
        municipalities = self.data["municipalities"]
        groups = {}
        for stage, names in municipalities.items():
            for name in names:
                organisation = loader.organisation(name)
                groups[name] = Group(name, organisation.id, organisation.kind)
        self.stage_of = {name: stage for stage, names in municipalities.items() for name in names}
        partners = self.data["partners"]
        wanted = {}  # name -> kind
        in_programme = [g for g in groups.values() if self.stage_of[g.name] != "applied"]
        for group in in_programme:
            used = {}
            for slot in range(len(partners["per_municipality"]) * self.scale):
                kind = partners["per_municipality"][slot % len(partners["per_municipality"])]
                name = self.partner_name(kind, used.get(kind, 0), group.city)
                used[kind] = used.get(kind, 0) + 1
                wanted[name] = kind
                group.partners.append(name)
        self.national = []
        for round_ in range(self.scale):
            for name, kind in partners["national"]:
                name = name if round_ == 0 else f"{name} - sede {round_ + 1}"
                wanted[name] = kind
                self.national.append(name)
        ids = self.organisation_ids(wanted)
        for group in in_programme:
            group.partners = [ids[name] for name in group.partners]
        self.national = [ids[name] for name in self.national]
        self.org_kind = {org_id: OrganisationKind(wanted[name]) for name, org_id in ids.items()}
        self.org_kind.update({g.org_id: g.kind for g in groups.values()})
        self.org_name = {org_id: name for name, org_id in ids.items()}
        self.org_name.update({g.org_id: g.name for g in groups.values()})
        return groups

    def partner_name(self, kind, index, city):
        parts = self.data["partners"][kind]
        combos = list(product(parts["prefixes"], parts["names"]))
        prefix, name = combos[index % len(combos)]
        edition = index // len(combos)
        return f"{prefix} {name} ({city})" + (f" {edition + 1}" if edition else "")

    def organisation_ids(self, wanted):
        """Ids of the organisations by name, inserting the missing ones."""
        ids = {}
        names = list(wanted)
        for start in range(0, len(names), CHUNK):
            part = names[start:start + CHUNK]
            ids.update(self.conn.execute(select(Organisation.name, Organisation.id)
                                         .where(Organisation.name.in_(part))).all())
        missing = [name for name in names if name not in ids]
        new_ids = self.insert(Organisation.__table__, [
            dict(name=name, kind=OrganisationKind(wanted[name]), search_name=search_key(name),
                 match_key=organisation_key(name))
            for name in missing], key="name")
        ids.update(zip(missing, new_ids))
        return ids

    def record_stages(self):
        """Applied (each on its own date), then feasibility and experimentation on the dates of
        the two selections, through the programme's rule; stages already there are kept."""
        from ..programme.services import record_stage, stage_history

        order = ("applied", "feasibility", "experimentation")
        low, high = APPLIED_BETWEEN
        for reached, names in enumerate(self.data["municipalities"][stage] for stage in order):
            for name in names:
                organisation = loader.organisation(name)
                applied_on = low + timedelta(days=self.rng.randrange((high - low).days + 1))
                dates = {ProgrammeStage.APPLIED: applied_on, **STAGE_REACHED}
                history = stage_history(organisation, self.programme)
                for stage in list(ProgrammeStage)[:reached + 1]:
                    if stage not in history:
                        # The rule writes its messages in the user's language; here there is no
                        # request to choose it from.
                        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
                            record_stage(organisation, self.programme, stage, dates[stage],
                                         note=STAGE_NOTE)
                        self.rows["organisation_stage"] = self.rows.get("organisation_stage", 0) + 1

    # ---- people ---------------------------------------------------------------------------

    def make_people(self):
        """Everyone, planned into the phases they will attend, then inserted in bulk."""
        rng, n = self.rng, self.scale
        totals = self.published_phase_totals()
        feasibility_only = (totals["feasibility"] - STAYED_IN_TEAMS - PUBLIC_IN_BOTH
                            - PUBLIC_ONLY["feasibility"]) * n
        experimentation_only = (totals["experimentation"] - STAYED_IN_TEAMS - PUBLIC_IN_BOTH
                                - PUBLIC_ONLY["experimentation"]) * n
        self.person_rows, self.person_org = [], []
        self.emails = set(self.conn.execute(select(Person.email).where(
            Person.email.like(f"%.{EMAIL_DOMAIN}"))).scalars())
        starts = {code: dates[0] for code, dates in PHASE_DATES.items()}
        continuing = [g for g in self.groups.values() if self.stage_of[g.name] == "experimentation"]
        in_feasibility = continuing + [g for g in self.groups.values()
                                       if self.stage_of[g.name] == "feasibility"]
        weights = {g.name: rng.uniform(0.6, 1.6) for g in in_feasibility}
        stayed = spread(rng, STAYED_IN_TEAMS * n, len(continuing), 2, [weights[g.name] for g in continuing])
        left = spread(rng, feasibility_only, len(in_feasibility), 1, [weights[g.name] for g in in_feasibility])
        joined = spread(rng, experimentation_only, len(continuing), 1, [weights[g.name] for g in continuing])
        for group in in_feasibility:
            group.members = {"feasibility": [], "experimentation": []}
        for group, count in zip(continuing, stayed):
            people = [self.member(group, starts["feasibility"]) for _ in range(count)]
            group.members["feasibility"] += people
            group.members["experimentation"] += people
        for group, count in zip(in_feasibility, left):
            group.members["feasibility"] += [self.member(group, starts["feasibility"]) for _ in range(count)]
        for group, count in zip(continuing, joined):
            group.members["experimentation"] += [self.member(group, starts["experimentation"])
                                                 for _ in range(count)]
        self.phase_groups = {"feasibility": in_feasibility, "experimentation": continuing}
        outsiders = [g.org_id for g in self.groups.values() if self.stage_of[g.name] == "applied"]
        both = [self.outsider(outsiders, starts["feasibility"]) for _ in range(PUBLIC_IN_BOTH * n)]
        self.public_only = {code: both + [self.outsider(outsiders, starts[code])
                                          for _ in range(PUBLIC_ONLY[code] * n)]
                            for code in ("feasibility", "experimentation")}
        self.never_came = [self.outsider(outsiders, starts["feasibility"]) for _ in range(NEVER_CAME * n)]
        self.phase_people = {code: [p for g in self.phase_groups[code] for p in g.members[code]]
                             + self.public_only[code] for code in self.public_only}
        #: who may register without coming: anyone of the phase, or someone who never came
        self.registrants = {code: people + self.never_came for code, people in self.phase_people.items()}
        self.person_ids = []
        for start in range(0, len(self.person_rows), CHUNK):
            self.person_ids += self.insert(Person.__table__, self.person_rows[start:start + CHUNK],
                                           key="email")
            self.progress(1)
        del self.person_rows

    def member(self, group, phase_starts):
        """Municipal staff (two in three) or staff of one of the municipality's partners."""
        if self.rng.random() < 0.65 or not group.partners:
            return self.person(group.org_id, group.city, phase_starts)
        return self.person(self.rng.choice(group.partners), group.city, phase_starts)

    def outsider(self, municipalities, phase_starts):
        """Someone from a municipality that only applied, or from a national organisation."""
        if self.rng.random() < 0.4:
            org_id = self.rng.choice(municipalities)
            return self.person(org_id, city_of(self.org_name[org_id]), phase_starts)
        return self.person(self.rng.choice(self.national), None, phase_starts)

    def person(self, org_id, city, phase_starts):
        rng, names = self.rng, self.data
        first, last = rng.choice(names["first_names"]), rng.choice(names["last_names"])
        kind = self.org_kind[org_id]
        roles = names["roles"]["municipality" if kind.is_municipality else kind.value]
        created = rome_at(phase_starts, "09:00") - timedelta(days=rng.uniform(30, 60))
        self.person_rows.append(dict(
            email=self.email(first, last, org_id), first_name=first, last_name=last,
            organisation_id=org_id, role=rng.choice(roles), municipality=city,
            search_name=search_key(first, last, first), created_at=created, updated_at=created))
        self.person_org.append(org_id)
        return len(self.person_org) - 1

    def email(self, first, last, org_id):
        local = f"{slug(first).replace('-', '')}.{slug(last).replace('-', '')}"
        domain = f"{slug(self.org_name[org_id])[:40].strip('-')}.{EMAIL_DOMAIN}"
        address, number = f"{local}@{domain}", 1
        while address in self.emails:
            number += 1
            address = f"{local}{number}@{domain}"
        self.emails.add(address)
        return address

    # ---- support meetings -----------------------------------------------------------------

    def existing_meetings(self):
        """Held support meetings of the programme not made here, by phase: they count towards
        the 130, and the loaded ones get attendance."""
        found = {}
        rows = db.session.scalars(select(Event).where(
            Event.kind == EventKind.SUPPORT_MEETING, Event.programme_id == self.programme.id,
            Event.phase_id.is_not(None), Event.held_condition(self.now), ~is_generated())).all()
        for event in rows:
            found.setdefault(event.phase.code, []).append(event)
        return found

    def random_day(self, code):
        """A working day inside the phase, away from August and the Christmas holidays."""
        low, high = PHASE_DATES[code]
        while True:
            day = low + timedelta(days=self.rng.randrange((high - low).days + 1))
            if day.weekday() < 5 and day.month != 8 and not (
                    (day.month, day.day) >= (12, 22) or (day.month, day.day) <= (1, 7)):
                return day

    def plan_meetings(self, code, existing):
        rng, n = self.rng, self.scale
        groups = self.phase_groups[code]
        by_org = {g.org_id: g for g in groups}
        loaded = {e.id for e in loader.past_events()}
        held = (HELD_IN_FEASIBILITY if code == "feasibility"
                else self.published_meetings() - HELD_IN_FEASIBILITY) * n
        per_group = spread(rng, held - len(existing), len(groups), 1)
        topics = self.data["meeting_topics"][code]
        for group, count in zip(groups, per_group):
            meetings = [self.meeting(code, group, topics, by_org) for _ in range(count)]
            meetings += [Plan(e.starts_at, e.ends_at, event_id=e.id, platform=e.remote_platform)
                         for e in existing if e.id in loaded
                         and any(b.id == group.org_id for b in e.beneficiaries)]
            rng.shuffle(meetings)
            self.attend_meetings(group, code, meetings, by_org)
            yield from meetings
        for _ in range(CANCELLED_MEETINGS[code] * n):
            yield self.meeting(code, rng.choice(groups), topics, by_org, status=EventStatus.CANCELLED)
        if code == "experimentation":
            for _ in range(UPCOMING_MEETINGS * n):
                yield self.upcoming_meeting(rng.choice(groups), topics, by_org)

    def meeting(self, code, group, topics, by_org, status=EventStatus.PUBLISHED, day=None):
        rng = self.rng
        day = day or self.random_day(code)
        start_time, minutes = rng.choice(MEETING_SLOTS)
        starts_at = rome_at(day, start_time)
        beneficiaries = [group]
        if rng.random() < 0.1 and len(by_org) > 1:
            beneficiaries.append(rng.choice([g for g in by_org.values() if g is not group]))
        platform = rng.choice(PLATFORMS) if rng.random() < 0.7 else None
        plan = Plan(starts_at, starts_at + timedelta(minutes=minutes),
                    platform=platform[0] if platform else None,
                    beneficiaries=[g.org_id for g in beneficiaries])
        phase_name = "allo studio di fattibilità" if code == "feasibility" else "alla sperimentazione"
        plan.row = self.event_row(
            code, EventKind.SUPPORT_MEETING, starts_at, plan.ends_at, status=status,
            title=f"Incontro di supporto {phase_name}: {rng.choice(topics)} - "
                  + ", ".join(g.name for g in beneficiaries),
            description="Incontro di accompagnamento del gruppo di lavoro comunale e dei partner "
                        "di progetto, con gli esperti FIS di Formez.",
            venue=group.venue, city=group.city, invitation_only=True, platform=platform,
            held_at=(plan.ends_at + timedelta(hours=rng.uniform(1, 72))
                     if status is EventStatus.PUBLISHED and rng.random() < 0.35 else None))
        plan.row["capacity_in_person"] = 20
        return plan

    def upcoming_meeting(self, group, topics, by_org):
        """Published and invited, not held yet: registrations, no attendance."""
        day = self.now.astimezone(ROME).date() + timedelta(days=self.rng.randint(7, 60))
        if day.weekday() >= 5:
            day += timedelta(days=7 - day.weekday())
        plan = self.meeting("experimentation", group, topics, by_org, day=day)
        plan.row["held_at"] = None
        people = pick(self.rng, group.members["experimentation"], self.rng.randint(3, 6), set())
        plan.people = [(p, AttendanceMode.IN_PERSON, RegistrationStatus.CONFIRMED, "organiser", None)
                       for p in people]
        self.finish_capacity(plan, minimum=20)
        return plan

    def attend_meetings(self, group, code, meetings, by_org):
        """Everyone in the team comes at least once; then each meeting fills up to its size,
        with a guest or two of the other municipality at joint meetings; then no-shows and
        the odd cancellation."""
        rng, members = self.rng, group.members[code]
        present = [set() for _ in meetings]
        order = members[:]
        rng.shuffle(order)
        for index, person in enumerate(order):
            present[index % len(meetings)].add(person)
        for plan, came in zip(meetings, present):
            came.update(pick(rng, members, rng.randint(3, 9) - len(came), came))
            for org_id in plan.beneficiaries[1:]:
                came.update(pick(rng, by_org[org_id].members[code], rng.randint(1, 2), came))
            remote_share = 0.3 if plan.platform else 0.0
            for person in sorted(came):
                remote = rng.random() < remote_share
                plan.people.append((person, AttendanceMode.REMOTE if remote else AttendanceMode.IN_PERSON,
                                    RegistrationStatus.CONFIRMED, "organiser",
                                    self.remote_source(plan) if remote else AttendanceSource.MANUAL))
            taken = set(came)
            for person in pick(rng, members, round(len(came) * rng.uniform(0, 0.25)), taken):
                taken.add(person)
                plan.people.append((person, AttendanceMode.IN_PERSON, RegistrationStatus.CONFIRMED,
                                    "organiser", None))
            if rng.random() < 0.3:
                for person in pick(rng, members, 1, taken):
                    plan.people.append((person, AttendanceMode.IN_PERSON,
                                        RegistrationStatus.CANCELLED, "organiser", None))
            if plan.row is not None:
                self.finish_capacity(plan, minimum=20)

    def remote_source(self, plan):
        reported = plan.platform in ("Teams", "Zoom")
        return (AttendanceSource.PLATFORM_REPORT if reported and self.rng.random() < 0.4
                else AttendanceSource.REMOTE_JOIN)

    def finish_capacity(self, plan, minimum=None, full=False):
        """Seats in person: exactly the confirmed ones when the event filled up, else room to
        spare; never fewer than confirmed."""
        confirmed = sum(1 for _p, mode, status, _s, _a in plan.people
                        if mode is AttendanceMode.IN_PERSON and status is RegistrationStatus.CONFIRMED)
        if not plan.row["offers_in_person"]:
            return
        if full:
            plan.row["capacity_in_person"] = confirmed
        else:
            plan.row["capacity_in_person"] = max(minimum or 0, -(-int(confirmed * 1.2) // 10) * 10)

    # ---- public events --------------------------------------------------------------------

    def plan_public_events(self, code):
        """Webinars, workshops and public events, plus the loaded Genova session in its phase.
        Everyone who came only to public events gets a seat at one of them first."""
        rng = self.rng
        plans = []
        for edition in range(self.scale):
            for template in self.data["public_events"][code]:
                plans.append((self.public_event(code, template, edition), template))
        genova = loader.existing_event(loader.read("genova-2023.json")["event"]["title"])
        if genova is not None and genova.phase and genova.phase.code == code:
            plans.append((Plan(genova.starts_at, genova.ends_at, event_id=genova.id),
                          {"kind": "public_event", "size": 60, "in_person_only": True}))
        sizes = [max(10, round(template["size"] * rng.uniform(0.85, 1.15))) for _, template in plans]
        slots = [index for index, size in enumerate(sizes) for _ in range(size)]
        rng.shuffle(slots)
        if len(slots) < len(self.public_only[code]):
            raise ValueError("public events too small for everyone who comes only to them")
        present = [set() for _ in plans]
        for person, index in zip(self.public_only[code], slots):
            present[index].add(person)
        for (plan, template), came, size in zip(plans, present, sizes):
            came.update(pick(rng, self.phase_people[code], size - len(came), came))
            self.public_registrations(plan, template, came, code)
            yield plan

    def public_event(self, code, template, edition):
        rng = self.rng
        kind = EventKind(template["kind"])
        agenda = [item for item in self.data["agenda"]
                  if kind is not EventKind.WEBINAR or item["kind"] != "registration"]
        starts_at = rome_at(self.random_day(code), rng.choice(("09:30", "10:00", "14:30")))
        ends_at = starts_at + timedelta(minutes=sum(item["minutes"] for item in agenda))
        platform = None
        if kind is not EventKind.WORKSHOP:
            platform = rng.choice(PLATFORMS[:2])
        plan = Plan(starts_at, ends_at, platform=platform[0] if platform else None)
        title = template["title"] + (f" ({edition + 1}ª edizione)" if edition else "")
        in_person = kind is not EventKind.WEBINAR
        plan.row = self.event_row(
            code, kind, starts_at, ends_at, title=title,
            description="Un momento di confronto aperto a Comuni, enti del terzo settore, "
                        "investitori e università sui temi del Programma FIS.",
            venue="Formez PA" if in_person else None,
            city=template.get("city", "Roma") if in_person else None, platform=platform,
            in_person=in_person,
            opens=rome_at(starts_at.date() - timedelta(days=30), "09:00"),
            closes=rome_at(starts_at.date() - timedelta(days=1), "18:00"))
        plan.agenda, at = [], starts_at
        for position, item in enumerate(agenda):
            plan.agenda.append(dict(position=position, starts_at=at, title=item["title"],
                                    kind=AgendaItemKind(item["kind"])))
            at += timedelta(minutes=item["minutes"])
        return plan

    def public_registrations(self, plan, template, came, code):
        rng = self.rng
        kind = EventKind(template["kind"])
        remote_share = {EventKind.WEBINAR: 1.0, EventKind.WORKSHOP: 0.0}.get(kind, 0.35)
        if template.get("in_person_only"):
            remote_share = 0.0
        for person in sorted(came):
            if rng.random() < remote_share:
                plan.people.append((person, AttendanceMode.REMOTE, RegistrationStatus.CONFIRMED,
                                    "online", self.remote_source(plan)))
            else:
                source = "walk_in" if rng.random() < 0.06 else "online"
                plan.people.append((person, AttendanceMode.IN_PERSON, RegistrationStatus.CONFIRMED,
                                    source, AttendanceSource.QR_SCAN))
        modes = [AttendanceMode.REMOTE] if remote_share == 1.0 else (
            [AttendanceMode.IN_PERSON] if remote_share == 0.0 else list(AttendanceMode))
        taken = set(came)
        absent = [(RegistrationStatus.CONFIRMED, rng.uniform(0.1, 0.25)),
                  (RegistrationStatus.CANCELLED, rng.uniform(0.02, 0.06))]
        for status, share in absent:
            for person in pick(rng, self.registrants[code], round(len(came) * share), taken):
                taken.add(person)
                plan.people.append((person, rng.choice(modes), status, "online", None))
        full = bool(template.get("full"))
        if full:
            for person in pick(rng, self.registrants[code], rng.randint(4, 10), taken):
                taken.add(person)
                plan.people.append((person, AttendanceMode.IN_PERSON, RegistrationStatus.WAITING,
                                    "online", None))
        if plan.row is not None:
            self.finish_capacity(plan, minimum=30, full=full)

    def event_row(self, code, kind, starts_at, ends_at, *, title, description, venue, city,
                  platform, status=EventStatus.PUBLISHED, invitation_only=False, in_person=True,
                  opens=None, closes=None, held_at=None):
        created = min(starts_at - timedelta(days=self.rng.uniform(20, 45)), self.now)
        remote_url = platform[1].format(secrets.token_hex(6)) if platform else None
        return dict(
            uid=MARKER + secrets.token_hex(14), title=title, kind=kind, description=description,
            starts_at=starts_at, ends_at=ends_at, venue=venue, city=city,
            remote_url=remote_url, remote_platform=platform[0] if platform else None,
            status=status, programme_id=self.programme.id, phase_id=self.phases[code].id,
            offers_in_person=in_person, offers_remote=platform is not None,
            capacity_in_person=None, capacity_remote=None, registration_opens_at=opens,
            registration_closes_at=closes, invitation_only=invitation_only, held_at=held_at,
            sequence=0, created_at=created, updated_at=created)


class Writer:
    """Turns plans into rows, buffered: events, then registrations, attendances and what hangs
    on them, one bulk insert per table and chunk."""

    def __init__(self, generator):
        self.g, self.rng, self.pending, self.size = generator, generator.rng, [], 0
        self.event_ids = []
        self.feedback = FeedbackWriter(generator, generator.seed, CHUNK, tokens)

    def add(self, plan):
        self.pending.append(plan)
        self.size += len(plan.people) + 1
        if self.size >= CHUNK:
            self.flush()

    def flush(self):
        g, plans = self.g, self.pending
        new = [plan for plan in plans if plan.row is not None]
        for plan, event_id in zip(new, g.insert(Event.__table__, [p.row for p in new], key="uid")):
            plan.event_id = event_id
            self.event_ids.append(event_id)
        g.insert(event_beneficiary, [dict(event_id=p.event_id, organisation_id=org_id)
                                     for p in new for org_id in p.beneficiaries])
        g.insert(AgendaItem.__table__, [dict(item, event_id=p.event_id) for p in new for item in p.agenda])
        registrations, attended = [], []
        for plan in plans:
            for person, mode, status, source, attendance in plan.people:
                registrations.append(self.registration(plan, person, mode, status, source))
                attended.append((plan, person, mode, attendance))
        registration_ids = g.insert(Registration.__table__, registrations, key="qr_token")
        attendances, details = [], []
        for registration, registration_id, (plan, person, mode, source) in zip(
                registrations, registration_ids, attended):
            if source is None:
                continue
            at, device = self.when(plan, source)
            at = max(at, registration["created_at"] + timedelta(minutes=1))  # a walk-in registers first
            attendances.append(dict(
                event_id=plan.event_id, person_id=g.person_ids[person], registration_id=registration_id,
                mode=mode, source=source, recorded_at=at, device=device,
                organisation_id=g.person_org[person]))
            details.append((plan, registration_id, source, at, device))
        attendance_ids = g.insert(Attendance.__table__, attendances, key="registration_id")
        for attendance_id, attendance, (plan, *_rest) in zip(attendance_ids, attendances, details):
            self.feedback.add(plan, attendance_id, attendance["organisation_id"])
        evidence, scans, clicks = [], [], []
        for attendance_id, (plan, registration_id, source, at, device) in zip(attendance_ids, details):
            evidence.append(dict(attendance_id=attendance_id, source=source, recorded_at=at))
            if source is AttendanceSource.QR_SCAN:
                scans.append(self.scan(plan, registration_id, at, device, ScanResult.OK))
                if self.rng.random() < 0.03:
                    scans.append(self.scan(plan, registration_id, at + timedelta(minutes=self.rng.randint(2, 90)),
                                           device, ScanResult.ALREADY_CHECKED_IN))
            elif source is AttendanceSource.REMOTE_JOIN:
                clicks.append(dict(registration_id=registration_id, clicked_at=at, counted=True))
                if self.rng.random() < 0.2:
                    clicks.append(dict(registration_id=registration_id, counted=False,
                                       clicked_at=at + timedelta(minutes=self.rng.randint(20, 70))))
                if plan.platform in ("Teams", "Zoom") and self.rng.random() < 0.3:
                    evidence.append(dict(attendance_id=attendance_id, source=AttendanceSource.PLATFORM_REPORT,
                                         recorded_at=plan.ends_at + timedelta(hours=self.rng.uniform(2, 48))))
        g.insert(AttendanceEvidence.__table__, evidence)
        g.insert(Scan.__table__, scans)
        g.insert(RemoteJoinClick.__table__, clicks)
        g.progress(len(new))
        self.pending, self.size = [], 0

    def registration(self, plan, person, mode, status, source):
        rng, now = self.rng, self.g.now
        created = min(plan.starts_at - timedelta(days=rng.uniform(2, 25)),
                      now - timedelta(hours=rng.uniform(1, 120)))
        if source == "walk_in":
            created = plan.starts_at + timedelta(minutes=rng.uniform(-20, 20))
        cancelled = (created + (plan.starts_at - created) * rng.uniform(0.2, 0.9)
                     if status is RegistrationStatus.CANCELLED else None)
        qr_token, manage_token, join_token = tokens(3)
        return dict(
            event_id=plan.event_id, person_id=self.g.person_ids[person], mode=mode, status=status,
            waiting_since=created if status is RegistrationStatus.WAITING else None,
            qr_token=qr_token, manage_token=manage_token, join_token=join_token,
            accessibility_needs=rng.choice(ACCESSIBILITY_NEEDS) if rng.random() < 0.02 else None,
            privacy_notice_read_at=created, photo_consent=rng.random() < 0.6,
            newsletter_consent=rng.random() < 0.3, source=source, created_at=created,
            updated_at=cancelled or created, cancelled_at=cancelled)

    def when(self, plan, source):
        """When and where an attendance was recorded, by its source."""
        rng = self.rng
        if source is AttendanceSource.QR_SCAN:
            return plan.starts_at + timedelta(minutes=rng.uniform(-30, 25)), rng.choice(DOORS)
        if source is AttendanceSource.REMOTE_JOIN:
            return plan.starts_at + timedelta(minutes=rng.uniform(-10, 20)), None
        if source is AttendanceSource.PLATFORM_REPORT:
            return plan.ends_at + timedelta(hours=rng.uniform(1, 72)), f"{plan.platform} report"
        return plan.ends_at + timedelta(hours=rng.uniform(0.2, 48)), None

    def scan(self, plan, registration_id, at, door, result):
        return dict(event_id=plan.event_id, registration_id=registration_id, result=result,
                    nonce=tokens(1)[0], client_time=at, server_time=at, offline=False,
                    door=door)


# ---- removal -------------------------------------------------------------------

def remove_generated():
    """Delete the generated events and everything on them, the participation records added to
    the loaded past events, the people left with nothing, and the generated stages. What hangs
    on an event alone (agenda, beneficiaries, invitations, door devices) goes with it by the
    database's ON DELETE CASCADE."""
    touched = select(Event.id).where(db.or_(
        is_generated(), Event.id.in_([event.id for event in loader.past_events()])))
    registrations = select(Registration.id).where(Registration.event_id.in_(touched))
    attendances = select(Attendance.id).where(Attendance.event_id.in_(touched))
    questionnaires = select(Questionnaire.id).where(Questionnaire.event_id.in_(touched))
    responses = select(FeedbackResponse.id).where(FeedbackResponse.questionnaire_id.in_(questionnaires))
    for statement in (
            delete(FeedbackInvitation).where(FeedbackInvitation.questionnaire_id.in_(questionnaires)),
            delete(FeedbackAnswer).where(FeedbackAnswer.response_id.in_(responses)),
            delete(FeedbackResponse).where(FeedbackResponse.questionnaire_id.in_(questionnaires)),
            delete(Question).where(Question.questionnaire_id.in_(questionnaires)),
            delete(Questionnaire).where(Questionnaire.event_id.in_(touched)),
            delete(Scan).where(Scan.event_id.in_(touched)),
            delete(RemoteJoinClick).where(RemoteJoinClick.registration_id.in_(registrations)),
            delete(OutboxMessage).where(OutboxMessage.registration_id.in_(registrations)),
            delete(Certificate).where(Certificate.attendance_id.in_(attendances)),
            delete(AttendanceEvidence).where(AttendanceEvidence.attendance_id.in_(attendances)),
            delete(Attendance).where(Attendance.event_id.in_(touched)),
            delete(Registration).where(Registration.event_id.in_(touched)),
            delete(Event).where(is_generated()),
            delete(Person).where(
                db.or_(Person.email.like(f"%.{EMAIL_DOMAIN}"), Person.erased_at.is_not(None)),
                ~exists().where(Registration.person_id == Person.id),
                ~exists().where(Attendance.person_id == Person.id)),
            delete(OrganisationStage).where(OrganisationStage.note == STAGE_NOTE)):
        db.session.execute(statement, execution_options={"synchronize_session": False})
    db.session.expire_all()
    forget_totals()
