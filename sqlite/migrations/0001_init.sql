-- Kirjaamo schema, SQLite dialect. Times are integer microseconds since the
-- Unix epoch (the same in PostgreSQL). Personal data lives only in the
-- sealed (AES-256-GCM) data/meta/content columns; lookups use HMAC blind
-- indexes in subject_keys.

CREATE TABLE subjects (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	register TEXT NOT NULL,
	data BLOB NOT NULL,
	restricted INTEGER NOT NULL DEFAULT 0,
	relationship_ended_at INTEGER,
	last_activity_at INTEGER,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE subject_keys (
	kind TEXT NOT NULL,
	bidx BLOB NOT NULL,
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	uniq INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, bidx, subject_id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX subject_keys_unique ON subject_keys (kind, bidx) WHERE uniq = 1;
CREATE INDEX subject_keys_subject ON subject_keys (subject_id);

CREATE TABLE contacts (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	register TEXT NOT NULL,
	direction TEXT NOT NULL DEFAULT '',
	started_at INTEGER,
	ended_at INTEGER,
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	meta BLOB NOT NULL,
	content BLOB,
	recording TEXT
);
CREATE INDEX contacts_register_created ON contacts (register, created_at);

CREATE TABLE contact_subjects (
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (subject_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX contact_subjects_contact ON contact_subjects (contact_id);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tokens (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash BLOB NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER
);

CREATE TABLE audit_events (
	seq INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	role TEXT NOT NULL,
	action TEXT NOT NULL,
	outcome TEXT NOT NULL,
	register TEXT NOT NULL,
	record_ids TEXT NOT NULL,
	subject_ids TEXT NOT NULL,
	purpose TEXT NOT NULL,
	request_id TEXT NOT NULL,
	detail TEXT NOT NULL,
	prev_hash BLOB NOT NULL,
	hash BLOB NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);

CREATE TABLE audit_subjects (
	subject_id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (subject_id, seq)
) WITHOUT ROWID;

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL,
	hash BLOB NOT NULL,
	mac BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, 0, x'', x'');

-- The audit log is append-only. The hash chain detects tampering by anyone
-- who gets around this; the triggers stop accidents and casual edits.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
