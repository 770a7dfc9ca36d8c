// SPDX-License-Identifier: MIT
/*
 * age.c - the age v1 header (parse, encode, MAC), its X25519 and scrypt
 * stanzas, HKDF-SHA-256 and the STREAM chunks
 *
 * The parser is strict so that a header has exactly one valid encoding: the
 * MAC can then be computed over the bytes as read, and encoding a parsed
 * header gives back the same bytes (the fuzz target checks it).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "age_internal.h"

#define COLUMNS 64
#define BYTES_PER_LINE 48
#define X25519_LABEL "age-encryption.org/v1/X25519"
#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"

/* ---------------------------------------------------------------- errors */

int age_err_set(struct age_err *err, enum age_err_code code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	err->line = 0;
	err->chunk = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

const char *age_err_class(enum age_err_code code)
{
	switch (code) {
	case AGE_OK:
		return "no error";
	case AGE_ERR_NOT_AGE:
		return "not an age file";
	case AGE_ERR_HEADER:
		return "header malformed";
	case AGE_ERR_NO_MATCH:
		return "no identity matches";
	case AGE_ERR_HMAC:
		return "header MAC wrong";
	case AGE_ERR_PAYLOAD:
		return "payload damaged or truncated";
	case AGE_ERR_ARMOR:
		return "armor malformed";
	case AGE_ERR_KEY:
		return "invalid key";
	case AGE_ERR_IO:
		return "I/O error";
	}
	return "unknown error";
}

char *age_err_format(const struct age_err *err, const char *name, char *buf, size_t size)
{
	if (err->line)
		snprintf(buf, size, "%s:%u: %s", name ? name : "standard input", err->line, err->msg);
	else if (err->code == AGE_ERR_IO)
		snprintf(buf, size, "%s%s%s: %s", name ? "'" : "", name ? name : "standard input",
			 name ? "'" : "", err->msg);
	else if (name)
		snprintf(buf, size, "'%s': %s: %s", name, age_err_class(err->code), err->msg);
	else
		snprintf(buf, size, "standard input: %s: %s", age_err_class(err->code), err->msg);
	return buf;
}

int age_err_exit_code(const struct age_err *err)
{
	return err->code == AGE_ERR_IO ? DIAG_EXIT_IO : DIAG_EXIT_CRYPTO;
}

/* ------------------------------------------------------------ primitives */

void age_hkdf_sha256(unsigned char out[32], const unsigned char *salt, size_t saltlen,
		     const unsigned char *ikm, size_t ikmlen, const char *info)
{
	static const unsigned char one = 1;
	crypto_auth_hmacsha256_state st;
	unsigned char prk[32];

	/* HMAC pads its key with zeros: an empty salt is 32 zero bytes, as RFC 5869 says. */
	crypto_auth_hmacsha256_init(&st, saltlen ? salt : &one, saltlen);
	crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
	crypto_auth_hmacsha256_final(&st, prk);
	crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)info, strlen(info));
	crypto_auth_hmacsha256_update(&st, &one, 1);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(&st, sizeof(st));
}

/*
 * Strict base64, decoded here rather than by libsodium: 1.0.18's
 * sodium_base642bin() takes any byte >= 0x80 for some digit (it reads them
 * as negative numbers), and its constant-time digit decoding, useless for
 * ciphertext, makes armored input slow. Canonical means: only alphabet
 * characters, '=' only as the right amount of final padding (padded) or not
 * at all, a length that is not 1 mod 4 (nor anything but 0 mod 4 when
 * padded), and zero unused bits in the last digit.
 */
