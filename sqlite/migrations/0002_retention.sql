-- Retention: one row per stored part of a record with its computed expiry,
-- legal holds, extensions and the deletion log. The sweeper reads due parts
-- through retention_parts_due (held, expires_at): no scan of records.

ALTER TABLE contacts ADD COLUMN last_activity_at INTEGER;
ALTER TABLE contacts ADD COLUMN closed_at INTEGER;

CREATE TABLE retention_parts (
	record_id TEXT NOT NULL,
	part TEXT NOT NULL,
	record_kind TEXT NOT NULL,
	register TEXT NOT NULL,
	rule TEXT NOT NULL,
	start_at INTEGER,
	expires_at INTEGER,
	extended_until INTEGER,
	extension_reason TEXT NOT NULL DEFAULT '',
	held INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (record_id, part)
) WITHOUT ROWID;
CREATE INDEX retention_parts_due ON retention_parts (held, expires_at);
CREATE INDEX retention_parts_register ON retention_parts (register, part, expires_at);

CREATE TABLE holds (
	id TEXT PRIMARY KEY,
	subject_id TEXT,
	record_id TEXT,
	reason TEXT NOT NULL,
	owner TEXT NOT NULL,
	review_at INTEGER NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	released_at INTEGER,
	released_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX holds_subject ON holds (subject_id) WHERE released_at IS NULL;
CREATE INDEX holds_record ON holds (record_id) WHERE released_at IS NULL;

CREATE TABLE deletion_log (
	id TEXT PRIMARY KEY,
	at INTEGER NOT NULL,
	register TEXT NOT NULL,
	part TEXT NOT NULL,
	rule TEXT NOT NULL,
	count INTEGER NOT NULL,
	first_due_at INTEGER NOT NULL,
	last_due_at INTEGER NOT NULL,
	audit_seq INTEGER NOT NULL
);
CREATE INDEX deletion_log_at ON deletion_log (at);
