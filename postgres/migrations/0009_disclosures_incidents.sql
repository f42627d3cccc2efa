-- The disclosure log (seed 000 §3), the outbox of art. 19 notifications,
-- and the incident register with its 72-hour clock (GDPR art. 33).

CREATE TABLE disclosures (
	id TEXT PRIMARY KEY,
	subject_id TEXT NOT NULL,
	recipient TEXT NOT NULL,
	legal_basis TEXT NOT NULL,
	categories TEXT NOT NULL,
	verification TEXT NOT NULL,
	at BIGINT NOT NULL,
	by_user TEXT NOT NULL
);
CREATE INDEX disclosures_subject ON disclosures (subject_id, at);

CREATE TABLE notifications (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	recipient TEXT NOT NULL,
	text TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	sent_at BIGINT
);

CREATE TABLE incidents (
	id TEXT PRIMARY KEY,
	data TEXT NOT NULL,
	notify_by BIGINT NOT NULL,
	closed INTEGER NOT NULL DEFAULT 0
);
