// SPDX-License-Identifier: MIT
/*
 * manifest.c - the bundle manifest: build, serialise deterministically,
 * parse and validate strictly (cJSON)
 *
 * The JSON layout, in this key order (optional keys in brackets):
 *
 *   { "format": "diag-bundle", "version": 1, "tool": "diag 1.0.0",
 *     "created": RFC3339, "host": STR, "window": {"since": T, "until": T} | null,
 *     "spec": {"name": STR, "sha256": HEX}, "policy": {"name": STR, "sha256": HEX},
 *     "recipients": [STR...], "limits": {"file_cap": N, "budget": N},
 *     "totals": {"files": N, "bytes": N, "redactions": N, "failures": N, "skipped": N},
 *     "files": [ {"path", "size", "sha256", "collector", "kind", "source",
 *                 "description", "mtime": T | null, "source_size", "duration_ms",
 *                 "truncated", "time_filtered", "redactions": {RULE: N...},
 *                 ["exit_status", "timed_out"], ["error"], ["note"],
 *                 ["review": "changed" | "added"],
 *                 ["offset", "compressed_size"]} ... ],
 *     "failures": [ {"collector", "path": STR | null, "source": STR | null,
 *                    "reason", "duration_ms"} ... ],
 *     "skipped": [ the same, for items not collected on purpose ],
 *     ["review": {"sealed": T, "removed": [ {"path", "size", "sha256"} ... ]}],
 *     ["payload": {"size": N, "compressed_size": N, "sha256": HEX}] }
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "diag/error.h"
#include "diag/manifest.h"
#include "diag/tar.h"
#include "diag/util.h"

/* ------------------------------------------------------------ path sets */

/* Open addressing; owns nothing but the slot array and the directory copies. */
struct strset {
	char **slots;
	size_t alloc, count;
	bool own;
};

struct manifest_pathset {
	struct strset files; /* borrowed: files[i].path */
	struct strset dirs;  /* owned: every directory prefix of a file path */
};

static uint64_t hash_str(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* The slot for s[0, len): where it is, or the empty slot where it would go. */
static char **strset_slot(const struct strset *set, const char *s, size_t len)
{
	size_t i = (size_t)hash_str(s, len) & (set->alloc - 1);

	for (;; i = (i + 1) & (set->alloc - 1)) {
		char *e = set->slots[i];

		if (!e || (strlen(e) == len && !memcmp(e, s, len)))
			return &set->slots[i];
	}
}

static bool strset_has(const struct strset *set, const char *s, size_t len)
{
	return set->alloc && *strset_slot(set, s, len);
}

static void strset_add(struct strset *set, const char *s, size_t len)
{
	char **slot;

	if (2 * (set->count + 1) > set->alloc) {
		struct strset bigger = { NULL, set->alloc ? 2 * set->alloc : 64, 0, set->own };

		bigger.slots = xcalloc(bigger.alloc, sizeof(char *));
		for (size_t i = 0; i < set->alloc; i++)
			if (set->slots[i])
				*strset_slot(&bigger, set->slots[i], strlen(set->slots[i])) = set->slots[i];
		bigger.count = set->count;
		free(set->slots);
		*set = bigger;
	}
	slot = strset_slot(set, s, len);
	if (*slot)
		return;
	*slot = set->own ? xstrndup(s, len) : (char *)s;
	set->count++;
}

static void strset_release(struct strset *set)
{
	if (set->own)
		for (size_t i = 0; i < set->alloc; i++)
			free(set->slots[i]);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

/* --------------------------------------------------------------- strings */

/* Length of the UTF-8 sequence at s (at most len bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
	uint32_t c;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len; ) {
		size_t n = utf8_seq(p + i, len - i);

		if (!n)
			return false;
		i += n;
	}
	return true;
}

char *manifest_clean_string(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb = STRBUF_INIT;

	strbuf_grow(&sb, len);
	for (size_t i = 0; i < len; ) {
		size_t n = p[i] ? utf8_seq(p + i, len - i) : 0;

		if (n) {
			strbuf_add(&sb, p + i, n);
			i += n;
		} else {
			strbuf_addstr(&sb, "\xef\xbf\xbd");
			i++;
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* ----------------------------------------------------------------- build */

struct manifest *manifest_new(void)
{
	struct manifest *m = xcalloc(1, sizeof(*m));

	m->version = MANIFEST_VERSION;
	m->tool = xstrdup("diag " DIAG_VERSION);
	m->created = diag_now();
	m->host = xstrdup("");
	m->spec.name = xstrdup("none");
	m->policy.name = xstrdup("none");
	m->paths = xcalloc(1, sizeof(*m->paths));
	m->paths->dirs.own = true;
	return m;
}

void manifest_file_release(struct manifest_file *f)
{
	free(f->path);
	free(f->collector);
	free(f->kind);
	free(f->source);
	free(f->description);
	free(f->error);
	free(f->note);
	for (size_t i = 0; i < f->nredactions; i++)
		free(f->redactions[i].rule);
	free(f->redactions);
	memset(f, 0, sizeof(*f));
}

static void failure_release(struct manifest_failure *f)
{
	free(f->collector);
	free(f->path);
	free(f->source);
	free(f->reason);
}

void manifest_free(struct manifest *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nfiles; i++)
		manifest_file_release(&m->files[i]);
	free(m->files);
	for (size_t i = 0; i < m->nfailures; i++)
		failure_release(&m->failures[i]);
	free(m->failures);
	for (size_t i = 0; i < m->nskipped; i++)
		failure_release(&m->skipped[i]);
	free(m->skipped);
	for (size_t i = 0; i < m->nremoved; i++)
		free(m->removed[i].path);
	free(m->removed);
	for (size_t i = 0; i < m->nrecipients; i++)
		free(m->recipients[i]);
	free(m->recipients);
	free(m->tool);
	free(m->host);
	free(m->spec.name);
	free(m->policy.name);
	if (m->paths) {
		strset_release(&m->paths->files);
		strset_release(&m->paths->dirs);
		free(m->paths);
	}
	free(m);
}

const char *manifest_path_syntax(const char *path)
{
	size_t len = strlen(path);
	const char *c = path;

	if (!len)
		return "empty path";
	if (len > TAR_NAME_MAX)
		return "path too long";
	if (!utf8_valid(path, len))
		return "path is not valid UTF-8";
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f || path[i] == '\\')
			return "control character or backslash in path";
	if (path[0] == '/')
		return "absolute path";
	for (;;) {
		size_t n = strcspn(c, "/");

		if (n == 0)
			return "empty path component";
		if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return "'.' or '..' in path";
		if (!c[n])
			break;
		c += n + 1;
	}
	return NULL;
}

