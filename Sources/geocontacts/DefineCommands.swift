import ArgumentParser
import GeoContacts
import GeoContactsSQLite

/// `define-group`: defines or renames a contact group of a customer.
struct DefineGroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "define-group", abstract: "Define or rename a contact group.")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "The group id.") var id: Int64
    @Option(help: "The group name.") var name: String

    func run() async throws {
        let storage = try data.open()
        defer { storage.close() }
        do {
            try await storage.directory.defineGroup(ContactGroup(id: GroupID(id), name: name), as: customer.caller)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}

/// `define-field`: defines or replaces a custom-field definition of a customer.
struct DefineFieldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "define-field", abstract: "Define or replace a custom field definition.")

    @OptionGroup var data: DataOptions
    @OptionGroup var customer: CustomerOption
    @Option(help: "The definition id.") var id: Int64
    @Option(help: "The field name.") var name: String
    @Option(help: "boolean, integer, decimal, text, note, date, time, list, statement or systemList.") var type: String
    @Option(help: "An allowed value of a list (repeat for each).") var option: [String] = []
    @Option(help: "A group whose contacts may carry the field (repeat; none: every group).") var group: [Int64] = []

    func run() async throws {
        let storage = try data.open()
        defer { storage.close() }
        let definition = CustomFieldDefinition(id: DefinitionID(id), name: name, type: CustomFieldDefinition.FieldType(rawValue: type),
                                               options: option, groupIds: Set(group.map { GroupID($0) }))
        do {
            try await storage.directory.defineCustomField(definition, as: customer.caller)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
