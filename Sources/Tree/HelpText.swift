/// The `README` file at the root of the mount.
enum HelpText {
    static let bytes = Array(text.utf8)
    static let text = """
        RecallFS: your Pensieve screen history as plain files.

        documents/<id>-<slug>.md      every document, rendered as markdown (read-only)
        libraries/<name>/             the same files, one folder per library
        search/<query>/               ranked results: <rank>-<id>-<slug>.md (same files as documents/)
        .status/                      health, health.json, backend, errors

        SEARCHING
          There is no mkdir step: any name under search/ runs as a query and is remembered.
            ls search/"invoice march"/           every word must match, as a prefix
            grep -ri total search/"invoice"/     read the results with any tool
            rmdir search/"invoice march"         forget a query
          Words match case- and accent-insensitively; "quoted text" matches as a phrase.
          Filters (combine freely with words):
            app:Firefox            active app (comma = any of several; app:"Google Chrome")
            library:work           library name (comma = any of several)
            after:2026-01-01       captured at or after (UTC; also YYYY-MM-DDTHH:MM)
            before:2026-02-01      captured before (UTC)
            date:2026-01           a year, month or day (UTC)
            type:image             file type group (image, text, ...) or file type (webp, txt, ...)
            limit:200              number of results, 1 to 1000 (default 50)
          With filters only (search/"app:Slack date:2026-01"), results are newest first.
          A bad name (unknown filter, bad date, trailing space) fails with "Invalid argument";
          the reason is in .status/errors. Put a term in double quotes to search for it literally.

        STATUS FILES
          .status/health        ok | degraded | down
          .status/health.json   store, latency (p50/p95), index state, last error, counts
          .status/backend       which store answered last (sqlite)
          .status/errors        the last errors, one per line, with the reason

        """
}
