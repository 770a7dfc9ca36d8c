// SPDX-License-Identifier: MIT
/*
 * file.c - the file collector: paths, globs and directory trees under root
 *
 * Everything is resolved relative to the root's descriptor, with openat2()
 * RESOLVE_IN_ROOT, so that a fake root (tests) behaves like "/" and an
 * absolute symlink inside it never escapes it.
 *
 * - Paths named in the spec (or matched by a glob) follow symlinks (within
 *   root); the item notes "symbolic link to '...'". The secret-store rules
 *   apply to the path as named and to where it really leads (and so to
 *   the paths under a linked directory). Inside a walked directory
 *   symlinks are never followed: each is recorded as skipped, with its
 *   target.
 * - FIFOs, sockets and devices are never opened: a file is classified on
 *   an O_PATH descriptor (which opens nothing), then that very inode is
 *   opened for reading through /proc/self/fd, O_NONBLOCK, so nothing
 *   swapped in under its name meanwhile is ever opened.
 * - /proc and /sys files (size 0 in stat) are read to EOF, up to the cap.
 * - A file is read up to the size seen at open; growth, shrinking and
 *   replacement (rotation) during the read are detected and noted.
 * - Over the per-file cap (or the remaining budget), the NEWEST bytes are
 *   kept, starting at a line boundary, and the item is marked truncated.
 * - gzip files are stored decompressed (the redaction engine must see the
 *   text); xz, bzip2, zstd and lz4 files cannot be, and are skipped.
 * - Known secret stores are never collected (secret_path(), secret_content()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <zlib.h>

#include "diag/collectors.h"
#include "diag/error.h"
#include "diag/logtime.h"
#include "diag/util.h"

#define BUF_SIZE (64u << 10)
#define SNIFF_SIZE (64u << 10)
#define GZIP_MAX_RATIO_BYTES (16ULL << 30) /* refuse to decompress more than this */
#define MAX_GLOB_MATCHES 100000
#define MAX_GLOB_LISTINGS 10000 /* directories listed while expanding one pattern */

/* ---- secret stores ---- */

enum secret_match {
	BASE,   /* fnmatch on the base name */
	PATH,   /* fnmatch on the whole host path ('*' crosses '/') */
	TREE,   /* PATH, on the path or any of its ancestors */
};

struct secret_rule {
	enum secret_match match;
	const char *pattern;
	const char *why;
};

/* PROMISE: known secret stores are never collected, whatever the spec says. */
static const struct secret_rule secret_rules[] = {
	{ BASE, "shadow", "password hashes (shadow file)" },
	{ BASE, "shadow[-~]", "password hashes (shadow file)" },
	{ BASE, "shadow.*", "password hashes (shadow file)" },
	{ BASE, "gshadow", "group password hashes (gshadow file)" },
	{ BASE, "gshadow[-~]", "group password hashes (gshadow file)" },
	{ BASE, "gshadow.*", "group password hashes (gshadow file)" },
	{ BASE, "opasswd", "old password hashes" },
	{ BASE, "master.passwd", "password hashes" },
	{ BASE, "ssh_host_*_key", "SSH host private key" },
	{ BASE, "id_rsa", "SSH private key" },
	{ BASE, "id_dsa", "SSH private key" },
	{ BASE, "id_ecdsa", "SSH private key" },
	{ BASE, "id_ecdsa_sk", "SSH private key" },
	{ BASE, "id_ed25519", "SSH private key" },
	{ BASE, "id_ed25519_sk", "SSH private key" },
	{ BASE, "id_xmss", "SSH private key" },
	{ BASE, "*.key", "private key file (by its name)" },
	{ BASE, "*.p12", "key store (PKCS#12)" },
	{ BASE, "*.pfx", "key store (PKCS#12)" },
	{ BASE, "*.p8", "private key (PKCS#8)" },
	{ BASE, "*.pk8", "private key (PKCS#8)" },
	{ BASE, "*.jks", "Java key store" },
	{ BASE, "*.keystore", "key store" },
	{ BASE, "*.keytab", "Kerberos keytab" },
	{ BASE, "krb5cc_*", "Kerberos ticket cache" },
	{ BASE, "*.kdbx", "password database" },
	{ BASE, "secring.*", "GnuPG secret keyring" },
	{ BASE, ".pgpass", "PostgreSQL password file" },
	{ BASE, ".netrc", "netrc credentials" },
	{ BASE, ".git-credentials", "git credentials" },
	{ BASE, ".my.cnf", "MySQL client credentials" },
	{ BASE, ".vault-token", "Vault token" },
	{ BASE, "*_history", "shell or client history (often holds typed secrets)" },
	{ TREE, "*/.gnupg", "GnuPG keyring" },
	{ TREE, "*/private-keys-v1.d", "GnuPG private keys" },
	{ TREE, "*/.password-store", "password store" },
	{ TREE, "*/.local/share/keyrings", "desktop keyring" },
	{ TREE, "*/.local/share/kwalletd", "KDE wallet" },
	{ TREE, "*/.minisign", "minisign keys" },
	{ PATH, "*/.config/sops/age/keys.txt", "age identities" },
	{ PATH, "*/.aws/credentials", "cloud credentials" },
	{ TREE, "*/.config/gcloud", "cloud credentials" },
	{ TREE, "*/.azure", "cloud credentials" },
	{ PATH, "*/.docker/config.json", "container registry credentials" },
	{ PATH, "*/.kube/config", "kubeconfig with cluster credentials" },
	{ PATH, "/etc/kubernetes/*.conf", "kubeconfig with client credentials" },
	{ TREE, "*/kubernetes.io/serviceaccount", "Kubernetes service-account token" },
	{ TREE, "*/secrets/kubernetes.io", "Kubernetes service-account token" },
	{ TREE, "*/volumes/kubernetes.io~secret", "Kubernetes secret volume" },
	{ TREE, "*/volumes/kubernetes.io~projected", "Kubernetes projected token volume" },
	{ TREE, "/run/secrets", "container secrets" },
	{ TREE, "/var/run/secrets", "container secrets" },
	{ TREE, "/etc/ssl/private", "TLS private keys" },
	{ TREE, "/etc/pki/tls/private", "TLS private keys" },
	{ TREE, "/etc/pki/CA/private", "CA private keys" },
	{ TREE, "/etc/ipsec.d/private", "IPsec private keys" },
	{ PATH, "/etc/ipsec.secrets", "IPsec secrets" },
	{ PATH, "/etc/ppp/*-secrets", "PPP secrets" },
	{ TREE, "/etc/NetworkManager/system-connections", "Wi-Fi and VPN secrets" },
	{ TREE, "/etc/wpa_supplicant", "Wi-Fi secrets" },
	{ TREE, "/var/lib/sss/secrets", "SSSD secrets" },
	{ TREE, "/var/lib/sss/db", "SSSD cached credentials" },
	{ PATH, "/proc/*/environ", "process environment (holds secrets)" },
	{ PATH, "/proc/*/task/*/environ", "process environment (holds secrets)" },
	{ PATH, "/proc/*/mem", "process memory" },
	{ PATH, "/proc/*/task/*/mem", "process memory" },
	{ PATH, "/proc/kcore", "kernel memory" },
	{ PATH, "/proc/kmsg", "reading it takes the messages away from syslog" },
	{ TREE, "/sys/firmware/efi/efivars", "firmware variables" },
};

