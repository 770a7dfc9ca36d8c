// SPDX-License-Identifier: MIT
/* stage.c - review stages: read what the reviewer left, compare with what was collected */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/stage.h"
#include "diag/tar.h"
#include "diag/util.h"

#define MARK_PREFIX "diag-stage 1 "
#define MARK_CONTEXT "diag stage manifest\n"
#define MAX_DEPTH 64

void stage_mark(const unsigned char key[32], const char *text, size_t len, struct strbuf *out)
{
	crypto_auth_hmacsha256_state st;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[65];

	crypto_auth_hmacsha256_init(&st, key, 32);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)MARK_CONTEXT, strlen(MARK_CONTEXT));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, len);
	crypto_auth_hmacsha256_final(&st, mac);
	strbuf_addf(out, "%s%s\n", MARK_PREFIX, hex_encode(mac, sizeof(mac), hex));
}

bool stage_is(const char *path)
{
	struct stat st;
	char *mark;
	bool is;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	mark = xasprintf("%s/%s", path, STAGE_MARK);
	is = lstat(mark, &st) == 0;
	free(mark);
	return is;
}

void stage_release(struct stage *st)
{
	for (size_t i = 0; i < st->nfiles; i++)
		free(st->files[i].path);
	free(st->files);
	free(st->present);
	manifest_free(st->m);
	strbuf_release(&st->manifest_text);
	free(st->dir);
	memset(st, 0, sizeof(*st));
	strbuf_init(&st->manifest_text, 0);
}

/* Read a small file under dirfd into sb, never through a symbolic link. 0 or -1 (errno set). */
static int read_at(int dirfd, const char *name, struct strbuf *sb, size_t max)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	struct stat s;
	int ret;

	if (fd < 0)
		return -1;
	if (fstat(fd, &s) < 0 || !S_ISREG(s.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	ret = fs_read_fd(fd, sb, max);
	close(fd);
	return ret;
}

struct walk {
	struct stage *st;
	unsigned flags;
	struct strbuf path;
	int err; /* an exit code, once something failed */
};

static int walk_fail(struct walk *w, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int walk_fail(struct walk *w, int code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error("stage '%s': %s", w->st->dir, msg);
	w->err = code;
	return -1;
}

static int hash_fd(int fd, struct stage_file *f)
{
	crypto_hash_sha256_state sha;
	unsigned char *buf = xmalloc(65536);
	ssize_t n;

	crypto_hash_sha256_init(&sha);
	while ((n = fs_read_full(fd, buf, 65536)) > 0) {
		crypto_hash_sha256_update(&sha, buf, (size_t)n);
		if (n < 65536)
			break;
	}
	sodium_memzero(buf, 65536);
	free(buf);
	crypto_hash_sha256_final(&sha, f->sha256);
	f->hashed = n >= 0;
	return n < 0 ? -1 : 0;
}

static int add_file(struct walk *w, int dirfd, const char *name, const struct stat *s)
{
	struct stage *st = w->st;
	struct stage_file *f;

	if (st->nfiles >= STAGE_MAX_FILES)
		return walk_fail(w, DIAG_EXIT_INPUT, "it holds more than %d files", STAGE_MAX_FILES);
	ALLOC_GROW(st->files, st->nfiles + 1, st->alloc);
	f = &st->files[st->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(w->path.buf);
	f->size = (uint64_t)s->st_size;
	f->index = -1;
	if (w->flags & STAGE_HASH) {
		int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);

		if (fd < 0 || hash_fd(fd, f) < 0) {
			if (fd >= 0)
				close(fd);
			return walk_fail(w, DIAG_EXIT_IO, "cannot read '%s'", w->path.buf);
		}
		close(fd);
	}
	return 0;
}

/* Every regular file under dirfd (the directory w->path), recursively. */
static int walk_dir(struct walk *w, int fd, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	size_t base = w->path.len;
	int ret = 0;

	if (!d) {
		close(fd);
		return walk_fail(w, DIAG_EXIT_IO, "cannot list '%s'", w->path.buf);
	}
	while (!ret && (errno = 0, e = readdir(d))) {
		struct stat s;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		/* the stage's own files, at its top */
		if (!depth && (!strcmp(e->d_name, MANIFEST_NAME) || !strcmp(e->d_name, STAGE_MARK)))
			continue;
		strbuf_setlen(&w->path, base);
		if (base)
			strbuf_addch(&w->path, '/');
		strbuf_addstr(&w->path, e->d_name);
		if (fstatat(fd, e->d_name, &s, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = walk_fail(w, DIAG_EXIT_IO, "cannot read '%s'", w->path.buf);
		} else if (S_ISREG(s.st_mode)) {
			ret = add_file(w, fd, e->d_name, &s);
		} else if (S_ISDIR(s.st_mode)) {
			int sub = openat(fd, e->d_name,
					 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (depth >= MAX_DEPTH)
				ret = walk_fail(w, DIAG_EXIT_INPUT, "'%s' is nested too deep",
						w->path.buf);
			else if (sub < 0)
				ret = walk_fail(w, DIAG_EXIT_IO, "cannot open '%s'",
						w->path.buf);
			else
				ret = walk_dir(w, sub, depth + 1);
			if (ret < 0 && sub >= 0 && depth >= MAX_DEPTH)
				close(sub);
		} else {
			/* PROMISE: a stage never leads diag to anything but its own files. */
			ret = walk_fail(w, DIAG_EXIT_INPUT, "'%s' is not a regular file "
					"(a link, a device, a FIFO or a socket): remove it", w->path.buf);
		}
	}
	if (!ret && errno)
		ret = walk_fail(w, DIAG_EXIT_IO, "cannot list '%s'", w->path.buf);
	strbuf_setlen(&w->path, base);
	closedir(d);
	return ret;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct stage_file *)a)->path, ((const struct stage_file *)b)->path);
}

static int cmp_index(const void *a, const void *b, void *ctx)
{
	const struct manifest *m = ctx;

	return strcmp(m->files[*(const size_t *)a].path, m->files[*(const size_t *)b].path);
}

/*
 * Match the files found with the manifest's (both sorted by path, then one
 * pass), and put them in order: the manifest's, then the added ones by path.
 */
static void match(struct stage *st)
{
	const struct manifest *m = st->m;
	size_t n = m->nfiles ? m->nfiles : 1, *order = xmalloc(n * sizeof(size_t));
	ssize_t *found = xmalloc(n * sizeof(ssize_t));
	struct stage_file *sorted = xmalloc((st->nfiles ? st->nfiles : 1) * sizeof(*sorted));
	size_t i, j, k = 0;

	qsort(st->files, st->nfiles, sizeof(*st->files), cmp_path);
	for (i = 0; i < m->nfiles; i++) {
		order[i] = i;
		found[i] = -1;
	}
	qsort_r(order, m->nfiles, sizeof(size_t), cmp_index, (void *)m);
	st->present = xcalloc(n, sizeof(bool));
	for (i = j = 0; i < st->nfiles && j < m->nfiles; ) {
		int c = strcmp(st->files[i].path, m->files[order[j]].path);

		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			st->files[i].index = (ssize_t)order[j];
			found[order[j]] = (ssize_t)i;
			st->present[order[j]] = true;
			i++;
			j++;
		}
	}
	for (i = 0; i < m->nfiles; i++)
		if (found[i] >= 0)
			sorted[k++] = st->files[found[i]];
	st->nadded = st->nfiles - k;
	for (i = 0; i < st->nfiles; i++)
		if (st->files[i].index < 0)
			sorted[k++] = st->files[i];
	free(st->files);
	st->files = sorted;
	st->alloc = st->nfiles;
	free(order);
	free(found);
}

