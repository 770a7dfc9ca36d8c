// SPDX-License-Identifier: MIT
/*
 * json.c - redact JSON documents and JSON lines without changing their shape
 *
 * The document is walked token by token (validating the grammar on the way;
 * anything invalid is "not JSON" and is redacted as text instead). Only
 * string and number tokens are ever replaced, and replacements are JSON
 * strings, so the output parses to the same structure: same keys, same
 * nesting, same array lengths. A value is replaced whole when its key says
 * it is a secret (a number under such a key becomes the label string);
 * otherwise the decoded string is redacted as text and re-encoded. Objects
 * with "kind": "Secret" (Kubernetes) lose every value under data and
 * stringData. Keys are redacted as text too (personal data used as keys).
 * A value may be judged by a sibling: the name of its name/value pair
 * ({"name": "DB_PASSWORD", "value": ...}), before it or after it (ECS prints
 * {"value": ..., "name": ...}: see name_ahead()), or in an array the flag
 * before it (["--password", ...]); see node_note().
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

#define JSON_DEPTH_MAX 512
/* Tokens looked through for a pair's name after its value (ECS: {"value": x, "name": n}). */
#define JSON_AHEAD_MAX 256
/* Bytes looked back for the object of a name/value pair in text (see json_pair_value()). */
#define JSON_BACK_MAX 4096

enum jt { J_ERR, J_END, J_OBJ, J_OBJ_END, J_ARR, J_ARR_END, J_COLON, J_COMMA, J_STR, J_NUM, J_LIT };

struct jtok {
	enum jt type;
	size_t s, e;      /* token bytes; a string's include its quotes */
	uint64_t line;
	bool esc;         /* a string with escapes (else its bytes are its value) */
};

struct jlex {
	const char *p;
	size_t len, pos;
	uint64_t line;
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	c = lower_ascii(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Bytes that end a run of plain string content. */
static const unsigned char str_special[256] = {
	[0 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static size_t lex_string(const char *p, size_t len, size_t i, bool *esc)
{
	const unsigned char *u = (const unsigned char *)p;

	*esc = false;
	for (i++; i < len; i++) {
		unsigned char c;

#ifdef __SSE2__
		/* the next special byte among 16, where there are 16 */
		if (len - i >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(p + i));
			__m128i ctl = _mm_cmplt_epi8(_mm_xor_si128(v, _mm_set1_epi8((char)0x80)),
						     _mm_set1_epi8((char)(0x20 ^ 0x80))); /* < 0x20 */
			unsigned m = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
							       _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));

			if (!m) {
				i += 15;
				continue;
			}
			i += (size_t)__builtin_ctz(m);
		}
#endif
		c = u[i];
		if (!str_special[c])
			continue;
		if (c == '"')
			return i + 1;
		if (c < 0x20)
			return 0;
		*esc = true; /* a backslash */
		if (++i >= len)
			return 0;
		if (p[i] == 'u') {
			if (i + 4 >= len)
				return 0;
			for (int k = 1; k <= 4; k++)
				if (hexval(u[i + k]) < 0)
					return 0;
			i += 4;
		} else if (!p[i] || !strchr("\"\\/bfnrt", p[i])) {
			return 0;
		}
	}
	return 0;
}

static size_t lex_number(const char *p, size_t len, size_t i)
{
	size_t s;

	if (i < len && p[i] == '-')
		i++;
	if (i >= len || !is_digit((unsigned char)p[i]))
		return 0;
	if (p[i] == '0')
		i++;
	else
		while (i < len && is_digit((unsigned char)p[i]))
			i++;
	if (i < len && p[i] == '.') {
		s = ++i;
		while (i < len && is_digit((unsigned char)p[i]))
			i++;
		if (i == s)
			return 0;
	}
	if (i < len && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < len && (p[i] == '+' || p[i] == '-'))
			i++;
		s = i;
		while (i < len && is_digit((unsigned char)p[i]))
			i++;
		if (i == s)
			return 0;
	}
	return i;
}

