"""Programme, phases and organisations."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import event

from ..db_types import EnumText, LabelledEnum, UTCDateTime, utcnow
from ..extensions import db
from ..search import organisation_key, search_key


class Programme(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    #: short code used in URLs and feeds, e.g. "FIS"
    code = db.Column(db.String(32), nullable=False, unique=True)
    name = db.Column(db.String(200), nullable=False)
    #: the public body that owns the programme
    owner = db.Column(db.String(200))
    #: the body that runs it day to day (Formez)
    implementer = db.Column(db.String(200))
    contact_email = db.Column(db.String(254))
    ends_on = db.Column(db.Date)
    #: whether the public results page says how participants rated the programme's events
    publishes_feedback = db.Column(db.Boolean, nullable=False, default=False)

    phases = db.relationship(
        "Phase", back_populates="programme", order_by="Phase.position",
        cascade="all, delete-orphan",
    )

    def __str__(self):
        return self.name


class Phase(db.Model):
    __table_args__ = (db.UniqueConstraint("programme_id", "code"),)

    id = db.Column(db.Integer, primary_key=True)
    programme_id = db.Column(db.ForeignKey("programme.id"), nullable=False, index=True)
    code = db.Column(db.String(32), nullable=False)
    name = db.Column(db.String(200), nullable=False)
    #: how the programme's published results name the phase ("prima fase")
    label_in_results = db.Column(db.String(200))
    position = db.Column(db.Integer, nullable=False, default=0)
    starts_on = db.Column(db.Date)
    ends_on = db.Column(db.Date)

    programme = db.relationship("Programme", back_populates="phases")

    def __str__(self):
        return self.name


class ProgrammeStage(LabelledEnum):
    """How far a municipality has come in a programme, in order."""

    APPLIED = "applied"
    FEASIBILITY = "feasibility"
    EXPERIMENTATION = "experimentation"

    @classmethod
    def _labels(cls):
        return {
            cls.APPLIED: _l("Candidatura all'avviso"),
            cls.FEASIBILITY: _l("Studio di fattibilità"),
            cls.EXPERIMENTATION: _l("Sperimentazione"),
        }

    @property
    def rank(self):
        return list(ProgrammeStage).index(self)


class OrganisationStage(db.Model):
    """An organisation reached a stage of a programme on a date: the history behind the
    pipeline counts (34 → 21 → 18), which are computed from it, never typed."""

    __table_args__ = (db.UniqueConstraint("organisation_id", "programme_id", "stage"),)

    id = db.Column(db.Integer, primary_key=True)
    organisation_id = db.Column(db.ForeignKey("organisation.id"), nullable=False, index=True)
    programme_id = db.Column(db.ForeignKey("programme.id"), nullable=False, index=True)
    stage = db.Column(EnumText(ProgrammeStage), nullable=False)
    reached_on = db.Column(db.Date, nullable=False)
    note = db.Column(db.String(300))
    recorded_by_id = db.Column(db.ForeignKey("user.id", ondelete="SET NULL"))
    recorded_at = db.Column(UTCDateTime, nullable=False, default=utcnow)

    organisation = db.relationship("Organisation", back_populates="stages")
    programme = db.relationship("Programme")


class OrganisationKind(LabelledEnum):
    COMUNE_CAPOLUOGO = "comune_capoluogo"
    CITTA_METROPOLITANA = "citta_metropolitana"
    TERZO_SETTORE = "terzo_settore"
    INVESTITORE = "investitore"
    FORMEZ = "formez"
    UNIVERSITA = "universita"
    ALTRO = "altro"
    #: typed by someone and matching no known organisation: an organiser has to say what it is
    UNCLASSIFIED = "da_classificare"

    @classmethod
    def _labels(cls):
        return {
            cls.COMUNE_CAPOLUOGO: _l("Comune capoluogo"),
            cls.CITTA_METROPOLITANA: _l("Città metropolitana"),
            cls.TERZO_SETTORE: _l("Ente del terzo settore"),
            cls.INVESTITORE: _l("Investitore"),
            cls.FORMEZ: _l("Formez"),
            cls.UNIVERSITA: _l("Università"),
            cls.ALTRO: _l("Altro"),
            cls.UNCLASSIFIED: _l("Da classificare"),
        }

    @property
    def is_municipality(self):
        """Comuni vs partenariato, as the programme's results split them."""
        return self in (OrganisationKind.COMUNE_CAPOLUOGO, OrganisationKind.CITTA_METROPOLITANA)


#: the kinds someone may say an organisation is ("da classificare" is for organisers to resolve)
DECLARABLE_KINDS = [kind for kind in OrganisationKind if kind is not OrganisationKind.UNCLASSIFIED]


class Organisation(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(200), nullable=False, unique=True)
    kind = db.Column(EnumText(OrganisationKind), nullable=False, default=OrganisationKind.ALTRO)
    #: ISTAT code of a municipality, when it is one
    istat_code = db.Column(db.String(6), unique=True)
    #: the name without case, accents or apostrophes, for search
    search_name = db.Column(db.String(200), nullable=False, default="", index=True)
    #: fis_events.search.organisation_key of the name: typed names match by it. Not unique:
    #: duplicates made before it existed wait for an organiser to merge them
    match_key = db.Column(db.String(200), nullable=False, default="", index=True)
    #: the kind the person who typed a new organisation said it was, until an organiser classifies it
    declared_kind = db.Column(EnumText(OrganisationKind))

    stages = db.relationship("OrganisationStage", back_populates="organisation",
                             order_by="(OrganisationStage.reached_on, OrganisationStage.id)")
    aliases = db.relationship("OrganisationAlias", back_populates="organisation",
                              order_by="OrganisationAlias.name", cascade="all, delete-orphan")

    def __str__(self):
        return self.name


class OrganisationAlias(db.Model):
    """Another name of an organisation, kept when a duplicate is merged into it, so that typing
    the old name again finds the organisation that survived."""

    id = db.Column(db.Integer, primary_key=True)
    organisation_id = db.Column(db.ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False,
                                index=True)
    name = db.Column(db.String(200), nullable=False)
    #: organisation_key(name); one organisation per key among the aliases
    match_key = db.Column(db.String(200), nullable=False, unique=True)

    organisation = db.relationship("Organisation", back_populates="aliases")


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _organisation_search_name(mapper, connection, organisation):
    for name, value in organisation_keys(organisation.name).items():
        setattr(organisation, name, value)


def organisation_keys(name):
    """The search_name and match_key of an organisation of this name, cut to their columns:
    NFKD makes some characters longer ("½" is three)."""
    return {"search_name": search_key(name)[:Organisation.search_name.type.length],
            "match_key": organisation_key(name)[:Organisation.match_key.type.length]}