int stage_open(struct stage *st, const char *dir, const unsigned char *key, unsigned flags)
{
	struct walk w = { st, flags, STRBUF_INIT, 0 };
	struct strbuf mark = STRBUF_INIT, want = STRBUF_INIT;
	char *what;
	int dirfd, ret;

	st->dir = xstrdup(dir);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		error_errno("cannot open the stage '%s'", dir);
		return errno == ENOTDIR ? DIAG_EXIT_USAGE : DIAG_EXIT_IO;
	}
	if (read_at(dirfd, STAGE_MARK, &mark, 4096) < 0) {
		close(dirfd);
		error("'%s' is not a review stage (no %s: make one with 'diag collect --stage')", dir,
		      STAGE_MARK);
		return DIAG_EXIT_INPUT;
	}
	if (read_at(dirfd, MANIFEST_NAME, &st->manifest_text, MANIFEST_MAX_SIZE) < 0) {
		close(dirfd);
		strbuf_release(&mark);
		error_errno("stage '%s': cannot read %s", dir, MANIFEST_NAME);
		return DIAG_EXIT_INPUT;
	}
	what = xasprintf("stage '%s': %s", dir, MANIFEST_NAME);
	ret = manifest_parse_canonical(&st->m, st->manifest_text.buf, st->manifest_text.len, what);
	free(what);
	if (!ret && (st->m->has_payload || st->m->reviewed)) {
		error("stage '%s': %s is a sealed bundle's, not a stage's", dir, MANIFEST_NAME);
		ret = -1;
	}
	if (!ret && key) {
		stage_mark(key, st->manifest_text.buf, st->manifest_text.len, &want);
		if (mark.len != want.len || sodium_memcmp(mark.buf, want.buf, want.len)) {
			error("stage '%s': %s was changed since diag collect wrote it (or another site's "
			      "key made the stage): remove or change files, never the manifest", dir,
			      MANIFEST_NAME);
			ret = -1;
		}
	}
	strbuf_release(&mark);
	strbuf_release(&want);
	if (ret < 0) {
		close(dirfd);
		return DIAG_EXIT_INPUT;
	}
	if (walk_dir(&w, dirfd, 0) < 0) {
		strbuf_release(&w.path);
		return w.err;
	}
	strbuf_release(&w.path);
	match(st);
	return 0;
}