static bool path_or_ancestor_matches(const char *pattern, const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, path, n + 1);
	for (;;) {
		char *slash;

		if (!fnmatch(pattern, buf, 0))
			return true;
		slash = strrchr(buf, '/');
		if (!slash || slash == buf)
			return false;
		*slash = '\0';
	}
}

/* Why host_path is a secret store, or NULL. */
static const char *secret_path(const char *host_path)
{
	const char *base = strrchr(host_path, '/');

	base = base ? base + 1 : host_path;
	for (size_t i = 0; i < ARRAY_SIZE(secret_rules); i++) {
		const struct secret_rule *r = &secret_rules[i];
		bool hit;

		if (r->match == BASE)
			hit = !fnmatch(r->pattern, base, 0);
		else if (r->match == PATH)
			hit = !fnmatch(r->pattern, host_path, 0);
		else
			hit = path_or_ancestor_matches(r->pattern, host_path);
		if (hit)
			return r->why;
	}
	return NULL;
}

/*
 * Why these first bytes of a file show a secret, or NULL. A PEM-style key
 * whose BEGIN line starts a line makes a key file (a .pem, a key and its
 * certificates); one indented in a YAML block or quoted in JSON is a value
 * in a configuration, which is collected with the key's body redacted.
 */
static const char *secret_content(const char *buf, size_t len)
{
	static const struct {
		const char *marker;
		const char *why;
	} markers[] = {
		{ "AGE-SECRET-KEY-1", "contains an age secret key" },
		{ "untrusted comment: minisign encrypted secret key", "is a minisign secret key" },
		{ "PuTTY-User-Key-File-", "is a PuTTY private key" },
	}, pem[] = {
		{ "OPENSSH PRIVATE KEY-----", "contains an OpenSSH private key" },
		{ "PGP PRIVATE KEY BLOCK-----", "contains a PGP private key" },
		{ "SSH2 ENCRYPTED PRIVATE KEY-----", "contains an SSH private key" },
		/* any other "-----BEGIN <anything> PRIVATE KEY-----" (RSA, EC, DSA, ENCRYPTED, plain) */
		{ "PRIVATE KEY-----", "contains a PEM private key" },
	};
	const char *p, *end = buf + len;

	for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
		if (memmem(buf, len, markers[i].marker, strlen(markers[i].marker)))
			return markers[i].why;
	for (p = buf; (p = memmem(p, (size_t)(end - p), "-----BEGIN ", 11)); p += 11) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (n >= 80 || (p > buf && p[-1] != '\n' && p[-1] != '\r'))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(pem); i++)
			if (memmem(p, n, pem[i].marker, strlen(pem[i].marker)))
				return pem[i].why;
	}
	return NULL;
}