const char *manifest_path_check(const struct manifest *m, const char *path)
{
	const char *why = manifest_path_syntax(path);
	size_t len = strlen(path);

	if (why)
		return why;
	if (!strcmp(path, MANIFEST_NAME))
		return "reserved name";
	if (strset_has(&m->paths->files, path, len))
		return "duplicate path";
	if (strset_has(&m->paths->dirs, path, len))
		return "path is a directory of another file";
	for (const char *s = strchr(path, '/'); s; s = strchr(s + 1, '/'))
		if (strset_has(&m->paths->files, path, (size_t)(s - path)))
			return "path is inside another file";
	return NULL;
}

struct manifest_file *manifest_add_file(struct manifest *m, const struct manifest_file *f)
{
	const char *why = manifest_path_check(m, f->path);
	struct manifest_file *nf;

	if (why)
		BUG("manifest_add_file: '%s': %s", f->path, why);
	ALLOC_GROW(m->files, m->nfiles + 1, m->files_alloc);
	/* files[] may have moved, but the path strings have not: the set holds those. */
	nf = &m->files[m->nfiles++];
	*nf = *f;
	strset_add(&m->paths->files, nf->path, strlen(nf->path));
	for (const char *s = strchr(nf->path, '/'); s; s = strchr(s + 1, '/'))
		strset_add(&m->paths->dirs, nf->path, (size_t)(s - nf->path));
	return nf;
}

void manifest_add_failure(struct manifest *m, const struct manifest_failure *f)
{
	ALLOC_GROW(m->failures, m->nfailures + 1, m->failures_alloc);
	m->failures[m->nfailures++] = *f;
}

void manifest_add_skipped(struct manifest *m, const struct manifest_failure *f)
{
	ALLOC_GROW(m->skipped, m->nskipped + 1, m->skipped_alloc);
	m->skipped[m->nskipped++] = *f;
}

void manifest_file_count(struct manifest_file *f, const char *rule, uint64_t n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < f->nredactions; i++) {
		int c = strcmp(f->redactions[i].rule, rule);

		if (!c) {
			f->redactions[i].count += n;
			return;
		}
		if (c > 0)
			break;
	}
	f->redactions = xrealloc(f->redactions, (f->nredactions + 1) * sizeof(*f->redactions));
	memmove(f->redactions + i + 1, f->redactions + i,
		(f->nredactions - i) * sizeof(*f->redactions));
	f->redactions[i].rule = xstrdup(rule);
	f->redactions[i].count = n;
	f->nredactions++;
}

void manifest_add_removed(struct manifest *m, const char *path, uint64_t size,
			  const unsigned char sha256[32])
{
	struct manifest_removed *r;

	ALLOC_GROW(m->removed, m->nremoved + 1, m->removed_alloc);
	r = &m->removed[m->nremoved++];
	r->path = xstrdup(path);
	r->size = size;
	memcpy(r->sha256, sha256, 32);
}

static const char *const review_names[] = {
	[MANIFEST_REVIEW_CHANGED] = "changed",
	[MANIFEST_REVIEW_ADDED] = "added",
};

const char *manifest_review_name(enum manifest_review r)
{
	return r > 0 && (size_t)r < ARRAY_SIZE(review_names) ? review_names[r] : NULL;
}

ssize_t manifest_find(const struct manifest *m, const char *path)
{
	for (size_t i = 0; i < m->nfiles; i++)
		if (!strcmp(m->files[i].path, path))
			return (ssize_t)i;
	return -1;
}

void manifest_totals(const struct manifest *m, struct manifest_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->files = m->nfiles;
	t->failures = m->nfailures;
	t->skipped = m->nskipped;
	for (size_t i = 0; i < m->nfiles; i++) {
		t->bytes += m->files[i].size;
		for (size_t j = 0; j < m->files[i].nredactions; j++)
			t->redactions += m->files[i].redactions[j].count;
	}
}

/* ------------------------------------------------------------- serialise */

