"""Erasing a person: the answers and the counts of invitations stay, the person's link stops
working and no longer leads to their answer."""
from support import commit_test_work

from fis_events.extensions import db
from fis_events.feedback import answering
from fis_events.feedback.models import FeedbackAnswer, FeedbackInvitation, FeedbackResponse
from fis_events.privacy.services import erase

from feedback.conftest import invitation_of


def counts():
    db.session.expire_all()
    return {model.__name__: db.session.scalar(db.select(db.func.count(model.id)))
            for model in (FeedbackInvitation, FeedbackResponse, FeedbackAnswer)}


def test_erasure_keeps_the_answers_and_ends_the_link(client, ended_event, run_send):
    scene = ended_event()
    run_send()
    invitation = invitation_of(scene.anna)
    answering.submit(invitation, {q.id: "4" for q in invitation.questionnaire.questions
                                  if q.kind.value == "scale"})
    commit_test_work()
    old_token, response_id = invitation.token, invitation.response_id
    before = counts()
    erase(scene.anna.person)
    commit_test_work()
    assert counts() == before
    db.session.refresh(invitation)
    assert invitation.response_id is None and invitation.token != old_token
    assert db.session.get(FeedbackResponse, response_id).answers  # the answer stays, anonymous
    assert client.get(f"/questionario/{old_token}").status_code == 404
    bruno = invitation_of(scene.bruno)
    assert client.get(f"/questionario/{bruno.token}").status_code == 200  # others keep theirs
