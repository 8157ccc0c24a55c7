-- Row-level security for RecallFS mounts on a shared Pensieve PostgreSQL database (README, "One
-- PostgreSQL, many users"). Run once, as the owner of Pensieve's tables:
--   psql -d postgresql://owner@host/pensieve -f scripts/postgres-rls.sql
-- then, per user: a login role that may read, and the libraries it may see:
--   CREATE ROLE alice LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO alice;
--   INSERT INTO recallfs_library_grants VALUES ('alice', 2);
-- Pensieve keeps working: it connects as the tables' owner, and an owner (or a superuser) bypasses
-- these policies. Every other role sees only the rows of the libraries granted to it; a role with no
-- grant sees nothing. Idempotent.
BEGIN;
CREATE TABLE IF NOT EXISTS recallfs_library_grants (
    role name NOT NULL,
    library_id integer NOT NULL REFERENCES libraries(id) ON DELETE CASCADE,
    PRIMARY KEY (role, library_id)
);
-- A reader may see which libraries it was granted, not who else was.
ALTER TABLE recallfs_library_grants ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_own_grants ON recallfs_library_grants;
CREATE POLICY recallfs_own_grants ON recallfs_library_grants USING (role = current_user);

ALTER TABLE libraries ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_granted ON libraries;
CREATE POLICY recallfs_granted ON libraries
    USING (id IN (SELECT library_id FROM recallfs_library_grants WHERE role = current_user));

ALTER TABLE folders ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_granted ON folders;
CREATE POLICY recallfs_granted ON folders
    USING (library_id IN (SELECT library_id FROM recallfs_library_grants WHERE role = current_user));

ALTER TABLE entities ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_granted ON entities;
CREATE POLICY recallfs_granted ON entities
    USING (library_id IN (SELECT library_id FROM recallfs_library_grants WHERE role = current_user));

-- The tables keyed by entity follow the entity's library (the subquery on entities is itself
-- filtered by the policy above).
ALTER TABLE metadata_entries ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_granted ON metadata_entries;
CREATE POLICY recallfs_granted ON metadata_entries USING (entity_id IN (SELECT id FROM entities));

ALTER TABLE entity_tags ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_granted ON entity_tags;
CREATE POLICY recallfs_granted ON entity_tags USING (entity_id IN (SELECT id FROM entities));

ALTER TABLE entities_fts ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recallfs_granted ON entities_fts;
CREATE POLICY recallfs_granted ON entities_fts USING (id IN (SELECT id FROM entities));
COMMIT;
