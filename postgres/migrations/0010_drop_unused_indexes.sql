-- Indexes no query uses: every audited write touched their pages, and on
-- SQLite each page is one more WAL frame written at commit.
DROP INDEX contacts_register_created;
DROP INDEX retention_parts_register;
