-- The keyring: data-encryption keys, each wrapped by the master key (see
-- package keys). Sealed columns name the data key that sealed them, so a
-- master-key rotation re-wraps these few rows and re-encrypts nothing else.
-- master_id says which master wraps a row now (a rotation that stopped
-- half-way leaves some rows under each); origin which master was in force
-- when the key was made (a rotation adds one new key per new master).

CREATE TABLE data_keys (
	id BIGINT PRIMARY KEY,
	wrapped BLOB NOT NULL,
	master_id TEXT NOT NULL,
	origin TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
