-- How many evaluations have been committed, so that every process on this
-- database can tell whether the answers it kept are still current. Bumped in
-- the transaction that publishes an evaluation.
CREATE TABLE recommendations_version (
  id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL CHECK (version >= 0)
) STRICT;

INSERT INTO recommendations_version (id, version)
SELECT 1, count(*) FROM evaluations;