static const signed char b64_values[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

int age_b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen,
		   bool padded)
{
	size_t pad = 0, got = 0, i;
	unsigned acc;

	if (padded) {
		if (n % 4)
			return -1;
		while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
			pad++;
		n -= pad;
		if (pad && pad != 4 - n % 4)
			return -1;
	}
	if (n % 4 == 1 || n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > max)
		return -1;
	for (i = 0; i + 4 <= n; i += 4) {
		const unsigned char *q = (const unsigned char *)s + i;
		int a = b64_values[q[0]], b = b64_values[q[1]], c = b64_values[q[2]], d = b64_values[q[3]];

		if ((a | b | c | d) < 0)
			return -1;
		acc = ((unsigned)a << 18) | ((unsigned)b << 12) | ((unsigned)c << 6) | (unsigned)d;
		out[got++] = (unsigned char)(acc >> 16);
		out[got++] = (unsigned char)(acc >> 8);
		out[got++] = (unsigned char)acc;
	}
	/* 2 or 3 final digits: 1 or 2 bytes, and 4 or 2 unused bits that must be zero. */
	if (i < n) {
		int a = b64_values[(unsigned char)s[i]], b = b64_values[(unsigned char)s[i + 1]];
		int c = n - i == 3 ? b64_values[(unsigned char)s[i + 2]] : 0;

		if ((a | b | c) < 0)
			return -1;
		acc = ((unsigned)a << 18) | ((unsigned)b << 12) | ((unsigned)c << 6);
		out[got++] = (unsigned char)(acc >> 16);
		if (n - i == 3)
			out[got++] = (unsigned char)(acc >> 8);
		if (acc & (n - i == 3 ? 0xffu : 0xffffu))
			return -1;
	}
	*outlen = got;
	return 0;
}

static int b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *outlen)
{
	return age_b64_decode(s, n, out, max, outlen, false);
}

static int b64_decode_exact(const char *s, unsigned char *out, size_t want)
{
	size_t got;

	return b64_decode(s, strlen(s), out, want, &got) == 0 && got == want ? 0 : -1;
}

static void b64_append(struct strbuf *sb, const unsigned char *in, size_t n)
{
	size_t enc = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);

	strbuf_grow(sb, enc);
	sodium_bin2base64(sb->buf + sb->len, enc, in, n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	strbuf_setlen(sb, sb->len + enc - 1);
}

void *age_secure_alloc(size_t n)
{
	void *p;

	/* sodium_malloc() puts the end of the region against a guard page: round up to keep it aligned. */
	n = (n + 15) & ~(size_t)15;
	p = sodium_malloc(n);

	if (!p)
		die(DIAG_EXIT_IO, "out of locked memory (allocating %zu bytes)", n);
	memset(p, 0, n);
	return p;
}

/* ---------------------------------------------------------------- parser */

void age_header_release(struct age_header *h)
{
	for (size_t i = 0; i < h->nr; i++) {
		struct age_stanza *s = &h->stanzas[i];

		free(s->type);
		for (size_t j = 0; j < s->nargs; j++)
			free(s->args[j]);
		free(s->args);
		free(s->body);
	}
	free(h->stanzas);
	memset(h, 0, sizeof(*h));
}

struct cursor {
	const char *buf;
	size_t len, pos;
	unsigned lineno; /* of the last line returned */
};

/*
 * The next line, without its LF: 1 with line and n set, or 0 if the buffer ends
 * first. A partial line that already holds a byte no header line may hold
 * (control or non-ASCII) is an error right away, so that binary garbage is
 * not buffered up to AGE_HEADER_MAX first.
 */
static int next_line(struct cursor *c, const char **line, size_t *n, struct age_err *err)
{
	const char *start = c->buf + c->pos;
	const char *nl = memchr(start, '\n', c->len - c->pos);

	if (!nl) {
		for (const char *p = start; p < c->buf + c->len; p++)
			if (*p < 0x20 || *p > 0x7e)
				return age_err_set(err, AGE_ERR_HEADER, "line %u: unexpected byte 0x%02x",
						   c->lineno + 1, (unsigned char)*p);
		return 0;
	}
	*line = start;
	*n = (size_t)(nl - start);
	c->pos += *n + 1;
	c->lineno++;
	return 1;
}

static void free_fields(char **v, size_t n)
{
	while (n)
		free(v[--n]);
	free(v);
}

/*
 * Split "PREFIX ARG ARG..." on single spaces into a NULL-terminated array
 * (free_fields()), every field non-empty and made of bytes 33..126: so no
 * double, leading or trailing space, no tab, no CR. NULL if it is not so.
 */
static char **split_fields(const char *line, size_t n, size_t *nfields)
{
	size_t alloc = 0, nr = 0, i = 0;
	char **v = NULL;

	for (;;) {
		size_t j = i;

		while (j < n && line[j] != ' ')
			j++;
		if (j == i)
			goto bad;
		for (size_t k = i; k < j; k++)
			if (line[k] < 33 || line[k] > 126)
				goto bad;
		ALLOC_GROW(v, nr + 1, alloc);
		v[nr++] = xstrndup(line + i, j - i);
		if (j == n)
			break;
		i = j + 1;
	}
	*nfields = nr;
	return v;
bad:
	free_fields(v, nr);
	return NULL;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t p = strlen(prefix);

	return n >= p && !memcmp(s, prefix, p);
}

