-- What a start stopped during schema 2 leaves (SchemaOneMigrationTest): its first statement applied, then a failure
-- that Flyway records as a failed version 2.
ALTER TABLE resource_current DROP CONSTRAINT resource_current_version;
SELECT no_such_column FROM resource_current;
