"""Events, their agendas and speakers: public pages, organiser pages, calendars."""
