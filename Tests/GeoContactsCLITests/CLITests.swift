import Foundation
import RealModule
import Testing
@testable import GeoContacts
import GeoContactsSQLite
import GeoContactsTestSupport
import GeoDataGeneration
import Geodesy

/// The `geocontacts` binary run as a subprocess: import, export, knn, query commands.
@Suite("Command line: import, export, knn", .tags(.slow))
struct CLITests {
    /// A scratch folder with a data folder `data` whose customer `customer` has groups 1, 2 and
    /// custom fields 1 (list S/M/L) and 2 (note).
    struct Workspace {
        let root: URL
        var data: String { root.appendingPathComponent("data").path }

        init(_ name: String = #function, customers: [Int64] = [1]) async throws {
            root = CommandLineTool.temporaryURL(name)
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            for c in customers {
                for (id, name) in [(1, "Depots"), (2, "Sites")] {
                    try await expectSuccess(["define-group", "--data", data, "--customer", "\(c)", "--id", "\(id)", "--name", name])
                }
                try await expectSuccess(["define-field", "--data", data, "--customer", "\(c)", "--id", "1", "--name", "Size",
                                   "--type", "list", "--option", "S", "--option", "M", "--option", "L"])
                try await expectSuccess(["define-field", "--data", data, "--customer", "\(c)", "--id", "2", "--name", "Notes",
                                   "--type", "note"])
            }
        }

        func file(_ name: String, _ bytes: [UInt8]) throws -> String {
            let url = root.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            return url.path
        }

        func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

        func remove() { try? FileManager.default.removeItem(at: root) }

        func snapshot(_ customer: Int64 = 1) throws -> CustomerSnapshot {
            let storage = try ContactStorage.open(DataFolder(url: URL(fileURLWithPath: data)), journaling: .readOnly)
            defer { storage.close() }
            return storage.directory.snapshot(of: CustomerID(customer))
        }
    }

