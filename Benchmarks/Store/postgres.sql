-- The PostgreSQL peer of the store benchmark: the contacts of Benchmarks/Store/datasets.py in one
-- table with the indexes GeoContacts keeps in memory for them: the primary key, a GiST index on a
-- PostGIS geography point generated from latitude/longitude, the group and the reference.
CREATE EXTENSION IF NOT EXISTS postgis;
DROP TABLE IF EXISTS contacts;
CREATE TABLE contacts (
    customer_id bigint NOT NULL DEFAULT 1,
    id bigint GENERATED ALWAYS AS IDENTITY,
    name text NOT NULL,
    group_id bigint NOT NULL,
    reference text,
    latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    location geography(Point, 4326) GENERATED ALWAYS AS
        (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography) STORED,
    PRIMARY KEY (customer_id, id)
);
CREATE INDEX contacts_location ON contacts USING gist (location);
CREATE INDEX contacts_group ON contacts (customer_id, group_id);
CREATE INDEX contacts_reference ON contacts (customer_id, reference);
