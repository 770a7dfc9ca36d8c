// SPDX-License-Identifier: MIT
/*
 * age_keys.c - age recipients and identities, their files, and passphrases
 *
 * Everything secret read here (identity files, decrypted or not, and
 * passphrases) is read straight into sodium_malloc()ed memory, never into a
 * buffer that could be copied around by realloc() and left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/age_armor.h"
#include "diag/bech32.h"
#include "diag/error.h"
#include "diag/fsutil.h"
#include "diag/password.h"
#include "age_internal.h"

#define IDENTITY_HRP "AGE-SECRET-KEY-"
#define RECIPIENT_HRP "age"
#define KEY_FILE_MAX (1 << 20)
#define PASSPHRASE_MAX 4096

/* ------------------------------------------------- buffers in locked memory */

struct secbuf {
	char *p;
	size_t len, alloc;
};

static void secbuf_free(struct secbuf *b)
{
	if (b->p)
		sodium_free(b->p);
	memset(b, 0, sizeof(*b));
}

static void secbuf_grow(struct secbuf *b, size_t extra)
{
	size_t want = b->len + extra + 1;
	char *p;

	if (want <= b->alloc)
		return;
	want = MAX(want, MAX(b->alloc * 2, (size_t)4096));
	p = age_secure_alloc(want);
	if (b->p) {
		memcpy(p, b->p, b->len);
		sodium_free(b->p);
	}
	b->p = p;
	b->alloc = want;
}

static int secbuf_add(struct secbuf *b, const void *data, size_t len, size_t max)
{
	if (len > max - MIN(b->len, max))
		return -1;
	secbuf_grow(b, len);
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = '\0';
	return 0;
}

/* Read the file at path ("-": standard input) into b, up to max bytes. */
static int read_file(const char *path, struct secbuf *b, size_t max, struct age_err *err)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	struct stat st;
	int ret = 0;

	if (fd < 0)
		return age_err_set(err, AGE_ERR_IO, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		ret = age_err_set(err, AGE_ERR_IO, "cannot read: %s", strerror(EISDIR));
		goto out;
	}
	for (;;) {
		size_t room;
		ssize_t n;

		secbuf_grow(b, 4096);
		room = b->alloc - b->len - 1;
		n = fs_read_full(fd, b->p + b->len, room);
		if (n < 0) {
			ret = age_err_set(err, AGE_ERR_IO, "cannot read: %s", strerror(errno));
			break;
		}
		b->len += (size_t)n;
		b->p[b->len] = '\0';
		if (b->len > max) {
			ret = age_err_set(err, AGE_ERR_KEY, "larger than %zu bytes", max);
			break;
		}
		if ((size_t)n < room)
			break;
	}
out:
	if (fd > 0)
		close(fd);
	return ret;
}

/* ------------------------------------------------------------ identities */

static struct age_identity *identity_new(enum age_key_type type)
{
	struct age_identity *id = age_secure_alloc(sizeof(*id));

	id->type = type;
	return id;
}

struct age_identity *age_identity_generate(void)
{
	struct age_identity *id = identity_new(AGE_KEY_X25519);

	randombytes_buf(id->secret, sizeof(id->secret));
	crypto_scalarmult_base(id->public, id->secret);
	return id;
}

static bool has_prefix(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(s, prefix, n);
}

struct age_identity *age_identity_parse(const char *s, size_t len, struct age_err *err)
{
	char hrp[BECH32_MAX_HRP + 1];
	unsigned char *data = age_secure_alloc(64);
	struct age_identity *id = NULL;
	const char *why = NULL;
	size_t n;

	if (has_prefix(s, len, "AGE-SECRET-KEY-PQ-1"))
		age_err_set(err, AGE_ERR_KEY, "post-quantum (ML-KEM) identities are not supported");
	else if (has_prefix(s, len, "AGE-PLUGIN-"))
		age_err_set(err, AGE_ERR_KEY, "plugin identities are not supported");
	else if (has_prefix(s, len, "age1"))
		age_err_set(err, AGE_ERR_KEY, "this is a recipient (a public key), not an identity");
	else if (has_prefix(s, len, "-----BEGIN") || has_prefix(s, len, "ssh-"))
		age_err_set(err, AGE_ERR_KEY, "SSH keys are not supported");
	else if (bech32_decode(s, len, hrp, sizeof(hrp), data, 64, &n, &why) < 0)
		age_err_set(err, AGE_ERR_KEY, "not a valid identity: %s", why);
	else if (strcmp(hrp, IDENTITY_HRP))
		age_err_set(err, AGE_ERR_KEY, "not an X25519 identity (AGE-SECRET-KEY-1...)");
	else if (n != 32)
		age_err_set(err, AGE_ERR_KEY, "not a valid identity: its key is %zu bytes, not 32", n);
	else
		id = identity_new(AGE_KEY_X25519);
	if (id) {
		memcpy(id->secret, data, 32);
		crypto_scalarmult_base(id->public, id->secret);
	}
	sodium_free(data);
	return id;
}

