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
          There is no mkdir step: any name under search/ runs as a query. A query whose directory
          is listed (ls) is kept in ls search/ (the most recently listed 1000; --max-saved-queries).
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
          A bad name (unknown filter, bad date, trailing space, control or bidi characters, bytes
          that are not UTF-8) fails with "Invalid argument", one over 255 bytes with "File name
          too long"; the reason is in .status/errors. While the first index build runs, a search
          may fail with "Resource temporarily unavailable": try again shortly.
          Put a term in double quotes to search for it literally.

        STATUS FILES
          .status/health        ok | degraded | down
          .status/health.json   parts, problems (why degraded), circuit, latency, index build progress
          .status/backend       where answers come from now: api | sqlite
          .status/errors        the last errors, one per line, with the reason
          .status/metrics       requests, queries, failovers, latency (name value lines)
          .status/metrics.prom  the same in Prometheus text format
          .status/cache         hits, misses, bytes and evictions per tier (cache.json: with settings)
          .status/memory        pressure level, memory limit, budget in effect (memory.json: history)
          .status/events        changes seen (added, updated, removed)

        """
}