static enum jt jnext(struct jlex *lx, struct jtok *t)
{
	const char *p = lx->p;
	size_t i = lx->pos, e = 0;

	while (i < lx->len && (unsigned char)p[i] <= ' ' &&
	       (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) {
		if (p[i] == '\n')
			lx->line++;
		i++;
	}
	t->s = i;
	t->line = lx->line;
	t->esc = false;
	if (i >= lx->len)
		return t->type = J_END;
	switch (p[i]) {
	case '{': t->type = J_OBJ; e = i + 1; break;
	case '}': t->type = J_OBJ_END; e = i + 1; break;
	case '[': t->type = J_ARR; e = i + 1; break;
	case ']': t->type = J_ARR_END; e = i + 1; break;
	case ':': t->type = J_COLON; e = i + 1; break;
	case ',': t->type = J_COMMA; e = i + 1; break;
	case '"': t->type = J_STR; e = lex_string(p, lx->len, i, &t->esc); break;
	case 't': t->type = J_LIT; e = lx->len - i >= 4 && !memcmp(p + i, "true", 4) ? i + 4 : 0; break;
	case 'f': t->type = J_LIT; e = lx->len - i >= 5 && !memcmp(p + i, "false", 5) ? i + 5 : 0; break;
	case 'n': t->type = J_LIT; e = lx->len - i >= 4 && !memcmp(p + i, "null", 4) ? i + 4 : 0; break;
	default: t->type = J_NUM; e = lex_number(p, lx->len, i); break;
	}
	if (!e)
		return t->type = J_ERR;
	t->e = e;
	lx->pos = e;
	return t->type;
}

static void put_utf8(struct rbuf *b, uint32_t cp)
{
	char u[4];

	if (cp < 0x80) {
		rbuf_addch(b, (char)cp);
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		rbuf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		rbuf_add(b, u, 3);
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		rbuf_add(b, u, 4);
	}
}

static uint32_t hex4(const char *p)
{
	return (uint32_t)(hexval((unsigned char)p[0]) << 12 | hexval((unsigned char)p[1]) << 8 |
			  hexval((unsigned char)p[2]) << 4 | hexval((unsigned char)p[3]));
}

/* Decode a validated string token (with its quotes) into out (appending). */
static void decode(const char *p, size_t s, size_t e, struct rbuf *out)
{
	for (size_t i = s + 1; i + 1 < e; i++) {
		uint32_t cp;

		if (p[i] != '\\') {
			size_t j = i;

			while (j + 1 < e && p[j] != '\\')
				j++;
			rbuf_add(out, p + i, j - i);
			i = j - 1;
			continue;
		}
		switch (p[++i]) {
		case 'b': rbuf_addch(out, '\b'); break;
		case 'f': rbuf_addch(out, '\f'); break;
		case 'n': rbuf_addch(out, '\n'); break;
		case 'r': rbuf_addch(out, '\r'); break;
		case 't': rbuf_addch(out, '\t'); break;
		case 'u':
			cp = hex4(p + i + 1);
			i += 4;
			if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < e && p[i + 1] == '\\' &&
			    p[i + 2] == 'u') {
				uint32_t lo = hex4(p + i + 3);

				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			if (cp >= 0xD800 && cp < 0xE000)
				cp = 0xFFFD; /* a lone surrogate */
			put_utf8(out, cp);
			break;
		default: rbuf_addch(out, p[i]); break; /* \" \\ \/ */
		}
	}
}

void json_escape(struct rbuf *out, const char *v, size_t len)
{
	static const char hexd[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		unsigned char c = v[i];

		switch (c) {
		case '"': rbuf_add(out, "\\\"", 2); break;
		case '\\': rbuf_add(out, "\\\\", 2); break;
		case '\n': rbuf_add(out, "\\n", 2); break;
		case '\r': rbuf_add(out, "\\r", 2); break;
		case '\t': rbuf_add(out, "\\t", 2); break;
		case '\b': rbuf_add(out, "\\b", 2); break;
		case '\f': rbuf_add(out, "\\f", 2); break;
		default:
			if (c < 0x20) {
				char u[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };

				rbuf_add(out, u, 6);
			} else {
				rbuf_addch(out, (char)c);
			}
		}
	}
}

/* ---- the walk ---- */

enum jstate { ST_KEY_OR_END, ST_KEY, ST_COLON, ST_VALUE_OR_END, ST_VALUE, ST_COMMA_OR_END };

struct jframe {
	struct node_frame n; /* start: the offset of the opening bracket */
	enum jstate st;
	bool named;          /* the pair's name is known, or was looked for (see name_ahead()) */
};

/* A work area, kept by the scanner between documents (JSON lines come by millions). */
struct jwalk {
	struct scanner *sc;
	const char *p;
	size_t len;
	struct rbuf *out;       /* NULL: the analysis pass */
	size_t copied;          /* input copied to out up to here */
	struct rbuf path, val, rep;
	struct offsets secrets; /* starts of Secret objects (from the analysis pass) */
	struct jframe *st;
	size_t depth, alloc;
	int error;
};

/* Replace the token by a JSON string holding text. */
static void put_string(struct jwalk *w, const struct jtok *t, const char *text, size_t len)
{
	rbuf_add(w->out, w->p + w->copied, t->s - w->copied);
	rbuf_addch(w->out, '"');
	json_escape(w->out, text, len);
	rbuf_addch(w->out, '"');
	w->copied = t->e;
}

static bool all_digits(const char *s, size_t n)
{
	if (!n || (s[0] == '0' && n > 1))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit((unsigned char)s[i]))
			return false;
	return true;
}


