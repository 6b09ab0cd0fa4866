-- page_loads_1h was copied into page_loads by migration 005. Dropped in a migration of its own,
-- so that 005 can always be run again after a crash (its copy reads this table).

DROP TABLE IF EXISTS ${db}.page_loads_1h;
