// SPDX-License-Identifier: MIT
/* age_armor.c - the ASCII armor of age files: a strict streaming reader and writer */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "diag/age_armor.h"
#include "diag/error.h"
#include "age_internal.h"

#define COLUMNS 64
#define BYTES_PER_LINE 48
#define MAX_WHITESPACE 1024
/* Longer lines are wrong in every state: data lines have 64 columns, blank lines 1 KiB at most. */
#define ARMOR_LINE_MAX (MAX_WHITESPACE + 2)
#define OUT_BUF 65536

static int write_failed(struct age_err *err)
{
	return age_err_set(err, AGE_ERR_IO, "cannot write the output: %s",
			  strerror(errno ? errno : EIO));
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int age_armor_sniff(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i = 0;

	while (i < len && is_space(p[i]))
		i++;
	if (len - i < 5)
		return i > MAX_WHITESPACE ? 0 : -1;
	return !memcmp(p + i, "-----", 5);
}

/* ---------------------------------------------------------------- writer */

struct age_armor_writer {
	age_write_fn write;
	void *ctx;
	bool started;
	unsigned char carry[BYTES_PER_LINE];
	size_t ncarry;
	size_t nout;
	char out[OUT_BUF];
};

struct age_armor_writer *age_armor_writer_new(age_write_fn write, void *ctx)
{
	struct age_armor_writer *w = xcalloc(1, sizeof(*w));

	w->write = write;
	w->ctx = ctx;
	return w;
}

static int flush_out(struct age_armor_writer *w, struct age_err *err)
{
	if (w->nout && w->write(w->ctx, w->out, w->nout) < 0)
		return write_failed(err);
	w->nout = 0;
	return 0;
}

static int put_text(struct age_armor_writer *w, const char *s, struct age_err *err)
{
	size_t n = strlen(s);

	if (w->nout + n > sizeof(w->out) && flush_out(w, err) < 0)
		return -1;
	memcpy(w->out + w->nout, s, n);
	w->nout += n;
	return 0;
}

/*
 * Encode one line (1 to 48 bytes, padded base64) and its LF. A table rather
 * than libsodium's constant-time encoder: this is ciphertext, and speed counts.
 */
static int put_line(struct age_armor_writer *w, const unsigned char *in, size_t n,
		    struct age_err *err)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *o;
	size_t i;

	if (w->nout + COLUMNS + 2 > sizeof(w->out) && flush_out(w, err) < 0)
		return -1;
	o = w->out + w->nout;
	for (i = 0; i + 3 <= n; i += 3) {
		unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];

		*o++ = digits[v >> 18];
		*o++ = digits[(v >> 12) & 63];
		*o++ = digits[(v >> 6) & 63];
		*o++ = digits[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);

		*o++ = digits[v >> 18];
		*o++ = digits[(v >> 12) & 63];
		*o++ = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o++ = '\n';
	w->nout = (size_t)(o - w->out);
	return 0;
}

static int start(struct age_armor_writer *w, struct age_err *err)
{
	if (w->started)
		return 0;
	w->started = true;
	return put_text(w, AGE_ARMOR_BEGIN "\n", err);
}

int age_armor_writer_update(struct age_armor_writer *w, const void *buf, size_t len,
			    struct age_err *err)
{
	const unsigned char *p = buf;

	if (start(w, err) < 0)
		return -1;
	if (w->ncarry) {
		size_t n = MIN(len, BYTES_PER_LINE - w->ncarry);

		memcpy(w->carry + w->ncarry, p, n);
		w->ncarry += n;
		p += n;
		len -= n;
		if (w->ncarry < BYTES_PER_LINE)
			return 0;
		if (put_line(w, w->carry, BYTES_PER_LINE, err) < 0)
			return -1;
		w->ncarry = 0;
	}
	while (len >= BYTES_PER_LINE) {
		if (put_line(w, p, BYTES_PER_LINE, err) < 0)
			return -1;
		p += BYTES_PER_LINE;
		len -= BYTES_PER_LINE;
	}
	memcpy(w->carry, p, len);
	w->ncarry = len;
	return 0;
}

int age_armor_writer_finish(struct age_armor_writer *w, struct age_err *err)
{
	if (start(w, err) < 0)
		return -1;
	/* A multiple of 48 bytes ends with a full line: no empty line before END. */
	if (w->ncarry && put_line(w, w->carry, w->ncarry, err) < 0)
		return -1;
	w->ncarry = 0;
	if (put_text(w, AGE_ARMOR_END "\n", err) < 0)
		return -1;
	return flush_out(w, err);
}

void age_armor_writer_free(struct age_armor_writer *w)
{
	if (!w)
		return;
	sodium_memzero(w, sizeof(*w));
	free(w);
}

/* ---------------------------------------------------------------- reader */

enum reader_state {
	R_LEADING,   /* blank lines, then the BEGIN line */
	R_DATA,      /* full data lines, until a short one or END */
	R_END,       /* after a short line: END must follow */
	R_TRAILING,  /* after END: whitespace only */
	R_FAILED,
};

struct age_armor_reader {
	age_write_fn write;
	void *ctx;
	enum reader_state state;
	size_t whitespace; /* leading or trailing whitespace seen */
	unsigned long lineno;
	size_t nline;
	size_t nout;
	char line[ARMOR_LINE_MAX];
	unsigned char out[OUT_BUF];
};

