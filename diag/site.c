// SPDX-License-Identifier: MIT
/*
 * site.c - the site key, the pseudonym map, and host facts for redaction
 *
 * The key file (site.key) is 32 random bytes. It is created by writing a
 * temporary file (O_EXCL, 0600), fsyncing it and link()ing it to its final
 * name: link() never replaces an existing file, so when two diag processes
 * race the loser removes its temporary file and reads the winner's key, and
 * nobody ever sees a half-written key.
 *
 * The pseudonym map (pseudonyms.map) is a text file, one entry a line:
 *     TOKEN <TAB> KIND <TAB> ORIGINAL <LF>
 * where each field has every byte outside printable ASCII, and the
 * backslash, written as \xHH (site_escape(): so a field never holds a tab
 * or a newline).
 * It is only ever appended to, under flock(LOCK_EX); a writer first reads
 * what is there so that no line is written twice, even by two processes.
 * A torn last line (a crash mid-append) is ignored by readers and
 * terminated by the next writer.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/util.h"

#define SITE_KEY_NAME "site.key"
#define SITE_MAP_NAME "pseudonyms.map"
#define SITE_MAP_HEADER "# diag pseudonym map v1: TOKEN<TAB>KIND<TAB>ORIGINAL, bytes escaped as \\xHH\n"
/*
 * Map lines held in memory before they are appended to the map: memory stays
 * flat however many values a run pseudonymises (an entry already in the map
 * keeps only its hash, to write each line once).
 */
#define SITE_FLUSH_AT 16384

/*
 * One remembered pseudonym: line is the escaped map line, without its
 * newline, until it is in the map; then NULL, and hash and len stand for it.
 */
struct site_entry {
	char *line;
	size_t len;
	uint64_t hash;
	bool used, persisted;
};

struct site {
	char *dir, *key_path, *map_path;
	unsigned char *key; /* sodium_malloc'ed, read-only once loaded */
	pthread_mutex_t lock;
	struct site_entry *tab; /* open addressing, power-of-two size */
	size_t cap, n;
	size_t pending;         /* entries whose line is not in the map yet */
	bool flush_failed;      /* an early flush failed: wait for site_flush() */
	bool unsynced;          /* an early flush wrote without fsync() */
};

void site_escape(struct strbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			strbuf_addch(out, c);
		} else {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };

			strbuf_add(out, e, 4);
		}
	}
}

static int hexdigit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode a field written by site_escape(). -1 if malformed. */
static int unsite_escape(struct strbuf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi, lo;

		if (s[i] != '\\') {
			strbuf_addch(out, s[i]);
			continue;
		}
		if (len - i < 4 || s[i + 1] != 'x' || (hi = hexdigit(s[i + 2])) < 0 ||
		    (lo = hexdigit(s[i + 3])) < 0)
			return -1;
		strbuf_addch(out, hi << 4 | lo);
		i += 3;
	}
	return 0;
}

/* Split a map line into its three fields; false if it is not an entry. */
static bool split_line(const char *line, size_t len, const char *f[3], size_t flen[3])
{
	size_t start = 0, k = 0;

	if (!len || line[0] == '#')
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t')
			continue;
		if (k == 3)
			return false;
		f[k] = line + start;
		flen[k++] = i - start;
		start = i + 1;
	}
	return k == 3 && flen[0] && flen[1];
}

/*
 * Read the key file into site->key. Refuses anything but a regular 32-byte
 * file that only its owner can read.
 */
