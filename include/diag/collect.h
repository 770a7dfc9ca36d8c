/* SPDX-License-Identifier: MIT */
/*
 * collect.h - run a spec's collectors into a sink
 *
 *     struct collect_options opts = COLLECT_OPTIONS_INIT;
 *     struct collect_summary sum;
 *     opts.since = since;                      // from --since / --last, or 0
 *     if (collect_run(spec, &opts, &sink, &sum) < 0)
 *             ... a sink callback returned -1: the run was aborted ...
 *     exit code: sum.failures || sum.collectors_failed ? partial : ok
 *
 * Entries run one after the other, in spec order, in the calling thread.
 * Commands run as child processes in their own process group; none survives
 * collect_run() (nor diag being killed by SIGINT/SIGTERM/SIGHUP while one runs:
 * the group is killed from the signal handler, which then chains to the
 * previous handler).
 */
#ifndef DIAG_COLLECT_H
#define DIAG_COLLECT_H

#include "diag/collector.h"
#include "diag/spec.h"

struct collect_progress {
	const char *entry;       /* the entry being run */
	const char *collector;   /* "file", "command", "system" */
	const char *source;      /* the item being read now; NULL at the start of an entry */
	size_t entry_index;      /* 0-based */
	size_t entry_count;
	uint64_t items;          /* items produced so far */
	uint64_t bytes;          /* raw bytes handed to the sink so far */
};

struct collect_options {
	const char *root;        /* host paths are read under root; NULL or "/" for the host */
	int64_t since, until;    /* time window, seconds since the epoch; 0: unbounded. When
				    both are 0 the spec's settings.last (if any) sets since. */
	uint64_t max_file_size;  /* 0: the spec's setting */
	uint64_t max_total_size; /* 0: the spec's setting */
	/* Called at the start of each entry and of each item (a terminal display). May be NULL. */
	void (*progress)(void *ctx, const struct collect_progress *progress);
	void *progress_ctx;
	/* Wall-clock "now" in seconds since the epoch (--last, syslog years). NULL: diag_now(). */
	int64_t (*clock)(void *ctx);
	void *clock_ctx;
	/*
	 * Host paths (not under root) never to collect, NULL-terminated, may be
	 * NULL: the output file, staging directories. Compared by device and
	 * inode, so any name for them is caught. diag's state directory
	 * (diag_state_dir()) is always excluded.
	 */
	const char *const *skip_paths;
};

#define COLLECT_OPTIONS_INIT { 0 }

struct collect_summary {
	uint64_t items;             /* items produced (begin..end), including ones marked with an error */
	uint64_t failures;          /* item_failed() calls, plus items ended with an error */
	uint64_t skipped;           /* item_skipped() calls */
	uint64_t collectors_failed; /* collector_failed() calls */
	uint64_t bytes;             /* raw bytes handed to the sink */
	bool budget_exhausted;      /* the total budget cut or skipped something */
	int64_t since, until;       /* the window applied (0: unbounded) */
	double seconds;
};

/*
 * Run every entry of spec, handing items to sink. Failures of items and
 * entries are reported to the sink and counted in *summary; they never stop
 * the run. Returns 0, or -1 when a sink callback returned -1 (the run stopped
 * there; *summary counts what was done) or when root cannot be opened (an
 * error is printed). summary may be NULL.
 */
int collect_run(const struct spec *spec, const struct collect_options *options,
		struct collect_sink *sink, struct collect_summary *summary) WARN_UNUSED;

#endif