static void json_string(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"': strbuf_addstr(out, "\\\""); break;
		case '\\': strbuf_addstr(out, "\\\\"); break;
		case '\b': strbuf_addstr(out, "\\b"); break;
		case '\f': strbuf_addstr(out, "\\f"); break;
		case '\n': strbuf_addstr(out, "\\n"); break;
		case '\r': strbuf_addstr(out, "\\r"); break;
		case '\t': strbuf_addstr(out, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				strbuf_addf(out, "\\u%04x", c);
			else
				strbuf_addch(out, (char)c);
		}
	}
	strbuf_addch(out, '"');
}

static void json_key(struct strbuf *out, const char *key)
{
	json_string(out, key);
	strbuf_addstr(out, ": ");
}

static void json_time(struct strbuf *out, int64_t t)
{
	char buf[32];

	json_string(out, format_rfc3339(t, buf, sizeof(buf)));
}

static void json_hex(struct strbuf *out, const unsigned char *d)
{
	char hex[65];

	json_string(out, hex_encode(d, 32, hex));
}

static void json_u64(struct strbuf *out, uint64_t v)
{
	strbuf_addf(out, "%llu", (unsigned long long)v);
}

static void json_bool(struct strbuf *out, bool v)
{
	strbuf_addstr(out, v ? "true" : "false");
}

static void json_digest(struct strbuf *out, const struct manifest_digest *d)
{
	strbuf_addstr(out, "{");
	json_key(out, "name");
	json_string(out, d->name);
	strbuf_addstr(out, ", ");
	json_key(out, "sha256");
	json_hex(out, d->sha256);
	strbuf_addstr(out, "}");
}

static void json_file(struct strbuf *out, const struct manifest_file *f)
{
	strbuf_addstr(out, "{");
	json_key(out, "path");
	json_string(out, f->path);
	strbuf_addstr(out, ", ");
	json_key(out, "size");
	json_u64(out, f->size);
	strbuf_addstr(out, ", ");
	json_key(out, "sha256");
	json_hex(out, f->sha256);
	strbuf_addstr(out, ", ");
	json_key(out, "collector");
	json_string(out, f->collector);
	strbuf_addstr(out, ", ");
	json_key(out, "kind");
	json_string(out, f->kind);
	strbuf_addstr(out, ", ");
	json_key(out, "source");
	json_string(out, f->source);
	strbuf_addstr(out, ", ");
	json_key(out, "description");
	json_string(out, f->description);
	strbuf_addstr(out, ", ");
	json_key(out, "mtime");
	if (f->mtime)
		json_time(out, f->mtime);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ", ");
	json_key(out, "source_size");
	json_u64(out, f->source_size);
	strbuf_addstr(out, ", ");
	json_key(out, "duration_ms");
	json_u64(out, f->duration_ms);
	strbuf_addstr(out, ", ");
	json_key(out, "truncated");
	json_bool(out, f->truncated);
	strbuf_addstr(out, ", ");
	json_key(out, "time_filtered");
	json_bool(out, f->time_filtered);
	strbuf_addstr(out, ", ");
	json_key(out, "redactions");
	strbuf_addstr(out, "{");
	for (size_t i = 0; i < f->nredactions; i++) {
		if (i)
			strbuf_addstr(out, ", ");
		json_key(out, f->redactions[i].rule);
		json_u64(out, f->redactions[i].count);
	}
	strbuf_addstr(out, "}");
	if (f->has_exit) {
		strbuf_addstr(out, ", ");
		json_key(out, "exit_status");
		strbuf_addf(out, "%d", f->exit_status);
		strbuf_addstr(out, ", ");
		json_key(out, "timed_out");
		json_bool(out, f->timed_out);
	}
	if (f->error) {
		strbuf_addstr(out, ", ");
		json_key(out, "error");
		json_string(out, f->error);
	}
	if (f->note) {
		strbuf_addstr(out, ", ");
		json_key(out, "note");
		json_string(out, f->note);
	}
	if (f->review) {
		strbuf_addstr(out, ", ");
		json_key(out, "review");
		json_string(out, manifest_review_name(f->review));
	}
	if (f->has_offset) {
		strbuf_addstr(out, ", ");
		json_key(out, "offset");
		json_u64(out, f->offset);
		strbuf_addstr(out, ", ");
		json_key(out, "compressed_size");
		json_u64(out, f->compressed_size);
	}
	strbuf_addstr(out, "}");
}

static void json_failure(struct strbuf *out, const struct manifest_failure *f)
{
	strbuf_addstr(out, "{");
	json_key(out, "collector");
	json_string(out, f->collector);
	strbuf_addstr(out, ", ");
	json_key(out, "path");
	if (f->path)
		json_string(out, f->path);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ", ");
	json_key(out, "source");
	if (f->source)
		json_string(out, f->source);
	else
		strbuf_addstr(out, "null");
	strbuf_addstr(out, ", ");
	json_key(out, "reason");
	json_string(out, f->reason);
	strbuf_addstr(out, ", ");
	json_key(out, "duration_ms");
	json_u64(out, f->duration_ms);
	strbuf_addstr(out, "}");
}

