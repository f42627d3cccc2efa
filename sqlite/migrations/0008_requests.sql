-- Data-subject requests with their deadlines, states and the record of how
-- the requester's identity was verified. Ids, dates and states only.

CREATE TABLE requests (
	id TEXT PRIMARY KEY,
	type TEXT NOT NULL,
	subject_id TEXT,
	channel TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	due_at INTEGER NOT NULL,
	extended_months INTEGER NOT NULL DEFAULT 0,
	extension_reason TEXT NOT NULL DEFAULT '',
	assignee TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL,
	decision TEXT NOT NULL DEFAULT '',
	decision_reason TEXT NOT NULL DEFAULT '',
	verification TEXT NOT NULL DEFAULT '',
	created_by TEXT NOT NULL,
	updated_at INTEGER NOT NULL
);
CREATE INDEX requests_open ON requests (state, due_at);