static int load_key(struct site *site, int fd)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0)
		return error_errno("cannot stat '%s'", site->key_path);
	if (!S_ISREG(st.st_mode))
		return error("site key '%s' is not a regular file", site->key_path);
	/* One planted by another user would be known to them: tokens could be reversed. */
	if (st.st_uid != geteuid())
		return error("site key '%s' belongs to another user (uid %u)", site->key_path,
			     (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return error("site key '%s' is accessible to other users (mode %04o); "
			     "run 'chmod 600 %s'", site->key_path, (unsigned)(st.st_mode & 07777),
			     site->key_path);
	if (st.st_size != 32)
		return error("site key '%s' has the wrong size (%lld bytes, expected 32)",
			     site->key_path, (long long)st.st_size);
	n = fs_read_full(fd, site->key, 32);
	if (n < 0)
		return error_errno("cannot read '%s'", site->key_path);
	if (n != 32)
		return error("site key '%s' has the wrong size (%zd bytes, expected 32)",
			     site->key_path, n);
	sodium_mprotect_readonly(site->key);
	return 0;
}

/* Create the key file race-safely (see the top of this file). 0, or -1 after an error. */
static int create_key(struct site *site)
{
	unsigned char *fresh = sodium_malloc(32);
	char *tmp = xasprintf("%s/.%s.XXXXXX", site->dir, SITE_KEY_NAME);
	int fd = -1, ret = -1;

	if (!fresh) {
		free(tmp);
		return error("cannot allocate locked memory for the site key");
	}
	randombytes_buf(fresh, 32);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		error_errno("cannot create '%s'", tmp);
		goto out;
	}
	fs_cleanup_register(tmp);
	if (fchmod(fd, 0600) < 0 || fs_write_all(fd, fresh, 32) < 0 || fsync(fd) < 0) {
		error_errno("cannot write '%s'", tmp);
		goto out;
	}
	if (link(tmp, site->key_path) < 0 && errno != EEXIST) {
		error_errno("cannot create '%s'", site->key_path);
		goto out;
	}
	/* Whether we won the race or not, the key is now the file's content. */
	ret = 0;
out:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
		fs_cleanup_unregister(tmp);
	}
	free(tmp);
	sodium_free(fresh);
	return ret;
}

