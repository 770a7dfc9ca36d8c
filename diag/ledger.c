// SPDX-License-Identifier: MIT
/* ledger.c - the export ledger: append-only, hash-chained, one JSON record per line */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/ledger.h"
#include "diag/util.h"

#define LEDGER_VERSION 1
#define LEDGER_MAX_BYTES (256u << 20) /* a ledger this large is not one diag wrote */
#define JSON_INT_MAX 9007199254740992.0 /* 2^53: larger integers lose precision as JSON numbers */

char *ledger_path(bool create)
{
	char *dir = diag_state_dir(create), *path;

	if (!dir)
		return NULL;
	path = xasprintf("%s/%s", dir, LEDGER_FILE);
	free(dir);
	return path;
}

static void sha256_hex(const void *data, size_t len, char out[LEDGER_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, data, len);
	hex_encode(h, sizeof(h), out);
}

static const char zero_hex[LEDGER_HEX] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/*
 * The shape of a ledger's text: how many lines it has (an incomplete last
 * line counted), whether the last one is incomplete, and the chain head.
 */
struct shape {
	size_t lines;
	bool incomplete;
	char head[LEDGER_HEX];
};

static void scan(const char *buf, size_t len, struct shape *s)
{
	const char *last = buf, *p;
	size_t n = 0;

	for (p = buf; p < buf + len; p++) {
		if (*p == '\n') {
			n++;
			if (p + 1 < buf + len)
				last = p + 1;
		}
	}
	s->incomplete = len && buf[len - 1] != '\n';
	s->lines = n + s->incomplete;
	if (!len)
		memcpy(s->head, zero_hex, LEDGER_HEX);
	else
		sha256_hex(last, (size_t)(buf + len - last) - !s->incomplete, s->head);
}