/* Compressed formats the redaction engine cannot read, by magic number. */
static const char *undecodable_compression(const unsigned char *b, size_t n)
{
	if (n >= 6 && !memcmp(b, "\xfd" "7zXZ\0", 6))
		return "xz";
	if (n >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' && b[3] >= '1' && b[3] <= '9')
		return "bzip2";
	if (n >= 4 && !memcmp(b, "\x28\xb5\x2f\xfd", 4))
		return "zstd";
	if (n >= 4 && !memcmp(b, "\x04\x22\x4d\x18", 4))
		return "lz4";
	return NULL;
}

/* ---- walking ---- */

struct walk {
	struct collect_ctx *ctx;
	const struct spec_entry *e;
	uint64_t cap;
	char *buf;              /* BUF_SIZE */
	char *sniff;            /* SNIFF_SIZE */
	const char *prefix;     /* "files" */
	dev_t *anc_dev;         /* ancestors of the directory being walked */
	ino_t *anc_ino;
	int depth;
	struct strbuf note;
	/*
	 * Where the path named in the spec (or matched by a glob) really is,
	 * when a symbolic link on the way made it differ: paths under it are
	 * checked against the secret stores under both names.
	 */
	const char *real_top;
	size_t top_len;         /* length of that named path */
};

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool name_matches(const char *const *pats, size_t n, const char *host_path)
{
	const char *base = strrchr(host_path, '/');

	base = base ? base + 1 : host_path;
	for (size_t i = 0; i < n; i++)
		if (!fnmatch(pats[i], strchr(pats[i], '/') ? host_path : base, 0))
			return true;
	return false;
}

static bool excluded(const struct walk *w, const char *host_path)
{
	return w->e->nexclude && name_matches((const char *const *)w->e->exclude, w->e->nexclude,
					      host_path);
}

static bool included(const struct walk *w, const char *host_path)
{
	return !w->e->ninclude ||
		name_matches((const char *const *)w->e->include, w->e->ninclude, host_path);
}

/* Why host_path (under the walked top) is a secret store, under its name or its real path; or NULL. */
static const char *secret_of(const struct walk *w, const char *host_path)
{
	const char *why = secret_path(host_path);

	if (!why && w->real_top) {
		const char *rest = host_path + w->top_len; /* "" or "/..." */
		char *real = *rest && !strcmp(w->real_top, "/") ? xstrdup(rest) :
			xasprintf("%s%s", w->real_top, rest);

		why = secret_path(real);
		free(real);
	}
	return why;
}

static const char *type_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a named pipe (FIFO)";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

static void item_for(struct walk *w, struct collect_item *item, const char *bundle_path,
		     const char *host_path, const struct stat *st)
{
	memset(item, 0, sizeof(*item));
	item->path = bundle_path;
	item->source = host_path;
	item->uid = item->gid = -1;
	if (st) {
		item->mtime = st->st_mtime;
		item->mode = st->st_mode;
		item->uid = st->st_uid;
		item->gid = st->st_gid;
	}
}

static void skip(struct walk *w, const char *host_path, const struct stat *st, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
static void skip(struct walk *w, const char *host_path, const struct stat *st, const char *fmt, ...)
{
	struct collect_item item;
	char *bp = xasprintf("%s%s", w->prefix, host_path), reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	item_for(w, &item, bp, host_path, st);
	collect_skipped(w->ctx, &item, "%s", reason);
	free(bp);
}

static void fail(struct walk *w, const char *host_path, const struct stat *st, const char *what)
{
	struct collect_item item;
	char *bp = xasprintf("%s%s", w->prefix, host_path);

	item_for(w, &item, bp, host_path, st);
	collect_failed(w->ctx, &item, "%s '%s': %s", what, host_path, strerror(errno));
	free(bp);
}

static void add_note(struct walk *w, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void add_note(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->note.len)
		strbuf_addstr(&w->note, "; ");
	va_start(ap, fmt);
	strbuf_vaddf(&w->note, fmt, ap);
	va_end(ap);
}

/* ---- reading one file ---- */

struct reader {
	struct walk *w;
	struct logtime_filter *filter;
	uint64_t produced;      /* bytes given to the sink */
	bool line_align;        /* drop bytes up to the first newline (a cut start) */
	uint64_t align_budget;  /* give up aligning after this many bytes */
};

static int sink_emit(void *arg, const void *buf, size_t len)
{
	struct reader *r = arg;

	r->produced += len;
	return collect_write(r->w->ctx, buf, len);
}

static int feed(struct reader *r, const char *buf, size_t len)
{
	if (r->line_align) {
		const char *nl = memchr(buf, '\n', len);
		size_t drop = nl ? (size_t)(nl - buf) + 1 : len;

		if (!nl && drop >= r->align_budget) {
			r->line_align = false; /* no newline in sight: keep the raw cut */
		} else {
			r->align_budget -= MIN(drop, r->align_budget);
			buf += drop;
			len -= drop;
			if (nl)
				r->line_align = false;
		}
	}
	if (!len)
		return 0;
	if (r->filter)
		return logtime_filter_write(r->filter, buf, len);
	return sink_emit(r, buf, len);
}

/* Read [off, end) of a plain file (end UINT64_MAX: to EOF). Returns bytes read or -1 (errno). */
static int64_t read_range(struct reader *r, int fd, uint64_t off, uint64_t end, bool *fatal)
{
	uint64_t total = 0;

	while (off < end) {
		size_t want = (size_t)MIN((uint64_t)BUF_SIZE, end - off);
		ssize_t n = pread(fd, r->w->buf, want, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return -1;
		if (!n)
			break;
		if (feed(r, r->w->buf, (size_t)n) < 0) {
			*fatal = true;
			return (int64_t)total;
		}
		off += (uint64_t)n;
		total += (uint64_t)n;
	}
	return (int64_t)total;
}

/* Decompress a gzip stream, handing output after the first skip bytes to r (or only counting). */
static int gunzip(struct walk *w, struct reader *r, int fd, uint64_t skip, uint64_t *total,
		  bool *fatal, const char **err, const char **secret)
{
	unsigned char *in = (unsigned char *)w->sniff;
	z_stream zs;
	int zr = Z_OK;
	bool at_member_start = true;

	memset(&zs, 0, sizeof(zs));
	*total = 0;
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		BUG("inflateInit2");
	if (lseek(fd, 0, SEEK_SET) < 0) {
		inflateEnd(&zs);
		*err = strerror(errno);
		return -1;
	}
	for (;;) {
		if (!zs.avail_in) {
			ssize_t n = read(fd, in, SNIFF_SIZE);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				*err = strerror(errno);
				break;
			}
			if (!n) {
				if (!at_member_start)
					*err = "truncated gzip data";
				break;
			}
			zs.next_in = in;
			zs.avail_in = (unsigned)n;
		}
		do {
			unsigned char *out = (unsigned char *)w->buf;
			size_t have;

			zs.next_out = out;
			zs.avail_out = BUF_SIZE;
			zr = inflate(&zs, Z_NO_FLUSH);
			if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
				*err = zs.msg ? zs.msg : "corrupt gzip data";
				goto out;
			}
			at_member_start = false;
			have = BUF_SIZE - zs.avail_out;
			if (*total + have > GZIP_MAX_RATIO_BYTES) {
				*err = "decompresses to more than 16 GiB";
				goto out;
			}
			if (secret && !*total && (*secret = secret_content((char *)out, have)))
				goto out; /* a key inside the compressed data */
			if (r && *total + have > skip) {
				size_t from = *total >= skip ? 0 : (size_t)(skip - *total);

				if (feed(r, (char *)out + from, have - from) < 0) {
					*fatal = true;
					goto out;
				}
			}
			*total += have;
			if (zr == Z_STREAM_END) { /* concatenated members are one stream */
				inflateReset(&zs);
				at_member_start = true;
				if (!zs.avail_in)
					break;
			}
		} while (zs.avail_out == 0 || (zr == Z_STREAM_END && zs.avail_in));
	}
out:
	inflateEnd(&zs);
	return *err || *fatal || (secret && *secret) ? -1 : 0;
}

static bool window_active(const struct walk *w)
{
	return w->e->time_window && (w->ctx->since || w->ctx->until);
}

static void finish_filter_note(struct walk *w, struct reader *r, struct collect_item_end *end)
{
	struct logtime_stats st;

	if (!r->filter)
		return;
	logtime_filter_stats(r->filter, &st);
	if (st.unrecognised)
		add_note(w, "no recognisable timestamps: kept whole");
	else if (st.lines != st.lines_kept)
		add_note(w, "time window kept %llu of %llu lines (%s timestamps)",
			 (unsigned long long)st.lines_kept, (unsigned long long)st.lines, st.format);
	end->time_filtered = st.lines != st.lines_kept;
}

/*
 * Collect an open regular file. fd was opened O_NONBLOCK; st is its fstat.
 * reopen() finds the path again to detect a replacement during the read.
 */
struct source {
	const char *host_path;
	int dirfd;              /* parent directory, or -1: host_path from the root */
	const char *name;       /* name in dirfd */
	int pathfd;             /* an O_PATH descriptor of the file already checked, or -1 */
};

static int same_file_now(struct walk *w, const struct source *src, const struct stat *st)
{
	struct stat now;
	int r;

	if (src->dirfd >= 0) {
		r = fstatat(src->dirfd, src->name, &now, AT_SYMLINK_NOFOLLOW);
	} else {
		int fd = collect_open(w->ctx, src->host_path, O_PATH, true);

		r = fd < 0 ? -1 : fstat(fd, &now);
		if (fd >= 0)
			close(fd);
	}
	if (r < 0)
		return 0;
	return now.st_dev == st->st_dev && now.st_ino == st->st_ino;
}

static int collect_regular(struct walk *w, const struct source *src, int fd, const struct stat *st)
{
	struct collect_ctx *ctx = w->ctx;
	struct collect_item item;
	struct collect_item_end end;
	struct reader r;
	const char *why, *err = NULL;
	char *bundle_path = NULL;
	uint64_t limit, size = (uint64_t)st->st_size, start = 0, total = 0;
	bool fatal = false, gz = false;
	ssize_t n;
	double t0 = collect_monotonic();
	int ret = 0, b;

	if (collect_is_skipped_inode(ctx, st->st_dev, st->st_ino)) {
		skip(w, src->host_path, st, "%s", "diag's own state or output: never collected");
		return 0;
	}
	if (window_active(w) && ctx->since && st->st_mtime < ctx->since) {
		char when[32];

		skip(w, src->host_path, st, "last modified %s, before the time window",
		     format_rfc3339(st->st_mtime, when, sizeof(when)));
		return 0;
	}
	n = pread(fd, w->sniff, SNIFF_SIZE, 0);
	if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		fail(w, src->host_path, st, "cannot read");
		return 0;
	}
	n = MAX(n, 0);
	if ((why = secret_content(w->sniff, (size_t)n))) {
		skip(w, src->host_path, st, "secret: %s", why);
		return 0;
	}
	if ((why = undecodable_compression((unsigned char *)w->sniff, (size_t)n))) {
		skip(w, src->host_path, st, "compressed with %s, which diag cannot decompress to "
		     "redact", why);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.w = w;
	gz = n >= 3 && !memcmp(w->sniff, "\x1f\x8b\x08", 3);
	if (gz) {
		size_t len = strlen(src->host_path);

		if (len > 3 && !strcmp(src->host_path + len - 3, ".gz"))
			bundle_path = xasprintf("%s%.*s", w->prefix, (int)(len - 3), src->host_path);
		/* pass 1: the decompressed size, and a look at its first bytes for keys */
		if (gunzip(w, NULL, fd, 0, &size, &fatal, &err, &why) < 0 && why) {
			skip(w, src->host_path, st, "secret: %s (inside the gzip data)", why);
			free(bundle_path);
			return 0;
		}
		if (err) {
			struct collect_item fitem;
			char *bp = xasprintf("%s%s", w->prefix, src->host_path);

			item_for(w, &fitem, bp, src->host_path, st);
			collect_failed(ctx, &fitem, "cannot decompress '%s': %s", src->host_path, err);
			free(bp);
			free(bundle_path);
			return 0;
		}
		add_note(w, "gzip file, stored decompressed");
	}
	if (!bundle_path)
		bundle_path = xasprintf("%s%s", w->prefix, src->host_path);

	limit = MIN(w->cap, collect_budget_left(ctx));
	if (!limit || (limit < MIN(size, (uint64_t)COLLECT_MIN_SLICE) && limit < w->cap)) {
		ctx->sum->budget_exhausted = true;
		skip(w, src->host_path, st, "%s", "the total size budget is exhausted");
		free(bundle_path);
		return 0;
	}
	item_for(w, &item, bundle_path, src->host_path, st);
	b = collect_begin(ctx, &item);
	if (b) {
		free(bundle_path);
		return b < 0 ? -1 : 0;
	}
	memset(&end, 0, sizeof(end));
	if (window_active(w))
		r.filter = logtime_filter_new(ctx->since, ctx->until, st->st_mtime, sink_emit, &r);
	if (size > limit) {
		start = size - limit;
		r.line_align = true;
		r.align_budget = MIN(limit, (uint64_t)SNIFF_SIZE);
		end.truncated = true;
		if (limit < w->cap)
			ctx->sum->budget_exhausted = true;
		add_note(w, "kept the newest %llu of %llu bytes (%s)", (unsigned long long)limit,
			 (unsigned long long)size, limit < w->cap ? "total budget" : "per-file cap");
	}
	if (gz) {
		if (gunzip(w, &r, fd, start, &total, &fatal, &err, NULL) < 0 && !fatal)
			end.error = err;
	} else if (size == 0) {
		/* /proc, /sys: the size is unknown until EOF */
		int64_t got = read_range(&r, fd, 0, limit, &fatal);

		if (got < 0) {
			end.error = strerror(errno);
		} else if (!fatal && (uint64_t)got == limit) {
			char one;

			if (pread(fd, &one, 1, (off_t)limit) == 1) {
				end.truncated = true;
				add_note(w, "longer than %llu bytes: kept the first %llu",
					 (unsigned long long)limit, (unsigned long long)limit);
			}
		}
		total = got > 0 ? (uint64_t)got : 0;
		size = total;
	} else {
		int64_t got = read_range(&r, fd, start, size, &fatal);
		struct stat after;

		if (got < 0) {
			end.error = strerror(errno);
		} else if (!fatal) {
			if ((uint64_t)got < size - start)
				add_note(w, "shrank during the read (truncated or rewritten): %llu bytes "
					 "missing", (unsigned long long)(size - start - (uint64_t)got));
			if (fstat(fd, &after) == 0 && (uint64_t)after.st_size > size)
				add_note(w, "grew by %llu bytes during the read (not collected)",
					 (unsigned long long)((uint64_t)after.st_size - size));
		}
	}
	if (!fatal && r.filter && logtime_filter_finish(r.filter) < 0)
		fatal = true;
	if (fatal) {
		ret = -1;
		goto out;
	}
	if (!gz && !same_file_now(w, src, st))
		add_note(w, "replaced or removed during the read (rotated?): this is the file as opened");
	finish_filter_note(w, &r, &end);
	end.source_bytes = size;
	end.note = w->note.len ? w->note.buf : NULL;
	end.seconds = collect_monotonic() - t0;
	if (collect_end(ctx, &end) < 0)
		ret = -1;
out:
	logtime_filter_free(r.filter);
	sodium_memzero(w->buf, BUF_SIZE);
	free(bundle_path);
	return ret;
}

/*
 * Open for reading the very file that the O_PATH descriptor pfd refers to,
 * through /proc/self/fd: no name is looked up again, so nothing swapped in
 * meanwhile (a FIFO, a device, another file) is ever opened. Without /proc,
 * by name again; the caller then compares the inodes.
 */
static int reopen_for_reading(int pfd, const struct walk *w, const struct source *src)
{
	char link[64];
	int fd;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
	fd = open(link, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (src->dirfd >= 0)
		return openat(src->dirfd, src->name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
			      O_CLOEXEC);
	return collect_open(w->ctx, src->host_path, O_RDONLY | O_NONBLOCK | O_NOCTTY, true);
}

/*
 * Collect the regular file named by src, which lst describes as classified
 * (its inode must not have changed since), never blocking, never opening
 * anything but that regular file.
 */
static int collect_file_at(struct walk *w, const struct source *src, const struct stat *lst)
{
	struct stat pst, st;
	const char *why;
	int pfd = src->pathfd, fd = -1, r = 0;

	if (!included(w, src->host_path))
		return 0;
	if ((why = secret_of(w, src->host_path))) {
		skip(w, src->host_path, lst, "secret: %s", why);
		return 0;
	}
	if (pfd < 0)
		pfd = src->dirfd >= 0 ? openat(src->dirfd, src->name, O_PATH | O_NOFOLLOW | O_CLOEXEC) :
			collect_open(w->ctx, src->host_path, O_PATH, true);
	if (pfd < 0) {
		fail(w, src->host_path, lst, "cannot open");
		return 0;
	}
	if (fstat(pfd, &pst) < 0) {
		fail(w, src->host_path, lst, "cannot stat");
		goto out;
	}
	if (!S_ISREG(pst.st_mode)) { /* swapped since it was classified */
		skip(w, src->host_path, &pst, "%s: not read", type_name(pst.st_mode));
		goto out;
	}
	if (pst.st_dev != lst->st_dev || pst.st_ino != lst->st_ino) {
		skip(w, src->host_path, &pst, "%s", "replaced while being opened: not read");
		goto out;
	}
	fd = reopen_for_reading(pfd, w, src);
	if (fd < 0) {
		fail(w, src->host_path, lst, "cannot open");
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		fail(w, src->host_path, lst, "cannot stat");
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_dev != pst.st_dev || st.st_ino != pst.st_ino) {
		skip(w, src->host_path, &st, "%s", "replaced while being opened: not read");
		goto out;
	}
	r = collect_regular(w, src, fd, &st);
out:
	if (fd >= 0)
		close(fd);
	if (pfd >= 0 && pfd != src->pathfd)
		close(pfd);
	return r;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in a directory (without . and ..). NULL with errno on error. */
static char **list_dir(int dirfd, size_t *n)
{
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t alloc = 0;

	*n = 0;
	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return NULL;
	}
	rewinddir(d);
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ALLOC_GROW(names, *n + 1, alloc);
		names[(*n)++] = xstrdup(de->d_name);
	}
	if (errno) {
		int e = errno;

		for (size_t i = 0; i < *n; i++)
			free(names[i]);
		free(names);
		closedir(d);
		errno = e;
		return NULL;
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), name_cmp);
	else
		names = xcalloc(1, sizeof(*names));
	return names;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void skip_symlink(struct walk *w, int dirfd, const char *name, const char *host_path,
			 const struct stat *st)
{
	char target[4096];
	ssize_t n = readlinkat(dirfd, name, target, sizeof(target) - 1);

	target[n > 0 ? n : 0] = '\0';
	skip(w, host_path, st, "symbolic link to '%s': not followed inside a directory", target);
}

static int walk_dir(struct walk *w, int dirfd, const char *host_path, const struct stat *dst);

static int walk_entry(struct walk *w, int dirfd, const char *name, const char *host_path)
{
	struct stat st;
	const char *why;

	if (w->ctx->fatal)
		return -1;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT) /* gone since the listing: nothing to say */
			fail(w, host_path, NULL, "cannot stat");
		return 0;
	}
	if (excluded(w, host_path))
		return 0;
	if (S_ISDIR(st.st_mode)) {
		int fd;

		if ((why = secret_of(w, host_path))) {
			skip(w, host_path, &st, "secret: %s", why);
			return 0;
		}
		if (w->depth >= w->e->max_depth) {
			skip(w, host_path, &st, "%s", "directory deeper than max_depth: not walked");
			return 0;
		}
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			fail(w, host_path, &st, "cannot open directory");
			return 0;
		}
		return walk_dir(w, fd, host_path, &st);
	}
	if (S_ISLNK(st.st_mode)) {
		if (!included(w, host_path) || secret_of(w, host_path))
			return 0;
		skip_symlink(w, dirfd, name, host_path, &st);
		return 0;
	}
	if (!S_ISREG(st.st_mode)) {
		if (included(w, host_path))
			skip(w, host_path, &st, "%s: not read", type_name(st.st_mode));
		return 0;
	}
	strbuf_reset(&w->note);
	return collect_file_at(w, &(struct source){ host_path, dirfd, name, -1 }, &st);
}

