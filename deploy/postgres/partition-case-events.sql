-- wenzheng: turn casework_caseevent (the event log, the largest table: ~10 rows per case) into a
-- table partitioned by ranges of case_id. docs/scale.md explains the choice; in short:
--   * a case's whole hash chain stays in one partition (its timeline, `audit verify` and the
--     UNIQUE (case_id, seq) constraint all work per partition: the key is in the constraint);
--   * case ids grow with time, so a block of ids is a block of intake time (3,000,000 ids is about
--     a month at 10^5 messages a day); old blocks go cold together and can move to cheaper disks;
--   * a BRIN index on created_at serves the time-range scans (statistics, sweeps) in a few pages.
--
-- Run once, in a maintenance window (it copies the table under an exclusive lock), as the owner
-- of the tables, after `wenzheng deploy_migrate`:
--   psql "$DATABASE_URL" -v block=3000000 -v ahead=3 -f deploy/postgres/partition-case-events.sql
-- From then on the scheduler keeps partitions three blocks ahead of the newest case every night
-- (wenzheng.core.tasks.extend_event_partitions calls wenzheng_caseevent_add_partitions(3)).
-- Django sees the same table, columns, constraint and index names; later migrations that touch
-- this table run on the partitioned parent (CREATE INDEX without CONCURRENTLY).
\set ON_ERROR_STOP on
\if :{?block}
\else
  \set block 3000000
\endif
\if :{?ahead}
\else
  \set ahead 3
\endif

BEGIN;
LOCK TABLE casework_caseevent IN ACCESS EXCLUSIVE MODE;

ALTER TABLE casework_caseevent RENAME TO casework_caseevent_unpartitioned;
ALTER TABLE casework_caseevent_unpartitioned RENAME CONSTRAINT casework_caseevent_pkey TO casework_caseevent_unpartitioned_pkey;
ALTER TABLE casework_caseevent_unpartitioned RENAME CONSTRAINT case_event_seq_unique TO case_event_seq_unique_unpartitioned;
ALTER INDEX case_event_actor RENAME TO case_event_actor_unpartitioned;
ALTER INDEX case_event_kind_time RENAME TO case_event_kind_time_unpartitioned;
ALTER INDEX case_event_unit_time RENAME TO case_event_unit_time_unpartitioned;

CREATE TABLE casework_caseevent (
    LIKE casework_caseevent_unpartitioned INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE
) PARTITION BY RANGE (case_id);

-- Ids: a sequence owned by the column (identity columns on partitioned tables need PostgreSQL 17),
-- continuing after the highest id copied.
CREATE SEQUENCE casework_caseevent_id_seq_p OWNED BY casework_caseevent.id;
ALTER TABLE casework_caseevent ALTER COLUMN id SET DEFAULT nextval('casework_caseevent_id_seq_p');

-- Every unique constraint of a partitioned table contains the partition key.
ALTER TABLE casework_caseevent ADD CONSTRAINT casework_caseevent_pkey PRIMARY KEY (id, case_id);
ALTER TABLE casework_caseevent ADD CONSTRAINT case_event_seq_unique UNIQUE (case_id, seq);
CREATE INDEX case_event_actor ON casework_caseevent (actor_id) WHERE actor_id IS NOT NULL;
CREATE INDEX case_event_kind_time ON casework_caseevent (kind, created_at);
CREATE INDEX case_event_unit_time ON casework_caseevent (actor_unit_id, created_at);
CREATE INDEX case_event_created_brin ON casework_caseevent USING brin (created_at) WITH (pages_per_range = 32);
ALTER TABLE casework_caseevent
    ADD CONSTRAINT casework_caseevent_case_id_fk_casework_case_id
        FOREIGN KEY (case_id) REFERENCES casework_case (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT casework_caseevent_actor_id_fk_accounts_user_id
        FOREIGN KEY (actor_id) REFERENCES accounts_user (id) DEFERRABLE INITIALLY DEFERRED,
    ADD CONSTRAINT casework_caseevent_actor_unit_id_fk_accounts_orgunit_id
        FOREIGN KEY (actor_unit_id) REFERENCES accounts_orgunit (id) DEFERRABLE INITIALLY DEFERRED;

-- The block size chosen here, for the partitions created later.
SELECT format('CREATE OR REPLACE FUNCTION wenzheng_caseevent_block() RETURNS bigint '
              'LANGUAGE sql IMMUTABLE AS %L', format('SELECT %s::bigint', :block::bigint)) \gexec
-- Creates the partitions up to `ahead` blocks beyond the newest case; returns how many it made.
-- The scheduler calls it every night (wenzheng.core.tasks.extend_event_partitions).
CREATE OR REPLACE FUNCTION wenzheng_caseevent_add_partitions(ahead integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    block bigint := wenzheng_caseevent_block();
    upper_block bigint := coalesce((SELECT max(id) FROM casework_case), 0) / block + ahead;
    made integer := 0;
    name text;
BEGIN
    FOR b IN 0..upper_block LOOP
        name := format('casework_caseevent_p%s', lpad(b::text, 5, '0'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF casework_caseevent FOR VALUES FROM (%s) TO (%s)',
                           name, b * block, (b + 1) * block);
            made := made + 1;
        END IF;
    END LOOP;
    RETURN made;
END;
$$;

SELECT wenzheng_caseevent_add_partitions(:ahead) AS partitions_created;

INSERT INTO casework_caseevent SELECT * FROM casework_caseevent_unpartitioned;
SELECT setval('casework_caseevent_id_seq_p', greatest((SELECT max(id) FROM casework_caseevent), 1));
DROP TABLE casework_caseevent_unpartitioned;
COMMIT;

ANALYZE casework_caseevent;