static void json_failures(struct strbuf *out, const char *key, const struct manifest_failure *v,
			  size_t n)
{
	json_key(out, key);
	strbuf_addstr(out, n ? "[\n" : "[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(out, "    ");
		json_failure(out, &v[i]);
		strbuf_addstr(out, i + 1 < n ? ",\n" : "\n  ");
	}
	strbuf_addstr(out, "]");
}

void manifest_serialize(const struct manifest *m, struct strbuf *out, bool with_payload)
{
	struct manifest_totals t;

	manifest_totals(m, &t);
	strbuf_addstr(out, "{\n  ");
	json_key(out, "format");
	json_string(out, MANIFEST_FORMAT);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "version");
	strbuf_addf(out, "%d", m->version);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "tool");
	json_string(out, m->tool);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "created");
	json_time(out, m->created);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "host");
	json_string(out, m->host);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "window");
	if (m->has_window) {
		strbuf_addstr(out, "{");
		json_key(out, "since");
		json_time(out, m->since);
		strbuf_addstr(out, ", ");
		json_key(out, "until");
		json_time(out, m->until);
		strbuf_addstr(out, "}");
	} else {
		strbuf_addstr(out, "null");
	}
	strbuf_addstr(out, ",\n  ");
	json_key(out, "spec");
	json_digest(out, &m->spec);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "policy");
	json_digest(out, &m->policy);
	strbuf_addstr(out, ",\n  ");
	json_key(out, "recipients");
	strbuf_addstr(out, "[");
	for (size_t i = 0; i < m->nrecipients; i++) {
		strbuf_addstr(out, i ? ", " : "");
		json_string(out, m->recipients[i]);
	}
	strbuf_addstr(out, "],\n  ");
	json_key(out, "limits");
	strbuf_addstr(out, "{");
	json_key(out, "file_cap");
	json_u64(out, m->file_cap);
	strbuf_addstr(out, ", ");
	json_key(out, "budget");
	json_u64(out, m->budget);
	strbuf_addstr(out, "},\n  ");
	json_key(out, "totals");
	strbuf_addstr(out, "{");
	json_key(out, "files");
	json_u64(out, t.files);
	strbuf_addstr(out, ", ");
	json_key(out, "bytes");
	json_u64(out, t.bytes);
	strbuf_addstr(out, ", ");
	json_key(out, "redactions");
	json_u64(out, t.redactions);
	strbuf_addstr(out, ", ");
	json_key(out, "failures");
	json_u64(out, t.failures);
	strbuf_addstr(out, ", ");
	json_key(out, "skipped");
	json_u64(out, t.skipped);
	strbuf_addstr(out, "},\n  ");
	json_key(out, "files");
	strbuf_addstr(out, m->nfiles ? "[\n" : "[");
	for (size_t i = 0; i < m->nfiles; i++) {
		strbuf_addstr(out, "    ");
		json_file(out, &m->files[i]);
		strbuf_addstr(out, i + 1 < m->nfiles ? ",\n" : "\n  ");
	}
	strbuf_addstr(out, "],\n  ");
	json_failures(out, "failures", m->failures, m->nfailures);
	strbuf_addstr(out, ",\n  ");
	json_failures(out, "skipped", m->skipped, m->nskipped);
	if (m->reviewed) {
		strbuf_addstr(out, ",\n  ");
		json_key(out, "review");
		strbuf_addstr(out, "{");
		json_key(out, "sealed");
		json_time(out, m->sealed);
		strbuf_addstr(out, ", ");
		json_key(out, "removed");
		strbuf_addstr(out, m->nremoved ? "[\n" : "[");
		for (size_t i = 0; i < m->nremoved; i++) {
			strbuf_addstr(out, "    {");
			json_key(out, "path");
			json_string(out, m->removed[i].path);
			strbuf_addstr(out, ", ");
			json_key(out, "size");
			json_u64(out, m->removed[i].size);
			strbuf_addstr(out, ", ");
			json_key(out, "sha256");
			json_hex(out, m->removed[i].sha256);
			strbuf_addstr(out, i + 1 < m->nremoved ? "},\n" : "}\n  ");
		}
		strbuf_addstr(out, "]}");
	}
	if (with_payload && m->has_payload) {
		strbuf_addstr(out, ",\n  ");
		json_key(out, "payload");
		strbuf_addstr(out, "{");
		json_key(out, "size");
		json_u64(out, m->payload_size);
		strbuf_addstr(out, ", ");
		json_key(out, "compressed_size");
		json_u64(out, m->payload_compressed_size);
		strbuf_addstr(out, ", ");
		json_key(out, "sha256");
		json_hex(out, m->payload_sha256);
		strbuf_addstr(out, "}");
	}
	strbuf_addstr(out, "\n}\n");
}

/* ----------------------------------------------------------------- parse */

struct parser {
	const char *name;
	char where[128]; /* "files[3]" */
};

static int perr(struct parser *p, const char *key, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int perr(struct parser *p, const char *key, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!*p->where && !key)
		return error("%s: %s", p->name, msg);
	return error("%s: %s%s%s: %s", p->name, p->where, *p->where && key ? "." : "",
		     key ? key : "", msg);
}