/* Parse the stanza whose arguments line is line/n. 1 done, 0 need more, -1 error. */
static int parse_stanza(struct age_header *h, struct cursor *c, const char *line, size_t n,
			struct age_err *err)
{
	struct age_stanza st = { NULL, NULL, 0, NULL, 0 };
	size_t nfields = 0, body_alloc = 0;
	char **fields = split_fields(line, n, &nfields);
	int ret;

	if (!fields || strcmp(fields[0], "->") || nfields < 2) {
		if (fields)
			free_fields(fields, nfields);
		return age_err_set(err, AGE_ERR_HEADER, "line %u: malformed stanza line", c->lineno);
	}
	st.type = fields[1];
	st.nargs = nfields - 2;
	st.args = xcalloc(st.nargs ? st.nargs : 1, sizeof(char *));
	memcpy(st.args, fields + 2, st.nargs * sizeof(char *));
	free(fields[0]);
	free(fields);

	for (;;) {
		unsigned char bytes[BYTES_PER_LINE];
		const char *l;
		size_t ln, got;

		ret = next_line(c, &l, &ln, err);
		if (ret <= 0)
			goto out;
		if (ln > COLUMNS) {
			ret = age_err_set(err, AGE_ERR_HEADER, "line %u: stanza body line longer than %d columns",
					  c->lineno, COLUMNS);
			goto out;
		}
		if (b64_decode(l, ln, bytes, sizeof(bytes), &got) < 0) {
			if (starts_with(l, ln, "---") || starts_with(l, ln, "->"))
				ret = age_err_set(err, AGE_ERR_HEADER,
						  "line %u: stanza body does not end with a short line",
						  c->lineno);
			else
				ret = age_err_set(err, AGE_ERR_HEADER,
						  "line %u: stanza body is not canonical unpadded base64",
						  c->lineno);
			goto out;
		}
		if (got) {
			ALLOC_GROW(st.body, st.body_len + got, body_alloc);
			memcpy(st.body + st.body_len, bytes, got);
			st.body_len += got;
		}
		if (got < BYTES_PER_LINE)
			break;
	}
	h->stanzas = xrealloc(h->stanzas, (h->nr + 1) * sizeof(*h->stanzas));
	h->stanzas[h->nr++] = st;
	return 1;
out:
	free(st.type);
	free_fields(st.args, st.nargs);
	free(st.body);
	return ret;
}

static int parse_mac_line(struct age_header *h, const struct cursor *c, const char *line, size_t n,
			  struct age_err *err)
{
	size_t nfields = 0;
	char **fields = split_fields(line, n, &nfields);
	int ret = 0;

	if (!fields || nfields != 2 || strcmp(fields[0], "---") ||
	    b64_decode_exact(fields[1], h->mac, sizeof(h->mac)) < 0)
		ret = age_err_set(err, AGE_ERR_HEADER, "line %u: malformed MAC line", c->lineno);
	if (fields)
		free_fields(fields, nfields);
	return ret;
}

