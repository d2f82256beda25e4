import HTTPTypes

extension HTTPFields {
    /// `self[name]`: the value of the field `name`, the values of several such fields joined
    /// as that subscript joins them; `nil` when there is none.
    ///
    /// Found by a scan of the request's handful of fields: the subscript builds an index of
    /// every field's name on a request's first lookup and joins even a single value through
    /// unspecialized generic code, about 2% of the server's CPU on a create (perf, wrk).
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }

    /// How many fields `name` has, and the first one's value (`nil` when there is none).
    func firstValue(of name: HTTPField.Name) -> (value: String?, count: Int) {
        var first: String?
        var count = 0
        for field in self where field.name == name {
            if first == nil { first = field.value }
            count += 1
        }
        return (first, count)
    }
}