/* obj must be an object whose keys are all in keys[] (NULL-terminated), each at most once. */
static int check_keys(struct parser *p, const cJSON *obj, const char *const *keys)
{
	unsigned seen = 0;

	for (const cJSON *c = obj->child; c; c = c->next) {
		size_t k;

		for (k = 0; keys[k]; k++)
			if (!strcmp(keys[k], c->string))
				break;
		if (!keys[k])
			return perr(p, NULL, "unexpected key '%.64s'", c->string);
		if (seen & (1u << k))
			return perr(p, NULL, "duplicate key '%s'", keys[k]);
		seen |= 1u << k;
	}
	return 0;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static int get_object(struct parser *p, const cJSON *obj, const char *key, const cJSON **out,
		      bool nullable)
{
	const cJSON *v = member(obj, key);

	if (!v)
		return perr(p, key, "missing");
	if (nullable && cJSON_IsNull(v)) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsObject(v))
		return perr(p, key, "not an object");
	*out = v;
	return 0;
}

/* A string of at most max bytes, valid UTF-8, no NUL. *out is borrowed from the tree. */
static int get_string(struct parser *p, const cJSON *obj, const char *key, size_t max,
		      bool nonempty, bool nullable, const char **out)
{
	const cJSON *v = member(obj, key);
	size_t len;

	if (!v)
		return perr(p, key, "missing");
	if (nullable && cJSON_IsNull(v)) {
		*out = NULL;
		return 0;
	}
	if (!cJSON_IsString(v) || !v->valuestring)
		return perr(p, key, "not a string");
	len = strlen(v->valuestring);
	if (len > max)
		return perr(p, key, "longer than %zu bytes", max);
	if (nonempty && !len)
		return perr(p, key, "empty");
	if (!utf8_valid(v->valuestring, len))
		return perr(p, key, "not valid UTF-8");
	*out = v->valuestring;
	return 0;
}

static int dup_string(struct parser *p, const cJSON *obj, const char *key, size_t max,
		      bool nonempty, bool nullable, char **out)
{
	const char *s;

	if (get_string(p, obj, key, max, nonempty, nullable, &s) < 0)
		return -1;
	*out = s ? xstrdup(s) : NULL;
	return 0;
}

static int number_value(const cJSON *v, double lo, double hi, double *out)
{
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* the range check first, so that the cast is defined */
	if (!isfinite(d) || d < lo || d > hi || (double)(int64_t)d != d)
		return -1;
	*out = d;
	return 0;
}

static int get_u64(struct parser *p, const cJSON *obj, const char *key, uint64_t *out)
{
	const cJSON *v = member(obj, key);
	double d;

	if (!v)
		return perr(p, key, "missing");
	if (number_value(v, 0, (double)MANIFEST_INT_MAX, &d) < 0)
		return perr(p, key, "not an integer from 0 to 2^53-1");
	*out = (uint64_t)d;
	return 0;
}