/* A key, or a string or number value: replace it whole (key, Secret), or redact it as text. */
static int value(struct jwalk *w, struct jframe *f, const struct jtok *t, bool is_key)
{
	struct scanner *sc = w->sc;
	uint64_t line = t->line;
	const char *v;
	size_t vlen;
	int r = -1;

	rbuf_reset(&w->rep);
	if (t->type == J_STR && t->esc) {
		rbuf_reset(&w->val);
		decode(w->p, t->s, t->e, &w->val);
		if (w->val.oom)
			return -1;
		v = w->val.buf;
		vlen = w->val.len;
	} else if (t->type == J_STR) { /* no escapes: the bytes are the value */
		v = w->p + t->s + 1;
		vlen = t->e - t->s - 2;
	} else {
		v = w->p + t->s;
		vlen = t->e - t->s;
	}
	if (w->path.oom)
		return -1;
	if (f && !is_key)
		node_note(sc, &f->n, v, vlen);
	if (sc->pem_key && !is_key && t->type == J_STR && f && f->n.key_len &&
	    pem_key_hash(w->path.buf + f->n.key_off, f->n.key_len) == sc->pem_key &&
	    !mem_find(v, vlen, "-----", 5) && pem_body_line(v, vlen)) {
		/* a body line of the key a value of an earlier line began: its newline stays */
		size_t e = vlen;

		sc->pem_body = true;
		while (e && is_space((unsigned char)v[e - 1]))
			e--;
		if (!e)
			return 0;
		put_label(sc, &w->rep, R_PRIVATE_KEY);
		rbuf_add(&w->rep, v + e, vlen - e);
		report_hit(sc, R_PRIVATE_KEY, line);
		put_string(w, t, w->rep.buf, w->rep.len);
		return w->out->oom ? -1 : 0;
	}
	if (!t->esc && !sc->pem_key) { /* most values: nothing to do, and sure of it at little cost */
		const struct node_frame *n = f && !is_key ? &f->n : NULL;

		if (value_unchanged(sc, n, n && n->key_len ? w->path.buf + n->key_off : NULL,
				    n ? n->key_len : 0, v, vlen))
			return 0;
	}
	if (!is_key) {
		r = node_value(sc, f ? &f->n : NULL, &w->path, v, vlen, &w->rep, line);
		if (sc->error)
			return -1;
	}
	if (r < 0) {
		/* here, not above: most values never get this far, and the state is not small */
		struct textctx tc = { .fmt = F_TEXT, .embedded = true, .fixed_line = true };

		rbuf_reset(&w->rep);
		if (is_key || t->type == J_NUM) {
			if (scan_record(sc, &tc, v, vlen, &w->rep, line, 0))
				return -1;
		} else if (scan_lines(sc, &tc, v, vlen, &w->rep, &line)) {
			return -1;
		}
		if (tc.state == TS_PEM && f && f->n.key_len) /* a key begun: its body may follow */
			sc->pem_began = pem_key_hash(w->path.buf + f->n.key_off, f->n.key_len);
		if (w->rep.len == vlen && (!vlen || !memcmp(w->rep.buf, v, vlen)))
			return 0; /* unchanged: keep the original bytes, escapes and all */
		if (t->type == J_NUM && all_digits(w->rep.buf, w->rep.len)) {
			rbuf_add(w->out, w->p + w->copied, t->s - w->copied);
			rbuf_add(w->out, w->rep.buf, w->rep.len);
			w->copied = t->e;
			return w->out->oom ? -1 : 0;
		}
	}
	put_string(w, t, w->rep.buf, w->rep.len);
	return w->out->oom ? -1 : 0;
}

