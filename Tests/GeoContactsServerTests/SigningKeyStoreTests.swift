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