struct age_identity *age_identity_passphrase_prompt(const struct age_passphrase_source *src,
						    int max_work_factor, const char *prompt)
{
	struct age_identity *id = identity_new(AGE_KEY_SCRYPT);

	id->pass = *src;
	id->max_work_factor = max_work_factor;
	snprintf(id->prompt, sizeof(id->prompt), "%s", prompt);
	return id;
}

struct age_identity *age_identity_passphrase(const struct age_passphrase_source *src,
					     int max_work_factor)
{
	return age_identity_passphrase_prompt(src, max_work_factor, "passphrase");
}

char *age_identity_encode(const struct age_identity *id)
{
	size_t size = 128;
	char *out;

	if (id->type != AGE_KEY_X25519)
		return NULL;
	out = age_secure_alloc(size);
	if (bech32_encode(IDENTITY_HRP, id->secret, sizeof(id->secret), out, size) < 0)
		BUG("cannot encode an identity");
	return out;
}

struct age_recipient *age_identity_to_recipient(const struct age_identity *id)
{
	struct age_recipient *r;

	if (id->type != AGE_KEY_X25519)
		return NULL;
	r = age_secure_alloc(sizeof(*r) + 1);
	r->type = AGE_KEY_X25519;
	memcpy(r->public, id->public, sizeof(r->public));
	return r;
}

void age_identity_free(struct age_identity *id)
{
	if (id)
		sodium_free(id);
}

/* ------------------------------------------------------------ recipients */

struct age_recipient *age_recipient_parse(const char *s, size_t len, struct age_err *err)
{
	char hrp[BECH32_MAX_HRP + 1];
	unsigned char data[64];
	struct age_recipient *r = NULL;
	const char *why = NULL;
	size_t n;

	if (has_prefix(s, len, "ssh-") || has_prefix(s, len, "ecdsa-"))
		age_err_set(err, AGE_ERR_KEY, "SSH recipients are not supported");
	else if (has_prefix(s, len, "AGE-SECRET-KEY-"))
		age_err_set(err, AGE_ERR_KEY,
			    "this is an identity (a secret key), not a recipient: give its public key");
	else if (has_prefix(s, len, "age1pq1"))
		age_err_set(err, AGE_ERR_KEY,
			    "post-quantum recipients (age1pq1...) need ML-KEM, which is not supported");
	else if (bech32_decode(s, len, hrp, sizeof(hrp), data, sizeof(data), &n, &why) < 0)
		age_err_set(err, AGE_ERR_KEY, "not a valid recipient: %s", why);
	else if (has_prefix(hrp, strlen(hrp), "age1"))
		age_err_set(err, AGE_ERR_KEY, "plugin recipients (%s1...) are not supported", hrp);
	else if (strcmp(hrp, RECIPIENT_HRP))
		age_err_set(err, AGE_ERR_KEY, "unknown recipient type '%.40s'", hrp);
	else if (n != 32)
		age_err_set(err, AGE_ERR_KEY, "not a valid recipient: its key is %zu bytes, not 32", n);
	else {
		r = age_secure_alloc(sizeof(*r) + 1);
		r->type = AGE_KEY_X25519;
		memcpy(r->public, data, 32);
	}
	return r;
}

struct age_recipient *age_recipient_passphrase(const char *pass, int work_factor)
{
	size_t n = strlen(pass);
	struct age_recipient *r;

	if (work_factor < 1 || work_factor > AGE_SCRYPT_MAX_WORK_FACTOR)
		return NULL;
	r = age_secure_alloc(sizeof(*r) + n + 1);
	r->type = AGE_KEY_SCRYPT;
	r->work_factor = work_factor;
	memcpy(r->pass, pass, n + 1);
	return r;
}

char *age_recipient_encode(const struct age_recipient *r)
{
	char buf[128];

	if (r->type != AGE_KEY_X25519)
		return NULL;
	if (bech32_encode(RECIPIENT_HRP, r->public, sizeof(r->public), buf, sizeof(buf)) < 0)
		BUG("cannot encode a recipient");
	return xstrdup(buf);
}

void age_recipient_free(struct age_recipient *r)
{
	if (r)
		sodium_free(r);
}