/* A key token: decoded, it becomes the frame's key in the path. */
static void set_key(struct jwalk *w, struct jframe *f, const struct jtok *t)
{
	const char *k = w->p + t->s + 1;
	size_t n = t->e - t->s - 2;

	if (t->esc) {
		rbuf_reset(&w->val);
		decode(w->p, t->s, t->e, &w->val);
		k = w->val.buf;
		n = w->val.len;
	}
	node_set_key(&f->n, &w->path, k, n);
}

static bool key_is(const struct jwalk *w, const struct jframe *f, const char *k)
{
	size_t n = strlen(k);

	return f->n.key_len == n && !memcmp(w->path.buf + f->n.key_off, k, n);
}

/*
 * A Terraform state's resource whose result is a secret: its instances'
 * attributes are judged by node_value().
 */
static bool tf_random_type(const char *s, size_t n)
{
	return (n == 17 && !memcmp(s, "\"random_password\"", 17)) ||
	       (n == 15 && !memcmp(s, "\"random_string\"", 15));
}

/*
 * A pair's value before its name ({"value": "S3cret", "name": "DB_PASSWORD"},
 * as ECS task definitions print it): the rest of the object, from lx, is
 * looked through for the name, up to JSON_AHEAD_MAX tokens (the object is
 * in memory already: nothing is held but the verdict). Its verdict, or
 * NC_NONE when there is none (or it is too far to look for: the value is
 * then judged as any other).
 */
static struct name_verdict name_ahead(struct jwalk *w, const struct jlex *lx)
{
	struct jlex peek = *lx;
	struct jtok t, t2;
	size_t depth = 0;

	for (int n = 0; n < JSON_AHEAD_MAX; n++) {
		switch (jnext(&peek, &t)) {
		case J_OBJ:
		case J_ARR:
			depth++;
			continue;
		case J_OBJ_END:
		case J_ARR_END:
			if (!depth--)
				return NO_VERDICT; /* the object ends here */
			continue;
		case J_STR:
			break;
		case J_ERR:
		case J_END:
			return NO_VERDICT;
		default:
			continue;
		}
		if (depth || jnext(&peek, &t2) != J_COLON ||
		    !(key_role(w->p + t.s + 1, t.e - t.s - 2) & KR_NAME) || t.esc)
			continue;
		if (jnext(&peek, &t) != J_STR)
			return NO_VERDICT;
		if (!t.esc)
			return node_name_verdict(w->sc, w->p + t.s + 1, t.e - t.s - 2);
		rbuf_reset(&w->val);
		decode(w->p, t.s, t.e, &w->val);
		return w->val.oom ? NO_VERDICT : node_name_verdict(w->sc, w->val.buf, w->val.len);
	}
	return NO_VERDICT;
}

