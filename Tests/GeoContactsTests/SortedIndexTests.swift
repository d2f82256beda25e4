import Geodesy
import GeoDataGeneration
import Testing
@testable import GeoContacts

/// The ordered id map against a dictionary, under random inserts, replacements and removals
/// (ascending runs as ids are handed out, random ids, dense removals that empty and merge
/// nodes), with old copies kept and checked unchanged (path copying).
@Suite("Ordered contact-id map")
struct ContactIDMapTests {
    /// 264-byte values: leaves of 16 entries, so a few thousand entries make three levels and
    /// branches split and merge too.
    struct Wide: Equatable, Sendable, ExpressibleByIntegerLiteral {
        var value: Int
        var padding = SIMD32<Int64>()
        init(_ value: Int) { self.value = value }
        init(integerLiteral value: Int) { self.value = value }
    }

    typealias Map = ContactIDMap<Wide>

    static func expectSame(_ map: Map, _ model: [ContactID: Wide], _ context: String) {
        let sorted = model.keys.sorted()
        #expect(map.count == model.count, "\(context): count")
        #expect(map.map(\.key) == sorted, "\(context): order")
        #expect(map.values.elementsEqual(sorted.map { model[$0]! }), "\(context): values")
        for id in sorted.prefix(50) { #expect(map[id] == model[id], "\(context): lookup \(id)") }
    }

    /// Checks paging from every kind of start against the sorted model.
    static func expectPages(_ map: Map, _ model: [ContactID: Wide], _ rng: inout SeededGenerator) {
        let sorted = model.keys.sorted()
        for _ in 0..<20 {
            let offset = Int.random(in: 0...(sorted.count + 2), using: &rng)
            #expect(Array(map.entries(fromOffset: offset).prefix(7).map(\.key)) == Array(sorted.dropFirst(offset).prefix(7)))
            let after = ContactID(Int64.random(in: -2...(Int64(sorted.last?.rawValue ?? 0) + 2), using: &rng))
            #expect(Array(map.entries(after: after).prefix(7).map(\.key)) == Array(sorted.filter { $0 > after }.prefix(7)))
        }
    }

    @Test("random operations match a dictionary; copies stay unchanged", arguments: [1, 2, 3])
    func randomOperations(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        #expect(Map.Node.leafCapacity == 16)
        var map = Map()
        var model: [ContactID: Wide] = [:]
        var kept: [(Map, [ContactID: Wide])] = []
        var next: Int64 = 1
        for round in 0..<40 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0:  // an ascending run, as creates hand ids out
                for _ in 0..<Int.random(in: 1...3000, using: &rng) {
                    let id = ContactID(next); next += Int64.random(in: 1...2, using: &rng)
                    #expect(map.updateValue(Wide(Int(id.rawValue)), forKey: id) == nil)
                    model[id] = Wide(Int(id.rawValue))
                }
            case 1:  // random ids, some replacing
                for _ in 0..<Int.random(in: 1...2000, using: &rng) {
                    let id = ContactID(Int64.random(in: 1...(next + 100), using: &rng))
                    let value = Wide(Int.random(in: 0..<1_000_000, using: &rng))
                    next = max(next, id.rawValue + 1)
                    #expect(map.updateValue(value, forKey: id) == model.updateValue(value, forKey: id))
                }
            case 2:  // removals: random ids, present or not
                for _ in 0..<Int.random(in: 1...2000, using: &rng) {
                    let id = ContactID(Int64.random(in: 0...(next + 5), using: &rng))
                    #expect(map.removeValue(forKey: id) == model.removeValue(forKey: id))
                }
            default:  // a dense range removed: whole leaves empty, neighbours merge
                let low = Int64.random(in: 1...max(1, next), using: &rng)
                for raw in low..<(low + Int64.random(in: 1...4000, using: &rng)) {
                    let id = ContactID(raw)
                    #expect(map.removeValue(forKey: id) == model.removeValue(forKey: id))
                }
            }
            Self.expectSame(map, model, "seed \(seed) round \(round)")
            Self.expectPages(map, model, &rng)
            if round % 5 == 0 { kept.append((map, model)) }
        }
        for (copy, itsModel) in kept { Self.expectSame(copy, itsModel, "kept copy") }
        // Bulk builds: ascending (O(n)) and shuffled input give the same map.
        let entries = model.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        #expect(Map(entries) == map)
        #expect(Map(entries.shuffled(using: &rng)) == map)
        // Emptied completely, in random order.
        for id in model.keys.shuffled(using: &rng) { map[id] = nil }
        #expect(map.isEmpty && map.map(\.key).isEmpty && Array(map.entries(fromOffset: 0)).isEmpty)
    }

    @Test("filled in id order, in place or by path copying, leaves stay full and keep no spare room")
    func compactWhenFilledInOrder() {
        var unique = Map(), shared = Map()
        var kept: [Map] = []
        for raw in 1...20_000 {
            unique[ContactID(Int64(raw))] = Wide(raw)
            shared[ContactID(Int64(raw))] = Wide(raw)
            // A version held every 10th write: the write after it copies its path, the next
            // ones change the copy in place (as a batch does on its working snapshot).
            if raw % 10 == 0 { kept.append(shared) }
        }
        for map in [unique, shared] {
            let (slots, leaves) = map.leafStorage
            #expect(leaves == (20_000 + Map.Node.leafCapacity - 1) / Map.Node.leafCapacity)
            #expect(slots <= 20_000 + leaves * 2, "slots \(slots) for 20000 entries in \(leaves) leaves")
        }
        #expect(kept[9].count == 100 && kept[9].map(\.key).last == ContactID(100))
    }

    @Test("a builder fed in parts (ascending runs, stray and repeated keys) and joined equals the dictionary, later values winning",
          arguments: [4, 5, 6])
    func builderInParts(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var parts: [Map.Builder] = []
        var model: [ContactID: Wide] = [:]
        var replaced: [ContactID] = []
        var next: Int64 = 1
        var appended = 0
        for _ in 0..<Int.random(in: 2...6, using: &rng) {
            var part = Map.Builder()
            for _ in 0..<Int.random(in: 0...3000, using: &rng) {
                let id: ContactID
                switch Int.random(in: 0..<20, using: &rng) {
                case 0: id = ContactID(Int64.random(in: 1...next, using: &rng))  // stray: earlier, or repeated
                default: id = ContactID(next); next += Int64.random(in: 1...3, using: &rng)
                }
                let value = Wide(Int.random(in: 0..<1_000_000, using: &rng))
                if model.updateValue(value, forKey: id) != nil { replaced.append(id) }
                part.append(value, for: id)
                appended += 1
            }
            parts.append(part)
        }
        // The parts joined in order, as a table read in ranges on several connections is.
        var whole = Map.Builder()
        for part in parts { whole.append(contentsOf: part) }
        #expect(whole.count == appended)
        var reported: [ContactID] = []
        let map = whole.build { reported.append($0) }
        Self.expectSame(map, model, "seed \(seed)")
        #expect(reported.sorted() == replaced.sorted())
        // Every leaf of an ascending part is taken whole: no leaf but a part's last is short.
        let (_, leaves) = map.leafStorage
        #expect(leaves <= (model.count + Map.Node.leafCapacity - 1) / Map.Node.leafCapacity + parts.count + replaced.count + 8)
    }

    @Test("merging ascending entries (many, rebuilt in one pass, or few, inserted) equals the dictionary, new values winning; copies stay unchanged",
          arguments: [21, 22, 23])
    func merges(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var map = Map()
        var model: [ContactID: Wide] = [:]
        for size in [3_000, 10, 0, 2_000, 1, 200, 5_000] {
            // Keys new and already present, ascending, none repeated.
            let keys = Set((0..<size).map { _ in ContactID(Int64.random(in: 1...20_000, using: &rng)) }).sorted()
            let entries = keys.map { ($0, Wide(Int.random(in: 0..<1_000_000, using: &rng))) }
            let copy = map, copyModel = model
            map.merge(ascending: entries)
            for (key, value) in entries { model[key] = value }
            Self.expectSame(map, model, "seed \(seed) merge of \(size)")
            Self.expectSame(copy, copyModel, "seed \(seed) copy before the merge of \(size)")
            Self.expectPages(map, model, &rng)
            // Removals between merges leave short leaves behind.
            for key in model.keys.sorted().shuffled(using: &rng).prefix(300) {
                map.removeValue(forKey: key)
                model[key] = nil
            }
        }
    }

    @Test("ids appended in order fill nodes: the set is compact and ordered")
    func orderedIDs() {
        var ids = OrderedContactIDs()
        for raw in stride(from: Int64(100_000), through: 1, by: -1) where raw % 3 != 0 { ids.insert(ContactID(raw)) }
        #expect(ids.count == 66_667)
        #expect(ids.contains(ContactID(1)) && !ids.contains(ContactID(3)))
        #expect(Array(ids.ids(fromOffset: 2).prefix(3)) == [4, 5, 7].map { ContactID($0) })
        #expect(Array(ids.ids(after: ContactID(99_998)).prefix(3)) == [ContactID(100_000)])
        #expect(!ids.insert(ContactID(4)) && ids.remove(ContactID(4)) && !ids.remove(ContactID(4)))
        #expect(OrderedContactIDs(ids) == ids)
    }
}

