// SPDX-License-Identifier: MIT
/*
 * tar.c - POSIX tar: ustar/pax header writer, strict streaming reader
 *
 * Header layout (POSIX.1-2001 ustar), offsets in bytes:
 *   name 0/100  mode 100/8  uid 108/8  gid 116/8  size 124/12  mtime 136/12
 *   chksum 148/8  typeflag 156  linkname 157/100  magic 257/6  version 263/2
 *   uname 265/32  gname 297/32  devmajor 329/8  devminor 337/8  prefix 345/155
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/error.h"
#include "diag/tar.h"

enum { NAME_OFF = 0, NAME_LEN = 100, MODE_OFF = 100, UID_OFF = 108, GID_OFF = 116,
       SIZE_OFF = 124, MTIME_OFF = 136, CHKSUM_OFF = 148, TYPE_OFF = 156,
       LINK_OFF = 157, LINK_LEN = 100, MAGIC_OFF = 257, VERSION_OFF = 263,
       UNAME_OFF = 265, GNAME_OFF = 297, DEVMAJ_OFF = 329, DEVMIN_OFF = 337,
       PREFIX_OFF = 345, PREFIX_LEN = 155 };

/* Largest value an 11-digit octal field holds: 8 GiB - 1. */
#define OCTAL11_MAX 077777777777ULL

/* ---------------------------------------------------------------- writer */

static void put_octal(unsigned char *field, size_t width, uint64_t v)
{
	char tmp[32];

	/* width - 1 digits, zero-padded, then NUL */
	snprintf(tmp, sizeof(tmp), "%0*llo", (int)(width - 1), (unsigned long long)v);
	memcpy(field, tmp, width);
}

static unsigned header_sum(const unsigned char *h)
{
	unsigned sum = 0;

	for (int i = 0; i < TAR_BLOCK; i++)
		sum += (i >= CHKSUM_OFF && i < CHKSUM_OFF + 8) ? ' ' : h[i];
	return sum;
}

/* One ustar header block. name_field is at most 100 bytes, prefix at most 155. */
static void ustar_block(unsigned char *h, const char *name_field, size_t name_len,
			const char *prefix, size_t prefix_len, uint64_t size, uint64_t mtime,
			unsigned mode, char typeflag)
{
	char sum[8];

	memset(h, 0, TAR_BLOCK);
	memcpy(h + NAME_OFF, name_field, name_len);
	put_octal(h + MODE_OFF, 8, mode & 07777);
	put_octal(h + UID_OFF, 8, 0);
	put_octal(h + GID_OFF, 8, 0);
	put_octal(h + SIZE_OFF, 12, size);
	put_octal(h + MTIME_OFF, 12, mtime);
	h[TYPE_OFF] = (unsigned char)typeflag;
	memcpy(h + MAGIC_OFF, "ustar", 6);
	memcpy(h + VERSION_OFF, "00", 2);
	put_octal(h + DEVMAJ_OFF, 8, 0);
	put_octal(h + DEVMIN_OFF, 8, 0);
	if (prefix_len)
		memcpy(h + PREFIX_OFF, prefix, prefix_len);
	snprintf(sum, sizeof(sum), "%06o", header_sum(h));
	memcpy(h + CHKSUM_OFF, sum, 7); /* six digits, NUL, and the space already counted */
	h[CHKSUM_OFF + 7] = ' ';
}