int age_header_parse(struct age_header *h, const void *buf, size_t len, struct age_err *err)
{
	static const char intro[] = AGE_INTRO;
	struct cursor c = { buf, MIN(len, AGE_HEADER_MAX), 0, 0 };
	const char *line;
	size_t n;
	int ret;

	memset(h, 0, sizeof(*h));
	if (!len)
		return 1;
	if (memcmp(buf, intro, MIN(len, sizeof(intro) - 1))) {
		if (memcmp(buf, intro, MIN(len, strlen("age-encryption.org/"))))
			return age_err_set(err, AGE_ERR_NOT_AGE, "it does not start with '%s'",
					   "age-encryption.org/v1");
		return age_err_set(err, AGE_ERR_HEADER, "line 1: unsupported version or malformed line");
	}
	if (len < sizeof(intro) - 1)
		return 1;
	c.pos = sizeof(intro) - 1;
	c.lineno = 1;
	for (;;) {
		const char *rest = c.buf + c.pos;
		size_t avail = c.len - c.pos;

		if (avail < 3 && !memcmp(rest, "---", avail)) {
			ret = 0;
			break;
		}
		if (avail >= 3 && !memcmp(rest, "---", 3)) {
			size_t mac_off = c.pos;

			ret = next_line(&c, &line, &n, err);
			if (ret <= 0)
				break;
			if (parse_mac_line(h, &c, line, n, err) < 0) {
				ret = -1;
				break;
			}
			if (!h->nr) {
				ret = age_err_set(err, AGE_ERR_HEADER, "no recipient stanza");
				break;
			}
			h->mac_off = mac_off;
			h->len = c.pos;
			return 0;
		}
		ret = next_line(&c, &line, &n, err);
		if (ret <= 0)
			break;
		if (!starts_with(line, n, "->")) {
			ret = age_err_set(err, AGE_ERR_HEADER,
					  "line %u: expected a stanza or the MAC line", c.lineno);
			break;
		}
		ret = parse_stanza(h, &c, line, n, err);
		if (ret <= 0)
			break;
	}
	age_header_release(h);
	if (ret < 0)
		return -1;
	if (len >= AGE_HEADER_MAX)
		return age_err_set(err, AGE_ERR_HEADER, "header longer than %d bytes", AGE_HEADER_MAX);
	return 1;
}

/* --------------------------------------------------------------- encoder */

static void encode_stanza(const struct age_stanza *st, struct strbuf *out)
{
	size_t off = 0;

	strbuf_addstr(out, "-> ");
	strbuf_addstr(out, st->type);
	for (size_t i = 0; i < st->nargs; i++) {
		strbuf_addch(out, ' ');
		strbuf_addstr(out, st->args[i]);
	}
	strbuf_addch(out, '\n');
	/* Full lines of 48 bytes, then a short one: empty if the body is a multiple of 48. */
	for (;;) {
		size_t n = MIN(st->body_len - off, BYTES_PER_LINE);

		if (n)
			b64_append(out, st->body + off, n);
		strbuf_addch(out, '\n');
		off += n;
		if (n < BYTES_PER_LINE)
			break;
	}
}

void age_header_encode(const struct age_header *h, bool with_mac, struct strbuf *out)
{
	strbuf_addstr(out, AGE_INTRO);
	for (size_t i = 0; i < h->nr; i++)
		encode_stanza(&h->stanzas[i], out);
	strbuf_addstr(out, "---");
	if (with_mac) {
		strbuf_addch(out, ' ');
		b64_append(out, h->mac, sizeof(h->mac));
		strbuf_addch(out, '\n');
	}
}

/* The header MAC: HMAC-SHA-256 keyed with HKDF(file key, "header") over text up to "---". */
static void header_mac(const unsigned char *file_key, const void *text, size_t len,
		       unsigned char mac[32])
{
	unsigned char *hmac_key = age_secure_alloc(32);

	age_hkdf_sha256(hmac_key, NULL, 0, file_key, AGE_FILE_KEY_SIZE, "header");
	crypto_auth_hmacsha256(mac, text, len, hmac_key);
	sodium_free(hmac_key);
}

static const unsigned char zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];

