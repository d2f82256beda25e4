#!/usr/bin/env python3
"""The store benchmark's inputs, made from one file of generated points (`geocontacts dev generate`):

    datasets.py POINTS.csv OUT_DIR

writes OUT_DIR/contacts.csv (name,groupId,reference,latitude,longitude: what
`geocontacts import` reads and PostgreSQL COPY loads) and OUT_DIR/redis.resp (the same contacts
as Redis commands in its wire protocol, for `redis-cli --pipe`: one GEOADD into the set
`contacts` and one HSET `contact:<id>` with the same five fields per contact).

Redis GEO refuses latitudes beyond ±85.05112878° (its Web Mercator cells); those points are
clamped to that latitude in the GEO set only (the hash keeps the true value), so every contact is
in the set and the memory compared is that of the same number of members. The number clamped is
printed.
"""
import sys

REDIS_MAX_LATITUDE = 85.05112878


def resp(*words):
    parts = [b"*%d\r\n" % len(words)]
    for word in words:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def main():
    points, out = sys.argv[1], sys.argv[2]
    clamped = 0
    with open(points) as source, open(f"{out}/contacts.csv", "w") as csv, open(f"{out}/redis.resp", "wb") as redis:
        header = source.readline().strip().split(",")
        if header[:2] != ["latitude", "longitude"]:
            sys.exit(f"{points}: expected a latitude,longitude header, got {header}")
        csv.write("name,groupId,reference,latitude,longitude\n")
        for n, line in enumerate(source, start=1):
            latitude, longitude = line.strip().split(",")[:2]
            name, reference = f"Contact {n}", f"REF-{n}"
            csv.write(f"{name},1,{reference},{latitude},{longitude}\n")
            geo_latitude = float(latitude)
            if abs(geo_latitude) > REDIS_MAX_LATITUDE:
                geo_latitude = REDIS_MAX_LATITUDE if geo_latitude > 0 else -REDIS_MAX_LATITUDE
                clamped += 1
            redis.write(resp("GEOADD", "contacts", longitude, repr(geo_latitude), str(n)))
            redis.write(resp("HSET", f"contact:{n}", "name", name, "groupId", "1", "reference", reference,
                             "latitude", latitude, "longitude", longitude))
    print(f"{n} contacts; {clamped} latitudes clamped to ±{REDIS_MAX_LATITUDE} in the Redis GEO set")


if __name__ == "__main__":
    main()
