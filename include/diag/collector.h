/* SPDX-License-Identifier: MIT */
/*
 * collector.h - what collectors produce, and where it goes
 *
 * A collector (diag/collectors/<kind>.c, one exported symbol each) turns a
 * spec entry (spec.h) into items: files, command output, system facts. It
 * hands each item's RAW bytes to a struct collect_sink, which the bundle
 * writer implements: the sink redacts every byte before anything else sees
 * it. Collectors never write anything to disk themselves.
 *
 * Errors in one item or one collector never stop the run: they are reported
 * to the sink (and so land in the manifest) and collection goes on. Only a
 * sink callback returning -1 stops the run (collect_run() then returns -1).
 *
 * The order of calls for one item is
 *     begin (0)  write* end         the item was produced (possibly marked
 *                                   truncated, or with end->error set)
 *     begin (1)                     the sink declined the item (e.g. the
 *                                   redaction policy excludes its path); it
 *                                   records that itself, nothing else follows
 *     item_failed                   nothing could be read (no begin)
 *     item_skipped                  deliberately not collected (no begin)
 * Items never nest: begin..end of one item completes before the next begins.
 *
 * Bundle paths (collect_item.path), relative and '/'-separated:
 *     files/<host path>      a file, e.g. files/var/log/syslog (a gzip file
 *                            is stored decompressed, without its ".gz")
 *     commands/<name>.txt    the standard output of command entry <name>
 *     system/<name>.txt      the text of system entry <name>
 * ("files", "commands", "system" are the spec's settings.prefix defaults.)
 * A bundle path is produced at most once per run: a file matched by two
 * entries is collected by the first and skipped by the second.
 */
#ifndef DIAG_COLLECTOR_H
#define DIAG_COLLECTOR_H

#include <stdint.h>
#include "diag/common.h"

struct collect_item {
	const char *path;        /* path inside the bundle (see above); NULL only for an
				    item_skipped() pattern that matched nothing */
	const char *collector;   /* "file", "command", "system" */
	const char *entry;       /* the spec entry's name, e.g. "nginx-logs" */
	const char *source;      /* a host path (as named in the spec, before any symlink),
				    a pattern, the argv joined with spaces, or the fact name */
	const char *description; /* for the reviewer, from the spec */
	int64_t mtime;           /* seconds since the epoch; 0 if unknown */
	uint32_t mode;           /* file items: st_mode permission and type bits; else 0 */
	int64_t uid, gid;        /* file items: owner; -1 if not a file */
};

struct collect_item_end {
	bool truncated;          /* the per-file cap, the output cap or the total budget cut it */
	uint64_t source_bytes;   /* size of the source as seen (before trimming and the cap) */
	bool time_filtered;      /* --since/--last removed entries */
	int exit_status;         /* command items: exit status, -1 if killed by a signal; else 0 */
	bool timed_out;          /* command items: the timeout killed it */
	const char *error;       /* non-NULL: the item failed after begin() (it is kept, marked) */
	const char *stderr_text; /* command items: captured standard error, RAW (the sink must
				    redact it), at most 64 KiB; NULL if empty */
	const char *note;        /* non-NULL: information for the reviewer, "; "-separated, e.g.
				    "no recognisable timestamps: kept whole", "symbolic link to
				    '/run/x'", "grew by 120 bytes during the read" */
	double seconds;          /* how long producing it took */
};

struct collect_sink {
	/*
	 * Start an item. Returns 0 to receive it, 1 to decline it (the sink
	 * records why; no write or end follows), -1 to abort the whole run
	 * (fatal: e.g. disk full).
	 */
	int (*begin)(struct collect_sink *sink, const struct collect_item *item);
	/* Raw bytes of the current item. -1 aborts the whole run. */
	int (*write)(struct collect_sink *sink, const void *buf, size_t len);
	/* End the current item. -1 aborts the whole run. */
	int (*end)(struct collect_sink *sink, const struct collect_item_end *end);
	/* An item that could not be read at all (no begin/end): a failure, recorded, not fatal. */
	void (*item_failed)(struct collect_sink *sink, const struct collect_item *item, const char *reason);
	/*
	 * An item deliberately not collected, with the reason: a secret store,
	 * a FIFO/socket/device, a symlink inside a walked tree, a file last
	 * modified before the time window, an absent path, an absent optional
	 * program, the budget exhausted. Not a failure. May be NULL (ignored).
	 */
	void (*item_skipped)(struct collect_sink *sink, const struct collect_item *item, const char *reason);
	/* A whole collector entry failed or timed out: recorded, not fatal. */
	void (*collector_failed)(struct collect_sink *sink, const char *name, const char *reason,
				 double seconds);
	/*
	 * How many more raw bytes the sink accepts (UINT64_MAX = no limit).
	 * May be NULL. The runner also enforces the spec's/options' total budget.
	 */
	uint64_t (*budget_left)(struct collect_sink *sink);
	void *ctx;
};

#endif