int site_open(struct site **out, bool create)
{
	struct site *site = xcalloc(1, sizeof(*site));
	int fd = -1;

	site->dir = diag_state_dir(create);
	if (!site->dir)
		goto fail;
	site->key_path = xasprintf("%s/%s", site->dir, SITE_KEY_NAME);
	site->map_path = xasprintf("%s/%s", site->dir, SITE_MAP_NAME);
	pthread_mutex_init(&site->lock, NULL);
	site->key = sodium_malloc(32);
	if (!site->key) {
		error("cannot allocate locked memory for the site key");
		goto fail;
	}
	fd = open(site->key_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		if (create_key(site) < 0)
			goto fail;
		fd = open(site->key_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if (errno == ENOENT) {
			error("no site key '%s': nothing has been pseudonymised with this state "
			      "directory (see DIAG_STATE_DIR)", site->key_path);
			site_close(site);
			errno = ENOENT;
			return -1;
		}
		error_errno("cannot open site key '%s'", site->key_path);
		goto fail;
	}
	if (load_key(site, fd) < 0)
		goto fail;
	close(fd);
	*out = site;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	site_close(site);
	errno = EINVAL;
	return -1;
}

const unsigned char *site_key(const struct site *site)
{
	return site->key;
}

/* Insert (taking ownership of line) unless present; the caller holds the lock. */
static void table_insert(struct site *site, char *line, size_t len)
{
	uint64_t h = hash_fnv1a(line, len);
	size_t i;

	if ((site->n + 1) * 2 > site->cap) {
		struct site_entry *old = site->tab;
		size_t oldcap = site->cap;

		site->cap = oldcap ? oldcap * 2 : 64;
		site->tab = xcalloc(site->cap, sizeof(*site->tab));
		for (size_t j = 0; j < oldcap; j++) {
			if (!old[j].used)
				continue;
			for (i = old[j].hash & (site->cap - 1); site->tab[i].used; i = (i + 1) & (site->cap - 1))
				;
			site->tab[i] = old[j];
		}
		free(old);
	}
	for (i = h & (site->cap - 1); site->tab[i].used; i = (i + 1) & (site->cap - 1)) {
		if (site->tab[i].hash == h && site->tab[i].len == len &&
		    (!site->tab[i].line || !memcmp(site->tab[i].line, line, len))) {
			sodium_memzero(line, len);
			free(line);
			return;
		}
	}
	site->tab[i].line = line;
	site->tab[i].len = len;
	site->tab[i].hash = h;
	site->tab[i].used = true;
	site->tab[i].persisted = false;
	site->n++;
	site->pending++;
}

static int flush_locked(struct site *site, bool sync);

void site_record_pseudonym(void *ctx, const char *kind, const char *token,
			   const char *original, size_t original_len)
{
	struct site *site = ctx;
	struct strbuf line = STRBUF_INIT;
	size_t len;
	char *s;

	site_escape(&line, token, strlen(token));
	strbuf_addch(&line, '\t');
	site_escape(&line, kind, strlen(kind));
	strbuf_addch(&line, '\t');
	site_escape(&line, original, original_len);
	s = strbuf_detach(&line, &len);
	pthread_mutex_lock(&site->lock);
	table_insert(site, s, len);
	/* On failure the lines stay, and site_flush() fails in turn. */
	if (site->pending >= SITE_FLUSH_AT && !site->flush_failed && flush_locked(site, false) < 0)
		site->flush_failed = true;
	pthread_mutex_unlock(&site->lock);
}

/*
 * Open the map and lock it; when writing, create it (0600) if needed.
 * Returns the fd (locked, at its start), -2 if it does not exist and write
 * is false, -1 after an error.
 */
static int map_open_locked(struct site *site, bool write)
{
	int flags = (write ? O_RDWR | O_APPEND | O_CREAT : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC;
	int fd = open(site->map_path, flags, 0600);
	struct stat st;

	if (fd < 0) {
		if (!write && errno == ENOENT)
			return -2;
		return error_errno("cannot open pseudonym map '%s'", site->map_path);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error("pseudonym map '%s' is not a regular file", site->map_path);
	}
	/* The originals must not be appended to a file someone else planted (and can read). */
	if (st.st_uid != geteuid()) {
		close(fd);
		return error("pseudonym map '%s' belongs to another user (uid %u)", site->map_path,
			     (unsigned)st.st_uid);
	}
	if (st.st_mode & 077) {
		close(fd);
		return error("pseudonym map '%s' is accessible to other users (mode %04o); "
			     "run 'chmod 600 %s'", site->map_path, (unsigned)(st.st_mode & 07777),
			     site->map_path);
	}
	if (fs_lock(fd, write ? LOCK_EX : LOCK_SH, site->map_path, FS_LOCK_WAIT_MS) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void mark_persisted(const char *line, size_t len, void *ctx)
{
	struct site *site = ctx;
	uint64_t h;

	if (!site->cap)
		return;
	h = hash_fnv1a(line, len);
	for (size_t i = h & (site->cap - 1); site->tab[i].used; i = (i + 1) & (site->cap - 1)) {
		struct site_entry *e = &site->tab[i];

		if (e->line && e->hash == h && e->len == len && !memcmp(e->line, line, len)) {
			e->persisted = true;
			return;
		}
	}
}

/*
 * Call fn on every complete line of the map open at fd (without its newline;
 * a torn last line is ignored), reading it a block at a time: it grows with
 * every run, and is never whole in memory. *size and *last, when not NULL,
 * get its size and last byte. 0, or -1 after a read error.
 */
static int map_lines(struct site *site, int fd, void (*fn)(const char *line, size_t len, void *ctx),
		     void *ctx, off_t *size, char *last)
{
	struct strbuf line = STRBUF_INIT;
	char buf[65536];
	off_t total = 0;
	char end_byte = '\n';
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		const char *p = buf, *end;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			strbuf_release(&line);
			return error_errno("cannot read '%s'", site->map_path);
		}
		end = buf + n;
		total += n;
		end_byte = buf[n - 1];
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			if (!nl) {
				strbuf_add(&line, p, (size_t)(end - p)); /* continued in the next block */
				break;
			}
			if (line.len) {
				strbuf_add(&line, p, (size_t)(nl - p));
				fn(line.buf, line.len, ctx);
				strbuf_reset(&line);
			} else {
				fn(p, (size_t)(nl - p), ctx);
			}
			p = nl + 1;
		}
	}
	sodium_memzero(buf, sizeof(buf));
	strbuf_release(&line); /* a torn last line: ignored */
	if (size)
		*size = total;
	if (last)
		*last = end_byte;
	return 0;
}

/*
 * Append the entries not in the map yet; keep only their hashes. With sync,
 * to the disk (which takes the earlier appends along). The caller holds the
 * lock.
 */
static int flush_locked(struct site *site, bool sync)
{
	struct strbuf add = STRBUF_INIT;
	off_t size;
	char last;
	int fd, ret = 0;

	if (!site->pending && !(sync && site->unsynced))
		return 0; /* nothing new: leave the map alone */
	fd = map_open_locked(site, true);
	if (fd < 0)
		return -1;
	if (map_lines(site, fd, mark_persisted, site, &size, &last) < 0) {
		ret = -1;
		goto out;
	}
	if (!size)
		strbuf_addstr(&add, SITE_MAP_HEADER);
	else if (last != '\n')
		strbuf_addch(&add, '\n'); /* end a torn line: it stays ignored */
	for (size_t i = 0; i < site->cap; i++) {
		struct site_entry *e = &site->tab[i];

		if (e->line && !e->persisted) {
			strbuf_add(&add, e->line, e->len);
			strbuf_addch(&add, '\n');
		}
	}
	if ((add.len && fs_write_all(fd, add.buf, add.len) < 0) || (sync && fsync(fd) < 0)) {
		ret = error_errno("cannot write pseudonym map '%s'", site->map_path);
		goto out;
	}
	for (size_t i = 0; i < site->cap; i++) {
		struct site_entry *e = &site->tab[i];

		if (e->line) {
			sodium_memzero(e->line, e->len);
			free(e->line);
			e->line = NULL;
			e->persisted = true;
		}
	}
	site->pending = 0;
	site->unsynced = !sync;
out:
	close(fd); /* releases the lock */
	strbuf_release(&add);
	return ret;
}

int site_flush(struct site *site)
{
	int ret;

	pthread_mutex_lock(&site->lock);
	ret = flush_locked(site, true);
	pthread_mutex_unlock(&site->lock);
	return ret;
}

struct lookup_state {
	const char *token; /* escaped */
	size_t token_len;
	struct strbuf *out;
	char **kind;
	struct strbuf seen; /* escaped originals already reported, each followed by '\n' */
	int found, bad;
};

static void lookup_line(const char *line, size_t len, void *ctx)
{
	struct lookup_state *st = ctx;
	const char *f[3];
	size_t flen[3];

	if (!split_line(line, len, f, flen) || flen[0] != st->token_len ||
	    memcmp(f[0], st->token, flen[0]))
		return;
	/* The same original may appear under two kinds: report it once. */
	for (const char *p = st->seen.buf, *end = p + st->seen.len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(nl - p) == flen[2] && !memcmp(p, f[2], flen[2]))
			return;
		p = nl + 1;
	}
	strbuf_add(&st->seen, f[2], flen[2]);
	strbuf_addch(&st->seen, '\n');
	if (st->found)
		strbuf_addch(st->out, '\n');
	if (unsite_escape(st->out, f[2], flen[2]) < 0) {
		st->bad = 1;
		return;
	}
	if (!st->found && st->kind) {
		struct strbuf k = STRBUF_INIT;

		if (unsite_escape(&k, f[1], flen[1]) < 0)
			st->bad = 1;
		*st->kind = strbuf_detach(&k, NULL);
	}
	st->found++;
}

