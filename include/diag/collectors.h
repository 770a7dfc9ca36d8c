/* SPDX-License-Identifier: MIT */
/*
 * collectors.h - the collector registry and the run context collectors use
 *
 * Used by diag/collect.c (the runner) and the collectors in diag/collectors/ only; other
 * modules use collect.h. A collector handles one spec kind; it reports every
 * item through the collect_*() helpers below, which count, enforce the total
 * budget, claim bundle paths and remember a fatal sink error. A collector's
 * collect() returns 0 (even if items failed), or -1 only when the sink
 * returned -1 (ctx->fatal is then set).
 */
#ifndef DIAG_COLLECTORS_H
#define DIAG_COLLECTORS_H

#include <sys/types.h>
#include "diag/collect.h"
#include "diag/strbuf.h"

struct collect_ctx {
	const struct spec *spec;
	const struct spec_entry *entry;  /* the entry being run */
	struct collect_sink *sink;
	const char *root;                /* "/" or a fake root, no trailing '/' except "/" */
	int rootfd;                      /* O_PATH|O_DIRECTORY descriptor of root */
	bool root_is_host;               /* root is "/": syscalls describe this very host */
	int64_t since, until;            /* the effective window, 0 = unbounded */
	int64_t now;                     /* wall clock at the start of the run */
	uint64_t max_file_size;          /* effective default per-file cap */
	uint64_t max_total_size;         /* effective total budget */
	struct collect_summary *sum;
	bool fatal;                      /* a sink callback returned -1 */
	const struct collect_options *opts;
	size_t entry_index;
	/* (dev, ino) pairs never collected: the state dir, options->skip_paths */
	dev_t *skip_dev;
	ino_t *skip_ino;
	size_t nskip, skip_alloc;
	/* bundle paths already produced (a sorted set) */
	char **claimed;
	size_t nclaimed, claimed_alloc;
};

/* A named built-in fact of the system collector. */
struct system_fact {
	const char *name;
	const char *description;
};

struct collector {
	const char *name;                /* the spec key: "file", "command", "system" */
	enum spec_kind kind;
	int (*collect)(struct collect_ctx *ctx, const struct spec_entry *entry);
	const struct system_fact *facts; /* system: its facts, NULL-name terminated; else NULL */
};

extern const struct collector collector_file;
extern const struct collector collector_command;
extern const struct collector collector_system;

/* The registry (diag/collectors.c), NULL-terminated, and lookup by kind. */
extern const struct collector *const collectors[];
const struct collector *collector_for(enum spec_kind kind);

/*
 * Item helpers (diag/collect.c). Each fills in collector, entry and
 * description from ctx when the item leaves them NULL.
 *
 * collect_begin: 0 go on, 1 the item is not wanted (declined by the sink, or
 * its path was already produced: then it is reported as skipped), -1 fatal.
 */
int collect_begin(struct collect_ctx *ctx, struct collect_item *item) WARN_UNUSED;
int collect_write(struct collect_ctx *ctx, const void *buf, size_t len) WARN_UNUSED;
int collect_end(struct collect_ctx *ctx, const struct collect_item_end *end) WARN_UNUSED;
void collect_failed(struct collect_ctx *ctx, struct collect_item *item, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
void collect_skipped(struct collect_ctx *ctx, struct collect_item *item, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
void collect_entry_failed(struct collect_ctx *ctx, double seconds, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
/* True if the bundle path was already produced in this run. */
bool collect_path_claimed(const struct collect_ctx *ctx, const char *path);
/*
 * Raw bytes the total budget (and the sink) still allow. A file that does
 * not fit is cut to its newest bytes, a system fact to its first ones,
 * unless fewer than COLLECT_MIN_SLICE bytes are left: then it is skipped,
 * as is a command.
 */
#define COLLECT_MIN_SLICE 4096
/* Raw bytes left in the budget. */
uint64_t collect_budget_left(struct collect_ctx *ctx);
/* Report progress on the current item (source may be NULL). */
void collect_progress(struct collect_ctx *ctx, const char *source);
/* True if (dev, ino) must never be collected (state dir, skip_paths). */
bool collect_is_skipped_inode(const struct collect_ctx *ctx, dev_t dev, ino_t ino);
/*
 * Open host_path (absolute) under the root, never escaping it (openat2
 * RESOLVE_IN_ROOT: absolute symlinks resolve inside root). follow: follow a
 * final symlink. Returns a descriptor or -1 with errno set (nothing printed).
 */
int collect_open(const struct collect_ctx *ctx, const char *host_path, int flags, bool follow);
/* What collect_open() does without openat2() (before Linux 5.6); rel is relative to rootfd. */
int collect_open_confined(int rootfd, const char *rel, int flags, bool follow);
/* Append up to max bytes of a regular file under root to sb. 0, or -1 with errno (not printed). */
int collect_read_small(const struct collect_ctx *ctx, const char *host_path, struct strbuf *sb,
		       size_t max);
/* Seconds on the monotonic clock, for durations. */
double collect_monotonic(void);
/* The fact of the system collector named name, or NULL. */
const struct system_fact *collector_system_fact(const char *name);

#endif
