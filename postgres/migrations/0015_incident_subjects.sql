-- Breach letters (GDPR art. 34): the subjects an incident affects, linked
-- by subject id only, and the letters in the notifications outbox with the
-- incident they belong to and the language they are written in.

CREATE TABLE incident_subjects (
	incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	PRIMARY KEY (incident_id, subject_id)
);
CREATE INDEX incident_subjects_subject ON incident_subjects (subject_id);

ALTER TABLE notifications ADD COLUMN incident_id TEXT;
ALTER TABLE notifications ADD COLUMN lang TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_incident ON notifications (incident_id) WHERE incident_id IS NOT NULL;
