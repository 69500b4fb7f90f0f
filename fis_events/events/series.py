"""A series: one meeting repeated on a rule, each meeting an event of its own (own page,
registrations, attendance), made from the first one as copies are. The dates come from
`recurrence`, the same for the preview and for the creation."""
from dataclasses import dataclass
from datetime import datetime
from string import Formatter

from flask_babel import gettext as _
from flask_babel import ngettext

from .. import audit_record as audit
from ..errors import DomainError
from ..extensions import db
from ..i18n import ROME, after_clock_minutes, clock_minutes, long_date, to_rome
from .locks import lock_event
from .copying import agenda_outline, build_agenda, create_from_outline, window_outline
from .models import Event, EventSeries, EventStatus
from .recurrence import MAX_OCCURRENCES, Frequency, Rule, meeting_days
from .services import EVENT_FIELDS, publish_event, save_event

#: what a title pattern may name: the meeting's number and its date
PLACEHOLDERS = {"n", "data"}
MAX_INTERVAL = 12


@dataclass(frozen=True)
class PlannedMeeting:
    number: int
    starts_at: datetime
    ends_at: datetime
    title: str


@dataclass(frozen=True)
class SeriesPlan:
    meetings: list
    skipped: list
    #: the meetings' title pattern, checked and single-spaced
    pattern: str


def _check_pattern(pattern):
    pattern = " ".join((pattern or "").split())
    if not pattern:
        raise DomainError(_("Indica il titolo degli incontri."), field="title_pattern")
    try:  # bare names only: "{n:>999999999}" or "{n.__class__}" would be a way in
        fields = {(name, spec or None, conversion) for _text, name, spec, conversion
                  in Formatter().parse(pattern) if name is not None}
    except ValueError:
        fields = {("?", None, None)}
    if not fields <= {(name, None, None) for name in PLACEHOLDERS}:
        raise DomainError(_("Nel titolo puoi usare solo {n} (il numero dell'incontro) e {data} "
                            "(la sua data), tra parentesi graffe."), field="title_pattern")
    return pattern


def _check_rule(origin, rule):
    if not rule.weekdays:
        raise DomainError(_("Scegli almeno un giorno della settimana."), field="weekdays")
    if not 1 <= rule.interval <= MAX_INTERVAL:
        raise DomainError(_("L'intervallo va da 1 a %(n)s.", n=MAX_INTERVAL), field="interval")
    if rule.frequency is Frequency.MONTHLY and rule.week_of_month not in (1, 2, 3, 4, -1):
        raise DomainError(_("Scegli la settimana del mese."), field="week_of_month")
    if (rule.until is None) == (rule.count is None):
        raise DomainError(_("Indica fino a quando si ripete o quanti incontri sono."), field="until")
    if rule.count is not None and not 2 <= rule.count <= MAX_OCCURRENCES:
        raise DomainError(_("Una serie ha da 2 a %(n)s incontri.", n=MAX_OCCURRENCES), field="count")
    if rule.until is not None and rule.until <= to_rome(origin.starts_at).date():
        raise DomainError(_("La data di fine deve seguire il primo incontro."), field="until")


def plan_series(origin, rule, title_pattern, language="it"):
    """The meetings a series would have, `origin` first (its title kept), and the holidays it
    skips; refused when the event cannot start a series or the rule gives no other meeting."""
    if origin.series_id is not None:
        raise DomainError(_("Questo evento fa già parte di una serie."))
    if origin.is_cancelled:
        raise DomainError(_("Un evento annullato non può iniziare una serie."))
    pattern = _check_pattern(title_pattern)
    _check_rule(origin, rule)
    start = to_rome(origin.starts_at)
    days, skipped = meeting_days(start.date(), rule, language)
    if len(days) < 2:
        raise DomainError(_("Con questa regola non ci sono altri incontri dopo il primo."), field="until")
    if len(days) > MAX_OCCURRENCES:
        raise DomainError(_("Una serie ha da 2 a %(n)s incontri.", n=MAX_OCCURRENCES), field="until")
    duration = clock_minutes(origin.ends_at, origin.starts_at)
    meetings = []
    for number, day in enumerate(days, 1):
        starts_at = datetime.combine(day, start.time().replace(tzinfo=None)).replace(tzinfo=ROME)
        title = origin.title if number == 1 else pattern.format(n=number, data=long_date(day))
        meetings.append(PlannedMeeting(number, starts_at, after_clock_minutes(starts_at, duration),
                                       title))
    return SeriesPlan(meetings, skipped, pattern)


