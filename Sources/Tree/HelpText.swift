/// The `README` file at the root of the mount.
enum HelpText {
    static let bytes = Array(text.utf8)
    static let text = """
        RecallFS: your Pensieve screen history as plain files.

        documents/<id>-<slug>.md      every document, rendered as markdown (read-only)
        libraries/<name>/             the same files, one folder per library
        search/<query>/               ranked results: <rank>-<id>-<slug>.md (same files as documents/)
        timeline/YYYY/MM/DD/          every document by capture day: <HHMMSS>-<id>-<slug>.md
        recent/                       the last 100 captures, newest first: <NNN>-<id>-<slug>.md
        apps/<app>/                   every document by active app; (none) for those without one
        images/<id>-<slug>.<ext>      the screenshot itself, original bytes
        around/<id>/                  the captures before and after one: -05-… to +05-… (ls -U)
        .status/                      health, health.json, backend, errors

        Every document file is the same file wherever it appears (same inode and bytes).
        Days, times and date filters are in the mount's time zone (--timezone).

        VIEWS
            ls timeline/2026/01/15/               what was on screen that day, in capture order
            grep -ril invoice apps/Slack/         one app's captures
            ls -U around/1234/                    what came just before and after document 1234
            cp images/1234-*.webp /tmp/           the screenshot itself
            getfattr -d documents/1234-*.md       metadata: id, library, captured_at, app, window,
                                                  url, tags, source_path, image (user.recallfs.*)
            getfattr -d search/"budget"/          query, total, backend, took_ms, ranking
            setfattr -n user.recallfs.tags -v "a,b" documents/1234-*.md
                                                  replace tags (only with --allow-tag-writes)

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
            after:2026-01-01       captured at or after (also YYYY-MM-DDTHH:MM)
            before:2026-02-01      captured before
            date:2026-01           a year, month or day (timeline/2026/01/ lists the same)
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
