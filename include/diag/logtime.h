/* SPDX-License-Identifier: MIT */
/*
 * logtime.h - recognise log timestamps and trim log content to a time window
 *
 * The filter is streaming and line based. Each line that starts with a
 * recognised timestamp starts an entry; lines without one (stack traces,
 * wrapped messages) are continuations and share the fate of their entry.
 * An entry is kept when since <= time <= until (0 = unbounded). Lines before
 * the first timestamped entry follow that entry's fate. When no timestamp is
 * recognised in the first LOGTIME_PROBE_BYTES of a stream, the stream is
 * declared unrecognised and passed through whole.
 *
 * Recognised, at the start of a line (after optional spaces, '[' or a syslog
 * "<PRI>"): ISO 8601 / RFC 3339 ("2024-03-01T12:00:00.123+01:00",
 * "2024-03-01 12:00:00,123", "2024/03/01 12:00:00"), RFC 5424 syslog
 * ("<34>1 2024-..."), RFC 3164 syslog ("Mar  1 12:00:00", year inferred from
 * the reference time, so that a file written in January keeps December's
 * lines in the previous year), Apache error logs ("[Fri Mar 01 12:00:00.123
 * 2024]"), Java util.logging ("Mar 01, 2024 12:00:00 PM"), Tomcat
 * ("01-Mar-2024 12:00:00.123"), klog/glog ("I0301 12:00:00.123456"), logfmt
 * ("time=..." / "ts=..."); anywhere in the first 512 bytes: the
 * nginx/Apache access-log "[01/Mar/2024:12:00:00 +0000]"; in a JSON line
 * ('{' first): a "time", "timestamp", "ts", "@timestamp", "t", "date",
 * "datetime", "time_local" or "asctime" field, as a string or as epoch
 * seconds/milliseconds. Timestamps without a zone are local time.
 *
 * Memory is bounded: at most LOGTIME_HEAD_BYTES of a line and
 * LOGTIME_PROBE_BYTES of a stream's beginning are buffered.
 */
#ifndef DIAG_LOGTIME_H
#define DIAG_LOGTIME_H

#include "diag/common.h"

#define LOGTIME_HEAD_BYTES 4096
#define LOGTIME_PROBE_BYTES (256u << 10)

/*
 * Recognise a timestamp at the beginning of line (len bytes, no newline
 * needed). ref is the reference time for formats without a year (the file's
 * mtime). Returns 1 and sets *out (seconds since the epoch) and *format (a
 * static name such as "rfc3339", "syslog", "access-log"), or 0.
 */
int logtime_parse_line(const char *line, size_t len, int64_t ref, int64_t *out,
		       const char **format);

/* Receives kept bytes. Returns 0, or -1 to abort (the filter returns -1). */
typedef int (*logtime_emit_fn)(void *ctx, const void *buf, size_t len);

struct logtime_stats {
	uint64_t lines, lines_kept;
	uint64_t entries, entries_kept;  /* timestamped lines */
	uint64_t bytes_in, bytes_kept;
	const char *format;              /* the first recognised format, NULL if none */
	bool unrecognised;               /* no timestamps: passed through whole */
};

struct logtime_filter;

/* A filter for the window [since, until] (0 = unbounded). Never NULL. */
struct logtime_filter *logtime_filter_new(int64_t since, int64_t until, int64_t ref,
					  logtime_emit_fn emit, void *emit_ctx);
/* Feed bytes, in any chunking. Returns 0, or -1 if emit returned -1. */
int logtime_filter_write(struct logtime_filter *f, const void *buf, size_t len) WARN_UNUSED;
/* Flush what is buffered (the last line need not end with a newline). 0 or -1. */
int logtime_filter_finish(struct logtime_filter *f) WARN_UNUSED;
void logtime_filter_stats(const struct logtime_filter *f, struct logtime_stats *out);
/* Wipe and free. */
void logtime_filter_free(struct logtime_filter *f);

#endif