static void copy_failures(struct manifest *to, const struct manifest_failure *v, size_t n,
			  bool skipped)
{
	for (size_t i = 0; i < n; i++) {
		struct manifest_failure f = v[i];

		f.collector = xstrdup(v[i].collector);
		f.path = v[i].path ? xstrdup(v[i].path) : NULL;
		f.source = v[i].source ? xstrdup(v[i].source) : NULL;
		f.reason = xstrdup(v[i].reason);
		if (skipped)
			manifest_add_skipped(to, &f);
		else
			manifest_add_failure(to, &f);
	}
}

struct manifest *stage_manifest_base(const struct manifest *m, int64_t sealed)
{
	struct manifest *b = manifest_new();

	free(b->tool);
	free(b->host);
	free(b->spec.name);
	free(b->policy.name);
	b->tool = xstrdup(m->tool);
	b->host = xstrdup(m->host);
	b->created = m->created;
	b->has_window = m->has_window;
	b->since = m->since;
	b->until = m->until;
	b->spec.name = xstrdup(m->spec.name);
	memcpy(b->spec.sha256, m->spec.sha256, 32);
	b->policy.name = xstrdup(m->policy.name);
	memcpy(b->policy.sha256, m->policy.sha256, 32);
	b->file_cap = m->file_cap;
	b->budget = m->budget;
	copy_failures(b, m->failures, m->nfailures, false);
	copy_failures(b, m->skipped, m->nskipped, true);
	b->reviewed = true;
	b->sealed = sealed;
	return b;
}

/* A copy of f (its strings and counts) to add to another manifest. */
static void file_copy(struct manifest_file *to, const struct manifest_file *f)
{
	*to = *f;
	to->path = xstrdup(f->path);
	to->collector = xstrdup(f->collector);
	to->kind = xstrdup(f->kind);
	to->source = xstrdup(f->source);
	to->description = xstrdup(f->description);
	to->error = f->error ? xstrdup(f->error) : NULL;
	to->note = f->note ? xstrdup(f->note) : NULL;
	to->redactions = NULL;
	to->nredactions = 0;
	for (size_t i = 0; i < f->nredactions; i++)
		manifest_file_count(to, f->redactions[i].rule, f->redactions[i].count);
	to->has_offset = false;
}

struct manifest *stage_preview(const struct stage *st, int64_t now)
{
	struct manifest *p = stage_manifest_base(st->m, now);

	for (size_t i = 0; i < st->nfiles; i++) {
		const struct stage_file *sf = &st->files[i];
		struct manifest_file f = { 0 };
		const char *why;

		if (sf->index >= 0) {
			const struct manifest_file *c = &st->m->files[sf->index];

			file_copy(&f, c);
			if (sf->size != c->size || memcmp(sf->sha256, c->sha256, 32))
				f.review = MANIFEST_REVIEW_CHANGED;
		} else {
			why = manifest_path_check(p, sf->path);
			if (why) {
				struct manifest_failure fail = { 0 };

				fail.collector = xstrdup("review");
				fail.source = manifest_clean_string(sf->path, strlen(sf->path));
				fail.reason = xasprintf("added by the reviewer, but its name cannot be stored "
							"as it is (%s)", why);
				manifest_add_failure(p, &fail);
				continue;
			}
			f.path = xstrdup(sf->path);
			f.collector = xstrdup("review");
			f.kind = xstrdup("file");
			f.source = xstrdup("");
			f.description = xstrdup("added by the reviewer");
			f.review = MANIFEST_REVIEW_ADDED;
		}
		f.size = sf->size;
		memcpy(f.sha256, sf->sha256, 32);
		manifest_add_file(p, &f);
	}
	for (size_t i = 0; i < st->m->nfiles; i++)
		if (!st->present[i])
			manifest_add_removed(p, st->m->files[i].path, st->m->files[i].size,
					     st->m->files[i].sha256);
	return p;
}
