-- The policy as versioned data (rung/policy_version.h): each revision of an
-- account's stored overrides, or of the deployment's with its custom
-- ladders, with who made it, when and why. Appended and never changed; an
-- account's revisions run 1, 2, 3, ... without a gap, which the store checks
-- in the transaction that appends them, and the primary key keeps two
-- writers from storing one revision twice.
--
-- As in 0008, JSON is written in one canonical spelling, empty text is
-- stored as NULL where a column says so, and instants are UTC RFC 3339 text
-- with exactly six fraction digits.

CREATE TABLE policy_revisions (
  -- '' for the deployment's own policy (not NULL: it is part of the key),
  -- which sorts before every account.
  account_id          TEXT    NOT NULL,
  revision            INTEGER NOT NULL CHECK (revision >= 1),
  -- The effective policy's version from this revision on.
  version             TEXT    NOT NULL CHECK (version <> ''),
  -- The deployment's revision that this one was composed on; 0 for none.
  deployment_revision INTEGER NOT NULL CHECK (deployment_revision >= 0),
  -- The whole of the stored overrides: an object of the fields present,
  -- keys sorted, {"cutover_threshold":20,"learning_threshold":40}.
  overrides           TEXT    NOT NULL CHECK (json_valid(overrides) AND
                                              json_type(overrides) = 'object'),
  -- The deployment's custom ladders, [{"name":"lead_gen","events":["PageView","Lead"]}];
  -- always [] for an account.
  ladders             TEXT    NOT NULL CHECK (json_valid(ladders) AND json_type(ladders) = 'array'
                                              AND (account_id = '' OR ladders = '[]')),
  -- The name of the token that made the change; NULL without tokens.
  changed_by          TEXT,
  change_time         TEXT    NOT NULL CHECK (change_time GLOB
                        '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]Z'),
  -- NULL: none was given.
  reason              TEXT,
  -- Also the index that the latest revision of each account and the
  -- listing of one account's, newest first, are read from.
  PRIMARY KEY (account_id, revision)
) STRICT, WITHOUT ROWID;