/* Open an object or array; 1 if nested too deep to trust (or out of memory). */
static int push(struct jwalk *w, bool obj, size_t start)
{
	struct jframe *f;

	if (w->depth == JSON_DEPTH_MAX)
		return 1;
	if (w->depth == w->alloc) {
		size_t n = w->alloc ? w->alloc * 2 : 16;
		struct jframe *v = realloc(w->st, n * sizeof(*v));

		if (!v) {
			w->error = -1;
			return 1;
		}
		w->st = v;
		w->alloc = n;
	}
	f = &w->st[w->depth++];
	if (node_enter(&f->n, w->depth > 1 ? &w->st[w->depth - 2].n : NULL, &w->path, obj, start,
		       w->out ? &w->secrets : NULL)) {
		w->error = -1;
		return 1;
	}
	f->st = obj ? ST_KEY_OR_END : ST_VALUE_OR_END;
	f->named = false;
	return 0;
}

/* Walk one JSON value: 1 done, 0 not JSON (trailing bytes too, when whole), -1 error. */
static int walk(struct jwalk *w, struct jlex *lx, bool whole)
{
	bool top_done = false;
	struct jtok t;

	w->depth = 0;
	for (;;) {
		struct jframe *f = w->depth ? &w->st[w->depth - 1] : NULL;
		enum jt type = jnext(lx, &t);
		enum jstate st = f ? f->st : ST_VALUE;
		bool closed = false;

		if (w->error || w->path.oom || (w->out && w->out->oom))
			return -1;
		if (top_done)
			return type == J_END || !whole ? 1 : 0;
		if (type == J_ERR || type == J_END)
			return 0;
		switch (st) {
		case ST_KEY_OR_END:
		case ST_KEY:
			if (type == J_OBJ_END && st == ST_KEY_OR_END) {
				closed = true;
				break;
			}
			if (type != J_STR)
				return 0;
			set_key(w, f, &t);
			if (w->out && value(w, f, &t, true))
				return -1;
			f->st = ST_COLON;
			continue;
		case ST_COLON:
			if (type != J_COLON)
				return 0;
			f->st = ST_VALUE;
			continue;
		case ST_VALUE_OR_END:
		case ST_VALUE:
			if (type == J_ARR_END && st == ST_VALUE_OR_END) {
				closed = true;
				break;
			}
			if (type == J_OBJ || type == J_ARR) {
				if (push(w, type == J_OBJ, t.s))
					return 0;
				continue;
			}
			if (type != J_STR && type != J_NUM && type != J_LIT)
				return 0;
			if (!w->out && f && f->n.map && type == J_STR && key_is(w, f, "kind") &&
			    t.e - t.s == 8 && !memcmp(w->p + t.s, "\"Secret\"", 8))
				w->error |= offsets_add(&w->secrets, f->n.start);
			if (!w->out && f && f->n.map && type == J_STR && key_is(w, f, "type") &&
			    tf_random_type(w->p + t.s, t.e - t.s))
				w->error |= offsets_add(&w->secrets, f->n.start);
			if (w->out && type != J_LIT && f && f->n.map && !f->named &&
			    (f->n.key_role & (KR_NAME | KR_VALUE))) {
				f->named = true;
				if (!(f->n.key_role & KR_NAME)) {
					struct name_verdict a = name_ahead(w, lx);

					if (a.cls != NC_NONE || f->n.pair.cls == NC_NONE)
						f->n.pair = a; /* else its "type" named it */
				}
			}
			if (w->out && type != J_LIT && value(w, f, &t, false))
				return -1;
			if (w->out && type == J_LIT && f) /* "--password", null, "x": x is no password */
				node_note(w->sc, &f->n, w->p + t.s, t.e - t.s);
			break;
		case ST_COMMA_OR_END:
			if (type == J_COMMA) {
				f->st = f->n.map ? ST_KEY : ST_VALUE;
				continue;
			}
			if (type != (f->n.map ? J_OBJ_END : J_ARR_END))
				return 0;
			closed = true;
			break;
		}
		if (closed) {
			w->path.len = f->n.path_len;
			w->depth--;
		}
		/* a value is complete */
		if (!w->depth)
			top_done = true;
		else
			w->st[w->depth - 1].st = ST_COMMA_OR_END;
	}
}

