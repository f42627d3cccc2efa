-- Published documents: every version of the privacy notice and of the
-- recording announcements, with its publication time, kept unchanged so
-- that what a person was shown at a given time can be shown again.

CREATE TABLE published_documents (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	lang TEXT NOT NULL,
	format TEXT NOT NULL,
	version TEXT NOT NULL,
	digest TEXT NOT NULL,
	published_at BIGINT NOT NULL,
	body BYTEA NOT NULL
);
CREATE INDEX published_documents_at ON published_documents (kind, lang, format, published_at);
CREATE UNIQUE INDEX published_documents_version ON published_documents (kind, lang, format, version);