struct age_armor_reader *age_armor_reader_new(age_write_fn write, void *ctx)
{
	struct age_armor_reader *r = xcalloc(1, sizeof(*r));

	r->write = write;
	r->ctx = ctx;
	return r;
}

static int flush_decoded(struct age_armor_reader *r, struct age_err *err)
{
	if (r->nout && r->write(r->ctx, r->out, r->nout) < 0) {
		r->state = R_FAILED;
		return write_failed(err);
	}
	r->nout = 0;
	return 0;
}

/* Fail with an armor error, after passing on what was decoded before it. */
static int reader_fail(struct age_armor_reader *r, struct age_err *err, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
static int reader_fail(struct age_armor_reader *r, struct age_err *err, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	if (flush_decoded(r, err) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->state = R_FAILED;
	return age_err_set(err, AGE_ERR_ARMOR, "line %lu: %s", r->lineno, msg);
}

static bool all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_space((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_line(const char *s, size_t n, const char *want)
{
	return n == strlen(want) && !memcmp(s, want, n);
}

/* One line, without its LF and one CR before it. */
static int reader_line(struct age_armor_reader *r, const char *s, size_t n, struct age_err *err)
{
	size_t got;

	r->lineno++;
	if (n && s[n - 1] == '\r')
		n--;
	switch (r->state) {
	case R_LEADING:
		if (all_space(s, n)) {
			r->whitespace += n + 1;
			if (r->whitespace > MAX_WHITESPACE)
				return reader_fail(r, err, "too much whitespace before the BEGIN line");
			return 0;
		}
		if (!is_line(s, n, AGE_ARMOR_BEGIN))
			return reader_fail(r, err, "expected '%s'", AGE_ARMOR_BEGIN);
		r->state = R_DATA;
		return 0;
	case R_DATA:
		if (is_line(s, n, AGE_ARMOR_END)) {
			r->state = R_TRAILING;
			r->whitespace = 0;
			return flush_decoded(r, err);
		}
		if (n == 0)
			return reader_fail(r, err, "empty line");
		if (n > COLUMNS)
			return reader_fail(r, err, "line longer than %d columns", COLUMNS);
		if (r->nout + BYTES_PER_LINE > sizeof(r->out) && flush_decoded(r, err) < 0)
			return -1;
		if (age_b64_decode(s, n, r->out + r->nout, BYTES_PER_LINE, &got, true) < 0)
			return reader_fail(r, err, "invalid or non-canonical base64");
		r->nout += got;
		if (got < BYTES_PER_LINE)
			r->state = R_END;
		return 0;
	case R_END:
		if (!is_line(s, n, AGE_ARMOR_END))
			return reader_fail(r, err, "expected '%s' after the last short line",
					   AGE_ARMOR_END);
		r->state = R_TRAILING;
		r->whitespace = 0;
		return flush_decoded(r, err);
	case R_TRAILING:
	case R_FAILED:
		break;
	}
	BUG("armor reader line in state %d", (int)r->state);
}

static int trailing(struct age_armor_reader *r, const char *p, size_t len, struct age_err *err)
{
	if (!all_space(p, len)) {
		r->lineno++;
		return reader_fail(r, err, "data after the END line");
	}
	r->whitespace += len;
	if (r->whitespace >= MAX_WHITESPACE)
		return reader_fail(r, err, "too much whitespace after the END line");
	return 0;
}

int age_armor_reader_update(struct age_armor_reader *r, const void *buf, size_t len,
			    struct age_err *err)
{
	const char *p = buf;

	while (len) {
		const char *nl;
		size_t n;

		if (r->state == R_FAILED)
			return age_err_set(err, AGE_ERR_ARMOR, "the armor was already found invalid");
		if (r->state == R_TRAILING)
			return trailing(r, p, len, err);
		nl = memchr(p, '\n', len);
		n = nl ? (size_t)(nl - p) : len;
		if (r->nline + n > sizeof(r->line)) {
			r->lineno++;
			return reader_fail(r, err, "line too long");
		}
		if (!nl) {
			memcpy(r->line + r->nline, p, n);
			r->nline += n;
			return 0;
		}
		if (r->nline) {
			memcpy(r->line + r->nline, p, n);
			if (reader_line(r, r->line, r->nline + n, err) < 0)
				return -1;
			r->nline = 0;
		} else if (reader_line(r, p, n, err) < 0) {
			return -1;
		}
		p += n + 1;
		len -= n + 1;
	}
	return 0;
}

int age_armor_reader_finish(struct age_armor_reader *r, struct age_err *err)
{
	if (r->state == R_FAILED)
		return age_err_set(err, AGE_ERR_ARMOR, "the armor was already found invalid");
	/* The last line may lack its LF. */
	if (r->state != R_TRAILING && r->nline) {
		size_t n = r->nline;

		r->nline = 0;
		if (reader_line(r, r->line, n, err) < 0)
			return -1;
	}
	switch (r->state) {
	case R_TRAILING:
		return flush_decoded(r, err);
	case R_LEADING:
		r->lineno++;
		return reader_fail(r, err, "no '%s' line", AGE_ARMOR_BEGIN);
	default:
		r->lineno++;
		return reader_fail(r, err, "no '%s' line", AGE_ARMOR_END);
	}
}

void age_armor_reader_free(struct age_armor_reader *r)
{
	if (!r)
		return;
	sodium_memzero(r, sizeof(*r));
	free(r);
}
