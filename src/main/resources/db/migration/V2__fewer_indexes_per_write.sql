-- trialfhir store, schema 2: two of the five indexes a write kept up to date go, with the columns only one of them
-- read. A bulk import's writer spent a fifth of its time committing, mostly writing index pages, for indexes that no
-- read needs. Written in the SQL that H2 and PostgreSQL both accept. Every statement may find its work done: H2
-- commits each DDL statement on its own, so a start stopped during this migration (a 500,000-trial store takes a
-- while to drop columns) leaves part of it applied and unrecorded, and the next start runs it again from the top.

-- The current row's foreign key to its version: the writer inserts the version and moves the current row to it in
-- one transaction, and no version is ever removed, so the key checked what cannot happen. H2 kept an index of its
-- own for it, on (res_type, res_id, version_id) of resource_current, which no query used; dropping the constraint
-- drops that index.
ALTER TABLE resource_current DROP CONSTRAINT IF EXISTS resource_current_version;

-- First-stored order: a resource's version 1 is written by the change that first stores it, at that change's feed
-- position (change_seq, change_ord), which created_seq and created_ord repeated. The feed's index on
-- resource_version (change_seq) gives that order for the rows of version 1, so the current rows need no index of
-- their own for it, nor the columns.
DROP INDEX IF EXISTS resource_current_order;
ALTER TABLE resource_current DROP COLUMN IF EXISTS created_seq;
ALTER TABLE resource_current DROP COLUMN IF EXISTS created_ord;