/* Walk an open directory (fd is closed here). */
static int walk_dir(struct walk *w, int fd, const char *host_path, const struct stat *dst)
{
	char **names;
	size_t n;
	int r = 0;

	if (collect_is_skipped_inode(w->ctx, dst->st_dev, dst->st_ino)) {
		skip(w, host_path, dst, "%s", "diag's own state or output: never collected");
		close(fd);
		return 0;
	}
	for (int i = 0; i < w->depth; i++) {
		if (w->anc_dev[i] == dst->st_dev && w->anc_ino[i] == dst->st_ino) {
			skip(w, host_path, dst, "%s", "directory loop (a bind mount?): not walked again");
			close(fd);
			return 0;
		}
	}
	names = list_dir(fd, &n);
	if (!names) {
		fail(w, host_path, dst, "cannot list directory");
		close(fd);
		return 0;
	}
	w->anc_dev[w->depth] = dst->st_dev;
	w->anc_ino[w->depth] = dst->st_ino;
	w->depth++;
	for (size_t i = 0; i < n && r >= 0; i++) {
		char *child = xasprintf("%s%s%s", host_path, strcmp(host_path, "/") ? "/" : "",
					names[i]);

		r = walk_entry(w, fd, names[i], child);
		free(child);
	}
	w->depth--;
	free_names(names, n);
	close(fd);
	return r;
}