@Suite("Reference index")
struct ReferenceIndexTests {
    @Test("lookups and shared references match a dictionary under random changes", arguments: [7, 8])
    func randomChanges(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        var contacts = ContactIDMap<Contact>()
        var index = ReferenceIndex()
        var model: [String: Set<ContactID>] = [:]
        let references = (0..<300).map { "r\($0)" } + ["", "é", "a very long reference beyond fifteen bytes"]
        for step in 0..<6000 {
            let id = ContactID(Int64.random(in: 1...800, using: &rng))
            if let old = contacts[id], let reference = old.reference {  // change or drop its reference
                index.remove(reference, for: id)
                model[reference]?.remove(id)
                if model[reference]?.isEmpty == true { model[reference] = nil }
            }
            let reference = Bool.random(using: &rng) ? references.randomElement(using: &rng) : nil
            contacts[id] = Contact(id: id, reference: reference, name: "n", groupId: GroupID(1),
                                   location: Coordinate(latitude: 0, longitude: 0))
            if let reference {
                index.insert(reference, for: id)
                model[reference, default: []].insert(id)
            }
            if step % 500 == 0 {
                for reference in references {
                    #expect(index.ids(of: reference, in: contacts) == (model[reference] ?? []).sorted())
                }
                #expect(index.count == model.values.reduce(0) { $0 + $1.count })
                if let (reference, count) = index.firstShared(in: contacts) {
                    #expect(model[reference]?.count == count && count > 1)
                } else {
                    #expect(model.values.allSatisfy { $0.count < 2 })
                }
            }
        }
        let rebuilt = ReferenceIndex(contacts.compactMap { id, contact in contact.reference.map { (id, $0) } })
        #expect(rebuilt == index)
        // The same pairs inserted in batches, large (merged) and small (one by one).
        var batched = ReferenceIndex()
        let pairs = contacts.compactMap { id, contact in contact.reference.map { (id, $0) } }.shuffled(using: &rng)
        var start = 0
        for size in [1, 300, 5, 100_000] where start < pairs.count {
            batched.insert(contentsOf: Array(pairs[start..<min(pairs.count, start + size)]))
            start += size
        }
        #expect(batched == index)
    }

    @Test("the bucket sort of keys equals a comparison sort", arguments: [100, 20_000, 70_000])
    func bucketSort(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count))
        // Ids in any order; a fifth of the keys share one of a few hashes (one reference of many
        // contacts: one bucket holds them all); the rest spread over the whole range, both signs.
        let shared = (0..<3).map { _ in Int(bitPattern: UInt(rng.next())) }
        var keys: [(ReferenceIndex.Key, Void)] = (0..<count).map { _ in
            let hash = rng.nextInt(below: 5) == 0 ? shared[rng.nextInt(below: shared.count)] : Int(bitPattern: UInt(rng.next()))
            return (ReferenceIndex.Key(hash: hash, id: ContactID(Int64(rng.nextInt(below: 1_000_000)))), ())
        }
        let expected = keys.map(\.0).sorted { ($0.hash, $0.id) < ($1.hash, $1.id) }
        ReferenceIndex.sort(&keys)
        #expect(keys.map(\.0.hash) == expected.map(\.hash))
        #expect(keys.map(\.0.id) == expected.map(\.id))
    }
}