/* Wrap the file key for one recipient into a new stanza st. */
static int wrap_file_key(const struct age_recipient *r, const unsigned char *file_key,
			 struct age_stanza *st, struct age_err *err)
{
	/* eph, shared, wrap key */
	unsigned char *k = age_secure_alloc(3 * 32);
	unsigned char *eph = k, *shared = k + 32, *wrap_key = k + 64;
	unsigned char share[32], salt[64], body[AGE_FILE_KEY_SIZE + AGE_TAG_SIZE];
	struct strbuf arg = STRBUF_INIT;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (r->type == AGE_KEY_X25519) {
		randombytes_buf(eph, 32);
		crypto_scalarmult_base(share, eph);
		if (crypto_scalarmult(shared, eph, r->public) != 0) {
			ret = age_err_set(err, AGE_ERR_KEY, "the recipient is not a valid X25519 public key");
			goto out;
		}
		memcpy(salt, share, 32);
		memcpy(salt + 32, r->public, 32);
		age_hkdf_sha256(wrap_key, salt, sizeof(salt), shared, 32, X25519_LABEL);
		st->type = xstrdup("X25519");
		b64_append(&arg, share, sizeof(share));
		st->nargs = 1;
		st->args = xcalloc(1, sizeof(char *));
		st->args[0] = strbuf_detach(&arg, NULL);
	} else {
		unsigned char label_salt[sizeof(SCRYPT_LABEL) - 1 + 16];

		memcpy(label_salt, SCRYPT_LABEL, sizeof(SCRYPT_LABEL) - 1);
		randombytes_buf(label_salt + sizeof(SCRYPT_LABEL) - 1, 16);
		if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)r->pass, strlen(r->pass),
							  label_salt, sizeof(label_salt),
							  (uint64_t)1 << r->work_factor, 8, 1,
							  wrap_key, 32) != 0) {
			ret = age_err_set(err, AGE_ERR_IO, "scrypt failed: %s", strerror(errno));
			goto out;
		}
		st->type = xstrdup("scrypt");
		b64_append(&arg, label_salt + sizeof(SCRYPT_LABEL) - 1, 16);
		st->nargs = 2;
		st->args = xcalloc(2, sizeof(char *));
		st->args[0] = strbuf_detach(&arg, NULL);
		st->args[1] = xasprintf("%d", r->work_factor);
	}
	crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key, AGE_FILE_KEY_SIZE, NULL, 0,
						  NULL, zero_nonce, wrap_key);
	st->body = xmalloc(sizeof(body));
	memcpy(st->body, body, sizeof(body));
	st->body_len = sizeof(body);
out:
	sodium_free(k);
	return ret;
}

int age_header_build(const struct age_recipients *rcpts, unsigned char file_key[AGE_FILE_KEY_SIZE],
		     struct strbuf *out, struct age_err *err)
{
	struct age_header h = AGE_HEADER_INIT;
	size_t start = out->len;
	int ret = 0;

	if (!rcpts->nr)
		return age_err_set(err, AGE_ERR_KEY, "no recipients");
	for (size_t i = 0; i < rcpts->nr; i++)
		if (rcpts->v[i]->type == AGE_KEY_SCRYPT && rcpts->nr > 1)
			return age_err_set(err, AGE_ERR_KEY,
					   "a passphrase cannot be combined with other recipients");
	randombytes_buf(file_key, AGE_FILE_KEY_SIZE);
	h.stanzas = xcalloc(rcpts->nr, sizeof(*h.stanzas));
	for (h.nr = 0; h.nr < rcpts->nr; h.nr++) {
		if (wrap_file_key(rcpts->v[h.nr], file_key, &h.stanzas[h.nr], err) < 0) {
			ret = -1;
			goto out;
		}
	}
	age_header_encode(&h, false, out);
	header_mac(file_key, out->buf + start, out->len - start, h.mac);
	strbuf_addch(out, ' ');
	b64_append(out, h.mac, sizeof(h.mac));
	strbuf_addch(out, '\n');
out:
	age_header_release(&h);
	return ret;
}

/* -------------------------------------------------------------- unwrapping */

/* A strict decimal 1..99: no sign, no leading zero, no other character. */
static int parse_work_factor(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 2 || s[0] < '1' || s[0] > '9' || (n == 2 && (s[1] < '0' || s[1] > '9')))
		return -1;
	return n == 1 ? s[0] - '0' : (s[0] - '0') * 10 + (s[1] - '0');
}

/*
 * Check the stanzas age defines: a known type with the wrong arguments or
 * body is an error, not a stanza to skip (only unknown types are skipped).
 */
static int check_stanzas(const struct age_header *h, struct age_err *err)
{
	unsigned char tmp[32];

	for (size_t i = 0; i < h->nr; i++) {
		const struct age_stanza *st = &h->stanzas[i];

		if (!strcmp(st->type, "X25519")) {
			if (st->nargs != 1 || b64_decode_exact(st->args[0], tmp, 32) < 0)
				return age_err_set(err, AGE_ERR_HEADER,
						   "X25519 stanza %zu: its argument must be a 32-byte share", i + 1);
			if (st->body_len != AGE_FILE_KEY_SIZE + AGE_TAG_SIZE)
				return age_err_set(err, AGE_ERR_HEADER,
						   "X25519 stanza %zu: its body must be 32 bytes", i + 1);
		} else if (!strcmp(st->type, "scrypt")) {
			int wf;

			if (h->nr != 1)
				return age_err_set(err, AGE_ERR_HEADER,
						   "an scrypt stanza must be the only stanza");
			if (st->nargs != 2 || b64_decode_exact(st->args[0], tmp, 16) < 0)
				return age_err_set(err, AGE_ERR_HEADER,
						   "scrypt stanza: expected a 16-byte salt and a work factor");
			wf = parse_work_factor(st->args[1]);
			if (wf < 0)
				return age_err_set(err, AGE_ERR_HEADER,
						   "scrypt stanza: invalid work factor '%.20s'", st->args[1]);
			if (wf > AGE_SCRYPT_MAX_WORK_FACTOR)
				return age_err_set(err, AGE_ERR_HEADER,
						   "scrypt work factor %d is above the limit %d",
						   wf, AGE_SCRYPT_MAX_WORK_FACTOR);
			if (st->body_len != AGE_FILE_KEY_SIZE + AGE_TAG_SIZE)
				return age_err_set(err, AGE_ERR_HEADER, "scrypt stanza: its body must be 32 bytes");
		}
	}
	return 0;
}

