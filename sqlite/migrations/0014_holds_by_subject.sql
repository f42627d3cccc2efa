-- Discovery lists a subject's holds, released ones included; the partial
-- holds_subject covers active holds only, so without this index the query
-- would scan the hold register.
CREATE INDEX holds_subject_all ON holds (subject_id, review_at);
