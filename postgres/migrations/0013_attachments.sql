-- E-mail attachments stored encrypted in the blob store (seed 000 §3).
-- Like a recording, each stored attachment has its own data key, wrapped by
-- the master key and kept only in its row: deleting the row destroys the
-- key, and the blob is unreadable from then on. An attachment that was not
-- stored (binary content the policy would have redacted) keeps a row with
-- blob_key NULL and the reason in its sealed meta, so the record says what
-- arrived and why it is missing. The file name, the scanner's flags and the
-- note are sealed together in meta (a file name can name a person).

CREATE TABLE attachments (
	id TEXT PRIMARY KEY,
	contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	number INTEGER NOT NULL,
	meta BYTEA NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL DEFAULT '',
	blob_key TEXT UNIQUE,
	wrapped_key BYTEA,
	redacted INTEGER NOT NULL DEFAULT 0,
	scanned INTEGER NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL
);
CREATE INDEX attachments_contact ON attachments (contact_id, number);