/* The path a descriptor really refers to, from /proc/self/fd; NULL if unknown. */
static char *fd_path(int fd)
{
	char link[64], target[4096];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0 || target[0] != '/')
		return NULL;
	target[n] = '\0';
	return xstrdup(target);
}

/*
 * The path a descriptor really refers to, as a host path under root; NULL
 * if unknown (no /proc) or outside. The root is compared by what its own
 * descriptor refers to, so a relative or symlinked root works too.
 */
static char *fd_host_path(const struct collect_ctx *ctx, int fd)
{
	char *target = fd_path(fd), *root, *ret = NULL;
	size_t rl;

	if (!target || ctx->root_is_host)
		return target;
	root = fd_path(ctx->rootfd);
	if (root) {
		rl = strcmp(root, "/") ? strlen(root) : 0;
		if (!strncmp(target, root, rl) && (!target[rl] || target[rl] == '/'))
			ret = xstrdup(target[rl] ? target + rl : "/");
	}
	free(root);
	free(target);
	return ret;
}

/*
 * Is path (a host path under root) or a directory above it diag's own state
 * or output? A walk skips those directories on its way down; a path named
 * in the spec, or matched by a glob, starts below them.
 */
static bool under_skipped(const struct collect_ctx *ctx, const char *path)
{
	char *p = xstrdup(path);
	bool hit = false;

	for (;;) {
		struct stat st;
		char *slash;

		if (fstatat(ctx->rootfd, p[1] ? p + 1 : ".", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    collect_is_skipped_inode(ctx, st.st_dev, st.st_ino)) {
			hit = true;
			break;
		}
		slash = strrchr(p, '/');
		if (!slash || !p[1])
			break;
		slash[slash == p] = '\0'; /* "/var" -> "/" */
	}
	free(p);
	return hit;
}

/* A path named in the spec or matched by a glob: symlinks are followed within root. */
static int collect_top(struct walk *w, const char *host_path, bool explicit)
{
	struct collect_ctx *ctx = w->ctx;
	struct stat lst, st;
	const char *why;
	char *real = NULL, target[4096] = "";
	int fd, r = 0;

	if (excluded(w, host_path))
		return 0;
	if ((why = secret_path(host_path))) {
		skip(w, host_path, NULL, "secret: %s", why);
		return 0;
	}
	fd = collect_open(ctx, host_path, O_PATH, false);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR) {
			if (explicit)
				skip(w, host_path, NULL, "%s", "not present on this host");
		} else {
			fail(w, host_path, NULL, "cannot open");
		}
		return 0;
	}
	if (fstat(fd, &lst) < 0) {
		fail(w, host_path, NULL, "cannot stat");
		close(fd);
		return 0;
	}
	st = lst;
	strbuf_reset(&w->note);
	if (S_ISLNK(lst.st_mode)) {
		ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);

		target[n > 0 ? n : 0] = '\0';
		close(fd);
		fd = collect_open(ctx, host_path, O_PATH, true);
		if (fd < 0 || fstat(fd, &st) < 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			errno = e;
			if (e == ENOENT)
				skip(w, host_path, &lst, "symbolic link to '%s', which does not exist",
				     target);
			else
				fail(w, host_path, &lst, "cannot follow symbolic link");
			return 0;
		}
	}
	/*
	 * PROMISE: secret stores are not collected under another name either.
	 * A symbolic link, here or in a directory above, may lead into one:
	 * the real path is checked, and so are the paths under it.
	 */
	real = fd_host_path(ctx, fd);
	if (!real && S_ISLNK(lst.st_mode)) {
		skip(w, host_path, &lst, "symbolic link to '%s': where it leads cannot be checked "
		     "(no /proc), so it is not followed", target);
		goto out;
	}
	if (real && (why = secret_path(real))) {
		skip(w, host_path, &lst, "secret: %s", why);
		goto out;
	}
	/* PROMISE: diag's own state (site key, pseudonym map) is never collected, however named. */
	if (under_skipped(ctx, real ? real : host_path)) {
		skip(w, host_path, &lst, "%s", "diag's own state or output: never collected");
		goto out;
	}
	w->real_top = real && strcmp(real, host_path) ? real : NULL;
	w->top_len = strlen(host_path);
	if (S_ISLNK(lst.st_mode))
		add_note(w, "symbolic link to '%s'", target);
	if (S_ISDIR(st.st_mode)) {
		/* the directory checked above, not whatever the name leads to now */
		int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);

		if (dfd < 0) {
			fail(w, host_path, &st, "cannot open directory");
			goto out;
		}
		w->depth = 0;
		r = walk_dir(w, dfd, host_path, &st);
	} else if (S_ISREG(st.st_mode)) {
		r = collect_file_at(w, &(struct source){ host_path, -1, NULL, fd }, &st);
	} else {
		skip(w, host_path, &st, "%s: not read", type_name(st.st_mode));
	}
