"""The questions every event kind asks unless its organisers change them."""
from ..events.models import EventKind
from .models import Indicator, QuestionKind

YES_NO = [{"it": "Sì", "en": "Yes"}, {"it": "No", "en": "No"}]

#: the programme's five questions, in the order they are asked
STANDARD = [
    dict(kind=QuestionKind.SCALE, required=True, indicator=Indicator.SATISFACTION,
         text_it="Quanto è soddisfatto/a dell'incontro nel complesso?",
         text_en="Overall, how satisfied are you with the meeting?"),
    dict(kind=QuestionKind.SCALE, required=True, indicator=Indicator.USEFULNESS,
         text_it="Quanto è stato utile per la sua amministrazione o organizzazione?",
         text_en="How useful was it for your administration or organisation?"),
    dict(kind=QuestionKind.SCALE, required=False, indicator=Indicator.CLARITY,
         text_it="Quanto sono stati chiari i relatori?",
         text_en="How clear were the speakers?"),
    dict(kind=QuestionKind.TEXT, required=False, indicator=Indicator.WILL_APPLY,
         text_it="Che cosa applicherà nel suo lavoro?",
         text_en="What will you apply in your work?"),
    dict(kind=QuestionKind.SINGLE_CHOICE, required=False, indicator=Indicator.RECOMMEND,
         text_it="Consiglierebbe questo incontro a un collega?",
         text_en="Would you recommend this meeting to a colleague?", choices=YES_NO),
]

#: a kind's questions until an organiser changes its default questionnaire
DEFAULT_QUESTIONS = {kind: STANDARD for kind in EventKind}
