import Foundation
@testable import Store
import Testing

@Suite struct URLSafetyTests {
    @Test(arguments: [("http://joe:s3cret@127.0.0.1:8839/api", "http://***@127.0.0.1:8839/api"),
                      ("https://token@host/x?q=a@b", "https://***@host/x?q=a@b"),
                      ("http://127.0.0.1:8839", "http://127.0.0.1:8839"),
                      ("not a url", "not a url")])
    func credentialsAreMasked(_ url: String, _ expected: String) {
        #expect(URLSafety.masked(url) == expected)
    }

    @Test(arguments: ["127.0.0.1", "127.1.2.3", "127.255.255.254", "localhost", "LOCALHOST", "::1", "[::1]",
                      "0:0:0:0:0:0:0:1"])
    func loopback(_ host: String) { #expect(URLSafety.isLoopback(host)) }

    @Test(arguments: ["127.evil.invalid", "127.0.0.1.nip.io", "128.0.0.1", "10.0.0.1", "example.com", "::2",
                      "127.0.0.256", "127.0.0", "", "127.0.0.1 ", "::ffff:127.0.0.1.evil"])
    func notLoopback(_ host: String) { #expect(!URLSafety.isLoopback(host)) }

    @Test(arguments: [("99999999999999999999999", false), ("9223372036854775807", false), ("-1", false),
                      ("12abc", false), ("3", false), ("400", true), ("1099511627776", true)])
    func totalCountIsValidated(_ header: String, _ accepted: Bool) {
        let result = try? PensieveAPIStore.totalCount(["x-total-count": header], path: "/p", listed: 5)
        #expect((result != nil) == accepted)
    }
}
