/* SPDX-License-Identifier: MIT */
/*
 * collector.h - what collectors produce, and where it goes
 *
 * A collector (diag/collectors/<name>.c, one exported symbol each) turns a
 * spec entry into items: files, command output, system facts. It hands each
 * item's RAW bytes to a struct collect_sink, which the bundle writer
 * implements: the sink redacts every byte before anything else sees it.
 * Collectors never write anything to disk themselves.
 *
 * Errors in one item or one collector never stop the run: they are reported
 * to the sink (and so land in the manifest) and collection goes on.
 */
#ifndef DIAG_COLLECTOR_H
#define DIAG_COLLECTOR_H

#include <stdint.h>
#include "diag/common.h"

struct collect_item {
	const char *path;        /* path inside the bundle, relative, '/'-separated, e.g. "files/var/log/syslog" */
	const char *collector;   /* "file", "command", "system" */
	const char *source;      /* where it came from: a host path, or the argv joined with spaces */
	const char *description; /* for the reviewer, from the spec */
	int64_t mtime;           /* seconds since the epoch; 0 if unknown */
};

struct collect_item_end {
	bool truncated;          /* the per-file cap or the total budget cut it */
	uint64_t source_bytes;   /* size of the source as seen (before trimming and the cap) */
	bool time_filtered;      /* --since/--last removed entries */
	int exit_status;         /* command items: exit status, or -1 if killed; else 0 */
	bool timed_out;          /* command items */
	const char *error;       /* non-NULL: the item failed after begin() (it is kept, marked) */
	const char *stderr_text; /* command items: captured stderr (raw; the sink redacts it), may be NULL */
	double seconds;          /* how long producing it took */
};

struct collect_sink {
	/* Start an item. -1 aborts the whole run (fatal: e.g. disk full). */
	int (*begin)(struct collect_sink *sink, const struct collect_item *item);
	/* Raw bytes of the current item. -1 aborts the whole run. */
	int (*write)(struct collect_sink *sink, const void *buf, size_t len);
	/* End the current item. -1 aborts the whole run. */
	int (*end)(struct collect_sink *sink, const struct collect_item_end *end);
	/* An item that could not be read at all (no begin/end): recorded, not fatal. */
	void (*item_failed)(struct collect_sink *sink, const struct collect_item *item, const char *reason);
	/* A whole collector entry failed or timed out: recorded, not fatal. */
	void (*collector_failed)(struct collect_sink *sink, const char *name, const char *reason,
				 double seconds);
	/* Returns how many more raw bytes the total budget allows (UINT64_MAX = no limit). */
	uint64_t (*budget_left)(struct collect_sink *sink);
	void *ctx;
};

#endif