out:
	w->real_top = NULL;
	free(real);
	close(fd);
	return r;
}

struct matches {
	char **v;
	size_t n, alloc;
	size_t listings;        /* directories listed (a safety net: a wide tree) */
	/* the directories listed on the way to the current one: coming back to one is a loop */
	dev_t *anc_dev;
	ino_t *anc_ino;
	size_t nanc, anc_alloc;
	char *loop;             /* the first path that led round a loop, or NULL */
};

/* Expand comps[i..] below prefix (a host path, "" for the root), component by component. */
static void glob_expand(struct walk *w, struct strbuf *prefix, char **comps, size_t ncomp,
			size_t i, struct matches *m)
{
	size_t len = prefix->len;
	struct stat st;
	char **names;
	size_t n;
	int fd;

	if (m->n >= MAX_GLOB_MATCHES || m->listings >= MAX_GLOB_LISTINGS)
		return;
	if (i == ncomp) {
		ALLOC_GROW(m->v, m->n + 1, m->alloc);
		m->v[m->n++] = xstrdup(prefix->len ? prefix->buf : "/");
		return;
	}
	if (!has_glob(comps[i])) {
		strbuf_addch(prefix, '/');
		strbuf_addstr(prefix, comps[i]);
		fd = collect_open(w->ctx, prefix->buf, O_PATH, i + 1 < ncomp);
		if (fd >= 0) {
			close(fd);
			glob_expand(w, prefix, comps, ncomp, i + 1, m);
		}
		strbuf_setlen(prefix, len);
		return;
	}
	fd = collect_open(w->ctx, prefix->len ? prefix->buf : "/", O_RDONLY | O_DIRECTORY | O_NONBLOCK,
			  true);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return;
	}
	/* A symbolic link (or bind mount) back to a directory listed on the way: 2^n paths. */
	for (size_t k = 0; k < m->nanc; k++) {
		if (m->anc_dev[k] == st.st_dev && m->anc_ino[k] == st.st_ino) {
			if (!m->loop)
				m->loop = xstrdup(prefix->len ? prefix->buf : "/");
			close(fd);
			return;
		}
	}
	m->listings++;
	names = list_dir(fd, &n);
	close(fd);
	ALLOC_GROW(m->anc_dev, m->nanc + 1, m->anc_alloc);
	m->anc_ino = xrealloc(m->anc_ino, m->anc_alloc * sizeof(*m->anc_ino));
	m->anc_dev[m->nanc] = st.st_dev;
	m->anc_ino[m->nanc++] = st.st_ino;
	for (size_t j = 0; names && j < n; j++) {
		if (fnmatch(comps[i], names[j], FNM_PERIOD))
			continue;
		strbuf_addch(prefix, '/');
		strbuf_addstr(prefix, names[j]);
		glob_expand(w, prefix, comps, ncomp, i + 1, m);
		strbuf_setlen(prefix, len);
	}
	m->nanc--;
	if (names)
		free_names(names, n);
}

