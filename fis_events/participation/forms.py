"""Organiser forms for attendance: the platform report upload and its confirmation."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired, Length


class ReportUploadForm(FlaskForm):
    report = FileField(
        _l("Report delle presenze (file CSV)"),
        validators=[FileRequired(_l("Scegli il file del report da caricare.")),
                    FileAllowed(["csv", "txt"], _l("Carica un file .csv o .txt esportato da Teams o Zoom."))],
        render_kw={"accept": ".csv,.txt,text/csv,text/plain"})


class ReportConfirmForm(FlaskForm):
    #: the random name of the uploaded file kept on the server between preview and confirmation
    upload = HiddenField(validators=[DataRequired(), Length(max=64)])
    include_known = BooleanField(
        _l("Registra la presenza anche per le persone note ma non iscritte a questo evento"))


class ReportDiscardForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired(), Length(max=64)])
