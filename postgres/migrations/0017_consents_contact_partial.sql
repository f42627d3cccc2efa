-- Consents recorded on a contact (a chat visitor's consent to recording)
-- are few; most consents are given by a subject and have no contact. The
-- full index on contact_id made SQLite's statistics read "one value, every
-- row" (the NULLs counted as one), after which the planner read the whole
-- consents table to find a subject's contact consents. Only rows with a
-- contact are indexed now; "contact_id = ?" and the foreign key's cascade
-- imply contact_id IS NOT NULL and use it on both databases.
DROP INDEX consents_contact;
CREATE INDEX consents_contact ON consents (contact_id) WHERE contact_id IS NOT NULL;
