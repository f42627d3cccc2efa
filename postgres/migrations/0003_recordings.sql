-- Recording notices (seed 003) and encrypted call recordings. The data key
-- of each recording is wrapped by the master key and lives only here:
-- deleting the row destroys it, and the blob is unreadable from then on.

CREATE TABLE recording_notices (
	contact_id TEXT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
	method TEXT NOT NULL,
	at BIGINT NOT NULL,
	announcement_version TEXT NOT NULL DEFAULT ''
);

CREATE TABLE recordings (
	contact_id TEXT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
	blob_key TEXT NOT NULL UNIQUE,
	wrapped_key BYTEA NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	content_type TEXT NOT NULL,
	started_at BIGINT NOT NULL,
	uploaded_at BIGINT NOT NULL,
	uploaded_by TEXT NOT NULL
);
