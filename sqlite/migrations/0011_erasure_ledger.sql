-- The erasure ledger: keyed hashes (blind indexes) of the identifiers of
-- people erased on request, never the identifiers themselves, so that an
-- erasure can be applied again after a backup taken before it is restored.

CREATE TABLE erasure_ledger (
	kind TEXT NOT NULL,
	bidx BLOB NOT NULL,
	request_id TEXT NOT NULL,
	erased_at INTEGER NOT NULL,
	PRIMARY KEY (kind, bidx)
) WITHOUT ROWID;
