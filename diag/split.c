// SPDX-License-Identifier: MIT
/* split.c - multi-part media files: OUT.001, OUT.002, ... and OUT.sha256 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/split.h"
#include "diag/strbuf.h"
#include "diag/util.h"

#define SUMS_MAX (SPLIT_MAX_PARTS * 4096)

/* Split path into its directory ("." if none) and base name; both the caller's. */
static void split_path(const char *path, char **dir, char **name)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*dir = xstrdup(".");
		*name = xstrdup(path);
	} else {
		*dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
		*name = xstrdup(slash + 1);
	}
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

struct split_writer {
	char *path, *dir, *name, *tmpdir;
	uint64_t part_size;
	mode_t mode;
	unsigned parts;     /* parts opened so far */
	int fd;             /* the current part, or -1 */
	uint64_t in_part;   /* bytes in the current part */
	uint64_t total;
	crypto_hash_sha256_state whole, part;
	struct strbuf sums; /* OUT.sha256's content so far */
};

static char *tmp_part(const struct split_writer *w, unsigned n)
{
	return xasprintf("%s/%s.%03u", w->tmpdir, w->name, n);
}

static char *final_part(const struct split_writer *w, unsigned n)
{
	return xasprintf("%s/%s.%03u", w->dir, w->name, n);
}

static void writer_free(struct split_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmpdir) {
		fs_remove_tree(w->tmpdir);
		fs_cleanup_unregister(w->tmpdir);
	}
	free(w->path);
	free(w->dir);
	free(w->name);
	free(w->tmpdir);
	strbuf_release(&w->sums);
	free(w);
}

int split_writer_open(struct split_writer **out, const char *path, uint64_t part_size, mode_t mode)
{
	struct split_writer *w;
	char *first, *sums;
	int clash;

	if (!part_size)
		return error("cannot split '%s' into parts of 0 bytes", path);
	if (!strcmp(path, "-"))
		return error("cannot split standard output into parts");
	w = xcalloc(1, sizeof(*w));
	w->fd = -1;
	w->path = xstrdup(path);
	w->part_size = part_size;
	w->mode = mode;
	split_path(path, &w->dir, &w->name);
	strbuf_init(&w->sums, 0);
	if (!*w->name || strpbrk(w->name, "\\\n\r")) {
		error("cannot split '%s': its name cannot be listed in a checksum file", path);
		goto fail;
	}
	first = final_part(w, 1);
	sums = xasprintf("%s%s", path, SPLIT_SUMS_SUFFIX);
	clash = exists(first) ? 1 : exists(sums) ? 2 : 0;
	if (clash)
		error("'%s' already exists; not overwriting it", clash == 1 ? first : sums);
	free(first);
	free(sums);
	if (clash)
		goto fail;
	w->tmpdir = xasprintf("%s/.%s.split.XXXXXX", w->dir, w->name);
	if (!mkdtemp(w->tmpdir)) {
		error_errno("cannot create a temporary directory beside '%s'", path);
		free(w->tmpdir);
		w->tmpdir = NULL;
		goto fail;
	}
	fs_cleanup_register(w->tmpdir);
	crypto_hash_sha256_init(&w->whole);
	*out = w;
	return 0;
fail:
	writer_free(w);
	return -1;
}

/* Sync and close the current part, and list it in the sums. */
static int finish_part(struct split_writer *w)
{
	unsigned char h[32];
	char hex[65];

	if (fsync(w->fd) < 0 || close(w->fd) < 0) {
		w->fd = -1;
		return error_errno("cannot write part %u of '%s'", w->parts, w->path);
	}
	w->fd = -1;
	crypto_hash_sha256_final(&w->part, h);
	strbuf_addf(&w->sums, "%s  %s.%03u\n", hex_encode(h, 32, hex), w->name, w->parts);
	return 0;
}

static int next_part(struct split_writer *w)
{
	char *p;

	if (w->fd >= 0 && finish_part(w) < 0)
		return -1;
	if (w->parts == SPLIT_MAX_PARTS)
		return error("cannot split '%s' into more than %d parts: use a larger part size",
			     w->path, SPLIT_MAX_PARTS);
	p = tmp_part(w, ++w->parts);
	w->fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0 || fchmod(w->fd, w->mode) < 0) {
		error_errno("cannot create '%s'", p);
		free(p);
		return -1;
	}
	free(p);
	w->in_part = 0;
	crypto_hash_sha256_init(&w->part);
	return 0;
}