int age_scrypt_work_factor_ok(int work_factor, int max, struct age_err *err)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	uint64_t need = (uint64_t)1024 << work_factor;

	if (!max)
		max = AGE_SCRYPT_MAX_WORK_FACTOR;
	if (work_factor < 1 || work_factor > max)
		return age_err_set(err, AGE_ERR_HEADER, "scrypt work factor %d is above the limit %d",
				   work_factor, max);
	if (pages > 0 && page > 0 && need > (uint64_t)pages * (uint64_t)page / 2)
		return age_err_set(err, AGE_ERR_IO,
				   "scrypt work factor %d needs %llu MiB of memory, more than half of this host's %llu MiB",
				   work_factor, (unsigned long long)(need >> 20),
				   (unsigned long long)((uint64_t)pages * (uint64_t)page >> 20));
	return 0;
}

/* What unwrapping saw, for the "no identity matches" message. */
struct unwrap_notes {
	size_t x25519, scrypt, other;
	bool passphrase_tried;
	bool have_passphrase_identity;
	const char *other_type;
};

static int open_body(const unsigned char *wrap_key, const struct age_stanza *st, unsigned char *file_key)
{
	return crypto_aead_chacha20poly1305_ietf_decrypt(file_key, NULL, NULL, st->body, st->body_len,
							 NULL, 0, zero_nonce, wrap_key);
}

/* 1 unwrapped into file_key, 0 not for this identity, -1 error. */
static int unwrap_x25519(const struct age_identity *id, const struct age_stanza *st,
			 unsigned char *file_key, struct age_err *err)
{
	unsigned char *k = age_secure_alloc(64);
	unsigned char *shared = k, *wrap_key = k + 32;
	unsigned char salt[64];
	int ret;

	if (b64_decode_exact(st->args[0], salt, 32) < 0)
		BUG("X25519 stanza not checked");
	if (crypto_scalarmult(shared, id->secret, salt) != 0) {
		ret = age_err_set(err, AGE_ERR_HEADER,
				  "X25519 stanza: the share is a low-order point (all-zero shared secret)");
		goto out;
	}
	memcpy(salt + 32, id->public, 32);
	age_hkdf_sha256(wrap_key, salt, sizeof(salt), shared, 32, X25519_LABEL);
	ret = open_body(wrap_key, st, file_key) == 0;
out:
	sodium_free(k);
	return ret;
}

static int unwrap_scrypt(const struct age_identity *id, const struct age_stanza *st,
			 unsigned char *file_key, struct age_err *err)
{
	unsigned char label_salt[sizeof(SCRYPT_LABEL) - 1 + 16];
	unsigned char *wrap_key = NULL;
	int wf = parse_work_factor(st->args[1]);
	char *pass = NULL;
	int ret;

	if (age_scrypt_work_factor_ok(wf, id->max_work_factor, err) < 0)
		return -1;
	memcpy(label_salt, SCRYPT_LABEL, sizeof(SCRYPT_LABEL) - 1);
	if (b64_decode_exact(st->args[0], label_salt + sizeof(SCRYPT_LABEL) - 1, 16) < 0)
		BUG("scrypt stanza not checked");
	if (id->pass.get(id->pass.ctx, id->prompt, false, &pass, err) < 0)
		return -1;
	wrap_key = age_secure_alloc(32);
	if (crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass, strlen(pass),
						  label_salt, sizeof(label_salt),
						  (uint64_t)1 << wf, 8, 1, wrap_key, 32) != 0)
		ret = age_err_set(err, AGE_ERR_IO, "scrypt with work factor %d failed: %s", wf,
				  strerror(errno ? errno : ENOMEM));
	else
		ret = open_body(wrap_key, st, file_key) == 0;
	sodium_free(wrap_key);
	sodium_free(pass);
	return ret;
}

