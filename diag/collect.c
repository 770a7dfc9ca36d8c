// SPDX-License-Identifier: MIT
/*
 * collect.c - the runner: every spec entry, in order, into the sink
 *
 * The helpers here are the only way collectors talk to the sink, so that
 * counting, the total budget, bundle-path uniqueness and fatal sink errors
 * are handled in one place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "diag/collectors.h"
#include "diag/error.h"
#include "diag/util.h"

double collect_monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define MAX_SYMLINKS 40

static void strbuf_swap(struct strbuf *a, struct strbuf *b)
{
	struct strbuf t = *a;

	*a = *b;
	*b = t;
}

/*
 * RESOLVE_IN_ROOT done by hand, for kernels before 5.6 (and valgrind):
 * component by component from the root, ".." never above it, absolute
 * symlinks restarting at it. Returns the final open() or -1 with errno.
 */
int collect_open_confined(int rootfd, const char *rel, int flags, bool follow)
{
	struct strbuf todo = STRBUF_INIT, joined = STRBUF_INIT;
	int cur = dup(rootfd), links = 0, fd = -1, e = 0;

	strbuf_addstr(&todo, rel);
	while (cur >= 0) {
		char *p = todo.buf, name[NAME_MAX + 1], target[4096];
		size_t n;
		struct stat st;
		int next;
		ssize_t len;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n > NAME_MAX) {
			e = ENAMETOOLONG;
			break;
		}
		memcpy(name, n ? p : ".", n ? n : 1);
		name[n ? n : 1] = '\0';
		p += n;
		while (*p == '/')
			p++;
		strbuf_remove(&todo, 0, (size_t)(p - todo.buf));
		if (!strcmp(name, "..")) {
			struct stat here, top;

			/* never above the root */
			if (fstat(cur, &here) == 0 && fstat(rootfd, &top) == 0 &&
			    here.st_dev == top.st_dev && here.st_ino == top.st_ino)
				continue;
		}
		next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 || fstat(next, &st) < 0) {
			e = errno;
			if (next >= 0)
				close(next);
			break;
		}
		if (S_ISLNK(st.st_mode) && (todo.len || follow)) {
			len = readlinkat(next, "", target, sizeof(target) - 1);
			close(next);
			if (len < 0 || ++links > MAX_SYMLINKS) {
				e = len < 0 ? errno : ELOOP;
				break;
			}
			target[len] = '\0';
			strbuf_addstr(&joined, target);
			strbuf_addch(&joined, '/');
			strbuf_add(&joined, todo.buf, todo.len);
			strbuf_swap(&todo, &joined);
			strbuf_reset(&joined);
			if (target[0] == '/') {
				close(cur);
				cur = dup(rootfd);
			}
			continue;
		}
		if (!todo.len) {
			close(next);
			fd = openat(cur, name, flags | O_CLOEXEC | O_NOFOLLOW);
			e = errno;
			break;
		}
		close(cur);
		cur = next;
	}
	if (cur >= 0)
		close(cur);
	strbuf_release(&todo);
	strbuf_release(&joined);
	errno = e;
	return fd;
}

