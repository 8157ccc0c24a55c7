@testable import PostgresStore
import Store
import Testing

/// How a search becomes PostgreSQL: terms split like Pensieve's jieba step, every typed value a
/// parameter (never SQL text), filters as conditions.
@Suite struct PostgresSearchSQLTests {
    @Test(arguments: [
        ("Zürich", "Z ü rich"), ("zür", "z ü r"), ("build-server", "build - server"), ("東京", "東京"),
        ("東京abc", "東京 abc"), ("naïve café", "na ï ve caf é"), ("  two  words ", "two words"), ("C++", "C + +"),
        ("a.py", "a . py"), ("pi 3.14 and 50%", "pi 3.14 and 50%"), ("v2.", "v2 ."), ("active_app", "active _ app"),
    ])
    func termsAreSplitAsPensieveStoresThem(term: String, spaced: String) {
        #expect(PensieveTokens.spaced(term) == spaced)
    }

    @Test func typedTextIsOnlyEverAParameter() {
        var request = SearchRequest()
        request.words = ["x'); DROP TABLE entities; --", "b\\c"]
        request.phrases = ["it's here"]
        request.apps = ["Fire\"fox"]
        request.types = ["image"]
        request.start = 100
        request.end = 200
        let sql = PostgresSearchSQL(request: request, libraryIDs: [2, 3])
        let text = (sql.match ?? "") + sql.filters
        #expect(!text.contains("DROP") && !text.contains("it's") && !text.contains("Fire"))
        #expect(sql.parameters.contains("'x '' ) ; DROP TABLE entities ; - -':*"))  // one quoted lexeme, a prefix
        #expect(sql.parameters.contains("'b \\\\ c':*"))
        #expect(sql.parameters.contains("it ' s here"))
        #expect(sql.parameters.contains("{\"fire\\\"fox\"}"))
        #expect(sql.parameters.contains("{2,3}"))
        #expect(sql.match?.components(separatedBy: "&&").count == 3)
        #expect(sql.filters.contains("e.file_created_at >=") && sql.filters.contains("e.file_created_at <"))
    }

    @Test func termsWithoutTokenCharactersMatchNothingAndListModeHasNoMatch() {
        var request = SearchRequest()
        request.words = ["---", "..."]
        #expect(PostgresSearchSQL(request: request, libraryIDs: []).match == nil)
        #expect(PostgresSearchSQL(request: SearchRequest(), libraryIDs: []).match == nil)
    }

    @Test func aDocumentFilterIsConditionsWithParameters() {
        let filter = DocumentFilter(library: 7, app: AppMatch(values: ["Code"], orNone: true), createdFrom: 10, createdBefore: 20, imagesOnly: true)
        let sql = PostgresFilterSQL(filter)
        #expect(sql.parameters == ["7", "10", "20", "{\"Code\"}"])
        #expect(sql.conditions.contains("e.library_id = $1") && sql.conditions.contains("IS NULL)") && sql.conditions.contains("'image'"))
    }
}