static size_t decimal_digits(size_t n)
{
	size_t d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Append one pax record "LEN key=value\n", LEN counting the whole record. */
static void pax_record(struct strbuf *sb, const char *key, const char *value)
{
	size_t base = strlen(key) + strlen(value) + 3, len = base + 1;

	while (len != base + decimal_digits(len))
		len = base + decimal_digits(len);
	strbuf_addf(sb, "%zu %s=%s\n", len, key, value);
}

/* Split name into ustar prefix/name at a '/'. Returns the split index, or 0 if impossible. */
static size_t ustar_split(const char *name, size_t len)
{
	for (size_t i = MIN(len - 1, (size_t)PREFIX_LEN); i > 0; i--)
		if (name[i] == '/' && len - i - 1 <= NAME_LEN && len - i - 1 > 0)
			return i;
	return 0;
}

int tar_file_header(struct strbuf *out, const char *name, uint64_t size, int64_t mtime,
		    unsigned mode)
{
	size_t len = strlen(name), split = 0;
	uint64_t mt = mtime < 0 ? 0 : MIN((uint64_t)mtime, OCTAL11_MAX);
	bool pax_path = false, pax_size = size > OCTAL11_MAX;
	const char *base;
	unsigned char *h;

	if (!len || len > TAR_NAME_MAX)
		return -1;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return -1;
	if (len > NAME_LEN) {
		split = ustar_split(name, len);
		pax_path = !split;
	}
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (pax_path || pax_size) {
		struct strbuf rec = STRBUF_INIT, pname = STRBUF_INIT;
		char num[32];

		if (pax_path)
			pax_record(&rec, "path", name);
		if (pax_size) {
			snprintf(num, sizeof(num), "%llu", (unsigned long long)size);
			pax_record(&rec, "size", num);
		}
		strbuf_addstr(&pname, "PaxHeaders/");
		strbuf_add(&pname, base, MIN(strlen(base), (size_t)NAME_LEN - pname.len));
		strbuf_grow(out, TAR_BLOCK);
		ustar_block((unsigned char *)out->buf + out->len, pname.buf, pname.len, "", 0,
			    rec.len, mt, 0644, 'x');
		strbuf_setlen(out, out->len + TAR_BLOCK);
		strbuf_add(out, rec.buf, rec.len);
		for (size_t i = tar_padding(rec.len); i; i--)
			strbuf_addch(out, 0);
		strbuf_release(&rec);
		strbuf_release(&pname);
	}
	strbuf_grow(out, TAR_BLOCK);
	h = (unsigned char *)out->buf + out->len;
	if (pax_path)
		ustar_block(h, base, MIN(strlen(base), (size_t)NAME_LEN), "", 0,
			    pax_size ? 0 : size, mt, mode, '0');
	else if (split)
		ustar_block(h, name + split + 1, len - split - 1, name, split,
			    pax_size ? 0 : size, mt, mode, '0');
	else
		ustar_block(h, name, len, "", 0, pax_size ? 0 : size, mt, mode, '0');
	strbuf_setlen(out, out->len + TAR_BLOCK);
	return 0;
}

const char *tar_type_name(enum tar_type type)
{
	switch (type) {
	case TAR_REGULAR: return "regular file";
	case TAR_HARDLINK: return "hard link";
	case TAR_SYMLINK: return "symbolic link";
	case TAR_CHARDEV: return "character device";
	case TAR_BLOCKDEV: return "block device";
	case TAR_DIRECTORY: return "directory";
	case TAR_FIFO: return "FIFO";
	case TAR_OTHER: break;
	}
	return "special file";
}

/* ---------------------------------------------------------------- reader */

enum { RS_HEADER, RS_DATA, RS_END, RS_ERROR };

struct pax_attrs {
	char *path, *linkpath;
	uint64_t size;
	int64_t mtime;
	bool has_size, has_mtime;
	unsigned seen; /* bit per keyword, to refuse duplicates */
};

static int vfail_at(struct tar_reader *r, uint64_t at, const char *fmt, va_list ap)
	PRINTF_LIKE(3, 0);
static int vfail_at(struct tar_reader *r, uint64_t at, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	r->state = RS_ERROR;
	return error("%s: %s (at offset %llu)", r->name, msg, (unsigned long long)at);
}

/* Fail, naming the current offset. */
static int fail(struct tar_reader *r, const char *fmt, ...) PRINTF_LIKE(2, 3);
static int fail(struct tar_reader *r, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail_at(r, r->offset, fmt, ap);
	va_end(ap);
	return ret;
}

/* Fail, naming the header block that starts at 'at'. */
static int fail_at(struct tar_reader *r, uint64_t at, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int fail_at(struct tar_reader *r, uint64_t at, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail_at(r, at, fmt, ap);
	va_end(ap);
	return ret;
}

/* Read exactly len bytes; a short read is "truncated". */
static int read_exact(struct tar_reader *r, void *buf, size_t len, const char *what)
{
	ssize_t n = bytesrc_read_full(r->src, buf, len);

	if (n < 0) {
		r->state = RS_ERROR;
		return -1;
	}
	if ((size_t)n < len) {
		r->offset += (uint64_t)n;
		return fail(r, "archive is truncated in %s", what);
	}
	r->offset += len;
	return 0;
}

/* Read and discard len bytes, which must all be zero if zeros is set. */
static int skip(struct tar_reader *r, uint64_t len, bool zeros, const char *what)
{
	unsigned char buf[4096];

	while (len) {
		size_t n = (size_t)MIN(len, (uint64_t)sizeof(buf));

		if (read_exact(r, buf, n, what) < 0)
			return -1;
		if (zeros)
			for (size_t i = 0; i < n; i++)
				if (buf[i])
					return fail(r, "non-zero bytes in %s", what);
		len -= n;
	}
	return 0;
}

static bool all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Parse an octal field: optional leading spaces, at least one octal digit,
 * then only NUL or space to the end of the field. If empty_ok, a field of
 * only NULs/spaces is 0.
 */
static int parse_octal(const unsigned char *f, size_t width, uint64_t *out, bool empty_ok)
{
	size_t i = 0, digits = 0;
	uint64_t v = 0;

	if (f[0] & 0x80)
		return -1; /* GNU base-256: not POSIX */
	while (i < width && f[i] == ' ')
		i++;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	if (!digits && !empty_ok)
		return -1;
	*out = v;
	return 0;
}

/* A decimal number with nothing else; for pax "size", "uid", "gid". */
static int parse_decimal(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* pax times: [-]digits[.digits], whole seconds in *out. */
static int parse_pax_time(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v = 0;
	const char *p = s + neg, *start = p;

	if (p[0] == '0' && p[1] >= '0' && p[1] <= '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > ((uint64_t)INT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == start)
		return -1;
	if (*p == '.') {
		start = ++p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return -1;
	}
	if (*p)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

static const char *const pax_keys[] = {
	"path", "linkpath", "size", "mtime", "atime", "ctime", "uid", "gid",
	"uname", "gname", "charset", "comment", "hdrcharset",
};

static int parse_pax(struct tar_reader *r, const char *buf, size_t size, struct pax_attrs *pax)
{
	size_t pos = 0;

	while (pos < size) {
		const char *rec = buf + pos, *sp, *eq, *key, *val;
		size_t len = 0, keylen, k;
		char *value;

		for (sp = rec; sp < buf + size && *sp >= '0' && *sp <= '9' && sp - rec < 8; sp++)
			len = len * 10 + (size_t)(*sp - '0');
		if (sp == rec || sp >= buf + size || *sp != ' ' || (rec[0] == '0'))
			return fail(r, "malformed pax record length");
		if (len > size - pos || len < (size_t)(sp - rec) + 4 || rec[len - 1] != '\n')
			return fail(r, "malformed pax record");
		key = sp + 1;
		eq = memchr(key, '=', (size_t)(rec + len - 1 - key));
		if (!eq || eq == key)
			return fail(r, "malformed pax record");
		keylen = (size_t)(eq - key);
		val = eq + 1;
		if (memchr(key, '\0', keylen) || memchr(val, '\0', (size_t)(rec + len - 1 - val)))
			return fail(r, "NUL byte in a pax record");
		for (k = 0; k < ARRAY_SIZE(pax_keys); k++)
			if (strlen(pax_keys[k]) == keylen && !memcmp(pax_keys[k], key, keylen))
				break;
		if (k == ARRAY_SIZE(pax_keys))
			return fail(r, "unsupported pax keyword '%.*s'", (int)MIN(keylen, (size_t)64), key);
		if (pax->seen & (1u << k))
			return fail(r, "duplicate pax keyword '%s'", pax_keys[k]);
		pax->seen |= 1u << k;
		value = xstrndup(val, (size_t)(rec + len - 1 - val));
		if (!strcmp(pax_keys[k], "path")) {
			if (!*value || strlen(value) > TAR_NAME_MAX) {
				free(value);
				return fail(r, "bad pax path");
			}
			pax->path = value;
			value = NULL;
		} else if (!strcmp(pax_keys[k], "linkpath")) {
			if (strlen(value) > TAR_NAME_MAX) {
				free(value);
				return fail(r, "bad pax linkpath");
			}
			pax->linkpath = value;
			value = NULL;
		} else if (!strcmp(pax_keys[k], "size")) {
			if (parse_decimal(value, INT64_MAX, &pax->size) < 0) {
				free(value);
				return fail(r, "bad pax size");
			}
			pax->has_size = true;
		} else if (!strcmp(pax_keys[k], "mtime") || !strcmp(pax_keys[k], "atime") ||
			   !strcmp(pax_keys[k], "ctime")) {
			int64_t t;

			if (parse_pax_time(value, &t) < 0) {
				free(value);
				return fail(r, "bad pax %s", pax_keys[k]);
			}
			if (pax_keys[k][0] == 'm') {
				pax->mtime = t;
				pax->has_mtime = true;
			}
		} else if (!strcmp(pax_keys[k], "uid") || !strcmp(pax_keys[k], "gid")) {
			uint64_t id;

			if (parse_decimal(value, UINT32_MAX, &id) < 0) {
				free(value);
				return fail(r, "bad pax %s", pax_keys[k]);
			}
		}
		free(value);
		pos += len;
	}
	return 0;
}

static void pax_release(struct pax_attrs *pax)
{
	free(pax->path);
	free(pax->linkpath);
	memset(pax, 0, sizeof(*pax));
}

static void entry_release(struct tar_entry *e)
{
	free(e->name);
	free(e->linkname);
	memset(e, 0, sizeof(*e));
}

static char *field_string(const unsigned char *f, size_t width)
{
	const unsigned char *nul = memchr(f, '\0', width);

	return xstrndup((const char *)f, nul ? (size_t)(nul - f) : width);
}

/* The end marker is here: a second zero block, then nothing but zeros. */
static int read_end(struct tar_reader *r)
{
	unsigned char buf[4096];

	if (read_exact(r, buf, TAR_BLOCK, "the end-of-archive marker") < 0)
		return -1;
	if (!all_zero(buf, TAR_BLOCK))
		return fail(r, "damaged end-of-archive marker");
	for (;;) {
		ssize_t n = bytesrc_read_full(r->src, buf, sizeof(buf));

		if (n < 0) {
			r->state = RS_ERROR;
			return -1;
		}
		if (!all_zero(buf, (size_t)n))
			return fail(r, "unexpected data after the end of the archive");
		r->offset += (uint64_t)n;
		if ((size_t)n < sizeof(buf))
			break;
	}
	r->state = RS_END;
	return 0;
}

static enum tar_type map_type(char t)
{
	switch (t) {
	case '0': case '\0': return TAR_REGULAR;
	case '1': return TAR_HARDLINK;
	case '2': return TAR_SYMLINK;
	case '3': return TAR_CHARDEV;
	case '4': return TAR_BLOCKDEV;
	case '5': return TAR_DIRECTORY;
	case '6': return TAR_FIFO;
	default: return TAR_OTHER;
	}
}

static int read_header(struct tar_reader *r, const struct tar_entry **out)
{
	struct pax_attrs pax = { 0 };
	unsigned char h[TAR_BLOCK];
	uint64_t start = r->offset, block = start, size, mode, mtime, sum, ignored;
	bool gnu, have_pax = false;
	char t;

	strbuf_reset(&r->raw);
	for (;;) {
		ssize_t n = bytesrc_read_full(r->src, h, TAR_BLOCK);

		block = r->offset;
		if (n < 0) {
			r->state = RS_ERROR;
			goto fail;
		}
		if (n == 0 && !have_pax) {
			fail(r, "archive ends without an end-of-archive marker");
			goto fail;
		}
		r->offset += (uint64_t)n;
		if (n < TAR_BLOCK) {
			fail(r, "archive is truncated in a member header");
			goto fail;
		}
		strbuf_add(&r->raw, h, TAR_BLOCK);
		if (all_zero(h, TAR_BLOCK)) {
			if (have_pax) {
				fail(r, "pax header not followed by a member");
				goto fail;
			}
			if (read_end(r) < 0)
				goto fail;
			return 0;
		}
		if (parse_octal(h + CHKSUM_OFF, 8, &sum, false) < 0 || sum != header_sum(h)) {
			fail_at(r, block, "bad header checksum: not a tar archive, or a damaged one");
			goto fail;
		}
		gnu = !memcmp(h + MAGIC_OFF, "ustar  \0", 8);
		if (!gnu && memcmp(h + MAGIC_OFF, "ustar\0" "00", 8)) {
			fail_at(r, block, "not a POSIX (ustar) tar header");
			goto fail;
		}
		t = (char)h[TYPE_OFF];
		if (parse_octal(h + SIZE_OFF, 12, &size, false) < 0 ||
		    parse_octal(h + MODE_OFF, 8, &mode, false) < 0 ||
		    parse_octal(h + MTIME_OFF, 12, &mtime, false) < 0 ||
		    parse_octal(h + UID_OFF, 8, &ignored, true) < 0 ||
		    parse_octal(h + GID_OFF, 8, &ignored, true) < 0 ||
		    parse_octal(h + DEVMAJ_OFF, 8, &ignored, true) < 0 ||
		    parse_octal(h + DEVMIN_OFF, 8, &ignored, true) < 0) {
			fail_at(r, block, "malformed numeric field in a member header");
			goto fail;
		}
		if (t != 'x')
			break;
		if (have_pax) {
			fail_at(r, block, "two pax headers in a row");
			goto fail;
		}
		if (size > TAR_PAX_MAX) {
			fail_at(r, block, "pax header too large (%llu bytes)", (unsigned long long)size);
			goto fail;
		} else {
			char *buf = xmalloc((size_t)size + 1);
			int ret = read_exact(r, buf, (size_t)size, "a pax header");

			if (!ret)
				ret = skip(r, tar_padding(size), true, "the padding of a pax header");
			if (!ret) {
				strbuf_add(&r->raw, buf, (size_t)size);
				for (size_t i = tar_padding(size); i; i--)
					strbuf_addch(&r->raw, 0);
				ret = parse_pax(r, buf, (size_t)size, &pax);
			}
			free(buf);
			if (ret < 0)
				goto fail;
		}
		have_pax = true;
	}
	switch (t) {
	case 'g':
		fail_at(r, block, "global pax headers are not supported");
		goto fail;
	case 'L': case 'K':
		fail_at(r, block, "GNU long-name members are not supported");
		goto fail;
	case 'S':
		fail_at(r, block, "sparse members are not supported");
		goto fail;
	default:
		if (t && (t < '0' || t > '7')) {
			if ((unsigned char)t >= 0x21 && (unsigned char)t <= 0x7e)
				fail_at(r, block, "unsupported member type '%c'", t);
			else
				fail_at(r, block, "unsupported member type 0x%02x", (unsigned char)t);
			goto fail;
		}
	}
	entry_release(&r->entry);
	r->entry.typeflag = t;
	r->entry.type = map_type(t);
	r->entry.mode = (unsigned)(mode & 07777);
	r->entry.mtime = pax.has_mtime ? pax.mtime : (int64_t)mtime;
	r->entry.size = pax.has_size ? pax.size : size;
	r->entry.offset = start;
	r->entry.data_offset = r->offset;
	if (pax.path) {
		r->entry.name = pax.path;
		pax.path = NULL;
	} else {
		char *name = field_string(h + NAME_OFF, NAME_LEN);
		char *prefix = gnu ? xstrdup("") : field_string(h + PREFIX_OFF, PREFIX_LEN);

		r->entry.name = *prefix ? xasprintf("%s/%s", prefix, name) : xstrdup(name);
		free(name);
		free(prefix);
	}
	if (pax.linkpath) {
		r->entry.linkname = pax.linkpath;
		pax.linkpath = NULL;
	} else {
		r->entry.linkname = field_string(h + LINK_OFF, LINK_LEN);
	}
	pax_release(&pax);
	if (!*r->entry.name) {
		fail_at(r, block, "member with an empty name");
		goto fail_entry;
	}
	if (r->entry.type != TAR_REGULAR && r->entry.type != TAR_OTHER && r->entry.size) {
		fail_at(r, block, "%s '%s' claims %llu bytes of data", tar_type_name(r->entry.type),
		     r->entry.name, (unsigned long long)r->entry.size);
		goto fail_entry;
	}
	if (r->entry.size > INT64_MAX) {
		fail_at(r, block, "member '%s' is too large", r->entry.name);
		goto fail_entry;
	}
	r->left = r->entry.size;
	r->pad = tar_padding(r->entry.size);
	r->state = RS_DATA;
	*out = &r->entry;
	return 1;
fail:
	pax_release(&pax);
	r->state = RS_ERROR;
	return -1;
fail_entry:
	r->state = RS_ERROR;
	return -1;
}

int tar_reader_next(struct tar_reader *r, const struct tar_entry **entry)
{
	switch (r->state) {
	case RS_ERROR:
		return -1;
	case RS_END:
		return 0;
	case RS_DATA:
		if (skip(r, r->left, false, "member data") < 0)
			return -1;
		r->left = 0;
		if (skip(r, r->pad, true, "member padding") < 0)
			return -1;
		r->state = RS_HEADER;
		break;
	}
	return read_header(r, entry);
}

ssize_t tar_reader_read(struct tar_reader *r, void *buf, size_t len)
{
	size_t n;

	if (r->state == RS_ERROR)
		return -1;
	if (r->state != RS_DATA || !r->left)
		return 0;
	n = (size_t)MIN((uint64_t)len, r->left);
	if (read_exact(r, buf, n, "member data") < 0)
		return -1;
	r->left -= n;
	return (ssize_t)n;
}

static ssize_t data_read(struct bytesrc *src, void *buf, size_t len)
{
	struct tar_reader *r = (struct tar_reader *)((char *)src - offsetof(struct tar_reader, data));

	return tar_reader_read(r, buf, len);
}

void tar_reader_init(struct tar_reader *r, struct bytesrc *src, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->src = src;
	r->name = name;
	r->state = RS_HEADER;
	r->data.read = data_read;
	strbuf_init(&r->raw, 0);
}

void tar_reader_release(struct tar_reader *r)
{
	entry_release(&r->entry);
	strbuf_release(&r->raw);
}