static bool is_hex(const char *s, size_t n, bool upper)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (!upper && c >= 'a' && c <= 'f') ||
		      (upper && c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static char *operator_name(char **sudo_user)
{
	struct passwd *pw = getpwuid(getuid());
	const char *s = getenv("SUDO_USER");

	*sudo_user = NULL;
	if (getuid() == 0 && s && *s)
		*sudo_user = xstrdup(s);
	return pw ? xstrdup(pw->pw_name) : xasprintf("uid:%u", (unsigned)getuid());
}

static void add_uint(cJSON *obj, const char *name, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	cJSON_AddRawToObject(obj, name, buf);
}

/* The record's line (without LF), or NULL after printing why rec is not valid. */
static char *record_line(const struct ledger_record *rec, uint64_t seq, const char *prev)
{
	cJSON *obj, *rcpt;
	char hex[LEDGER_HEX], when[32], *user, *sudo_user = NULL, *line;

	if (!rec->bundle || !*rec->bundle) {
		error("cannot record an export without a bundle name");
		return NULL;
	}
	if (rec->signer && !is_hex(rec->signer, 16, true)) {
		error("cannot record signer '%s': not a minisign key id", rec->signer);
		return NULL;
	}
	if (!rec->nr_recipients) {
		error("cannot record an export to no recipient");
		return NULL;
	}
	for (size_t i = 0; i < rec->nr_recipients; i++) {
		if (!rec->recipients[i] || !*rec->recipients[i]) {
			error("cannot record an empty recipient");
			return NULL;
		}
	}
	if ((double)rec->files > JSON_INT_MAX || (double)rec->bytes > JSON_INT_MAX) {
		error("cannot record more than 2^53 files or bytes");
		return NULL;
	}
	user = rec->user ? xstrdup(rec->user) : operator_name(&sudo_user);

	obj = cJSON_CreateObject();
	add_uint(obj, "v", LEDGER_VERSION);
	add_uint(obj, "seq", seq);
	cJSON_AddStringToObject(obj, "time",
				format_rfc3339(rec->time ? rec->time : diag_now(), when, sizeof(when)));
	cJSON_AddStringToObject(obj, "user", user);
	if (sudo_user)
		cJSON_AddStringToObject(obj, "sudo_user", sudo_user);
	cJSON_AddStringToObject(obj, "bundle", rec->bundle);
	add_uint(obj, "parts", rec->parts ? rec->parts : 1);
	cJSON_AddStringToObject(obj, "sha256", hex_encode(rec->sha256, 32, hex));
	cJSON_AddStringToObject(obj, "manifest_sha256", hex_encode(rec->manifest_sha256, 32, hex));
	rcpt = cJSON_AddArrayToObject(obj, "recipients");
	for (size_t i = 0; i < rec->nr_recipients; i++)
		cJSON_AddItemToArray(rcpt, cJSON_CreateString(rec->recipients[i]));
	if (rec->signer)
		cJSON_AddStringToObject(obj, "signer", rec->signer);
	else
		cJSON_AddNullToObject(obj, "signer");
	add_uint(obj, "files", rec->files);
	add_uint(obj, "bytes", rec->bytes);
	cJSON_AddStringToObject(obj, "prev", prev);
	line = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	free(user);
	free(sudo_user);
	if (!line)
		die(DIAG_EXIT_IO, "out of memory (formatting a ledger record)");
	if (strchr(line, '\n'))
		BUG("a ledger record spans lines");
	return line;
}

static void fsync_dir_of(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int ledger_append(const char *path, const struct ledger_record *rec, uint64_t *seq)
{
	struct strbuf old = STRBUF_INIT, out = STRBUF_INIT;
	struct shape shape;
	struct stat st;
	char *line = NULL;
	int fd, ret = -1;

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_errno("cannot open the ledger '%s'", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error("cannot use the ledger '%s': not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077)
		warning("the ledger '%s' is accessible to other users", path);
	if (fs_lock(fd, LOCK_EX, path, FS_LOCK_WAIT_MS) < 0)
		goto out;
	/* Under the lock: nobody else appends until we are done. */
	if (fs_read_fd(fd, &old, LEDGER_MAX_BYTES) < 0) {
		error_errno("cannot read the ledger '%s'", path);
		goto out;
	}
	scan(old.buf, old.len, &shape);
	line = record_line(rec, shape.lines + 1, shape.head);
	if (!line)
		goto out;
	/* An incomplete last line (an interrupted write) stays a line of its own. */
	if (shape.incomplete)
		strbuf_addch(&out, '\n');
	strbuf_addstr(&out, line);
	strbuf_addch(&out, '\n');
	if (fs_write_all(fd, out.buf, out.len) < 0 || fsync(fd) < 0) {
		error_errno("cannot append to the ledger '%s'", path);
		/* Take back what we may have written; the lines before stay untouched. */
		if (ftruncate(fd, (off_t)old.len) == 0)
			fsync(fd);
		goto out;
	}
	if (!old.len)
		fsync_dir_of(path);
	if (seq)
		*seq = shape.lines + 1;
	ret = 0;
out:
	close(fd); /* releases the lock */
	free(line);
	strbuf_release(&old);
	strbuf_release(&out);
	return ret;
}

void ledger_entry_release(struct ledger_entry *e)
{
	free(e->user);
	free(e->sudo_user);
	free(e->bundle);
	for (size_t i = 0; i < e->nr_recipients; i++)
		free(e->recipients[i]);
	free(e->recipients);
	free(e->signer);
	free(e->line);
	memset(e, 0, sizeof(*e));
}

/* The members of a record, each allowed once. */
enum field {
	F_V, F_SEQ, F_TIME, F_USER, F_SUDO_USER, F_BUNDLE, F_PARTS, F_SHA256, F_MANIFEST,
	F_RECIPIENTS, F_SIGNER, F_FILES, F_BYTES, F_PREV, F_COUNT,
};
static const char *const field_names[F_COUNT] = {
	"v", "seq", "time", "user", "sudo_user", "bundle", "parts", "sha256", "manifest_sha256",
	"recipients", "signer", "files", "bytes", "prev",
};

static int get_uint(const cJSON *item, uint64_t *out)
{
	double d;

	if (!cJSON_IsNumber(item))
		return -1;
	d = item->valuedouble;
	if (!(d >= 0 && d <= JSON_INT_MAX) || d != (double)(uint64_t)d)
		return -1;
	*out = (uint64_t)d;
	return 0;
}

static const char *get_string(const cJSON *item)
{
	return cJSON_IsString(item) && item->valuestring ? item->valuestring : NULL;
}

/* Check and store one member. NULL, or what is wrong with it. */
static const char *take_field(struct ledger_entry *e, enum field f, const cJSON *item)
{
	const char *s = get_string(item);
	uint64_t n;

	switch (f) {
	case F_V:
		if (get_uint(item, &n) < 0 || n != LEDGER_VERSION)
			return "is not 1 (an unknown record version)";
		return NULL;
	case F_SEQ:
		if (get_uint(item, &e->seq) < 0 || !e->seq)
			return "is not a record number";
		return NULL;
	case F_TIME:
		if (!s || parse_rfc3339(s, &e->time) < 0)
			return "is not an RFC 3339 time";
		return NULL;
	case F_USER:
	case F_SUDO_USER:
	case F_BUNDLE:
		if (!s || !*s)
			return "is not a non-empty string";
		*(f == F_USER ? &e->user : f == F_BUNDLE ? &e->bundle : &e->sudo_user) = xstrdup(s);
		return NULL;
	case F_PARTS:
		if (get_uint(item, &n) < 0 || !n || n > 999)
			return "is not a number of parts (1 to 999)";
		e->parts = (unsigned)n;
		return NULL;
	case F_SHA256:
	case F_MANIFEST:
	case F_PREV:
		if (!s || !is_hex(s, 64, false))
			return "is not a SHA-256 in lower-case hex";
		memcpy(f == F_SHA256 ? e->sha256 : f == F_MANIFEST ? e->manifest_sha256 : e->prev,
		       s, LEDGER_HEX);
		return NULL;
	case F_RECIPIENTS: {
		const cJSON *r;

		if (!cJSON_IsArray(item) || !cJSON_GetArraySize(item))
			return "is not a non-empty list";
		e->recipients = xcalloc((size_t)cJSON_GetArraySize(item), sizeof(char *));
		cJSON_ArrayForEach(r, item) {
			const char *rs = get_string(r);

			if (!rs || !*rs)
				return "holds something that is not a recipient";
			e->recipients[e->nr_recipients++] = xstrdup(rs);
		}
		return NULL;
	}
	case F_SIGNER:
		if (cJSON_IsNull(item))
			return NULL;
		if (!s || !is_hex(s, 16, true))
			return "is neither null nor a minisign key id";
		e->signer = xstrdup(s);
		return NULL;
	case F_FILES:
	case F_BYTES:
		if (get_uint(item, f == F_FILES ? &e->files : &e->bytes) < 0)
			return "is not a whole number";
		return NULL;
	case F_COUNT:
		break;
	}
	BUG("unknown ledger field %d", (int)f);
}

int ledger_parse_line(struct ledger_entry *e, const char *line, size_t len, struct strbuf *why)
{
	const char *end = NULL;
	bool seen[F_COUNT] = { false };
	const cJSON *item;
	cJSON *root;

	memset(e, 0, sizeof(*e));
	if (!len) {
		strbuf_addstr(why, "empty line");
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(line, len, &end, false);
	if (!root || end != line + len || !cJSON_IsObject(root)) {
		strbuf_addstr(why, "not a JSON object");
		goto fail;
	}
	cJSON_ArrayForEach(item, root) {
		const char *bad;
		int f;

		for (f = 0; f < F_COUNT; f++)
			if (item->string && !strcmp(item->string, field_names[f]))
				break;
		if (f == F_COUNT) {
			strbuf_addf(why, "unknown member \"%.40s\"", item->string ? item->string : "");
			goto fail;
		}
		if (seen[f]) {
			strbuf_addf(why, "member \"%s\" appears twice", field_names[f]);
			goto fail;
		}
		seen[f] = true;
		bad = take_field(e, (enum field)f, item);
		if (bad) {
			strbuf_addf(why, "\"%s\" %s", field_names[f], bad);
			goto fail;
		}
	}
	for (int f = 0; f < F_COUNT; f++) {
		if (!seen[f] && f != F_SUDO_USER) {
			strbuf_addf(why, "member \"%s\" is missing", field_names[f]);
			goto fail;
		}
	}
	cJSON_Delete(root);
	e->line = xstrndup(line, len);
	return 0;
fail:
	cJSON_Delete(root);
	ledger_entry_release(e);
	return -1;
}

static void add_problem(struct ledger *l, size_t line, char *msg)
{
	ALLOC_GROW(l->problems, l->nr_problems + 1, l->alloc_problems);
	l->problems[l->nr_problems].line = line;
	l->problems[l->nr_problems++].msg = msg;
}

void ledger_check(struct ledger *l, const char *text, size_t len)
{
	struct strbuf why = STRBUF_INIT;
	struct shape shape;
	char prev[LEDGER_HEX];
	const char *p, *end;
	size_t lineno = 0;

	scan(text, len, &shape);
	l->lines = shape.lines;
	memcpy(l->head, shape.head, LEDGER_HEX);
	memcpy(prev, zero_hex, LEDGER_HEX);
	for (p = text, end = text + len; p < end; ) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct ledger_entry e;

		lineno++;
		strbuf_reset(&why);
		if (!nl) {
			add_problem(l, lineno, xstrdup("incomplete line at the end (an interrupted write?)"));
		} else if (ledger_parse_line(&e, p, n, &why) < 0) {
			add_problem(l, lineno, xasprintf("not a valid record: %s", why.buf));
		} else {
			/* A bad number or link is reported; the record itself is still shown. */
			if (e.seq != lineno)
				add_problem(l, lineno, xasprintf("record number %" PRIu64 " where %zu was expected "
								  "(lines were removed or inserted)", e.seq, lineno));
			else if (strcmp(e.prev, prev))
				add_problem(l, lineno, lineno == 1 ?
					    xstrdup("hash chain broken: the first record does not start the chain "
						    "(lines before it were removed)") :
					    xasprintf("hash chain broken: it does not follow line %zu "
						      "(a line before it was changed, removed or inserted)", lineno - 1));
			ALLOC_GROW(l->entries, l->nr + 1, l->alloc);
			l->entries[l->nr++] = e;
		}
		sha256_hex(p, n, prev);
		p += n + (nl != NULL);
	}
	strbuf_release(&why);
}

int ledger_read(struct ledger *l, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	int fd;

	memcpy(l->head, zero_hex, LEDGER_HEX);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0)
		return error_errno("cannot open the ledger '%s'", path);
	if (fs_read_fd(fd, &sb, LEDGER_MAX_BYTES) < 0) {
		error_errno("cannot read the ledger '%s'", path);
		close(fd);
		strbuf_release(&sb);
		return -1;
	}
	close(fd);
	ledger_check(l, sb.buf, sb.len);
	strbuf_release(&sb);
	return 0;
}

void ledger_release(struct ledger *l)
{
	for (size_t i = 0; i < l->nr; i++)
		ledger_entry_release(&l->entries[i]);
	free(l->entries);
	for (size_t i = 0; i < l->nr_problems; i++)
		free(l->problems[i].msg);
	free(l->problems);
	memset(l, 0, sizeof(*l));
}