    @discardableResult
    static func expectSuccess(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> CommandLineTool.Output {
        let output = try await CommandLineTool.run(arguments)
        #expect(output.status == 0, "\(arguments.joined(separator: " ")): \(output.stderr)", sourceLocation: sourceLocation)
        return output
    }

    /// A CSV with a hierarchy, custom fields and awkward text (commas, quotes, newlines,
    /// non-ASCII, an empty string), ids out of order.
    static let sampleCSV = """
        id,lat,lon,name,groupId,parentId,reference,town,street,customFields
        30,51.5,-0.12,"HQ, London",1,,"",London,"1 ""Main"" St","[{""definitionId"":1,""value"":""L""}]"
        4,48.8566,2.3522,Paris,2,30,P-1,Paris,,"[{""definitionId"":2,""value"":""line 1\\nline 2""}]"
        17,-33.8688,151.2093,Sydney ✓,2,30,,"Sydney
        NSW",,
        5,89.9,179.999999,North,1,4,,,,
        6,0,-180,Antimeridian,1,,,,,
        7,-90,0,South Pole,2,6,,,,

        """

    @Test("CSV, GeoJSON and NDJSON exports import back unchanged", arguments: ["csv", "geojson", "ndjson"])
    func roundTrip(format: String) async throws {
        let ws = try await Workspace("roundTrip\(format)", customers: [1, 2])
        defer { ws.remove() }
        let sample = try ws.file("sample.csv", Self.sampleCSV)
        let imported = try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", sample])
        #expect(imported.stdout == "imported 6 contacts into customer 1\n")
        let before = try ws.snapshot(1)
        try before.checkInvariants()
        #expect(try before.contact(ContactID(4)).parentId == ContactID(30))
        #expect(try before.contact(ContactID(30)).reference == "")
        #expect(try before.contact(ContactID(17)).town == "Sydney\nNSW")
        #expect(try before.contact(ContactID(4)).customFields == [CustomFieldValue(definitionId: DefinitionID(2), value: "line 1\nline 2")])

        let first = try await Self.expectSuccess(["export", "--data", ws.data, "--customer", "1", "--format", format]).stdout
        let exported = try ws.file("export.\(format)", first)
        let again = try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "2", exported])
        #expect(again.stdout == "imported 6 contacts into customer 2\n")
        let second = try await Self.expectSuccess(["export", "--data", ws.data, "--customer", "2", "--format", format]).stdout
        #expect(first == second)
        #expect(Support.allContacts(try ws.snapshot(2)) == Support.allContacts(before))
    }

    @Test("stats --memory weighs every structure of every customer")
    func statsMemory() async throws {
        let ws = try await Workspace("statsMemory", customers: [1, 2])
        defer { ws.remove() }
        _ = try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", try ws.file("sample.csv", Self.sampleCSV)])
        let output = try await Self.expectSuccess(["stats", "--data", ws.data, "--memory"]).stdout
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("memory: resident ") }, "\(output)")
        let weighed = lines.drop { !$0.hasPrefix("customer 1, 6 contacts (heap bytes") }.dropFirst().prefix(7)
        let names = ["contacts by id", "R-tree of all locations", "R-trees per group", "group members", "roots and children",
                     "references", "custom-field values"]
        #expect(weighed.count == names.count, "\(output)")
        for (line, name) in zip(weighed, names) {
            #expect(line.contains(name), "\(line)")
            let megabytes = line.split(separator: " ", omittingEmptySubsequences: true).first.flatMap { Double($0) }
            #expect(megabytes.map { $0 >= 0 } == true, "\(line)")
        }
        #expect(weighed.first.map { !$0.contains(" 0.0 B/contact") } == true, "the contacts' trie holds bytes: \(output)")
    }

    @Test("invalid rows are reported by line with the API's messages; valid rows go in; exit status 1")
    func invalidRows() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let csv = try ws.file("rows.csv", """
            latitude,longitude,name,groupId,parentId,postalCode,customFields
            10,20,Good,1,,,
            95,20,Too far north,1,,,
            10,20,,1,,,
            10,20,Bad group,9,,,
            10,abc,Bad number,1,,,
            10,20,Long postcode,1,,12345678901,
            10,20,Bad size,1,,,"[{""definitionId"":1,""value"":""XL""}]"
            10,20,No parent,1,77,,

            """)
        let output = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", csv])
        #expect(output.status != 0)
        #expect(output.stdout == "imported 1 contacts into customer 1; rejected 7 rows\n")
        let expected = [
            "line 3: location.latitude: must be between -90 and 90",
            "line 4: name: is required",
            "line 5: groupId: no contact group 9 exists",
            "line 6: location.longitude: must be a number, not a string",
            "line 7: postalCode: must be at most 10 characters",
            "line 8: customFields[0].value: must be one of: S, M, L",
            "line 9: parentId: no contact 77 exists",
        ]
        #expect(output.stderr.split(separator: "\n").map(String.init) == expected)
        #expect(try ws.snapshot().count == 1)

        // The messages are the 422 problem's, path for path.
        let directory = ContactDirectory()
        try await directory.defineGroup(ContactGroup(id: GroupID(1), name: "G"), as: Support.caller(1))
        do throws(ContactProblem) {
            _ = try await directory.create(ContactDraft(name: "x", groupId: GroupID(1),
                                                        location: LocationInput(latitude: 95, longitude: 20)),
                                           as: Support.caller(1))
            Issue.record("accepted latitude 95")
        } catch {
            #expect(error.errors == ["location.latitude": ["must be between -90 and 90"]])
        }

        // --atomic: nothing goes in.
        let atomic = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", "--atomic", csv])
        #expect(atomic.status != 0)
        #expect(atomic.stdout == "nothing imported: 7 of 8 rows rejected\n")
        #expect(try ws.snapshot().count == 1)
        let good = try ws.file("good.csv", "lat,lng,name,groupId\n1,2,A,1\n3,4,B,2\n")
        try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", "--atomic", good])
        #expect(try ws.snapshot().count == 3)
    }

    @Test("GeoJSON and NDJSON: invalid features and lines are reported by line, the others go in")
    func invalidFeaturesAndLines() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        var geojson = Array("""
            {"type": "FeatureCollection",
             "features": [
              {"type": "Feature", "id": 1, "geometry": {"type": "Point", "coordinates": [2, 10]}, "properties": {"name": "Good", "groupId": 1}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2, 95]}, "properties": {"name": "North", "groupId": 1}},
              {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {"name": "Line", "groupId": 1}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2, 10]},
               "properties": {"name": "Unknown", "groupId": 1, "colour": "red", "parentId": 1}},
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [2, 10]}, "properties": {"name": "Caf
            """.utf8) + [0xE9] + Array("""
            ", "groupId": 1}}
             ]}
            """.utf8)
        geojson.append(0x0A)
        let geoPath = try ws.file("rows.geojson", geojson)
        let geo = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", geoPath])
        #expect(geo.status != 0)
        #expect(geo.stdout == "imported 1 contacts into customer 1; rejected 4 rows\n")
        let geoLines = geo.stderr.split(separator: "\n").map(String.init)
        #expect(geoLines.count == 4, "\(geoLines)")
        #expect(geoLines.first == "line 4: location.latitude: must be between -90 and 90")
        #expect(geoLines.dropFirst().first == "line 5: location: the geometry must be a GeoJSON Point [longitude, latitude]")
        #expect(geoLines.dropFirst(2).first == "line 6: colour: is not a known property")
        #expect(geoLines.last?.hasPrefix("line 8: The body is not valid JSON: invalid UTF-8") == true)

        let ndjson = try ws.file("rows.ndjson", """
            {"id": 20, "name": "Good", "groupId": 1, "location": {"latitude": 1, "longitude": 2}}

            {"name": "No location", "groupId": 1}
            {"name": "Wrong type", "groupId": "one", "location": {"latitude": 1, "longitude": 2}}
            not json
            {"name": 7, "groupId": 1, "parentId": 20, "location": {"latitude": 1, "longitude": 200}}

            """)
        let nd = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", ndjson])
        #expect(nd.status != 0)
        #expect(nd.stdout == "imported 1 contacts into customer 1; rejected 4 rows\n")
        #expect(nd.stderr.split(separator: "\n").map(String.init) == [
            "line 3: location: is required",
            "line 4: groupId: must be an integer, not a string",
            "line 5: The body is not valid JSON: invalid literal at byte 1.",
            "line 6: name: must be a string, not a number",
        ])
        #expect(try ws.snapshot().count == 2)
    }

    @Test("bytes that are not UTF-8 reject their row (CSV) or line (NDJSON), not the file")
    func nonUTF8() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        var csv = Array("lat,lon,name,groupId,town\n1,2,Ok,1,Leeds\n3,4,Bad,1,Caf".utf8)
        csv += [0xE9] + Array("\n5,6,Ok too,1,York\n".utf8)
        let csvPath = try ws.file("latin1.csv", csv)
        let output = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", csvPath])
        #expect(output.status != 0)
        #expect(output.stderr == "line 3: town: is not valid UTF-8 text\n")
        #expect(output.stdout == "imported 2 contacts into customer 1; rejected 1 rows\n")

        var ndjson = Array(#"{"name":"A","groupId":1,"location":{"latitude":1,"longitude":2}}"#.utf8) + [0x0A]
        ndjson += Array(#"{"name":"B"#.utf8) + [0xFF, 0xFE] + Array(#"","groupId":1,"location":{"latitude":1,"longitude":2}}"#.utf8) + [0x0A]
        let ndPath = try ws.file("bad.ndjson", ndjson)
        let nd = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", ndPath])
        #expect(nd.status != 0)
        #expect(nd.stderr.hasPrefix("line 2: The body is not valid JSON: invalid UTF-8 in string"))
        #expect(try ws.snapshot().count == 3)
    }

    @Test("a header without coordinates, an unknown column, a missing file: one line on stderr, exit 1")
    func unusableFiles() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        let noCoordinates = try ws.file("nocoords.csv", "name,groupId,town\nA,1,Leeds\n")
        let a = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", noCoordinates])
        #expect(a.status != 0)
        #expect(a.stderr == "Error: \(noCoordinates): the header (line 1) has no latitude (or lat) and longitude (or lon, lng) column\n")
        let unknown = try ws.file("unknown.csv", "lat,lon,name,colour\n1,2,A,red\n")
        let b = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", unknown])
        #expect(b.status != 0)
        #expect(b.stderr.hasPrefix("Error: \(unknown): unknown column \"colour\""))
        #expect(b.stderr.split(separator: "\n").count == 1)
        let c = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", ws.root.appendingPathComponent("nope.csv").path])
        #expect(c.status != 0)
        #expect(c.stderr.hasPrefix("Error: no such file"))
        let d = try await CommandLineTool.run(["export", "--data", ws.root.appendingPathComponent("empty").path, "--customer", "1", "--format", "csv"])
        #expect(d.status != 0)
        #expect(d.stderr.hasPrefix("Error: no data in"))
        #expect(try ws.snapshot().count == 0)
    }

    @Test("a file in EPSG:3857 (--crs) is converted to WGS84, in each format")
    func webMercator() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        // Near the Eiffel Tower, in Web Mercator metres: 48.8582 N, 2.2945 E.
        let csv = try ws.file("m.csv", "x_is_lon,name,groupId\n".replacingOccurrences(of: "x_is_lon", with: "lon,lat")
                              + "255422.6,6250835.2,Eiffel,1\n")
        try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", "--crs", "EPSG:3857", csv])
        let geojson = try ws.file("m.geojson", """
            {"type": "FeatureCollection", "features": [
              {"type": "Feature", "geometry": {"type": "Point", "coordinates": [255422.6, 6250835.2]},
               "properties": {"name": "Eiffel 2", "groupId": 1}}
            ]}
            """)
        try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", "--crs", "EPSG:3857", geojson])
        let ndjson = try ws.file("m.ndjson", #"{"name":"Eiffel 3","groupId":1,"location":{"latitude":6250835.2,"longitude":255422.6}}"# + "\n")
        try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", "--crs", "EPSG:3857", ndjson])
        let contacts = Support.allContacts(try ws.snapshot())
        #expect(contacts.count == 3)
        for c in contacts {
            #expect(c.location.latitude.isApproximatelyEqual(to: 48.8582, absoluteTolerance: 1e-4), "\(c)")
            #expect(c.location.longitude.isApproximatelyEqual(to: 2.2945, absoluteTolerance: 1e-4), "\(c)")
        }
        // Outside the CRS's domain: a row problem, not a crash.
        let bad = try ws.file("bad.csv", "lon,lat,name,groupId\n1e9,1e9,Nowhere,1\n")
        let output = try await CommandLineTool.run(["import", "--data", ws.data, "--customer", "1", "--crs", "EPSG:3857", bad])
        #expect(output.status != 0)
        #expect(output.stderr.hasPrefix("line 2: location"))
    }

    @Test("knn answers equal a brute-force computation (ids by distance then id, metres)")
    func knnAgainstBruteForce() async throws {
        let ws = try await Workspace(customers: [])
        defer { ws.remove() }
        let generator = GeoDataGenerator()
        let points = generator.points(count: 3000, seed: 7)
        let queries = generator.queries(count: 60, seed: 8)
        func csv(_ ps: [Coordinate], header: String) -> String {
            header + "\n" + ps.map { "\($0.latitude),\($0.longitude)" }.joined(separator: "\n") + "\n"
        }
        let pointsPath = try ws.file("points.csv", csv(points, header: "latitude,longitude"))
        let queriesPath = try ws.file("queries.csv", csv(queries, header: "lat,lng"))
        let output = try await Self.expectSuccess(["dev", "knn", "--points", pointsPath, "--queries", queriesPath, "--count", "7"])
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == queries.count)
        let oracle = BruteForceOracle(entries: points.enumerated().map { (Int64($0.offset + 1), $0.element) })
        struct Answer: Decodable { var ids: [Int64]; var distances: [Double] }
        for (q, line) in zip(queries, lines) {
            let answer = try JSONDecoder().decode(Answer.self, from: Data(line.utf8))
            let expected = oracle.nearest(to: q, count: 7)
            #expect(answer.ids == expected.map(\.id), "query \(q)")
            #expect(answer.distances.count == expected.count)
            for (d, e) in zip(answer.distances, expected) { #expect(d.isApproximatelyEqual(to: e.distance, absoluteTolerance: 1e-6, relativeTolerance: 1e-6)) }
            #expect(answer.distances == answer.distances.sorted())
        }
    }

    @Test("nearest and descendants read a data folder as JSON or a table")
    func queries() async throws {
        let ws = try await Workspace()
        defer { ws.remove() }
        try await Self.expectSuccess(["import", "--data", ws.data, "--customer", "1", try ws.file("s.csv", Self.sampleCSV)])
        let json = try await Self.expectSuccess(["nearest", "--data", ws.data, "--customer", "1", "--latitude", "51",
                                           "--longitude", "0", "--count", "2", "--format", "json"]).stdout
        let ids = json.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            .map { $0["id"] as! Int }
        #expect(ids == [30, 4])
        let table = try await Self.expectSuccess(["descendants", "--data", ws.data, "--customer", "1", "--id", "30",
                                            "--depth-first"]).stdout
        let rows = table.split(separator: "\n")
        #expect(rows.first?.hasPrefix("id") == true)
        #expect(rows.dropFirst().map { $0.split(separator: " ").first! } == ["4", "5", "17"])
        // DATA_DIR is the same convention as --data.
        let viaEnvironment = try await CommandLineTool.run(["descendants", "--customer", "1", "--id", "30", "--depth-first"],
                                             environment: ["DATA_DIR": ws.data])
        #expect(viaEnvironment.stdout == table)
        let ancestors = try await Self.expectSuccess(["ancestors", "--data", ws.data, "--customer", "1", "--id", "5",
                                                "--format", "json"]).stdout
        #expect(ancestors.split(separator: "\n").map { $0.hasPrefix("{\"id\":4,") || $0.hasPrefix("{\"id\":30,") } == [true, true])
        let within = try await Self.expectSuccess(["within", "--data", ws.data, "--customer", "1", "--latitude", "50",
                                             "--longitude", "1", "--radius", "400000", "--format", "json"]).stdout
        #expect(within.split(separator: "\n").count == 2)
        // A polygon from a GeoJSON file: `inside` lists by id, `nearest --polygon` nearest first,
        // both exactly the contacts `GeoPolygon.contains`.
        let ring = "[[-10,40],[10,40],[10,60],[-10,60],[-10,40]]"
        let polygonPath = try ws.file("area.geojson", #"{"type":"Polygon","coordinates":["# + ring + "]}")
        let polygon = try GeoPolygon(rings: [[(40.0, -10.0), (40, 10), (60, 10), (60, -10), (40, -10)].map {
            Coordinate(latitude: $0.0, longitude: $0.1)
        }])
        let everything = try await Self.expectSuccess(["nearest", "--data", ws.data, "--customer", "1", "--latitude", "51",
                                                 "--longitude", "0", "--count", "1000", "--format", "json"]).stdout
            .split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let insideByDistance = everything.filter { c in
            let location = c["location"] as! [String: Any]
            return polygon.contains(Coordinate(latitude: location["latitude"] as! Double, longitude: location["longitude"] as! Double))
        }.map { $0["id"] as! Int }
        #expect(!insideByDistance.isEmpty && insideByDistance.count < everything.count)
        let inside = try await Self.expectSuccess(["inside", "--data", ws.data, "--customer", "1", "--polygon", polygonPath,
                                             "--format", "json"]).stdout
        #expect(inside.split(separator: "\n").map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! Int }
                == insideByDistance.sorted())
        let nearestInside = try await Self.expectSuccess(["nearest", "--data", ws.data, "--customer", "1", "--latitude", "51",
                                                    "--longitude", "0", "--count", "2", "--polygon", polygonPath, "--format", "json"]).stdout
        #expect(nearestInside.split(separator: "\n").map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! Int }
                == Array(insideByDistance.prefix(2)))
        let badPolygon = try await CommandLineTool.run(["inside", "--data", ws.data, "--customer", "1", "--polygon", try ws.file("bad.geojson", "{}")])
        #expect(badPolygon.status != 0 && badPolygon.stderr.split(separator: "\n").count == 1)
        let missing = try await CommandLineTool.run(["descendants", "--data", ws.data, "--customer", "1", "--id", "999"])
        #expect(missing.status != 0)
        #expect(missing.stderr.hasPrefix("Error: contact-not-found"))
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let usage = try await CommandLineTool.run(["nearest", "--data", ws.data, "--latitude", "1"])
        #expect(usage.status != 0)
        #expect(usage.stderr.split(separator: "\n").count == 1, "one line, no usage text: \(usage.stderr)")
    }
}

