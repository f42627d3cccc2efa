-- Opt-outs (GDPR art. 21; seed 001's bans on directory publication and
-- direct marketing): every change kept, the newest per kind in force.

CREATE TABLE opt_outs (
	id TEXT PRIMARY KEY,
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	active INTEGER NOT NULL,
	at INTEGER NOT NULL,
	by_user TEXT NOT NULL
);
CREATE INDEX opt_outs_subject ON opt_outs (subject_id, kind, at);
