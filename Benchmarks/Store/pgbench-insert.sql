-- pgbench: one durable single-row INSERT per transaction, a site around London as
-- Scripts/load/create.lua posts to GeoContacts.
\set a random(0, 400000)
\set b random(0, 600000)
INSERT INTO contacts (name, group_id, latitude, longitude)
VALUES ('Load site', 1, 51.3 + :a / 1000000.0, -0.42 + :b / 1000000.0);