static int get_bool(struct parser *p, const cJSON *obj, const char *key, bool *out)
{
	const cJSON *v = member(obj, key);

	if (!v)
		return perr(p, key, "missing");
	if (!cJSON_IsBool(v))
		return perr(p, key, "not true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* An RFC 3339 UTC time as manifest_serialize() writes it. */
static int get_time(struct parser *p, const cJSON *obj, const char *key, bool nullable,
		    int64_t *out)
{
	const char *s;
	char buf[32];
	int64_t t;

	if (get_string(p, obj, key, 32, true, nullable, &s) < 0)
		return -1;
	if (!s) {
		*out = 0;
		return 0;
	}
	if (parse_rfc3339(s, &t) < 0 || t <= 0 || strcmp(format_rfc3339(t, buf, sizeof(buf)), s))
		return perr(p, key, "not a time as YYYY-MM-DDTHH:MM:SSZ");
	*out = t;
	return 0;
}

static int get_sha256(struct parser *p, const cJSON *obj, const char *key, unsigned char *out)
{
	const char *s;

	if (get_string(p, obj, key, 64, true, false, &s) < 0)
		return -1;
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return perr(p, key, "not a SHA-256 digest in lower-case hex");
	if (strlen(s) != 64 || hex_decode(s, out, 32) < 0)
		return perr(p, key, "not a SHA-256 digest in lower-case hex");
	return 0;
}

/* Identifiers: rule and collector names. */
static bool id_ok(const char *s)
{
	if (!*s || strlen(s) > 128)
		return false;
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e || *s == '"' || *s == '\\')
			return false;
	return true;
}

static bool recipient_ok(const char *s)
{
	static const char bech32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

	if (strlen(s) != 62 || strncmp(s, "age1", 4))
		return false;
	for (s += 4; *s; s++)
		if (!strchr(bech32, *s))
			return false;
	return true;
}

static int parse_digest(struct parser *p, const cJSON *root, const char *key,
			struct manifest_digest *d)
{
	static const char *const keys[] = { "name", "sha256", NULL };
	const cJSON *o;
	char *name;
	int ret;

	if (get_object(p, root, key, &o, false) < 0)
		return -1;
	snprintf(p->where, sizeof(p->where), "%s", key);
	ret = check_keys(p, o, keys);
	if (!ret)
		ret = dup_string(p, o, "name", 256, true, false, &name);
	if (!ret) {
		free(d->name);
		d->name = name;
		ret = get_sha256(p, o, "sha256", d->sha256);
	}
	p->where[0] = '\0';
	return ret;
}

static int parse_file(struct parser *p, struct manifest *m, const cJSON *o)
{
	static const char *const keys[] = {
		"path", "size", "sha256", "collector", "kind", "source", "description", "mtime",
		"source_size", "duration_ms", "truncated", "time_filtered", "redactions",
		"exit_status", "timed_out", "error", "note", "review", "offset", "compressed_size", NULL,
	};
	struct manifest_file f = { 0 };
	const cJSON *red, *v;
	const char *why;

	if (!cJSON_IsObject(o))
		return perr(p, NULL, "not an object");
	if (check_keys(p, o, keys) < 0 ||
	    dup_string(p, o, "path", TAR_NAME_MAX, true, false, &f.path) < 0)
		goto fail;
	why = manifest_path_check(m, f.path);
	if (why) {
		perr(p, "path", "'%.200s': %s", f.path, why);
		goto fail;
	}
	if (get_u64(p, o, "size", &f.size) < 0 ||
	    get_sha256(p, o, "sha256", f.sha256) < 0 ||
	    dup_string(p, o, "collector", 128, true, false, &f.collector) < 0 ||
	    dup_string(p, o, "kind", 128, true, false, &f.kind) < 0 ||
	    dup_string(p, o, "source", 65536, false, false, &f.source) < 0 ||
	    dup_string(p, o, "description", 65536, false, false, &f.description) < 0 ||
	    get_time(p, o, "mtime", true, &f.mtime) < 0 ||
	    get_u64(p, o, "source_size", &f.source_size) < 0 ||
	    get_u64(p, o, "duration_ms", &f.duration_ms) < 0 ||
	    get_bool(p, o, "truncated", &f.truncated) < 0 ||
	    get_bool(p, o, "time_filtered", &f.time_filtered) < 0 ||
	    get_object(p, o, "redactions", &red, false) < 0)
		goto fail;
	if (!id_ok(f.collector) || !id_ok(f.kind)) {
		perr(p, id_ok(f.collector) ? "kind" : "collector", "not a name");
		goto fail;
	}
	for (const cJSON *c = red->child; c; c = c->next) {
		double d;

		if (!id_ok(c->string) || (f.nredactions && strcmp(f.redactions[f.nredactions - 1].rule,
								 c->string) >= 0)) {
			perr(p, "redactions", "bad or unsorted rule name '%.64s'", c->string);
			goto fail;
		}
		if (number_value(c, 1, (double)MANIFEST_INT_MAX, &d) < 0) {
			perr(p, "redactions", "count for '%.64s' is not a positive integer", c->string);
			goto fail;
		}
		manifest_file_count(&f, c->string, (uint64_t)d);
	}
	v = member(o, "exit_status");
	if (v || member(o, "timed_out")) {
		double d;

		if (!v || number_value(v, -1, 255, &d) < 0) {
			perr(p, "exit_status", "missing, or not an integer from -1 to 255");
			goto fail;
		}
		f.has_exit = true;
		f.exit_status = (int)d;
		if (get_bool(p, o, "timed_out", &f.timed_out) < 0)
			goto fail;
	}
	if (member(o, "error") && dup_string(p, o, "error", 65536, true, false, &f.error) < 0)
		goto fail;
	if (member(o, "note") && dup_string(p, o, "note", 65536, true, false, &f.note) < 0)
		goto fail;
	if (member(o, "review")) {
		const char *r;

		if (get_string(p, o, "review", 16, true, false, &r) < 0)
			goto fail;
		if (!strcmp(r, "changed"))
			f.review = MANIFEST_REVIEW_CHANGED;
		else if (!strcmp(r, "added"))
			f.review = MANIFEST_REVIEW_ADDED;
		else {
			perr(p, "review", "neither \"changed\" nor \"added\"");
			goto fail;
		}
	}
	if (member(o, "offset") || member(o, "compressed_size")) {
		if (get_u64(p, o, "offset", &f.offset) < 0 ||
		    get_u64(p, o, "compressed_size", &f.compressed_size) < 0)
			goto fail;
		f.has_offset = true;
	}
	manifest_add_file(m, &f);
	return 0;
fail:
	manifest_file_release(&f);
	return -1;
}

static int parse_failure(struct parser *p, struct manifest *m, const cJSON *o, bool skipped)
{
	static const char *const keys[] = {
		"collector", "path", "source", "reason", "duration_ms", NULL,
	};
	struct manifest_failure f = { 0 };

	if (!cJSON_IsObject(o))
		return perr(p, NULL, "not an object");
	if (check_keys(p, o, keys) < 0 ||
	    dup_string(p, o, "collector", 128, true, false, &f.collector) < 0 ||
	    dup_string(p, o, "path", TAR_NAME_MAX, true, true, &f.path) < 0 ||
	    dup_string(p, o, "source", 65536, false, true, &f.source) < 0 ||
	    dup_string(p, o, "reason", 65536, true, false, &f.reason) < 0 ||
	    get_u64(p, o, "duration_ms", &f.duration_ms) < 0)
		goto fail;
	if (!id_ok(f.collector)) {
		perr(p, "collector", "not a collector name");
		goto fail;
	}
	if (skipped)
		manifest_add_skipped(m, &f);
	else
		manifest_add_failure(m, &f);
	return 0;
fail:
	failure_release(&f);
	return -1;
}

/* Files and failures, then the cross-checks: totals, offsets. */
static int parse_lists(struct parser *p, struct manifest *m, const cJSON *root)
{
	static const char *const tkeys[] = {
		"files", "bytes", "redactions", "failures", "skipped", NULL,
	};
	static const char *const lists[] = { "failures", "skipped" };
	const cJSON *files = member(root, "files"), *tot;
	struct manifest_totals want, got;
	size_t i = 0;

	if (!cJSON_IsArray(files))
		return perr(p, "files", "missing, or not an array");
	for (const cJSON *c = files->child; c; c = c->next, i++) {
		snprintf(p->where, sizeof(p->where), "files[%zu]", i);
		if (parse_file(p, m, c) < 0)
			return -1;
	}
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++) {
		const cJSON *v = member(root, lists[l]);

		if (!cJSON_IsArray(v))
			return perr(p, lists[l], "missing, or not an array");
		i = 0;
		for (const cJSON *c = v->child; c; c = c->next, i++) {
			snprintf(p->where, sizeof(p->where), "%s[%zu]", lists[l], i);
			if (parse_failure(p, m, c, l == 1) < 0)
				return -1;
		}
	}
	p->where[0] = '\0';
	for (i = 0; i < m->nfiles; i++) {
		const struct manifest_file *f = &m->files[i];

		snprintf(p->where, sizeof(p->where), "files[%zu]", i);
		if (f->has_offset != m->files[0].has_offset)
			return perr(p, "offset", "present on some files only");
		if (f->has_offset && i && f->offset != f[-1].offset + f[-1].compressed_size)
			return perr(p, "offset", "does not follow the previous file");
		if (f->has_offset && !f->compressed_size)
			return perr(p, "compressed_size", "zero");
	}
	p->where[0] = '\0';
	if (get_object(p, root, "totals", &tot, false) < 0)
		return -1;
	snprintf(p->where, sizeof(p->where), "totals");
	if (check_keys(p, tot, tkeys) < 0 || get_u64(p, tot, "files", &want.files) < 0 ||
	    get_u64(p, tot, "bytes", &want.bytes) < 0 ||
	    get_u64(p, tot, "redactions", &want.redactions) < 0 ||
	    get_u64(p, tot, "failures", &want.failures) < 0 ||
	    get_u64(p, tot, "skipped", &want.skipped) < 0)
		return -1;
	manifest_totals(m, &got);
	if (memcmp(&want, &got, sizeof(want)))
		return perr(p, NULL, "do not match the files and failures listed");
	p->where[0] = '\0';
	return 0;
}

