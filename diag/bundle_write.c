// SPDX-License-Identifier: MIT
/*
 * bundle_write.c - the bundle writer's front end: the collectors' sink
 *
 * Every item's raw bytes go through a redaction stream; what comes out is
 * hashed, counted and handed to the back end. Nothing raw goes anywhere
 * else: strings about an item that reach the manifest (its bundle path, its
 * source, error messages, notes) are redacted too, because the manifest
 * leaves the site in plaintext. A redaction failure drops the item (the back
 * end discards what it had of it) and records why: fail closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/util.h"

enum writer_state { W_IDLE, W_FILE, W_DROPPED };

struct bundle_writer {
	struct collect_sink sink;
	struct manifest *m;
	const struct redact_engine *engine;
	struct bundle_backend *be;
	enum writer_state state;
	bool hash;      /* the back end does not hash: the front end does */
	bool fatal;     /* the back end failed: the run must stop */
	bool finished;
	/* the current item */
	struct manifest_file cur;
	crypto_hash_sha256_state sha;
	struct redact_stream *rs;
	char *drop_reason;
	double started;
	/* progress */
	bool progress;
	double last_shown;
	uint64_t bytes_in, bytes_out;
	size_t shown_width;
};

static double monotonic(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------- progress */

static void progress_show(struct bundle_writer *w, bool force)
{
	char in[32], out[32], line[256];
	double now;
	int n;

	if (!w->progress)
		return;
	now = monotonic();
	if (!force && now - w->last_shown < 0.2)
		return;
	w->last_shown = now;
	n = snprintf(line, sizeof(line), "diag: %zu files, %s read, %s kept%s%.60s",
		     w->m->nfiles, format_size(w->bytes_in, in, sizeof(in)),
		     format_size(w->bytes_out, out, sizeof(out)),
		     w->state == W_IDLE ? "" : ": ", w->state == W_IDLE ? "" : w->cur.path);
	fprintf(stderr, "\r%s%*s", line, (int)(w->shown_width > (size_t)n ? w->shown_width - (size_t)n : 0), "");
	w->shown_width = (size_t)n;
	fflush(stderr);
}

static void progress_clear(struct bundle_writer *w)
{
	if (!w->progress || !w->shown_width)
		return;
	fprintf(stderr, "\r%*s\r", (int)w->shown_width, "");
	fflush(stderr);
	w->shown_width = 0;
}

/* ------------------------------------------------------------ redaction */

static int to_strbuf(void *ctx, const void *buf, size_t len)
{
	struct strbuf *sb = ctx;

	if (sb->len + len > 1 << 20)
		return -1;
	strbuf_add(sb, buf, len);
	return 0;
}

/*
 * Redact a short host-derived string (a path, an error message) for the
 * manifest. Counts go to f if not NULL. Fails closed: on an error the
 * string is withheld, never passed through.
 */
static char *redact_string(struct bundle_writer *w, const char *s, struct manifest_file *f)
{
	struct strbuf sb = STRBUF_INIT;
	struct redact_err err;
	struct redact_stream *rs;
	const struct redact_report *rep;
	char *ret;

	if (!s)
		return NULL;
	rs = redact_stream_new(w->engine, NULL, to_strbuf, &sb);
	if (!rs || redact_stream_write(rs, s, strlen(s), &err) < 0 ||
	    redact_stream_finish(rs, &err) < 0 || (rep = redact_stream_report(rs))->binary) {
		redact_stream_free(rs);
		strbuf_release(&sb);
		return xstrdup("(withheld: it could not be redacted)");
	}
	if (f)
		for (size_t i = 0; i < rep->nrules; i++)
			manifest_file_count(f, rep->rules[i].rule, rep->rules[i].count);
	redact_stream_free(rs);
	ret = manifest_clean_string(sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

/*
 * Redact a message about an item (a reason, an error, a note): diag's own
 * words stay readable, and what came from the host is quoted in them, as
 * every message quotes its subject ("cannot open '/home/alice/x': ..."),
 * so each quoted part is redacted, and the rest made valid UTF-8.
 */
static char *redact_message(struct bundle_writer *w, const char *msg, struct manifest_file *f)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = msg;
	char *ret;

	if (!msg)
		return NULL;
	for (;;) {
		const char *q = strchr(p, '\'');
		const char *end = q ? strchr(q + 1, '\'') : NULL;
		char *inner, *red;

		if (!end) {
			strbuf_addstr(&sb, p);
			break;
		}
		strbuf_add(&sb, p, (size_t)(q - p) + 1);
		inner = xstrndup(q + 1, (size_t)(end - q - 1));
		red = redact_string(w, inner, f);
		strbuf_addstr(&sb, red);
		strbuf_addch(&sb, '\'');
		free(inner);
		free(red);
		p = end + 1;
	}
	ret = manifest_clean_string(sb.buf, sb.len);
	strbuf_release(&sb);
	return ret;
}

/*
 * The bundle path for a collector's path: made safe byte by byte (control
 * characters, backslashes and bytes that are not UTF-8 become %XX, so that
 * distinct names stay distinct), then redacted like any host-derived string.
 * manifest_path_check() still decides.
 */
static char *bundle_path(struct bundle_writer *w, const char *path, struct manifest_file *f)
{
	const unsigned char *p = (const unsigned char *)path;
	struct strbuf sb = STRBUF_INIT;
	size_t len = strlen(path);
	char *red;

	for (size_t i = 0; i < len; ) {
		size_t n = 1;

		while (i + n < len && (p[i + n] & 0xc0) == 0x80 && n < 4)
			n++;
		if (p[i] >= 0x80 && utf8_valid(path + i, n)) {
			strbuf_add(&sb, p + i, n);
			i += n;
		} else if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\') {
			strbuf_addf(&sb, "%%%02X", p[i]);
			i++;
		} else {
			strbuf_addch(&sb, (char)p[i]);
			i++;
		}
	}
	red = redact_string(w, sb.buf, f);
	strbuf_release(&sb);
	return red;
}

/* ---------------------------------------------------------------- items */

/* Record a failure or a skipped item; path and source are already clean (or NULL). */
static void record_clean(struct bundle_writer *w, bool skipped, const char *collector,
			 char *path, char *source, const char *reason, double seconds)
{
	struct manifest_failure f = { 0 };
	const char *c = collector && *collector ? collector : "diag";

	f.collector = manifest_clean_string(c, strlen(c));
	f.path = path;
	f.source = source;
	f.reason = redact_message(w, reason && *reason ? reason : "unknown reason", NULL);
	f.duration_ms = seconds > 0 ? (uint64_t)(seconds * 1000 + 0.5) : 0;
	if (skipped)
		manifest_add_skipped(w->m, &f);
	else
		manifest_add_failure(w->m, &f);
}

/* The same for a collector's item: its path and source are redacted first. */
static void record(struct bundle_writer *w, bool skipped, const char *collector, const char *path,
		   const char *source, const char *reason, double seconds)
{
	record_clean(w, skipped, collector, path ? bundle_path(w, path, NULL) : NULL,
		     redact_string(w, source, NULL), reason, seconds);
}

static int on_redacted(void *ctx, const void *buf, size_t len)
{
	struct bundle_writer *w = ctx;

	if (w->hash)
		crypto_hash_sha256_update(&w->sha, buf, len);
	w->cur.size += len;
	w->bytes_out += len;
	if (w->be->file_write(w->be, buf, len) < 0) {
		w->fatal = true;
		return -1;
	}
	return 0;
}

/* Start the file w->cur (path checked): the back end, the stream, the hash. */
static int file_start(struct bundle_writer *w, const char *logical_path, bool redact)
{
	if (w->be->file_begin(w->be, &w->cur) < 0) {
		w->fatal = true;
		return -1;
	}
	crypto_hash_sha256_init(&w->sha);
	w->started = monotonic();
	w->state = W_FILE;
	if (redact) {
		/* one stream for every file: its threads and caches carry over */
		if (w->rs)
			redact_stream_reset(w->rs, logical_path, on_redacted, w);
		else
			w->rs = redact_stream_new(w->engine, logical_path, on_redacted, w);
		if (!w->rs) {
			w->state = W_DROPPED;
			w->drop_reason = xstrdup("redaction failed: out of memory");
		}
	}
	return 0;
}

/* Drop the current file: the back end forgets it, the reason is recorded at end(). */
static int file_drop(struct bundle_writer *w, const char *why)
{
	if (w->state == W_DROPPED)
		return 0;
	w->state = W_DROPPED;
	free(w->drop_reason);
	w->drop_reason = xstrdup(why);
	if (w->be->file_drop(w->be) < 0) {
		w->fatal = true;
		return -1;
	}
	return 0;
}

static void file_reset(struct bundle_writer *w)
{
	manifest_file_release(&w->cur);
	free(w->drop_reason);
	w->drop_reason = NULL;
	sodium_memzero(&w->sha, sizeof(w->sha));
	w->state = W_IDLE;
}

/* The file is complete: the back end keeps it, the manifest lists it. */
static int file_keep(struct bundle_writer *w)
{
	if (w->hash)
		crypto_hash_sha256_final(&w->sha, w->cur.sha256);
	if (!w->cur.duration_ms)
		w->cur.duration_ms = (uint64_t)((monotonic() - w->started) * 1000 + 0.5);
	if (w->be->file_end(w->be, &w->cur) < 0) {
		w->fatal = true;
		return -1;
	}
	manifest_add_file(w->m, &w->cur);
	memset(&w->cur, 0, sizeof(w->cur));
	file_reset(w);
	progress_show(w, false);
	return 0;
}

/*
 * Fill w->cur for a new item. Returns 0, or 1 if the item was declined (and
 * recorded as skipped or failed).
 */
static int file_prepare(struct bundle_writer *w, const char *path, const char *collector,
			const char *kind, const char *source, const char *description,
			int64_t mtime)
{
	const char *why;

	memset(&w->cur, 0, sizeof(w->cur));
	if (redact_path_excluded(w->engine, path)) {
		record(w, true, collector, path, source, "excluded by the redaction policy", 0);
		return 1;
	}
	w->cur.path = bundle_path(w, path, &w->cur);
	why = manifest_path_check(w->m, w->cur.path);
	if (why) {
		char *reason = xasprintf("cannot store it as '%s': %s", w->cur.path, why);

		record(w, false, collector, path, source, reason, 0);
		free(reason);
		manifest_file_release(&w->cur);
		return 1;
	}
	w->cur.collector = manifest_clean_string(collector, strlen(collector));
	w->cur.kind = manifest_clean_string(kind, strlen(kind));
	w->cur.source = redact_string(w, source ? source : "", &w->cur);
	w->cur.description = manifest_clean_string(description ? description : "",
						   strlen(description ? description : ""));
	w->cur.mtime = mtime > 0 ? mtime : 0;
	return 0;
}

static const char *entry_name(const struct collect_item *item)
{
	return item->entry && *item->entry ? item->entry : item->collector;
}

static int sink_begin(struct collect_sink *sink, const struct collect_item *item)
{
	struct bundle_writer *w = sink->ctx;
	int r;

	if (w->state != W_IDLE)
		BUG("collect_sink.begin inside an item");
	if (w->fatal)
		return -1;
	r = file_prepare(w, item->path, entry_name(item), item->collector, item->source,
			 item->description, item->mtime);
	if (r)
		return r;
	if (file_start(w, item->path, true) < 0)
		return -1;
	progress_show(w, false);
	return 0;
}

static int sink_write(struct collect_sink *sink, const void *buf, size_t len)
{
	struct bundle_writer *w = sink->ctx;
	struct redact_err err;

	if (w->state == W_IDLE)
		BUG("collect_sink.write outside an item");
	if (w->fatal)
		return -1;
	w->bytes_in += len;
	if (w->state == W_DROPPED)
		return 0;
	if (redact_stream_write(w->rs, buf, len, &err) < 0) {
		char *why;
		int ret;

		if (w->fatal)
			return -1;
		why = xasprintf("redaction failed: %s", err.msg);
		ret = file_drop(w, why);
		free(why);
		return ret;
	}
	progress_show(w, false);
	return 0;
}

static int sink_end(struct collect_sink *sink, const struct collect_item_end *e);

/* What add_stderr() needs of a command item, kept past file_keep(). */
struct saved_item {
	char *path, *entry, *source, *description;
	int64_t mtime;
};

/*
 * A command's standard error: a file of its own next to its output,
 * "commands/x.txt" -> "commands/x.stderr.txt", redacted like the rest.
 */
static int add_stderr(struct bundle_writer *w, const struct saved_item *s, const char *text)
{
	struct collect_item it = { 0 };
	struct collect_item_end end = { 0 };
	size_t len = strlen(s->path);
	char *path, *desc;
	int ret;

	if (len > 4 && !strcmp(s->path + len - 4, ".txt"))
		path = xasprintf("%.*s.stderr.txt", (int)(len - 4), s->path);
	else
		path = xasprintf("%s.stderr", s->path);
	desc = xasprintf("standard error of: %s", s->description);
	it.path = path;
	it.collector = "command";
	it.entry = s->entry;
	it.source = s->source;
	it.description = desc;
	it.mtime = s->mtime;
	ret = sink_begin(&w->sink, &it);
	if (ret == 0) {
		end.source_bytes = strlen(text);
		ret = sink_write(&w->sink, text, strlen(text));
		if (ret == 0)
			ret = sink_end(&w->sink, &end);
	}
	free(path);
	free(desc);
	return ret < 0 ? -1 : 0;
}

static int sink_end(struct collect_sink *sink, const struct collect_item_end *e)
{
	struct bundle_writer *w = sink->ctx;
	const struct redact_report *rep = NULL;
	struct saved_item saved = { 0 };
	struct redact_err err;
	int ret;

	if (w->state == W_IDLE)
		BUG("collect_sink.end outside an item");
	if (w->fatal)
		return -1;
	if (w->state == W_FILE) {
		if (redact_stream_finish(w->rs, &err) < 0) {
			char *why = xasprintf("redaction failed: %s", err.msg);

			ret = w->fatal ? -1 : file_drop(w, why);
			free(why);
			if (ret < 0)
				return -1;
		} else if ((rep = redact_stream_report(w->rs))->binary &&
			   file_drop(w, "binary data: not collected, as it cannot be redacted") < 0) {
			return -1;
		}
	}
	if (w->state == W_DROPPED) {
		/* binary data is withheld on purpose; a redaction error is a failure */
		bool binary = !strncmp(w->drop_reason, "binary", 6);

		record_clean(w, binary, w->cur.collector, xstrdup(w->cur.path),
			     xstrdup(w->cur.source), w->drop_reason, e->seconds);
		file_reset(w);
		return 0;
	}
	for (size_t i = 0; i < rep->nrules; i++)
		manifest_file_count(&w->cur, rep->rules[i].rule, rep->rules[i].count);
	w->cur.source_size = e->source_bytes;
	w->cur.truncated = e->truncated;
	w->cur.time_filtered = e->time_filtered;
	if (!strcmp(w->cur.kind, "command")) {
		w->cur.has_exit = true;
		w->cur.exit_status = e->exit_status < -1 ? -1 : MIN(e->exit_status, 255);
		w->cur.timed_out = e->timed_out;
	}
	w->cur.error = redact_message(w, e->error, &w->cur);
	w->cur.note = redact_message(w, e->note, &w->cur);
	if (e->seconds > 0)
		w->cur.duration_ms = (uint64_t)(e->seconds * 1000 + 0.5);
	if (!e->stderr_text || !*e->stderr_text)
		return file_keep(w);
	saved.path = xstrdup(w->cur.path);
	saved.entry = xstrdup(w->cur.collector);
	saved.source = xstrdup(w->cur.source);
	saved.description = xstrdup(w->cur.description);
	saved.mtime = w->cur.mtime;
	ret = file_keep(w);
	if (ret == 0)
		ret = add_stderr(w, &saved, e->stderr_text);
	free(saved.path);
	free(saved.entry);
	free(saved.source);
	free(saved.description);
	return ret;
}

static void sink_item_failed(struct collect_sink *sink, const struct collect_item *item,
			     const char *reason)
{
	struct bundle_writer *w = sink->ctx;

	record(w, false, entry_name(item), item->path, item->source, reason, 0);
}

static void sink_item_skipped(struct collect_sink *sink, const struct collect_item *item,
			      const char *reason)
{
	struct bundle_writer *w = sink->ctx;

	record(w, true, entry_name(item), item->path, item->source, reason, 0);
}

static void sink_collector_failed(struct collect_sink *sink, const char *name, const char *reason,
				  double seconds)
{
	struct bundle_writer *w = sink->ctx;

	record(w, false, name, NULL, NULL, reason, seconds);
}

/* ------------------------------------------------------------ the writer */

struct bundle_writer *bundle_writer_new(struct manifest *m, const struct redact_engine *engine,
					struct bundle_backend *be, bool progress)
{
	struct bundle_writer *w = xcalloc(1, sizeof(*w));

	w->m = m;
	w->engine = engine;
	w->be = be;
	w->hash = !(be->flags & BUNDLE_BACKEND_HASHES);
	w->progress = progress;
	w->sink.begin = sink_begin;
	w->sink.write = sink_write;
	w->sink.end = sink_end;
	w->sink.item_failed = sink_item_failed;
	w->sink.item_skipped = sink_item_skipped;
	w->sink.collector_failed = sink_collector_failed;
	w->sink.budget_left = NULL;
	w->sink.ctx = w;
	return w;
}

struct collect_sink *bundle_writer_sink(struct bundle_writer *w)
{
	return &w->sink;
}

/*
 * Read fd to its end in blocks: each to feed(w, buf, n), hashed into sha
 * when it is not NULL. 0, or -1 after printing an error (reading) or when
 * feed() fails.
 */
static int pump(struct bundle_writer *w, int fd, const char *path,
		int (*feed)(struct bundle_writer *w, const void *buf, size_t len),
		crypto_hash_sha256_state *sha)
{
	unsigned char *buf = xmalloc(65536);
	int ret = 0;

	for (;;) {
		ssize_t n = fs_read_full(fd, buf, 65536);

		if (n < 0) {
			ret = error_errno("cannot read '%s'", path);
			break;
		}
		if (n == 0)
			break;
		if (sha)
			crypto_hash_sha256_update(sha, buf, (size_t)n);
		if (feed(w, buf, (size_t)n) < 0) {
			ret = -1;
			break;
		}
		if (n < 65536)
			break;
	}
	sodium_memzero(buf, 65536);
	free(buf);
	return ret;
}

static int feed_raw(struct bundle_writer *w, const void *buf, size_t len)
{
	w->bytes_in += len;
	return on_redacted(w, buf, len);
}

static int feed_sink(struct bundle_writer *w, const void *buf, size_t len)
{
	return sink_write(&w->sink, buf, len);
}

/*
 * Redact fd's content again through the collectors' own path (sink_begin,
 * sink_write, sink_end), with f's metadata standing in for the collector's.
 */
static int add_redacting(struct bundle_writer *w, const struct manifest_file *f, int fd,
			 crypto_hash_sha256_state *sha)
{
	struct collect_item it = { 0 };
	struct collect_item_end e = { 0 };
	size_t before = w->m->nfiles;
	int r;

	it.path = f->path;
	it.collector = f->kind ? f->kind : "file";
	it.entry = f->collector ? f->collector : "diag";
	it.source = f->source;
	it.description = f->description;
	it.mtime = f->mtime;
	r = sink_begin(&w->sink, &it);
	if (r)
		return r < 0 ? -1 : 1;
	for (size_t i = 0; i < f->nredactions; i++)
		manifest_file_count(&w->cur, f->redactions[i].rule, f->redactions[i].count);
	if (pump(w, fd, f->path, feed_sink, sha) < 0) {
		/* fatal: the run stops, and the back end is aborted with the writer */
		w->fatal = true;
		file_reset(w);
		return -1;
	}
	e.source_bytes = f->source_size;
	e.truncated = f->truncated;
	e.time_filtered = f->time_filtered;
	e.exit_status = f->exit_status;
	e.timed_out = f->timed_out;
	e.error = f->error;
	e.note = f->note;
	e.seconds = (double)f->duration_ms / 1000;
	if (sink_end(&w->sink, &e) < 0)
		return -1;
	return w->m->nfiles == before ? 1 : 0;
}

int bundle_writer_add_redacted(struct bundle_writer *w, const struct manifest_file *f, int fd,
			       bool redact_again, unsigned char in_sha256[32])
{
	crypto_hash_sha256_state sha;
	const char *why;
	int r;

	if (w->state != W_IDLE)
		BUG("bundle_writer_add_redacted inside an item");
	if (w->fatal)
		return -1;
	crypto_hash_sha256_init(&sha);
	if (redact_again) {
		r = add_redacting(w, f, fd, in_sha256 ? &sha : NULL);
		if (r >= 0 && in_sha256)
			crypto_hash_sha256_final(&sha, in_sha256);
		return r;
	}
	why = manifest_path_check(w->m, f->path);
	if (why)
		return error("cannot add '%s': %s", f->path, why);
	w->cur = *f;
	w->cur.path = xstrdup(f->path);
	w->cur.collector = xstrdup(f->collector ? f->collector : "diag");
	w->cur.kind = xstrdup(f->kind ? f->kind : "file");
	w->cur.source = xstrdup(f->source ? f->source : "");
	w->cur.description = xstrdup(f->description ? f->description : "");
	w->cur.error = f->error ? xstrdup(f->error) : NULL;
	w->cur.note = f->note ? xstrdup(f->note) : NULL;
	w->cur.redactions = NULL;
	w->cur.nredactions = 0;
	for (size_t i = 0; i < f->nredactions; i++)
		manifest_file_count(&w->cur, f->redactions[i].rule, f->redactions[i].count);
	w->cur.size = 0;
	if (file_start(w, NULL, false) < 0 || pump(w, fd, f->path, feed_raw, &sha) < 0) {
		file_reset(w);
		w->fatal = true;
		return -1;
	}
	if (in_sha256)
		crypto_hash_sha256_final(&sha, in_sha256);
	return file_keep(w);
}

int bundle_writer_finish(struct bundle_writer *w)
{
	int ret;

	progress_clear(w);
	/* after a fatal error the run stopped where it was, maybe inside an item */
	if (w->fatal)
		return -1;
	if (w->state != W_IDLE)
		BUG("bundle_writer_finish inside an item");
	w->finished = true;
	ret = w->be->finish(w->be, w->m);
	if (ret < 0)
		w->be->abort(w->be);
	return ret;
}

void bundle_writer_free(struct bundle_writer *w)
{
	if (!w)
		return;
	progress_clear(w);
	if (!w->finished)
		w->be->abort(w->be);
	file_reset(w);
	redact_stream_free(w->rs);
	free(w);
}

/* -------------------------------------------------------- null back end */

static int null_file_begin(struct bundle_backend *be, const struct manifest_file *f) { return 0; }
static int null_file_write(struct bundle_backend *be, const void *buf, size_t len) { return 0; }
static int null_file_end(struct bundle_backend *be, const struct manifest_file *f) { return 0; }
static int null_file_drop(struct bundle_backend *be) { return 0; }
static int null_finish(struct bundle_backend *be, struct manifest *m) { return 0; }
static void null_abort(struct bundle_backend *be) { }
static void null_free(struct bundle_backend *be) { free(be); }

struct bundle_backend *bundle_null_new(void)
{
	struct bundle_backend *be = xcalloc(1, sizeof(*be));

	be->file_begin = null_file_begin;
	be->file_write = null_file_write;
	be->file_end = null_file_end;
	be->file_drop = null_file_drop;
	be->finish = null_finish;
	be->abort = null_abort;
	be->free = null_free;
	return be;
}