def create_series(origin, rule, title_pattern, title=None, language="it"):
    """The series and its meetings, in one unit of work: each a copy of `origin` (agenda,
    window, beneficiaries) at its date, published if `origin` is; its phase is chosen by date.
    Under the event's lock: the same form sent twice makes one series."""
    lock_event(origin.id)
    plan = plan_series(origin, rule, title_pattern, language)
    series = EventSeries(
        title=" ".join((title or origin.title).split()), title_pattern=plan.pattern,
        frequency=rule.frequency.value, interval=rule.interval,
        weekdays=",".join(str(d) for d in rule.weekdays), week_of_month=rule.week_of_month,
        until=rule.until, count=rule.count, skip_holidays=rule.skip_holidays)
    db.session.add(series)
    origin.series, origin.series_number = series, 1
    agenda, window = agenda_outline(origin), window_outline(origin)
    for meeting in plan.meetings[1:]:
        fields = {name: getattr(origin, name) for name in EVENT_FIELDS}
        fields.update(title=meeting.title, starts_at=meeting.starts_at, ends_at=meeting.ends_at,
                      phase=None, beneficiaries=list(origin.beneficiaries))
        event = create_from_outline(fields, agenda, window)
        event.series, event.series_number = series, meeting.number
        if origin.status is EventStatus.PUBLISHED:
            publish_event(event)
    audit.record("series.created", event=origin, count=len(plan.meetings))
    return series


#: what "questo e i successivi" carries to the later meetings of a series, besides the times
FOLLOWING_FIELDS = ("venue", "address", "city", "remote_url", "remote_platform",
                    "capacity_in_person", "capacity_remote")


def later_meetings(event):
    """The meetings of the event's series after it, cancelled ones left alone."""
    if event.series_id is None:
        return []
    return db.session.scalars(db.select(Event).where(
        Event.series_id == event.series_id, Event.series_number > event.series_number,
        Event.status != EventStatus.CANCELLED).order_by(Event.series_number)).all()


def apply_to_later_meetings(event, before, note=None):
    """"Questo e i successivi": what this edit changed among place, meeting link, capacities and
    times (the clock times, each meeting keeping its own day) goes to every later meeting, each
    saved by the same rules and telling its own registrants; `before` is the event's values
    before the edit. Returns how many meetings changed."""
    changed = [name for name in FOLLOWING_FIELDS if getattr(event, name) != before[name]]
    moved = (_clock(event.starts_at), _clock(event.ends_at)) != (_clock(before["starts_at"]),
                                                                 _clock(before["ends_at"]))
    count = 0
    for later in later_meetings(event):
        fields = {name: getattr(event, name) for name in changed}
        if moved:
            fields["starts_at"] = _on_day(later.starts_at, event.starts_at)
            fields["ends_at"] = after_clock_minutes(fields["starts_at"],
                                                    clock_minutes(event.ends_at, event.starts_at))
        if fields:
            save_event(later, note=note, move_agenda=True, **fields)
            count += 1
    return count


def copy_agenda_to_later_meetings(event):
    """This meeting's agenda, placed from each later meeting's start, instead of theirs."""
    agenda = agenda_outline(event)
    meetings = later_meetings(event)
    for later in meetings:
        later.agenda_items.clear()
        db.session.flush()
        build_agenda(later, agenda)
    audit.record("series.agenda_copied", event=event, count=len(meetings))
    return len(meetings)


def _clock(moment):
    return to_rome(moment).time()


def _on_day(day_of, time_of):
    """The day of `day_of` at the clock time of `time_of`, in Rome."""
    return datetime.combine(to_rome(day_of).date(), _clock(time_of)).replace(tzinfo=ROME)


def rule_of(series):
    return Rule(Frequency(series.frequency), tuple(int(d) for d in series.weekdays.split(",")),
                series.interval, series.week_of_month, series.until, series.count,
                series.skip_holidays)


def weekday_names():
    """Monday first, as `Rule.weekdays` counts them."""
    return [_("lunedì"), _("martedì"), _("mercoledì"), _("giovedì"), _("venerdì"), _("sabato"),
            _("domenica")]


def week_of_month_names():
    return {1: _("il primo"), 2: _("il secondo"), 3: _("il terzo"), 4: _("il quarto"),
            -1: _("l'ultimo")}


def describe_rule(rule):
    """"ogni mese, il secondo martedì del mese, 6 incontri, festività nazionali escluse"."""
    names = weekday_names()
    if rule.frequency is Frequency.MONTHLY:
        every = ngettext("ogni mese", "ogni %(num)d mesi", rule.interval)
        days = _("%(ordinal)s %(weekday)s del mese", ordinal=week_of_month_names()[rule.week_of_month],
                 weekday=names[rule.weekdays[0]])
    else:
        every = ngettext("ogni settimana", "ogni %(num)d settimane", rule.interval)
        days = _("il %(days)s", days=_(" e il ").join(names[d] for d in sorted(rule.weekdays)))
    end = (ngettext("%(num)d incontro", "%(num)d incontri", rule.count) if rule.count
           else _("fino al %(date)s", date=long_date(rule.until)))
    parts = [every, days, end]
    if rule.skip_holidays:
        parts.append(_("festività nazionali escluse"))
    return ", ".join(parts)
