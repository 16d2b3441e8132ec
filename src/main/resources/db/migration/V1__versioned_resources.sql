-- trialfhir store, schema 1: every version of every resource, the current version of each, and a change feed.
-- Written in the SQL that H2 (the embedded default) and PostgreSQL both accept.

-- The change feed's clock: one row, incremented as the last step of every writing transaction. Its row lock is
-- held until commit, so sequence numbers are handed out in commit order and a reader that has seen sequence N
-- has seen every change up to N (a plain SEQUENCE would let a lower number commit after a higher one).
CREATE TABLE store_clock (
  id INTEGER NOT NULL PRIMARY KEY,
  last_seq BIGINT NOT NULL
);
INSERT INTO store_clock (id, last_seq) VALUES (1, 0);

-- Every version, deletes included (deleted = TRUE, no content). content is the resource's FHIR JSON without
-- meta.versionId and meta.lastUpdated (the columns hold those), gzip-compressed; content_sha256 is the SHA-256 of
-- the uncompressed JSON, so an unchanged write is found without reading content back. change_seq is the
-- store_clock value of the transaction that wrote the version, change_ord its position in that transaction.
CREATE TABLE resource_version (
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  version_id INTEGER NOT NULL,
  last_updated TIMESTAMP WITH TIME ZONE NOT NULL,
  deleted BOOLEAN NOT NULL,
  content_sha256 CHAR(64),
  content BYTEA,
  change_seq BIGINT NOT NULL,
  change_ord INTEGER NOT NULL,
  CONSTRAINT resource_version_pk PRIMARY KEY (res_type, res_id, version_id),
  CONSTRAINT resource_version_content CHECK ((deleted AND content IS NULL) OR (NOT deleted AND content IS NOT NULL))
);
CREATE INDEX resource_version_change ON resource_version (change_seq);

-- The current version of each resource ever stored (deleted = TRUE when its last version is a delete), locked
-- with SELECT ... FOR UPDATE by writers. created_seq/created_ord order resources as first stored.
CREATE TABLE resource_current (
  res_type VARCHAR(64) NOT NULL,
  res_id VARCHAR(64) NOT NULL,
  version_id INTEGER NOT NULL,
  deleted BOOLEAN NOT NULL,
  content_sha256 CHAR(64),
  created_seq BIGINT NOT NULL,
  created_ord INTEGER NOT NULL,
  CONSTRAINT resource_current_pk PRIMARY KEY (res_type, res_id),
  CONSTRAINT resource_current_version FOREIGN KEY (res_type, res_id, version_id)
    REFERENCES resource_version (res_type, res_id, version_id)
);
CREATE INDEX resource_current_order ON resource_current (created_seq, created_ord);
