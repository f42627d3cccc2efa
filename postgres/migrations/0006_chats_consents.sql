-- Chats: the transcript's messages (sealed, kept with the content part) and
-- the visitor's technical data (sealed, a part of its own: seed 004).
-- Consents per purpose, given and withdrawn, never edited.

ALTER TABLE contacts ADD COLUMN messages BYTEA;
ALTER TABLE contacts ADD COLUMN visitor BYTEA;

CREATE TABLE consents (
	id TEXT PRIMARY KEY,
	subject_id TEXT REFERENCES subjects(id) ON DELETE CASCADE,
	contact_id TEXT REFERENCES contacts(id) ON DELETE CASCADE,
	purpose TEXT NOT NULL,
	channel TEXT NOT NULL DEFAULT '',
	text_version TEXT NOT NULL,
	given_at BIGINT NOT NULL,
	withdrawn_at BIGINT,
	recorded_by TEXT NOT NULL
);
CREATE INDEX consents_subject ON consents (subject_id);
CREATE INDEX consents_contact ON consents (contact_id);
