-- The policy as versioned data (rung/policy_version.h): each revision of an
-- account's stored overrides, or of the deployment's with its custom
-- ladders, with who made it, when and why. Appended and never changed; an
-- account's revisions run 1, 2, 3, ... without a gap, which the store checks
-- in the SERIALIZABLE transaction that appends them, and the primary key
-- keeps two writers from storing one revision twice. Equal in meaning to
-- SQLite's 0009; spelled as 0001 spells its tables (ids in the "C"
-- collation, instants as timestamptz, JSON as canonical text, empty text as
-- NULL where a column says so).

CREATE TABLE policy_revisions (
  -- '' for the deployment's own policy (not NULL: it is part of the key),
  -- which sorts before every account.
  account_id          text COLLATE "C" NOT NULL,
  revision            bigint      NOT NULL CHECK (revision >= 1),
  -- The effective policy's version from this revision on.
  version             text        NOT NULL CHECK (version <> ''),
  -- The deployment's revision that this one was composed on; 0 for none.
  deployment_revision bigint      NOT NULL CHECK (deployment_revision >= 0),
  -- The whole of the stored overrides: an object of the fields present,
  -- keys sorted, {"cutover_threshold":20,"learning_threshold":40}.
  overrides           text        NOT NULL,
  -- The deployment's custom ladders, [{"name":"lead_gen","events":["PageView","Lead"]}];
  -- always [] for an account.
  ladders             text        NOT NULL CHECK (account_id = '' OR ladders = '[]'),
  -- The name of the token that made the change; NULL without tokens.
  changed_by          text,
  change_time         timestamptz NOT NULL,
  -- NULL: none was given.
  reason              text,
  -- Also the index that the latest revision of each account and the
  -- listing of one account's, newest first, are read from.
  PRIMARY KEY (account_id, revision)
);