int site_lookup(struct site *site, const char *token, struct strbuf *out, char **kind)
{
	struct strbuf tok = STRBUF_INIT;
	struct lookup_state st = { .out = out, .kind = kind, .seen = STRBUF_INIT };
	int fd, ret;

	if (kind)
		*kind = NULL;
	site_escape(&tok, token, strlen(token));
	st.token = tok.buf;
	st.token_len = tok.len;
	/* Unflushed entries first, so that a process can look up what it just made. */
	pthread_mutex_lock(&site->lock);
	for (size_t i = 0; i < site->cap; i++)
		if (site->tab[i].line && !site->tab[i].persisted)
			lookup_line(site->tab[i].line, site->tab[i].len, &st);
	pthread_mutex_unlock(&site->lock);
	fd = map_open_locked(site, false);
	if (fd >= 0) {
		ret = map_lines(site, fd, lookup_line, &st, NULL, NULL);
		close(fd);
	} else {
		ret = fd == -2 ? 0 : -1;
	}
	if (ret < 0)
		goto out;
	if (st.bad) {
		ret = error("pseudonym map '%s' has a malformed entry for '%s'", site->map_path, token);
		if (kind) {
			free(*kind);
			*kind = NULL;
		}
		goto out;
	}
	ret = st.found;
out:
	strbuf_release(&tok);
	strbuf_release(&st.seen);
	return ret;
}

void site_close(struct site *site)
{
	if (!site)
		return;
	for (size_t i = 0; i < site->cap; i++) {
		if (site->tab[i].line) {
			sodium_memzero(site->tab[i].line, site->tab[i].len);
			free(site->tab[i].line);
		}
	}
	free(site->tab);
	if (site->key)
		sodium_free(site->key);
	if (site->key_path)
		pthread_mutex_destroy(&site->lock);
	free(site->dir);
	free(site->key_path);
	free(site->map_path);
	free(site);
}

/* ---- host facts ---- */

struct strv {
	char **v;
	size_t n, alloc;
};

