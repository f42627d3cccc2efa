-- The mentions index: identifiers found in a contact's free text, as keyed
-- blind indexes pointing at the contact. No plain identifier is stored; the
-- entries go with the contact when it is deleted.

CREATE TABLE mentions (
	kind TEXT NOT NULL,
	bidx BLOB NOT NULL,
	contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
	PRIMARY KEY (kind, bidx, contact_id)
) WITHOUT ROWID;
CREATE INDEX mentions_contact ON mentions (contact_id);
