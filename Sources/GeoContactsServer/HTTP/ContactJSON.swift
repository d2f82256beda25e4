import GeoContacts
import Hummingbird
import Geodesy

/// Contact responses written as JSON bytes directly (``JSONWriter``): the same text
/// Foundation's `JSONEncoder` produces with `.sortedKeys` and `.withoutEscapingSlashes` (a test
/// compares the two on random contacts), at a fraction of the cost — encoding ten contacts
/// through `JSONEncoder` cost as much as the nearest search itself.
typealias ContactJSON = JSONWriter

extension JSONWriter {
    /// One contact, keys sorted; `distance` between `customFields` and `extraInformation` when given.
    mutating func contact(_ c: Contact, distance: Double? = nil) {
        raw("{\"country\":")
        optional(c.country)
        raw(",\"customFields\":[")
        for (i, field) in c.customFields.enumerated() {
            if i > 0 { raw(",") }
            raw("{\"definitionId\":")
            int(field.definitionId.rawValue)
            raw(",\"value\":")
            string(field.value)
            raw("}")
        }
        raw("]")
        if let distance {
            raw(",\"distance\":")
            double(distance)
        }
        raw(",\"extraInformation\":")
        optional(c.extraInformation)
        raw(",\"groupId\":")
        int(c.groupId.rawValue)
        raw(",\"id\":")
        int(c.id.rawValue)
        raw(",\"location\":{\"latitude\":")
        double(c.location.latitude)
        raw(",\"longitude\":")
        double(c.location.longitude)
        raw("},\"name\":")
        string(c.name)
        raw(",\"parentId\":")
        if let parent = c.parentId { int(parent.rawValue) } else { raw("null") }
        raw(",\"postalCode\":")
        optional(c.postalCode)
        raw(",\"reference\":")
        optional(c.reference)
        raw(",\"street\":")
        optional(c.street)
        raw(",\"town\":")
        optional(c.town)
        raw("}")
    }

    /// `{"items":[…]}` of spatial hits; `withDistance` false for box queries.
    static func items(_ hits: [ContactHit], withDistance: Bool) -> ContactJSON {
        var w = ContactJSON(capacity: 64 + hits.count * 320)
        w.raw("{\"items\":[")
        for (i, hit) in hits.enumerated() {
            if i > 0 { w.raw(",") }
            w.contact(hit.contact, distance: withDistance ? hit.distance : nil)
        }
        w.raw("]}")
        return w
    }

    /// A page of spatial hits, `{"items":[…],"pageItemCount":n,"pageNumber":n,"pageSize":n}`;
    /// `withDistance` false for box queries.
    static func page(_ page: Page<ContactHit>, withDistance: Bool) -> ContactJSON {
        var w = ContactJSON(capacity: 96 + page.items.count * 320)
        w.raw("{\"items\":[")
        for (i, hit) in page.items.enumerated() {
            if i > 0 { w.raw(",") }
            w.contact(hit.contact, distance: withDistance ? hit.distance : nil)
        }
        w.pageEnd(page)
        return w
    }

    /// A page of contacts: `{"items":[…],"pageItemCount":n,"pageNumber":n,"pageSize":n}`, with
    /// `"next":n|null` after the items for the listings ordered by id (`withCursor`).
    static func page(_ page: Page<Contact>, withCursor: Bool = false) -> ContactJSON {
        var w = ContactJSON(capacity: 96 + page.items.count * 300)
        w.raw("{\"items\":[")
        for (i, contact) in page.items.enumerated() {
            if i > 0 { w.raw(",") }
            w.contact(contact)
        }
        w.raw("]")
        if withCursor {
            w.raw(",\"next\":")
            if let next = page.next { w.int(next.rawValue) } else { w.raw("null") }
        }
        w.pageCounts(page)
        return w
    }

    static func single(_ contact: Contact) -> ContactJSON {
        var w = ContactJSON(capacity: 320)
        w.contact(contact)
        return w
    }

    /// A 200 `application/json` response with these bytes.
    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Closes a page's items and writes its counts: `],"pageItemCount":n,"pageNumber":n,"pageSize":n}`.
    private mutating func pageEnd(_ page: Page<some Any>) {
        raw("]")
        pageCounts(page)
    }

    /// `,"pageItemCount":n,"pageNumber":n,"pageSize":n}`.
    private mutating func pageCounts(_ page: Page<some Any>) {
        raw(",\"pageItemCount\":")
        int(page.pageItemCount)
        raw(",\"pageNumber\":")
        int(page.pageNumber)
        raw(",\"pageSize\":")
        int(page.pageSize)
        raw("}")
    }
}