/* The review object: when the stage was sealed, and the files removed from it. */
static int parse_review(struct parser *p, struct manifest *m, const cJSON *root)
{
	static const char *const keys[] = { "sealed", "removed", NULL };
	static const char *const rkeys[] = { "path", "size", "sha256", NULL };
	const cJSON *o, *list;
	size_t i = 0;

	if (get_object(p, root, "review", &o, false) < 0)
		return -1;
	snprintf(p->where, sizeof(p->where), "review");
	if (check_keys(p, o, keys) < 0 || get_time(p, o, "sealed", false, &m->sealed) < 0)
		return -1;
	list = member(o, "removed");
	if (!cJSON_IsArray(list))
		return perr(p, "removed", "missing, or not an array");
	for (const cJSON *c = list->child; c; c = c->next, i++) {
		const char *path, *why;
		unsigned char sha[32];
		uint64_t size;

		snprintf(p->where, sizeof(p->where), "review.removed[%zu]", i);
		if (!cJSON_IsObject(c))
			return perr(p, NULL, "not an object");
		if (check_keys(p, c, rkeys) < 0 ||
		    get_string(p, c, "path", TAR_NAME_MAX, true, false, &path) < 0 ||
		    get_u64(p, c, "size", &size) < 0 || get_sha256(p, c, "sha256", sha) < 0)
			return -1;
		why = manifest_path_syntax(path);
		if (!why && manifest_find(m, path) >= 0)
			why = "it is also a file of the bundle";
		for (size_t j = 0; !why && j < m->nremoved; j++)
			if (!strcmp(m->removed[j].path, path))
				why = "listed twice";
		if (why)
			return perr(p, "path", "'%.200s': %s", path, why);
		manifest_add_removed(m, path, size, sha);
	}
	m->reviewed = true;
	p->where[0] = '\0';
	return 0;
}