static int no_match(const struct unwrap_notes *n, struct age_err *err)
{
	if (n->scrypt && n->passphrase_tried)
		return age_err_set(err, AGE_ERR_NO_MATCH, "wrong passphrase");
	if (n->scrypt)
		return age_err_set(err, AGE_ERR_NO_MATCH,
				   "the file is encrypted with a passphrase, and none was given");
	if (n->x25519 && !n->have_passphrase_identity)
		return age_err_set(err, AGE_ERR_NO_MATCH,
				   "none of the identities is a recipient of the file (%zu X25519 recipient%s)",
				   n->x25519, n->x25519 == 1 ? "" : "s");
	if (n->x25519)
		return age_err_set(err, AGE_ERR_NO_MATCH,
				   "the file is encrypted to X25519 recipients, not with a passphrase");
	return age_err_set(err, AGE_ERR_NO_MATCH, "no supported recipient stanza (first one: '%.40s')",
			   n->other_type ? n->other_type : "?");
}

/* Find the file key: every identity in turn against every stanza, as age does. */
static int unwrap_file_key(const struct age_header *h, const struct age_identities *ids,
			   unsigned char *file_key, struct age_err *err)
{
	struct unwrap_notes notes = { 0, 0, 0, false, false, NULL };

	for (size_t i = 0; i < h->nr; i++) {
		const char *type = h->stanzas[i].type;

		if (!strcmp(type, "X25519"))
			notes.x25519++;
		else if (!strcmp(type, "scrypt"))
			notes.scrypt++;
		else if (!notes.other++)
			notes.other_type = type;
	}
	for (size_t j = 0; j < ids->nr; j++) {
		const struct age_identity *id = ids->v[j];

		if (id->type == AGE_KEY_SCRYPT)
			notes.have_passphrase_identity = true;
		for (size_t i = 0; i < h->nr; i++) {
			const struct age_stanza *st = &h->stanzas[i];
			int ret;

			if (id->type == AGE_KEY_X25519 && !strcmp(st->type, "X25519")) {
				ret = unwrap_x25519(id, st, file_key, err);
			} else if (id->type == AGE_KEY_SCRYPT && !strcmp(st->type, "scrypt")) {
				notes.passphrase_tried = true;
				ret = unwrap_scrypt(id, st, file_key, err);
			} else {
				continue;
			}
			if (ret)
				return ret > 0 ? 0 : -1;
		}
	}
	return no_match(&notes, err);
}

struct age_payload_key *age_payload_key_derive(const unsigned char file_key[AGE_FILE_KEY_SIZE],
					       const unsigned char nonce[AGE_NONCE_SIZE])
{
	struct age_payload_key *key = age_secure_alloc(sizeof(*key));

	age_hkdf_sha256(key->key, nonce, AGE_NONCE_SIZE, file_key, AGE_FILE_KEY_SIZE, "payload");
	return key;
}

void age_payload_key_free(struct age_payload_key *key)
{
	if (key)
		sodium_free(key);
}

int age_header_unwrap(const struct age_header *h, const void *text, const struct age_identities *ids,
		      unsigned char file_key[AGE_FILE_KEY_SIZE], struct age_err *err)
{
	unsigned char mac[32];

	if (check_stanzas(h, err) < 0 || unwrap_file_key(h, ids, file_key, err) < 0)
		return -1;
	header_mac(file_key, text, h->mac_off + 3, mac);
	if (crypto_verify_32(mac, h->mac) != 0) {
		sodium_memzero(file_key, AGE_FILE_KEY_SIZE);
		return age_err_set(err, AGE_ERR_HMAC,
				   "the header does not match its MAC: it was altered or damaged");
	}
	return 0;
}

int age_header_open(const void *buf, size_t len, const struct age_identities *ids,
		    struct age_payload_key **key, size_t *payload_off, struct age_err *err)
{
	struct age_header h;
	unsigned char *file_key;
	int ret = age_header_parse(&h, buf, len, err);

