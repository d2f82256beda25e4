@testable import GeoContactsServer
import Testing

import Foundation

@Suite("Signing key") struct SigningKeyStoreTests {
    static func temporaryDirectory() -> String {
        NSTemporaryDirectory() + "geocontacts-key-\(UUID().uuidString)"
    }

    @Test func createdOnceWithOwnerOnlyPermissionsThenReused() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try SigningKeyStore.load(environment: [:], dataDirectory: dir)
        #expect(first.source.hasSuffix("(created)"))
        #expect(first.key.count >= 32)
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/jwt-signing-key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let second = try SigningKeyStore.load(environment: [:], dataDirectory: dir)
        #expect(second.key == first.key)
        #expect(!second.source.hasSuffix("(created)"))
    }

    @Test func environmentWinsAndMustBeLongEnough() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = String(repeating: "k", count: 40)
        let loaded = try SigningKeyStore.load(environment: ["GEOCONTACTS_JWT_KEY": key], dataDirectory: dir)
        #expect(loaded.key == Array(key.utf8))
        #expect(!FileManager.default.fileExists(atPath: dir + "/jwt-signing-key"))
        #expect(throws: SigningKeyStore.Failure.self) {
            try SigningKeyStore.load(environment: ["GEOCONTACTS_JWT_KEY": "short"], dataDirectory: dir)
        }
    }

    @Test func aKeyFileReadableByOthersIsRefused() throws {
        let dir = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try SigningKeyStore.load(environment: [:], dataDirectory: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/jwt-signing-key")
        #expect(throws: SigningKeyStore.Failure.self) { try SigningKeyStore.load(environment: [:], dataDirectory: dir) }
    }
}

/// A key path that exists but is no key (a directory, a dangling link) is a one-line error,
/// never a recursion; the folder is created owner-only; no temporary file is left behind.
@Suite("Signing key: odd files") struct SigningKeyOddFileTests {
    @Test func aDirectoryInPlaceOfTheKeyIsAnError() throws {
        let dir = SigningKeyStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/jwt-signing-key", withIntermediateDirectories: true)
        do {
            _ = try SigningKeyStore.load(environment: [:], dataDirectory: dir)
            Issue.record("a directory was taken as a key")
        } catch let failure as SigningKeyStore.Failure {
            #expect(failure.description.contains("not a regular file"))
            #expect(!failure.description.contains("\n"))
        }
    }

    @Test func aDanglingSymbolicLinkIsAnError() throws {
        let dir = SigningKeyStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/jwt-signing-key", withDestinationPath: dir + "/nowhere")
        do {
            _ = try SigningKeyStore.load(environment: [:], dataDirectory: dir)
            Issue.record("a dangling link was taken as a key")
        } catch let failure as SigningKeyStore.Failure {
            #expect(failure.description.contains("symbolic link"))
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/nowhere"))
    }

    @Test func theFolderIsOwnerOnlyAndNoTemporaryFileRemains() throws {
        let dir = SigningKeyStoreTests.temporaryDirectory() + "/nested"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try SigningKeyStore.load(environment: [:], dataDirectory: dir)
        let mode = try FileManager.default.attributesOfItem(atPath: dir)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["jwt-signing-key"])
    }

    @Test func concurrentCreatorsAgreeOnOneKey() async throws {
        let dir = SigningKeyStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keys = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 { group.addTask { try SigningKeyStore.load(environment: [:], dataDirectory: dir).key } }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(Set(keys).count == 1)
        #expect(keys.count == 8)
    }
}