static void strv_add_unique(struct strv *sv, const char *s, size_t len)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strlen(sv->v[i]) == len && !memcmp(sv->v[i], s, len))
			return;
	ALLOC_GROW(sv->v, sv->n + 2, sv->alloc);
	sv->v[sv->n++] = xstrndup(s, len);
	sv->v[sv->n] = NULL;
}

static char **strv_finish(struct strv *sv)
{
	if (!sv->v)
		return xcalloc(1, sizeof(char *));
	return sv->v;
}

/*
 * Read root/rel (at most 1 MiB); false if it cannot be read, silently.
 * Only a regular file is read, and opening never blocks (on a FIFO).
 */
static bool read_under(const char *root, const char *rel, struct strbuf *sb)
{
	char *path = xasprintf("%s/%s", strcmp(root, "/") ? root : "", rel);
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	bool ok;

	free(path);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	ok = fs_read_fd(fd, sb, 1u << 20) == 0;
	close(fd);
	return ok;
}

/* Names that say nothing about the site: never treated as internal domains. */
static bool generic_host_name(const char *s, size_t len)
{
	static const char *const names[] = {
		"localhost", "localhost.localdomain", "localdomain", "ip6-localhost",
		"ip6-loopback", "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes",
		"ip6-allrouters", "ip6-allhosts", "broadcasthost", "local", "ubuntu",
		"debian", "raspberrypi", "fedora", "centos", "archlinux", "alpine", "none",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && !strncasecmp(names[i], s, len))
			return true;
	return len > 10 && !strncasecmp(s, "localhost.", 10);
}

/*
 * Add the lower-cased name s[0, len) (a trailing dot dropped) if it is a
 * plausible DNS name; with domain_too, add the part after its first label too.
 */
static void add_host_name(struct strv *sv, const char *s, size_t len, bool domain_too)
{
	char name[256];
	bool alpha = false;

	if (len && s[len - 1] == '.')
		len--;
	if (!len || len >= sizeof(name) || s[0] == '.' || s[0] == '-')
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)s[i]);

		if (!isalnum(c) && c != '-' && c != '.' && c != '_')
			return;
		if (c == '.' && i && name[i - 1] == '.')
			return;
		alpha |= isalpha(c) != 0;
		name[i] = (char)c;
	}
	if (!alpha || generic_host_name(name, len))
		return;
	strv_add_unique(sv, name, len);
	if (domain_too) {
		const char *dot = memchr(name, '.', len);

		/* A domain of one label (web1.lan -> lan) would be a TLD: too broad. */
		if (dot && memchr(dot + 1, '.', len - (size_t)(dot + 1 - name)))
			add_host_name(sv, dot + 1, len - (size_t)(dot + 1 - name), false);
	}
}

/* Split line into whitespace-separated words; returns how many (at most max). */
static size_t split_words(const char *line, size_t len, const char **w, size_t *wl, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		while (i < len && isspace((unsigned char)line[i]))
			i++;
		if (i >= len || line[i] == '#')
			break;
		w[n] = line + i;
		while (i < len && !isspace((unsigned char)line[i]) && line[i] != '#')
			i++;
		wl[n] = (size_t)(line + i - w[n]);
		n++;
	}
	return n;
}

struct lines {
	const char *p, *end;
};

static bool next_line(struct lines *it, const char **line, size_t *len)
{
	const char *nl;

	if (it->p >= it->end)
		return false;
	nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
	if (!nl)
		nl = it->end;
	*line = it->p;
	*len = (size_t)(nl - it->p);
	it->p = nl + 1;
	return true;
}