	if (ret)
		return ret;
	/* Wait for the nonce before unwrapping: a passphrase is asked only once. */
	if (len < h.len + AGE_NONCE_SIZE) {
		age_header_release(&h);
		return 1;
	}
	file_key = age_secure_alloc(AGE_FILE_KEY_SIZE);
	ret = age_header_unwrap(&h, buf, ids, file_key, err);
	if (ret == 0) {
		*key = age_payload_key_derive(file_key, (const unsigned char *)buf + h.len);
		*payload_off = h.len + AGE_NONCE_SIZE;
	}
	sodium_free(file_key);
	age_header_release(&h);
	return ret;
}

int age_header_open_fd(int fd, const struct age_identities *ids,
		       struct age_payload_key **key, uint64_t *payload_off, struct age_err *err)
{
	size_t alloc = 4096, len = 0, off = 0;
	char *buf = xmalloc(alloc);
	int ret;

	for (;;) {
		ssize_t n = pread(fd, buf + len, alloc - len, (off_t)len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = age_err_set(err, AGE_ERR_IO, "cannot read: %s", strerror(errno));
			break;
		}
		len += (size_t)n;
		ret = age_header_open(buf, len, ids, key, &off, err);
		if (ret != 1)
			break;
		if (n == 0) {
			ret = len ? age_err_set(err, AGE_ERR_HEADER, "the file ends within its header")
				  : age_err_set(err, AGE_ERR_NOT_AGE, "the file is empty");
			break;
		}
		if (len == alloc) {
			alloc *= 2;
			buf = xrealloc(buf, alloc);
		}
	}
	if (ret == 0)
		*payload_off = off;
	free(buf);
	return ret;
}

/* ------------------------------------------------------------------ STREAM */

/* 11-byte big-endian counter, then the last-chunk flag. */
static void chunk_nonce(unsigned char nonce[12], uint64_t counter, bool last)
{
	memset(nonce, 0, 3);
	for (int i = 0; i < 8; i++)
		nonce[3 + i] = (unsigned char)(counter >> (56 - 8 * i));
	nonce[11] = last ? 1 : 0;
}

void age_chunk_seal(const struct age_payload_key *key, uint64_t counter, bool last,
		    const unsigned char *in, size_t len, unsigned char *out)
{
	unsigned char nonce[12];

	chunk_nonce(nonce, counter, last);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, in, len, NULL, 0, NULL, nonce, key->key);
}

static int chunk_fail(struct age_err *err, uint64_t counter, const char *what)
{
	age_err_set(err, AGE_ERR_PAYLOAD, "chunk %llu (plaintext bytes from %llu) %s",
		    (unsigned long long)counter, (unsigned long long)(counter * AGE_CHUNK_SIZE), what);
	err->chunk = counter;
	return -1;
}

int age_chunk_decrypt(const struct age_payload_key *key, uint64_t counter, bool last,
		      const void *in, size_t inlen, void *out, struct age_err *err)
{
	unsigned char nonce[12];

	if (inlen < AGE_TAG_SIZE || inlen > AGE_CHUNK_CT_SIZE)
		return chunk_fail(err, counter, "has an impossible length");
	if (!last && inlen != AGE_CHUNK_CT_SIZE)
		return chunk_fail(err, counter, "is short but not the final chunk");
	if (inlen == AGE_TAG_SIZE && counter)
		return chunk_fail(err, counter, "is an empty final chunk after others");
	chunk_nonce(nonce, counter, last);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, in, inlen, NULL, 0,
						      nonce, key->key) != 0)
		return chunk_fail(err, counter, last ? "is damaged (or not the final chunk)"
						     : "is damaged");
	return 0;
}

int age_chunk_open(const struct age_payload_key *key, uint64_t counter,
		   const void *in, size_t inlen, void *out, bool *last, struct age_err *err)
{
	if (inlen == AGE_CHUNK_CT_SIZE && age_chunk_decrypt(key, counter, false, in, inlen, out, err) == 0) {
		*last = false;
		return 0;
	}
	if (age_chunk_decrypt(key, counter, true, in, inlen, out, err) < 0) {
		if (inlen == AGE_CHUNK_CT_SIZE)
			chunk_fail(err, counter, "is damaged");
		return -1;
	}
	*last = true;
	return 0;
}