static int parse_root(struct parser *p, struct manifest *m, const cJSON *root)
{
	static const char *const keys[] = {
		"format", "version", "tool", "created", "host", "window", "spec", "policy",
		"recipients", "limits", "totals", "files", "failures", "skipped", "review", "payload",
		NULL,
	};
	static const char *const wkeys[] = { "since", "until", NULL };
	static const char *const lkeys[] = { "file_cap", "budget", NULL };
	static const char *const pkeys[] = { "size", "compressed_size", "sha256", NULL };
	const cJSON *v, *o;
	const char *s;
	double d;
	size_t i;

	if (!cJSON_IsObject(root))
		return perr(p, NULL, "not a JSON object");
	if (check_keys(p, root, keys) < 0 ||
	    get_string(p, root, "format", 64, true, false, &s) < 0)
		return -1;
	if (strcmp(s, MANIFEST_FORMAT))
		return perr(p, "format", "not a diag bundle manifest");
	v = member(root, "version");
	if (!v || number_value(v, 1, 1e9, &d) < 0)
		return perr(p, "version", "missing, or not a positive integer");
	if (d != MANIFEST_VERSION)
		return perr(p, "version", "version %.0f is not supported (this diag reads version %d)",
			    d, MANIFEST_VERSION);
	free(m->tool);
	free(m->host);
	m->tool = m->host = NULL;
	if (dup_string(p, root, "tool", 128, true, false, &m->tool) < 0 ||
	    get_time(p, root, "created", false, &m->created) < 0 ||
	    dup_string(p, root, "host", 256, false, false, &m->host) < 0 ||
	    get_object(p, root, "window", &o, true) < 0)
		return -1;
	if (o) {
		snprintf(p->where, sizeof(p->where), "window");
		if (check_keys(p, o, wkeys) < 0 || get_time(p, o, "since", false, &m->since) < 0 ||
		    get_time(p, o, "until", false, &m->until) < 0)
			return -1;
		if (m->since > m->until)
			return perr(p, NULL, "since is after until");
		m->has_window = true;
		p->where[0] = '\0';
	}
	if (parse_digest(p, root, "spec", &m->spec) < 0 ||
	    parse_digest(p, root, "policy", &m->policy) < 0)
		return -1;
	v = member(root, "recipients");
	if (!cJSON_IsArray(v))
		return perr(p, "recipients", "missing, or not an array");
	i = 0;
	for (const cJSON *c = v->child; c; c = c->next, i++) {
		if (!cJSON_IsString(c) || !recipient_ok(c->valuestring))
			return perr(p, "recipients", "item %zu is not an age X25519 recipient", i);
		for (size_t j = 0; j < m->nrecipients; j++)
			if (!strcmp(m->recipients[j], c->valuestring))
				return perr(p, "recipients", "'%s' is listed twice", c->valuestring);
		m->recipients = xrealloc(m->recipients, (m->nrecipients + 1) * sizeof(char *));
		m->recipients[m->nrecipients++] = xstrdup(c->valuestring);
	}
	if (get_object(p, root, "limits", &o, false) < 0)
		return -1;
	snprintf(p->where, sizeof(p->where), "limits");
	if (check_keys(p, o, lkeys) < 0 || get_u64(p, o, "file_cap", &m->file_cap) < 0 ||
	    get_u64(p, o, "budget", &m->budget) < 0)
		return -1;
	p->where[0] = '\0';
	if (parse_lists(p, m, root) < 0)
		return -1;
	if (member(root, "review") && parse_review(p, m, root) < 0)
		return -1;
	for (size_t k = 0; k < m->nfiles && !m->reviewed; k++)
		if (m->files[k].review)
			return perr(p, NULL, "files[%zu] has a review mark, but there is no review", k);
	if (member(root, "payload")) {
		if (get_object(p, root, "payload", &o, false) < 0)
			return -1;
		snprintf(p->where, sizeof(p->where), "payload");
		if (check_keys(p, o, pkeys) < 0 || get_u64(p, o, "size", &m->payload_size) < 0 ||
		    get_u64(p, o, "compressed_size", &m->payload_compressed_size) < 0 ||
		    get_sha256(p, o, "sha256", m->payload_sha256) < 0)
			return -1;
		if (m->nfiles && m->files[0].has_offset) {
			const struct manifest_file *last = &m->files[m->nfiles - 1];

			if (last->offset + last->compressed_size >= m->payload_compressed_size)
				return perr(p, "compressed_size", "smaller than the files it holds");
		}
		if (m->payload_size < m->payload_compressed_size)
			return perr(p, "size", "smaller than the compressed payload");
		m->has_payload = true;
		p->where[0] = '\0';
	}
	return 0;
}

int manifest_parse(struct manifest **out, const char *buf, size_t len, const char *name)
{
	struct parser p = { name, "" };
	const char *end = NULL;
	struct manifest *m;
	cJSON *root;
	int ret;

	if (len > MANIFEST_MAX_SIZE)
		return error("%s: too large (%zu bytes)", name, len);
	if (memchr(buf, '\0', len))
		return error("%s: not JSON text (NUL byte)", name);
	root = cJSON_ParseWithLengthOpts(buf, len, &end, false);
	if (!root) {
		size_t off = end && end >= buf && end <= buf + len ? (size_t)(end - buf) : 0;

		return error("%s: not valid JSON (near byte %zu)", name, off);
	}
	if (end != buf + len) {
		/* only whitespace may follow */
		for (const char *c = end; c < buf + len; c++) {
			if (*c != ' ' && *c != '\n' && *c != '\t' && *c != '\r') {
				cJSON_Delete(root);
				return error("%s: unexpected data after the JSON object", name);
			}
		}
	}
	m = manifest_new();
	ret = parse_root(&p, m, root);
	cJSON_Delete(root);
	if (ret < 0) {
		manifest_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

int manifest_parse_canonical(struct manifest **out, const char *buf, size_t len, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	struct manifest *m;

	if (manifest_parse(&m, buf, len, name) < 0)
		return -1;
	manifest_serialize(m, &sb, true);
	if (sb.len != len || memcmp(sb.buf, buf, len)) {
		size_t i = 0;

		while (i < sb.len && i < len && sb.buf[i] == buf[i])
			i++;
		strbuf_release(&sb);
		manifest_free(m);
		return error("%s: not as diag writes it (altered near byte %zu)", name, i);
	}
	strbuf_release(&sb);
	*out = m;
	return 0;
}