/* Is the quote at p[k] escaped (an odd run of backslashes before it)? */
static bool escaped(const char *p, size_t k)
{
	size_t n = 0;

	while (n < k && p[k - 1 - n] == '\\')
		n++;
	return n % 2;
}

/* The '{' of the object whose member starts at k (outside strings), up to JSON_BACK_MAX bytes back. */
static bool object_open(const char *p, size_t k, size_t *open)
{
	size_t depth = 0, stop = k > JSON_BACK_MAX ? k - JSON_BACK_MAX : 0;

	while (k > stop) {
		char c = p[--k];

		if (c == '"') { /* a string, read back to its opening quote */
			do {
				if (k == stop)
					return false;
				k--;
			} while (p[k] != '"' || escaped(p, k));
		} else if (c == '}' || c == ']') {
			depth++;
		} else if (c == '[' || c == '{') {
			if (!depth) {
				*open = k;
				return c == '{';
			}
			depth--;
		}
	}
	return false;
}

bool json_pair_value(const char *p, size_t len, size_t ns, size_t ne, size_t *vs, size_t *ve)
{
	size_t k = ns - 1, ks, open;
	struct jlex lx;
	struct jtok t;
	bool named = false, found = false;
	size_t depth = 0;

	/* "name": "DB_PASSWORD": back over the ':' to the key */
	if (!ns || p[k] != '"' || ne >= len || p[ne] != '"')
		return false;
	while (k > 0 && is_space((unsigned char)p[k - 1]))
		k--;
	if (k < 4 || p[k - 1] != ':')
		return false;
	for (k--; k > 0 && is_space((unsigned char)p[k - 1]);)
		k--;
	if (k < 3 || p[k - 1] != '"')
		return false;
	for (ks = k - 1; ks > 0 && is_alnum((unsigned char)p[ks - 1]); ks--)
		;
	if (!ks || p[ks - 1] != '"' || !(key_role(p + ks, k - 1 - ks) & KR_NAME) ||
	    !object_open(p, ks - 1, &open))
		return false;
	/* the object's members, this name's among them, and its value's */
	lx = (struct jlex){ p, len, open, 0 };
	for (int n = 0; n < JSON_AHEAD_MAX && !(named && found); n++) {
		enum jt type = jnext(&lx, &t);
		struct jtok v;

		if (type == J_OBJ || type == J_ARR) {
			depth++;
		} else if (type == J_OBJ_END || type == J_ARR_END) {
			if (--depth == 0)
				break;
		} else if (type == J_STR && depth == 1) {
			struct jlex peek = lx;

			if (jnext(&peek, &v) != J_COLON)
				return false;
			lx = peek;
			type = jnext(&lx, &v);
			if (v.s == ns - 1)
				named = key_role(p + t.s + 1, t.e - t.s - 2) & KR_NAME;
			else if (!found && (key_role(p + t.s + 1, t.e - t.s - 2) & KR_VALUE) &&
				 !t.esc && (type == J_STR || type == J_NUM)) {
				struct jtok after;

				peek = lx; /* a token ends the value ("2Bearer x" is no number) */
				found = jnext(&peek, &after) == J_COMMA || after.type == J_OBJ_END;
				*vs = v.s + (type == J_STR);
				*ve = v.e - (type == J_STR);
			}
			if (type == J_OBJ || type == J_ARR)
				depth++;
		}
		if (type == J_ERR || type == J_END)
			return false;
	}
	return named && found;
}