/* ------------------------------------------------------------------ lists */

void age_recipients_add(struct age_recipients *l, struct age_recipient *r)
{
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = r;
}

void age_recipients_release(struct age_recipients *l)
{
	for (size_t i = 0; i < l->nr; i++)
		age_recipient_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void age_identities_add(struct age_identities *l, struct age_identity *id)
{
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = id;
}

void age_identities_release(struct age_identities *l)
{
	for (size_t i = 0; i < l->nr; i++)
		age_identity_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/*
 * Call fn on every line of buf that is not blank or a '#' comment, without
 * its LF or CRLF. Stops at the first error, setting err->line.
 */
static int for_each_key_line(const char *buf, size_t len, struct age_err *err,
			     int (*fn)(const char *line, size_t n, void *data, struct age_err *err),
			     void *data, size_t *found)
{
	unsigned lineno = 0;
	size_t pos = 0;

	*found = 0;
	while (pos < len) {
		const char *line = buf + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;

		pos += n + (nl != NULL);
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (!n || line[0] == '#')
			continue;
		if (fn(line, n, data, err) < 0) {
			err->line = lineno;
			return -1;
		}
		(*found)++;
	}
	return 0;
}

static int add_recipient_line(const char *line, size_t n, void *data, struct age_err *err)
{
	struct age_recipient *r = age_recipient_parse(line, n, err);

	if (!r)
		return -1;
	age_recipients_add(data, r);
	return 0;
}

int age_recipients_parse(struct age_recipients *l, const char *buf, size_t len, struct age_err *err)
{
	size_t found;

	if (for_each_key_line(buf, len, err, add_recipient_line, l, &found) < 0)
		return -1;
	if (!found)
		return age_err_set(err, AGE_ERR_KEY, "no recipients in the file");
	return 0;
}

int age_recipients_read_file(struct age_recipients *l, const char *path, struct age_err *err)
{
	struct secbuf b = { NULL, 0, 0 };
	int ret = read_file(path, &b, KEY_FILE_MAX, err);

	if (!ret)
		ret = age_recipients_parse(l, b.p ? b.p : "", b.len, err);
	secbuf_free(&b);
	return ret;
}

static int add_identity_line(const char *line, size_t n, void *data, struct age_err *err)
{
	struct age_identity *id = age_identity_parse(line, n, err);

	if (!id)
		return -1;
	age_identities_add(data, id);
	return 0;
}

int age_identities_parse(struct age_identities *l, const char *buf, size_t len, struct age_err *err)
{
	size_t found;

	if (for_each_key_line(buf, len, err, add_identity_line, l, &found) < 0)
		return -1;
	if (!found)
		return age_err_set(err, AGE_ERR_KEY, "no identities in the file");
	return 0;
}

static int secbuf_sink(void *ctx, const void *buf, size_t len)
{
	if (secbuf_add(ctx, buf, len, KEY_FILE_MAX) < 0) {
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/* Decrypt the passphrase-encrypted identity file in enc into plain. */
static int decrypt_identity_file(const struct secbuf *enc, const char *path,
				 const struct age_passphrase_source *pass,
				 struct secbuf *plain, struct age_err *err)
{
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_decryptor *d;
	char prompt[160];
	int ret;

	if (!pass)
		return age_err_set(err, AGE_ERR_KEY, "the identity file is encrypted, and no passphrase was given");
	if (!path || !strcmp(path, "-"))
		snprintf(prompt, sizeof(prompt), "passphrase for the identity file");
	else
		snprintf(prompt, sizeof(prompt), "passphrase for identity file '%.100s'", path);
	age_identities_add(&ids, age_identity_passphrase_prompt(pass, 0, prompt));
	d = age_decryptor_new(&ids, 0, secbuf_sink, plain);
	ret = age_decryptor_update(d, enc->p, enc->len, err);
	if (!ret)
		ret = age_decryptor_finish(d, err);
	age_decryptor_free(d);
	age_identities_release(&ids);
	if (ret < 0 && err->code == AGE_ERR_IO && !strncmp(err->msg, "cannot write", 12))
		age_err_set(err, AGE_ERR_KEY, "the decrypted identity file is larger than %d bytes",
			    KEY_FILE_MAX);
	return ret;
}

int age_identities_load(struct age_identities *l, const char *buf, size_t len, const char *name,
			const struct age_passphrase_source *pass, struct age_err *err)
{
	struct secbuf plain = { NULL, 0, 0 };
	size_t ws = 0;
	int ret;

	while (ws < len && (buf[ws] == ' ' || buf[ws] == '\t' || buf[ws] == '\r' || buf[ws] == '\n'))
		ws++;
	/* An age file, binary or armored (an SSH key's "-----BEGIN" is not one). */
	if (has_prefix(buf + ws, len - ws, AGE_ARMOR_BEGIN) || has_prefix(buf, len, "age-encryption.org/")) {
		struct secbuf enc = { (char *)buf, len, 0 };

		ret = decrypt_identity_file(&enc, name, pass, &plain, err);
		if (!ret)
			ret = age_identities_parse(l, plain.p ? plain.p : "", plain.len, err);
	} else {
		ret = age_identities_parse(l, buf, len, err);
	}
	secbuf_free(&plain);
	return ret;
}

int age_identities_read_file(struct age_identities *l, const char *path,
			     const struct age_passphrase_source *pass, struct age_err *err)
{
	struct secbuf b = { NULL, 0, 0 };
	int ret = read_file(path, &b, KEY_FILE_MAX, err);

	if (!ret)
		ret = age_identities_load(l, b.p ? b.p : "", b.len, path, pass, err);
	secbuf_free(&b);
	return ret;
}

/* ------------------------------------------------------------ passphrases */

/* Check and copy a passphrase of n bytes to locked memory. */
static int passphrase_out(const char *s, size_t n, char **out, struct age_err *err)
{
	if (!n)
		return age_err_set(err, AGE_ERR_KEY, "the passphrase is empty");
	if (memchr(s, '\0', n))
		return age_err_set(err, AGE_ERR_KEY, "the passphrase contains a NUL byte");
	*out = age_secure_alloc(n + 1);
	memcpy(*out, s, n);
	return 0;
}

static int passphrase_file_get(void *ctx, const char *prompt, bool confirm, char **out,
			       struct age_err *err)
{
	struct secbuf b = { NULL, 0, 0 };
	size_t n;
	int ret = read_file(ctx, &b, PASSPHRASE_MAX, err);

	if (ret)
		goto out;
	n = b.len;
	if (n && b.p[n - 1] == '\n')
		n--;
	if (n && b.p[n - 1] == '\r')
		n--;
	if (n && (memchr(b.p, '\n', n) || memchr(b.p, '\r', n)))
		ret = age_err_set(err, AGE_ERR_KEY, "the passphrase file has more than one line");
	else
		ret = passphrase_out(b.p ? b.p : "", n, out, err);
out:
	secbuf_free(&b);
	return ret;
}

void age_passphrase_from_file(struct age_passphrase_source *src, const char *path)
{
	src->get = passphrase_file_get;
	src->ctx = (void *)path;
}

/*
 * The terminal, with echo off: password_tty_line(), diag's one terminal
 * reader, into locked memory.
 */
static int tty_read_line(int fd, const char *prompt, struct secbuf *line, struct age_err *err)
{
	size_t n;

	secbuf_grow(line, PASSPHRASE_MAX);
	if (password_tty_line(fd, prompt, line->p, PASSPHRASE_MAX, &n) == 0) {
		line->len = n;
		return 0;
	}
	if (errno == EMSGSIZE)
		return age_err_set(err, AGE_ERR_KEY, "the passphrase is longer than %d bytes",
				   PASSPHRASE_MAX);
	if (errno == EINTR)
		return age_err_set(err, AGE_ERR_IO, "interrupted while reading the passphrase");
	return age_err_set(err, AGE_ERR_IO, "cannot use the terminal: %s", strerror(errno));
}

static int passphrase_tty_get(void *ctx, const char *prompt, bool confirm, char **out,
			      struct age_err *err)
{
	struct secbuf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	char *msg = NULL;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	int ret;

	if (fd < 0)
		return age_err_set(err, AGE_ERR_IO, "cannot ask for a passphrase: no terminal (%s)",
				   strerror(errno));
	msg = xasprintf("Enter %s: ", prompt);
	ret = tty_read_line(fd, msg, &a, err);
	if (!ret && confirm && a.len) {
		free(msg);
		msg = xasprintf("Confirm %s: ", prompt);
		ret = tty_read_line(fd, msg, &b, err);
		if (!ret && (a.len != b.len || sodium_memcmp(a.p, b.p, a.len)))
			ret = age_err_set(err, AGE_ERR_KEY, "the passphrases do not match");
	}
	if (!ret)
		ret = passphrase_out(a.p ? a.p : "", a.len, out, err);
	free(msg);
	close(fd);
	secbuf_free(&a);
	secbuf_free(&b);
	return ret;
}

void age_passphrase_from_tty(struct age_passphrase_source *src)
{
	src->get = passphrase_tty_get;
	src->ctx = NULL;
}
