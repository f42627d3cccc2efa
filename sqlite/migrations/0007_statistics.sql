-- Anonymous statistics (seed 002: status, country, topic kept 3 years):
-- linked to no subject and no contact, the day only, no personal data.

CREATE TABLE statistics (
	id TEXT PRIMARY KEY,
	register TEXT NOT NULL,
	day INTEGER NOT NULL,
	topic TEXT NOT NULL,
	country TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT '',
	channel TEXT NOT NULL DEFAULT ''
);
CREATE INDEX statistics_day ON statistics (day);