int collect_open(const struct collect_ctx *ctx, const char *host_path, int flags, bool follow)
{
	static int have_openat2 = -1;
	const char *rel = host_path[0] == '/' && host_path[1] ? host_path + 1 :
		host_path[0] == '/' ? "." : host_path;
	struct open_how how;
	int fd;

	if (have_openat2) {
		memset(&how, 0, sizeof(how));
		how.flags = (uint64_t)(flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
		how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
		fd = (int)syscall(SYS_openat2, ctx->rootfd, rel, &how, sizeof(how));
		if (fd >= 0 || errno != ENOSYS) {
			have_openat2 = 1;
			return fd;
		}
		have_openat2 = 0; /* before Linux 5.6 */
	}
	if (ctx->root_is_host)
		return openat(ctx->rootfd, rel, flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
	return collect_open_confined(ctx->rootfd, rel, flags, follow);
}

int collect_read_small(const struct collect_ctx *ctx, const char *host_path, struct strbuf *sb,
		       size_t max)
{
	int fd = collect_open(ctx, host_path, O_RDONLY | O_NONBLOCK | O_NOCTTY, true);
	struct stat st;
	char buf[8192];
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	while (sb->len < max) {
		n = read(fd, buf, MIN(sizeof(buf), max - sb->len));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_add(sb, buf, (size_t)n);
	}
	sodium_memzero(buf, sizeof(buf));
	close(fd);
	return 0;
}

static char **claim_slot(char **table, size_t alloc, const char *path)
{
	size_t i = (size_t)hash_fnv1a(path, strlen(path)) & (alloc - 1);

	while (table[i] && strcmp(table[i], path))
		i = (i + 1) & (alloc - 1);
	return &table[i];
}

bool collect_path_claimed(const struct collect_ctx *ctx, const char *path)
{
	return ctx->claimed_alloc && *claim_slot(ctx->claimed, ctx->claimed_alloc, path);
}

static void claim(struct collect_ctx *ctx, const char *path)
{
	if (2 * (ctx->nclaimed + 1) > ctx->claimed_alloc) {
		size_t alloc = ctx->claimed_alloc ? ctx->claimed_alloc * 2 : 256;
		char **table = xcalloc(alloc, sizeof(char *));

		for (size_t i = 0; i < ctx->claimed_alloc; i++)
			if (ctx->claimed[i])
				*claim_slot(table, alloc, ctx->claimed[i]) = ctx->claimed[i];
		free(ctx->claimed);
		ctx->claimed = table;
		ctx->claimed_alloc = alloc;
	}
	*claim_slot(ctx->claimed, ctx->claimed_alloc, path) = xstrdup(path);
	ctx->nclaimed++;
}

static void fill_item(struct collect_ctx *ctx, struct collect_item *item)
{
	if (!item->collector)
		item->collector = spec_kind_name(ctx->entry->kind);
	if (!item->entry)
		item->entry = ctx->entry->name;
	if (!item->description)
		item->description = ctx->entry->description;
}

int collect_begin(struct collect_ctx *ctx, struct collect_item *item)
{
	int r;

	if (ctx->fatal)
		return -1;
	fill_item(ctx, item);
	if (collect_path_claimed(ctx, item->path)) {
		collect_skipped(ctx, item, "already collected by an earlier entry");
		return 1;
	}
	collect_progress(ctx, item->source);
	r = ctx->sink->begin(ctx->sink, item);
	if (r < 0) {
		ctx->fatal = true;
		return -1;
	}
	if (r == 0)
		claim(ctx, item->path);
	return r ? 1 : 0;
}

int collect_write(struct collect_ctx *ctx, const void *buf, size_t len)
{
	if (ctx->fatal)
		return -1;
	if (!len)
		return 0;
	if (ctx->sink->write(ctx->sink, buf, len) < 0) {
		ctx->fatal = true;
		return -1;
	}
	ctx->sum->bytes += len;
	return 0;
}

int collect_end(struct collect_ctx *ctx, const struct collect_item_end *end)
{
	if (ctx->fatal)
		return -1;
	ctx->sum->items++;
	if (end->error)
		ctx->sum->failures++;
	if (ctx->sink->end(ctx->sink, end) < 0) {
		ctx->fatal = true;
		return -1;
	}
	return 0;
}

static void report_item(struct collect_ctx *ctx, struct collect_item *item, bool failed,
			const char *fmt, va_list ap) PRINTF_LIKE(4, 0);
static void report_item(struct collect_ctx *ctx, struct collect_item *item, bool failed,
			const char *fmt, va_list ap)
{
	char reason[1024];

	if (ctx->fatal)
		return;
	vsnprintf(reason, sizeof(reason), fmt, ap);
	fill_item(ctx, item);
	if (failed) {
		ctx->sum->failures++;
		ctx->sink->item_failed(ctx->sink, item, reason);
	} else {
		ctx->sum->skipped++;
		if (ctx->sink->item_skipped)
			ctx->sink->item_skipped(ctx->sink, item, reason);
	}
}

void collect_failed(struct collect_ctx *ctx, struct collect_item *item, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_item(ctx, item, true, fmt, ap);
	va_end(ap);
}

void collect_skipped(struct collect_ctx *ctx, struct collect_item *item, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_item(ctx, item, false, fmt, ap);
	va_end(ap);
}

void collect_entry_failed(struct collect_ctx *ctx, double seconds, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	if (ctx->fatal)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	ctx->sum->collectors_failed++;
	ctx->sink->collector_failed(ctx->sink, ctx->entry->name, reason, seconds);
}

uint64_t collect_budget_left(struct collect_ctx *ctx)
{
	uint64_t left = ctx->sum->bytes >= ctx->max_total_size ? 0 :
		ctx->max_total_size - ctx->sum->bytes;

	if (ctx->sink->budget_left)
		left = MIN(left, ctx->sink->budget_left(ctx->sink));
	return left;
}

void collect_progress(struct collect_ctx *ctx, const char *source)
{
	struct collect_progress p;

	if (!ctx->opts->progress)
		return;
	p.entry = ctx->entry->name;
	p.collector = spec_kind_name(ctx->entry->kind);
	p.source = source;
	p.entry_index = ctx->entry_index;
	p.entry_count = ctx->spec->nentries;
	p.items = ctx->sum->items;
	p.bytes = ctx->sum->bytes;
	ctx->opts->progress(ctx->opts->progress_ctx, &p);
}

bool collect_is_skipped_inode(const struct collect_ctx *ctx, dev_t dev, ino_t ino)
{
	for (size_t i = 0; i < ctx->nskip; i++)
		if (ctx->skip_dev[i] == dev && ctx->skip_ino[i] == ino)
			return true;
	return false;
}

static void add_skip_path(struct collect_ctx *ctx, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return;
	ALLOC_GROW(ctx->skip_dev, ctx->nskip + 1, ctx->skip_alloc);
	ctx->skip_ino = xrealloc(ctx->skip_ino, ctx->skip_alloc * sizeof(*ctx->skip_ino));
	ctx->skip_dev[ctx->nskip] = st.st_dev;
	ctx->skip_ino[ctx->nskip] = st.st_ino;
	ctx->nskip++;
}

static int ctx_init(struct collect_ctx *ctx, const struct spec *spec,
		    const struct collect_options *opts, struct collect_sink *sink,
		    struct collect_summary *sum)
{
	const char *root = opts->root && *opts->root ? opts->root : "/";
	char *state;

	memset(ctx, 0, sizeof(*ctx));
	ctx->spec = spec;
	ctx->opts = opts;
	ctx->sink = sink;
	ctx->sum = sum;
	ctx->root = root;
	ctx->root_is_host = !strcmp(root, "/");
	ctx->rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ctx->rootfd < 0)
		return error_errno("cannot open the collection root '%s'", root);
	ctx->now = opts->clock ? opts->clock(opts->clock_ctx) : diag_now();
	ctx->since = opts->since;
	ctx->until = opts->until;
	if (!ctx->since && !ctx->until && spec->settings.last)
		ctx->since = ctx->now - spec->settings.last;
	ctx->max_file_size = opts->max_file_size ? opts->max_file_size : spec->settings.max_file_size;
	ctx->max_total_size = opts->max_total_size ? opts->max_total_size :
		spec->settings.max_total_size;
	state = diag_state_dir(false);
	if (state) {
		/* PROMISE: diag's own state (site key, pseudonym map) is never collected. */
		add_skip_path(ctx, state);
		free(state);
	}
	for (size_t i = 0; opts->skip_paths && opts->skip_paths[i]; i++)
		add_skip_path(ctx, opts->skip_paths[i]);
	sum->since = ctx->since;
	sum->until = ctx->until;
	return 0;
}

static void ctx_release(struct collect_ctx *ctx)
{
	if (ctx->rootfd >= 0)
		close(ctx->rootfd);
	for (size_t i = 0; i < ctx->claimed_alloc; i++)
		free(ctx->claimed[i]);
	free(ctx->claimed);
	free(ctx->skip_dev);
	free(ctx->skip_ino);
}

int collect_run(const struct spec *spec, const struct collect_options *options,
		struct collect_sink *sink, struct collect_summary *summary)
{
	static const struct collect_options no_options = COLLECT_OPTIONS_INIT;
	struct collect_summary local;
	struct collect_ctx ctx;
	double t0 = collect_monotonic();

	if (!summary)
		summary = &local;
	memset(summary, 0, sizeof(*summary));
	if (ctx_init(&ctx, spec, options ? options : &no_options, sink, summary) < 0) {
		ctx_release(&ctx);
		return -1;
	}
	for (size_t i = 0; i < spec->nentries && !ctx.fatal; i++) {
		const struct spec_entry *e = &spec->entries[i];
		const struct collector *c = collector_for(e->kind);

		ctx.entry = e;
		ctx.entry_index = i;
		collect_progress(&ctx, NULL);
		if (c->collect(&ctx, e) < 0 && !ctx.fatal)
			BUG("collector '%s' failed without a fatal sink error", c->name);
	}
	summary->budget_exhausted = summary->budget_exhausted || collect_budget_left(&ctx) == 0;
	summary->seconds = collect_monotonic() - t0;
	ctx_release(&ctx);
	return ctx.fatal ? -1 : 0;
}