static int collect_pattern(struct walk *w, const char *pattern)
{
	struct collect_item item;
	struct strbuf prefix = STRBUF_INIT;
	struct matches m = { 0 };
	char *copy = xstrdup(pattern), **comps = NULL;
	size_t ncomp = 0, alloc = 0;
	int r = 0;

	for (char *c = copy + 1; *c;) {
		char *slash = strchr(c, '/');

		ALLOC_GROW(comps, ncomp + 1, alloc);
		comps[ncomp++] = c;
		if (!slash)
			break;
		*slash = '\0';
		c = slash + 1;
	}
	glob_expand(w, &prefix, comps, ncomp, 0, &m);
	item_for(w, &item, NULL, pattern, NULL);
	if (m.n >= MAX_GLOB_MATCHES || m.listings >= MAX_GLOB_LISTINGS)
		collect_skipped(w->ctx, &item, "the pattern %s: expansion stopped, %zu matches kept",
				m.n >= MAX_GLOB_MATCHES ? "matches more than 100000 paths" :
				"lists more than 10000 directories", m.n);
	else if (m.loop)
		collect_skipped(w->ctx, &item, "'%s' leads back to a directory above it (a symbolic "
				"link loop): not expanded further; %zu matches kept", m.loop, m.n);
	else if (!m.n)
		collect_skipped(w->ctx, &item, "%s", "nothing matches this pattern on this host");
	for (size_t i = 0; i < m.n; i++) {
		if (r >= 0)
			r = collect_top(w, m.v[i], false);
		free(m.v[i]);
	}
	free(m.v);
	free(m.anc_dev);
	free(m.anc_ino);
	free(m.loop);
	free(comps);
	free(copy);
	strbuf_release(&prefix);
	return r;
}