char **site_internal_domains(const char *root)
{
	struct strv sv = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char host[256] = "";
	const char *line, *w[64];
	size_t len, wl[64], n;
	struct lines it;

	if (read_under(root, "etc/hostname", &sb)) {
		it = (struct lines){ sb.buf, sb.buf + sb.len };
		while (next_line(&it, &line, &len)) {
			if (split_words(line, len, w, wl, 1) == 1 && wl[0] < sizeof(host)) {
				memcpy(host, w[0], wl[0]);
				host[wl[0]] = '\0';
				add_host_name(&sv, w[0], wl[0], true);
				/* Its short name too: syslog and prompts use it bare. */
				add_host_name(&sv, w[0], strcspn(host, "."), false);
				break;
			}
		}
	}
	strbuf_reset(&sb);
	if (read_under(root, "etc/resolv.conf", &sb)) {
		it = (struct lines){ sb.buf, sb.buf + sb.len };
		while (next_line(&it, &line, &len)) {
			n = split_words(line, len, w, wl, ARRAY_SIZE(w));
			if (n < 2 || ((wl[0] != 6 || strncmp(w[0], "search", 6)) &&
				      (wl[0] != 6 || strncmp(w[0], "domain", 6))))
				continue;
			for (size_t i = 1; i < n; i++)
				add_host_name(&sv, w[i], wl[i], false);
		}
	}
	strbuf_reset(&sb);
	if (read_under(root, "etc/hosts", &sb)) {
		it = (struct lines){ sb.buf, sb.buf + sb.len };
		while (next_line(&it, &line, &len)) {
			bool self = false;

			n = split_words(line, len, w, wl, ARRAY_SIZE(w));
			/* The host's own line (its name among the aliases) tells its domain. */
			for (size_t i = 1; i < n && *host; i++) {
				const char *dot = memchr(w[i], '.', wl[i]);
				size_t first = dot ? (size_t)(dot - w[i]) : wl[i];

				if (first == strcspn(host, ".") && !strncasecmp(w[i], host, first))
					self = true;
			}
			for (size_t i = 1; i < n; i++)
				add_host_name(&sv, w[i], wl[i], self);
		}
	}
	strbuf_release(&sb);
	return strv_finish(&sv);
}

/*
 * Account names that are roles, defaults or services rather than people:
 * never reported as usernames even with a regular uid.
 */
static bool generic_user_name(const char *s, size_t len)
{
	static const char *const names[] = {
		"admin", "administrator", "ansible", "app", "backup", "build", "ci", "debian",
		"deploy", "docker", "ec2-user", "ftp", "git", "gitlab-runner", "guest", "jenkins",
		"nobody", "operator", "oracle", "pi", "postgres", "root", "service", "support",
		"test", "ubuntu", "user", "vagrant", "www", "www-data",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && !strncmp(names[i], s, len))
			return true;
	return false;
}

/* UID_MIN from root/etc/login.defs, 1000 when absent. */
static unsigned long uid_min(const char *root)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned long v = 1000;
	const char *line, *w[2];
	size_t len, wl[2];
	struct lines it;

	if (read_under(root, "etc/login.defs", &sb)) {
		it = (struct lines){ sb.buf, sb.buf + sb.len };
		while (next_line(&it, &line, &len)) {
			if (split_words(line, len, w, wl, 2) == 2 && wl[0] == 7 &&
			    !strncmp(w[0], "UID_MIN", 7) && isdigit((unsigned char)w[1][0])) {
				char num[24];

				if (wl[1] < sizeof(num)) {
					memcpy(num, w[1], wl[1]);
					num[wl[1]] = '\0';
					v = strtoul(num, NULL, 10);
				}
			}
		}
	}
	strbuf_release(&sb);
	return v;
}

char **site_usernames(const char *root)
{
	struct strv sv = { 0 };
	struct strbuf sb = STRBUF_INIT;
	unsigned long min = uid_min(root);
	const char *line;
	size_t len;
	struct lines it;

	if (read_under(root, "etc/passwd", &sb)) {
		it = (struct lines){ sb.buf, sb.buf + sb.len };
		while (next_line(&it, &line, &len)) {
			const char *f[7];
			size_t fl[7], k = 0, start = 0;
			char num[24];
			unsigned long uid;
			char *end;

			for (size_t i = 0; i <= len && k < 7; i++) {
				if (i < len && line[i] != ':')
					continue;
				f[k] = line + start;
				fl[k++] = i - start;
				start = i + 1;
			}
			if (k < 7 || !fl[0] || !fl[2] || fl[2] >= sizeof(num) || line[0] == '+' ||
			    line[0] == '-' || line[0] == '#')
				continue;
			memcpy(num, f[2], fl[2]);
			num[fl[2]] = '\0';
			uid = strtoul(num, &end, 10);
			if (*end || !isdigit((unsigned char)num[0]))
				continue;
			/*
			 * People have uids from UID_MIN up to 59999 (60000-65535 are
			 * reserved by Debian, 65534 is nobody); below are system accounts.
			 */
			if (uid < min || uid >= 60000 || generic_user_name(f[0], fl[0]))
				continue;
			strv_add_unique(&sv, f[0], fl[0]);
		}
	}
	strbuf_release(&sb);
	return strv_finish(&sv);
}