void json_release(struct scanner *sc)
{
	for (size_t i = 0; i < sizeof(sc->jw) / sizeof(sc->jw[0]); i++) {
		struct jwalk *w = sc->jw[i];

		if (!w)
			continue;
		rbuf_release(&w->path);
		rbuf_release(&w->val);
		rbuf_release(&w->rep);
		offsets_release(&w->secrets);
		free(w->st);
		free(w);
		sc->jw[i] = NULL;
	}
}

/* The work area for this nesting level, reset for a new document; NULL if none. */
static struct jwalk *work(struct scanner *sc, const char *p, size_t len, struct rbuf *out)
{
	struct jwalk *w;

	if ((size_t)sc->jnest >= sizeof(sc->jw) / sizeof(sc->jw[0]))
		return NULL;
	w = sc->jw[sc->jnest];
	if (!w) {
		w = sc->jw[sc->jnest] = calloc(1, sizeof(*w));
		if (!w)
			return NULL;
	}
	w->sc = sc;
	w->p = p;
	w->len = len;
	w->out = out;
	w->copied = 0;
	w->secrets.n = 0;
	w->depth = 0;
	w->error = 0;
	w->path.len = 0;
	rbuf_grow(&w->path, 64);
	return w->path.oom ? NULL : w;
}

int json_redact_doc(struct scanner *sc, const char *p, size_t len, struct rbuf *out,
		    uint64_t lineno)
{
	struct jlex lx = { p, len, 0, lineno };
	struct jwalk *w;
	bool analyse;

	if (!len)
		return 0;
	w = work(sc, p, len, NULL);
	analyse = mem_find(p, len, "Secret", 6) != NULL || mem_find(p, len, "\"random_", 8) != NULL;
	size_t mark = out->len, jmark;
	int rc = 1;

	if (!w) /* JSON nested too deep in JSON strings: redacted as text */
		return sc->jnest >= 4 ? 0 : -1;
	sc->jnest++;
	/*
	 * Kubernetes Secrets name their kind anywhere, Terraform resources
	 * their type: find them before redacting.
	 */
	if (analyse)
		rc = walk(w, &lx, true);
	if (rc > 0) {
		/* counts wait until the whole document has parsed */
		jmark = journal_begin(sc);
		w->out = out;
		w->path.len = 0;
		lx.pos = 0;
		lx.line = lineno;
		if (pii_prescan(sc, p, len))
			rc = -1;
		else
			rc = walk(w, &lx, true);
		pii_prescan_end(sc);
		if (rc > 0)
			rbuf_add(out, p + w->copied, len - w->copied);
		else
			out->len = mark;
		if (rc == 0 && analyse)
			rc = -1; /* it parsed a moment ago: something is wrong */
		journal_end(sc, jmark, rc > 0);
	}
	sc->jnest--;
	if (rc < 0 || out->oom)
		return -1;
	return rc;
}