static int file_collect(struct collect_ctx *ctx, const struct spec_entry *e)
{
	struct walk w;
	int r = 0;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.e = e;
	w.cap = e->max_file_size ? e->max_file_size : ctx->max_file_size;
	w.prefix = ctx->spec->settings.prefix[SPEC_FILE];
	w.buf = xmalloc(BUF_SIZE);
	w.sniff = xmalloc(SNIFF_SIZE);
	w.anc_dev = xcalloc((size_t)e->max_depth + 2, sizeof(*w.anc_dev));
	w.anc_ino = xcalloc((size_t)e->max_depth + 2, sizeof(*w.anc_ino));
	strbuf_init(&w.note, 0);
	for (size_t i = 0; i < e->npaths && r >= 0; i++)
		r = has_glob(e->paths[i]) ? collect_pattern(&w, e->paths[i]) :
			collect_top(&w, e->paths[i], true);
	sodium_memzero(w.buf, BUF_SIZE);
	sodium_memzero(w.sniff, SNIFF_SIZE);
	free(w.buf);
	free(w.sniff);
	free(w.anc_dev);
	free(w.anc_ino);
	strbuf_release(&w.note);
	return ctx->fatal ? -1 : 0;
}

const struct collector collector_file = {
	.name = "file",
	.kind = SPEC_FILE,
	.collect = file_collect,
};
