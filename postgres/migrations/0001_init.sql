-- Kirjaamo schema, PostgreSQL dialect. Same tables and columns as the SQLite
-- schema; BYTEA for BLOB, BIGINT for integer microseconds.

CREATE TABLE subjects (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	register TEXT NOT NULL,
	data BYTEA NOT NULL,
	restricted INTEGER NOT NULL DEFAULT 0,
	relationship_ended_at BIGINT,
	last_activity_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE subject_keys (
	kind TEXT NOT NULL,
	bidx BYTEA NOT NULL,
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	uniq INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (kind, bidx, subject_id)
);
CREATE UNIQUE INDEX subject_keys_unique ON subject_keys (kind, bidx) WHERE uniq = 1;
CREATE INDEX subject_keys_subject ON subject_keys (subject_id);

CREATE TABLE contacts (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	register TEXT NOT NULL,
	direction TEXT NOT NULL DEFAULT '',
	started_at BIGINT,
	ended_at BIGINT,
	created_at BIGINT NOT NULL,
	created_by TEXT NOT NULL,
	meta BYTEA NOT NULL,
	content BYTEA,
	recording TEXT
);
CREATE INDEX contacts_register_created ON contacts (register, created_at);

CREATE TABLE contact_subjects (
	subject_id TEXT NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
	contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (subject_id, contact_id)
);
CREATE INDEX contact_subjects_contact ON contact_subjects (contact_id);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	username TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE tokens (
	id TEXT PRIMARY KEY,
	user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	hash BYTEA NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT
);

CREATE TABLE audit_events (
	seq BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
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
	prev_hash BYTEA NOT NULL,
	hash BYTEA NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);

CREATE TABLE audit_subjects (
	subject_id TEXT NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (subject_id, seq)
);

CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash BYTEA NOT NULL,
	mac BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, 0, '\x', '\x');

-- Append-only audit log: UPDATE, DELETE and TRUNCATE are refused by trigger.
-- The hash chain still detects tampering by an owner who disables them.
CREATE FUNCTION kirjaamo_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit events are append-only';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION kirjaamo_audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
	FOR EACH STATEMENT EXECUTE FUNCTION kirjaamo_audit_append_only();