/* Does the line p[0, len) start with a member "key": at column col (after the key's '"')? */
static bool member_at(const char *p, size_t len, size_t col)
{
	size_t k = 0;

	while (k < len && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return k + 1 == col && p[k] == '"';
}

/*
 * The name of a pair whose value is the last member of a line, when the
 * next line (sc->ahead) starts with the pair's name at the value's column
 * col: "value": "x" over "name": "DB_PASSWORD".
 */
static struct name_verdict name_below(struct scanner *sc, size_t col)
{
	struct jlex lx = { sc->ahead, sc->ahead_len, 0, 0 };
	struct jtok t, v;

	if (!sc->ahead || !member_at(sc->ahead, sc->ahead_len, col) || jnext(&lx, &t) != J_STR || t.esc ||
	    !(key_role(sc->ahead + t.s + 1, t.e - t.s - 2) & KR_NAME) || jnext(&lx, &v) != J_COLON ||
	    jnext(&lx, &v) != J_STR || v.esc)
		return NO_VERDICT;
	return node_name_verdict(sc, sc->ahead + v.s + 1, v.e - v.s - 2);
}

/*
 * A line of a JSON document too large to parse whole: a string after a key on
 * the same line is judged by that key, a pair's value by its name on the
 * line (until the object that holds the name ends), or, when the document is
 * pretty-printed with a member a line, by its name on a line above at the
 * same column (kept in ltc until a line left of it) or on the next line;
 * whatever is not a JSON token is redacted as text.
 */
int json_redact_line(struct scanner *sc, struct textctx *ltc, const char *p, size_t len, struct rbuf *out,
		     uint64_t lineno)
{
	struct jframe frame = { .n = { .map = true } };
	struct textctx tc = { .fmt = F_TEXT, .embedded = true };
	struct jlex lx = { p, len, 0, lineno };
	struct jwalk *w = work(sc, p, len, out);
	enum jt prev = J_END;
	struct jtok t;
	int rc = 0, depth = 0, pair_depth = 0;
	size_t col = 0;
	bool first = true, keyed = false;

	if (!w)
		return -1;
	while (col < len && (p[col] == ' ' || p[col] == '\t'))
		col++;
	col++; /* a member's key starts after its '"' */
	if (ltc->pair.cls != NC_NONE && col == ltc->pair_col && p[col - 1] == '"')
		frame.n.pair = ltc->pair; /* "name": "DB_PASSWORD" on a line above, in this object */
	else if (ltc->pair.cls != NC_NONE && col < ltc->pair_col)
		ltc->pair.cls = NC_NONE; /* a line left of the name: its object has ended */
	sc->jnest++;
	while (!rc) {
		enum jt type = jnext(&lx, &t);

		if (type == J_END)
			break;
		if (type == J_ERR) { /* not a token: the rest of the line is text */
			rbuf_add(out, p + w->copied, t.s - w->copied);
			rc = scan_record(sc, &tc, p + t.s, len - t.s, out, lineno, SR_LINE_KV);
			w->copied = len;
			break;
		}
		if (type == J_OBJ || type == J_ARR) {
			depth++;
		} else if (type == J_OBJ_END || type == J_ARR_END) {
			if (depth-- == pair_depth) /* the pair's object has ended */
				frame.n.pair = NO_VERDICT;
		} else if (type == J_STR || type == J_NUM) {
			struct jlex peek = lx;
			struct jtok t2;

			if (type == J_STR && jnext(&peek, &t2) == J_COLON) {
				frame.n.path_len = 0;
				set_key(w, &frame, &t);
				keyed = first && !depth && t.s + 1 == col; /* the line's member, at its start */
				rc = value(w, &frame, &t, true);
			} else {
				if (prev != J_COLON) {
					frame.n.key_len = 0;
					frame.n.key_role = 0;
				}
				if ((frame.n.key_role & (KR_NAME | KR_VALUE)) == KR_VALUE &&
				    frame.n.pair.cls == NC_NONE) { /* its name may follow on the line */
					frame.n.pair = name_ahead(w, &lx);
					if (frame.n.pair.cls == NC_NONE && keyed)
						frame.n.pair = name_below(sc, col); /* or start the next */
					pair_depth = depth;
				}
				if (frame.n.key_role & KR_NAME)
					pair_depth = depth;
				rc = value(w, &frame, &t, false);
				if (keyed && (frame.n.key_role & KR_NAME) && type == J_STR) {
					ltc->pair = frame.n.pair; /* for a "value" on the lines below */
					ltc->pair_col = col;
				}
				frame.n.key_len = 0;
				frame.n.key_role = 0;
				keyed = false;
			}
		}
		first = false;
		prev = type;
	}
	if (depth < 0 && col <= ltc->pair_col)
		ltc->pair.cls = NC_NONE; /* "}," at the name's column or left of it */
	if (!rc)
		rbuf_add(out, p + w->copied, len - w->copied);
	sc->jnest--;
	return rc || out->oom ? -1 : 0;
}