int split_writer_write(struct split_writer *w, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		size_t n;

		if ((w->fd < 0 || w->in_part == w->part_size) && next_part(w) < 0)
			return -1;
		n = (size_t)MIN((uint64_t)len, w->part_size - w->in_part);
		if (fs_write_all(w->fd, p, n) < 0)
			return error_errno("cannot write part %u of '%s'", w->parts, w->path);
		crypto_hash_sha256_update(&w->part, p, n);
		crypto_hash_sha256_update(&w->whole, p, n);
		w->in_part += n;
		w->total += n;
		p += n;
		len -= n;
	}
	return 0;
}

/* rename() that never replaces dst (where the file system cannot promise that, a check first). */
static int move_noreplace(const char *src, const char *dst)
{
	if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (exists(dst)) {
		errno = EEXIST;
		return -1;
	}
	return rename(src, dst);
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Move parts 1..n (and, with sums, OUT.sha256) between the temporary directory and the final names. */
static int move_all(struct split_writer *w, unsigned n, bool sums, bool back)
{
	for (unsigned i = 1; i <= n + sums; i++) {
		char *t = i <= n ? tmp_part(w, i) : xasprintf("%s/%s%s", w->tmpdir, w->name, SPLIT_SUMS_SUFFIX);
		char *f = i <= n ? final_part(w, i) : xasprintf("%s%s", w->path, SPLIT_SUMS_SUFFIX);
		int r = back ? rename(f, t) : move_noreplace(t, f);

		if (r < 0 && !back) {
			if (errno == EEXIST)
				error("'%s' already exists; not overwriting it", f);
			else
				error_errno("cannot move '%s' into place", f);
			free(t);
			free(f);
			move_all(w, i - 1 < n ? i - 1 : n, false, true);
			return -1;
		}
		free(t);
		free(f);
	}
	return 0;
}

int split_writer_commit(struct split_writer *w, struct split_info *info)
{
	char *sums_tmp = NULL;
	sigset_t block, old;
	int fd, ret = -1;

	if (w->fd < 0 && !w->parts && next_part(w) < 0) /* an empty whole is one empty part */
		goto out;
	if (w->fd >= 0 && finish_part(w) < 0)
		goto out;
	sums_tmp = xasprintf("%s/%s%s", w->tmpdir, w->name, SPLIT_SUMS_SUFFIX);
	fd = open(sums_tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || fs_write_all(fd, w->sums.buf, w->sums.len) < 0 || fsync(fd) < 0) {
		error_errno("cannot write '%s%s'", w->path, SPLIT_SUMS_SUFFIX);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (close(fd) < 0) {
		error_errno("cannot write '%s%s'", w->path, SPLIT_SUMS_SUFFIX);
		goto out;
	}
	fsync_dir(w->tmpdir);

	/* No signal between the first rename and the last: all the files appear, or none. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	ret = move_all(w, w->parts, true, false);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret < 0)
		goto out;
	fsync_dir(w->dir);
	if (info) {
		info->parts = w->parts;
		info->size = w->total;
		crypto_hash_sha256_final(&w->whole, info->sha256);
	}
out:
	free(sums_tmp);
	writer_free(w);
	return ret;
}

void split_writer_abort(struct split_writer *w)
{
	if (w)
		writer_free(w);
}

/* Copy s, with anything unprintable replaced by '?', for messages about untrusted names. */
static char *printable(const char *s, size_t n)
{
	char *p = xstrndup(s, MIN(n, 200));

	for (char *q = p; *q; q++)
		if (!isprint((unsigned char)*q))
			*q = '?';
	return p;
}

int split_sums_parse(const char *text, size_t len, const char *what, const char *name,
		     unsigned char (**sums)[32], size_t *nr)
{
	unsigned char (*out)[32] = NULL;
	size_t n = 0, alloc = 0, namelen = strlen(name), lineno = 0;
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t next = l + (nl != NULL);
		const char *fname;
		size_t flen;
		char want[16];

		lineno++;
		if (nl && l && p[l - 1] == '\r')
			l--;
		if (!l) {
			error("'%s' line %zu: empty line", what, lineno);
			goto fail;
		}
		if (p[0] == '\\') {
			error("'%s' line %zu: escaped file names are not supported", what, lineno);
			goto fail;
		}
		if (l < 67 || p[64] != ' ' || (p[65] != ' ' && p[65] != '*') ||
		    memchr(p, '\0', l) || memchr(p, '\r', l)) {
			error("'%s' line %zu: not a line of sha256sum output", what, lineno);
			goto fail;
		}
		if (n == SPLIT_MAX_PARTS) {
			error("'%s' lists more than %d parts", what, SPLIT_MAX_PARTS);
			goto fail;
		}
		ALLOC_GROW(out, n + 1, alloc);
		{
			char hex[65];

			memcpy(hex, p, 64);
			hex[64] = '\0';
			for (int i = 0; i < 64; i++)
				hex[i] = (char)tolower((unsigned char)hex[i]);
			if (hex_decode(hex, out[n], 32) < 0) {
				error("'%s' line %zu: not a SHA-256 in hex", what, lineno);
				goto fail;
			}
		}
		fname = p + 66;
		flen = l - 66;
		snprintf(want, sizeof(want), ".%03zu", n + 1);
		if (flen != namelen + 4 || memcmp(fname, name, namelen) || memcmp(fname + namelen, want, 4)) {
			char *got = printable(fname, flen);

			error("'%s' line %zu: lists '%s' where '%s%s' was expected", what, lineno, got, name, want);
			free(got);
			goto fail;
		}
		n++;
		p += next;
	}
	if (!n) {
		error("'%s' lists no parts", what);
		goto fail;
	}
	*sums = out;
	*nr = n;
	return 0;
fail:
	free(out);
	return -1;
}

int split_detect(const char *path, char **base)
{
	size_t n = strlen(path), sl = strlen(SPLIT_SUMS_SUFFIX);
	char *b, *first;
	bool found;

	if (n > sl && !strcmp(path + n - sl, SPLIT_SUMS_SUFFIX) && path[n - sl - 1] != '/') {
		*base = xstrndup(path, n - sl);
		return 1;
	}
	if (n > 4 && path[n - 4] == '.' && isdigit((unsigned char)path[n - 3]) &&
	    isdigit((unsigned char)path[n - 2]) && isdigit((unsigned char)path[n - 1])) {
		b = xstrndup(path, n - 4);
		first = xasprintf("%s.001", b);
		found = exists(first);
		free(first);
		if (found) {
			*base = b;
			return 1;
		}
		free(b);
	}
	if (exists(path))
		return 0;
	first = xasprintf("%s.001", path);
	found = exists(first);
	free(first);
	if (found)
		*base = xstrdup(path);
	return found;
}

/* The part numbers present beside base: present[k] for OUT.k (k in 0..999). -1 on error. */
static int scan_parts(const char *dir, const char *name, bool present[SPLIT_MAX_PARTS + 1])
{
	size_t namelen = strlen(name);
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return error_errno("cannot list '%s'", dir);
	while ((de = readdir(d))) {
		const char *s = de->d_name;

		if (strlen(s) == namelen + 4 && !memcmp(s, name, namelen) && s[namelen] == '.' &&
		    isdigit((unsigned char)s[namelen + 1]) && isdigit((unsigned char)s[namelen + 2]) &&
		    isdigit((unsigned char)s[namelen + 3]))
			present[(s[namelen + 1] - '0') * 100 + (s[namelen + 2] - '0') * 10 +
				(s[namelen + 3] - '0')] = true;
	}
	closedir(d);
	return 0;
}

void split_close(struct split_set *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	for (size_t i = 0; i < s->nr; i++)
		free(s->parts[i].path);
	free(s->parts);
	free(s->base);
	free(s->sums_path);
	free(s);
}

/*
 * SPLIT_LENIENT: give every part its nominal place and size; report
 * missing and odd-sized parts as warnings. Returns the number of problems
 * that still prevent reading (no part that gives the part size).
 */
static int place_parts_leniently(struct split_set *s, size_t last)
{
	for (size_t k = 1; k <= last; k++) {
		struct split_part *p = &s->parts[k - 1];

		if (!p->missing && k < last)
			s->part_size = MAX(s->part_size, p->size);
	}
	if (last == 1 && !s->parts[0].missing)
		s->part_size = s->parts[0].size;
	if (!s->part_size)
		return error("no part of '%s' tells the part size: too many parts are missing", s->base);
	for (size_t k = 1; k <= last; k++) {
		struct split_part *p = &s->parts[k - 1];

		p->offset = (uint64_t)(k - 1) * s->part_size;
		if (p->missing) {
			warning("part '%s' is missing: its bytes are lost", p->path);
			p->size = 0;
		} else if ((k < last && p->size != s->part_size) || p->size > s->part_size) {
			warning("part '%s' is %llu bytes where %llu were expected: damaged", p->path,
				(unsigned long long)p->size, (unsigned long long)s->part_size);
			p->size = MIN(p->size, s->part_size);
		}
	}
	/* A missing last part may have been as large as any. */
	s->size = s->parts[last - 1].offset +
		(s->parts[last - 1].missing ? s->part_size : s->parts[last - 1].size);
	return 0;
}

/* Check which parts exist and their sizes, printing every problem. Returns the number of problems. */
static int check_parts(struct split_set *s, const char *dir, const char *name,
		       const bool present[SPLIT_MAX_PARTS + 1], size_t nr_listed, bool lenient)
{
	size_t last = nr_listed;
	int problems = 0;

	if (!s->sums_path) {
		for (last = SPLIT_MAX_PARTS; last && !present[last]; last--)
			;
		if (!last) {
			error("no parts of '%s' found (no '%s.001')", s->base, s->base);
			return 1;
		}
		warning("no '%s%s': parts missing after '%s.%03zu' cannot be noticed", s->base,
			SPLIT_SUMS_SUFFIX, s->base, last);
	}
	for (size_t k = 0; k <= SPLIT_MAX_PARTS; k++) {
		if (present[k] && (k == 0 || k > last)) {
			problems++;
			if (s->sums_path)
				error("extra part '%s/%s.%03zu': it is not listed in '%s'", dir, name, k, s->sums_path);
			else
				error("unexpected part '%s/%s.%03zu'", dir, name, k);
		}
	}
	s->parts = xcalloc(last, sizeof(*s->parts));
	s->nr = last;
	for (size_t k = 1; k <= last; k++) {
		struct split_part *p = &s->parts[k - 1];
		struct stat st;

		p->path = xasprintf("%s/%s.%03zu", dir, name, k);
		if (!present[k] && lenient) {
			p->missing = true;
		} else if (!present[k]) {
			problems++;
			error("part '%s' is missing", p->path);
		} else if (stat(p->path, &st) < 0) {
			problems++;
			error_errno("cannot read part '%s'", p->path);
		} else if (!S_ISREG(st.st_mode)) {
			problems++;
			error("part '%s' is not a regular file", p->path);
		} else {
			p->size = (uint64_t)st.st_size;
			if (k < last)
				s->part_size = MAX(s->part_size, p->size);
		}
	}
	if (problems)
		return problems;
	if (lenient)
		return place_parts_leniently(s, last) < 0 ? 1 : 0;
	if (last == 1)
		s->part_size = s->parts[0].size;
	for (size_t k = 1; k <= last; k++) {
		struct split_part *p = &s->parts[k - 1];

		p->offset = (uint64_t)(k - 1) * s->part_size;
		if (k < last && p->size != s->part_size) {
			problems++;
			error("part '%s' is %llu bytes where %llu were expected: truncated or damaged", p->path,
			      (unsigned long long)p->size, (unsigned long long)s->part_size);
		} else if (k == last && last > 1 && (p->size > s->part_size || !p->size)) {
			problems++;
			error("part '%s' is %llu bytes: the last part must hold 1 to %llu", p->path,
			      (unsigned long long)p->size, (unsigned long long)s->part_size);
		}
	}
	if (!problems)
		s->size = s->parts[last - 1].offset + s->parts[last - 1].size;
	return problems;
}

int split_open(struct split_set **out, const char *base, unsigned flags)
{
	struct split_set *s = xcalloc(1, sizeof(*s));
	bool present[SPLIT_MAX_PARTS + 1] = { false };
	unsigned char (*sums)[32] = NULL;
	size_t nr_sums = 0;
	char *dir, *name, *sums_path;
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	s->fd = -1;
	s->base = xstrdup(base);
	split_path(base, &dir, &name);
	sums_path = xasprintf("%s%s", base, SPLIT_SUMS_SUFFIX);
	if (exists(sums_path)) {
		if (fs_read_file(sums_path, &sb, SUMS_MAX) < 0 ||
		    split_sums_parse(sb.buf, sb.len, sums_path, name, &sums, &nr_sums) < 0)
			goto out;
		s->sums_path = sums_path;
		sums_path = NULL;
	} else if (flags & SPLIT_NEED_SUMS) {
		error("'%s' is missing: there is nothing to check the parts against", sums_path);
		goto out;
	}
	if (scan_parts(dir, name, present) < 0 ||
	    check_parts(s, dir, name, present, nr_sums, flags & SPLIT_LENIENT))
		goto out;
	for (size_t i = 0; i < nr_sums; i++) {
		s->parts[i].has_sha256 = true;
		memcpy(s->parts[i].sha256, sums[i], 32);
	}
	*out = s;
	s = NULL;
	ret = 0;
out:
	split_close(s);
	free(sums);
	free(sums_path);
	free(dir);
	free(name);
	strbuf_release(&sb);
	return ret;
}

int split_locate(const struct split_set *s, uint64_t off, size_t *part, uint64_t *part_off)
{
	size_t i;

	if (off >= s->size || !s->part_size)
		return -1;
	i = (size_t)(off / s->part_size);
	if (i >= s->nr)
		i = s->nr - 1;
	*part = i;
	*part_off = off - s->parts[i].offset;
	return 0;
}

char *split_describe(const struct split_set *s, uint64_t off)
{
	size_t i;
	uint64_t po;

	if (split_locate(s, off, &i, &po) < 0)
		return xasprintf("offset %llu, beyond the end of '%s'", (unsigned long long)off, s->base);
	return xasprintf("'%s' at offset %llu (offset %llu of the whole)", s->parts[i].path,
			 (unsigned long long)po, (unsigned long long)off);
}

static int open_part(struct split_set *s, size_t i)
{
	if (s->fd >= 0 && s->fd_part == i)
		return 0;
	if (s->parts[i].missing)
		return error("cannot read part '%s': it is missing", s->parts[i].path);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = open(s->parts[i].path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (s->fd < 0)
		return error_errno("cannot open part '%s'", s->parts[i].path);
	s->fd_part = i;
	return 0;
}

ssize_t split_pread(struct split_set *s, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		size_t i;
		uint64_t po;
		ssize_t n;

		if (split_locate(s, off + got, &i, &po) < 0)
			break;
		if (po >= s->parts[i].size && !s->parts[i].missing) {
			/* SPLIT_LENIENT: a part shorter than its place */
			error("cannot read part '%s' at offset %llu: it ends at %llu (truncated)",
			      s->parts[i].path, (unsigned long long)po,
			      (unsigned long long)s->parts[i].size);
			return -1;
		}
		if (open_part(s, i) < 0)
			return -1;
		n = pread(s->fd, p + got, (size_t)MIN((uint64_t)(len - got), s->parts[i].size - po), (off_t)po);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			char *where = split_describe(s, off + got);

			if (n < 0)
				error_errno("cannot read %s", where);
			else
				error("cannot read %s: the part is shorter than when it was opened", where);
			free(where);
			return -1;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int split_verify(struct split_set *s)
{
	unsigned char *buf, h[32];
	int damaged = 0;

	if (!s->sums_path)
		return error("no '%s%s': there is nothing to check the parts against", s->base,
			     SPLIT_SUMS_SUFFIX);
	buf = xmalloc(1 << 16);
	for (size_t i = 0; i < s->nr; i++) {
		struct split_part *p = &s->parts[i];
		crypto_hash_sha256_state st;
		uint64_t off = 0;
		ssize_t n = 0;
		int fd = open(p->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

		if (fd < 0) {
			error_errno("cannot open part '%s'", p->path);
			p->damaged = true;
			damaged++;
			continue;
		}
		crypto_hash_sha256_init(&st);
		while ((n = fs_read_full(fd, buf, 1 << 16)) > 0) {
			crypto_hash_sha256_update(&st, buf, (size_t)n);
			off += (uint64_t)n;
		}
		close(fd);
		crypto_hash_sha256_final(&st, h);
		if (n < 0) {
			error_errno("part '%s' is damaged: cannot read it at offset %llu", p->path,
				    (unsigned long long)off);
			p->damaged = true;
		} else if (memcmp(h, p->sha256, 32)) {
			error("part '%s' is damaged: its SHA-256 does not match '%s'", p->path, s->sums_path);
			p->damaged = true;
		}
		damaged += p->damaged;
	}
	free(buf);
	return damaged;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t len)
{
	struct split_set *s = cookie;
	ssize_t n = split_pread(s, buf, len, s->pos);

	if (n > 0)
		s->pos += (uint64_t)n;
	return n;
}

static int cookie_seek(void *cookie, off64_t *off, int whence)
{
	struct split_set *s = cookie;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)s->pos : (int64_t)s->size;
	int64_t to;

	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
		errno = EINVAL;
		return -1;
	}
	if (__builtin_add_overflow(base, (int64_t)*off, &to)) {
		errno = EOVERFLOW;
		return -1;
	}
	if (to < 0) {
		errno = EINVAL;
		return -1;
	}
	s->pos = (uint64_t)to;
	*off = (off64_t)s->pos;
	return 0;
}

FILE *split_fopen(struct split_set *s)
{
	cookie_io_functions_t io = { cookie_read, NULL, cookie_seek, NULL };
	FILE *f;

	s->pos = 0;
	f = fopencookie(s, "r", io);
	if (!f)
		error_errno("cannot open '%s' as a stream", s->base);
	return f;
}
