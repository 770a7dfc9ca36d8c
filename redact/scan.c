// SPDX-License-Identifier: MIT
/*
 * scan.c - find what to replace in a record, and splice the replacements in
 *
 * One pass over the record's bytes looks for every trigger literal at once
 * (engine.c builds the table); each hit runs what its rule needs, anchored
 * at the hit: a token pattern, a "name = value" probe, a URL, a PEM block.
 * Then the PII scanner runs, then the policy patterns that have no literal.
 * Overlapping findings merge (a secret label wins over a pseudonym), and
 * the record is copied with each finding replaced.
 *
 * Lines (scan_lines) add what spans records: private key blocks, YAML block
 * scalars and quoted values of secret keys, backslash-continued properties.
 */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define QUOTE_MAX_LINES 200

int scanner_init(struct scanner *sc, const struct redact_engine *e, const uint8_t *on,
		 struct lane *lane)
{
	memset(sc, 0, sizeof(*sc));
	sc->e = e;
	sc->on = on;
	sc->lane = lane;
	sc->md = pcre2_match_data_create(16, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	sc->jit = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	sc->line_rules = calloc(e->nrules, 1);
	sc->line_list = calloc(e->nrules, sizeof(*sc->line_list));
	sc->memo = calloc(NAME_MEMO_SLOTS, sizeof(*sc->memo));
	if (!sc->md || !sc->mctx || !sc->jit || !sc->line_rules || !sc->line_list || !sc->memo)
		return -1;
	pcre2_jit_stack_assign(sc->mctx, NULL, sc->jit);
	/* A policy pattern that backtracks without end fails the file instead of hanging. */
	pcre2_set_match_limit(sc->mctx, 5000000);
	pcre2_set_depth_limit(sc->mctx, 100000);
	if (e->pii && !(sc->pii = pii_scratch_new(e->pii)))
		return -1;
	return 0;
}

/* Forget the file being scanned: its INI section, open journals and prescans, any error. */
void scanner_reset(struct scanner *sc)
{
	sc->kp.section[0] = '\0';
	sc->kp.depth = 0;
	sc->kp.broken = false;
	sc->error = 0;
	sc->errmsg[0] = '\0';
	sc->journal_depth = 0;
	sc->njournal = 0;
	for (size_t i = 0; i < sizeof(sc->pre) / sizeof(sc->pre[0]); i++)
		sc->pre[i].on = false;
	sc->npre = 0;
	sc->jnest = 0;
	sc->probed_start = sc->probed_end = 0;
	sc->no_triggers = false;
	sc->hits_base = NULL;
}

void scanner_release(struct scanner *sc)
{
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jit);
	if (sc->pii)
		pii_scratch_free(sc->pii);
	free(sc->pm);
	rbuf_release(&sc->pii_text); /* plaintext: wiped */
	rbuf_release(&sc->fix);
	free(sc->m);
	free(sc->line_rules);
	free(sc->line_list);
	free(sc->memo);
	json_release(sc);
	offsets_release(&sc->hits);
	free(sc->journal);
	for (size_t i = 0; i < sizeof(sc->pre) / sizeof(sc->pre[0]); i++)
		free(sc->pre[i].m);
	memset(sc, 0, sizeof(*sc));
}

__attribute__((format(printf, 2, 3)))
static void fail(struct scanner *sc, const char *fmt, ...)
{
	va_list ap;

	if (sc->error)
		return;
	sc->error = -1;
	va_start(ap, fmt);
	vsnprintf(sc->errmsg, sizeof(sc->errmsg), fmt, ap);
	va_end(ap);
}

static void add_match(struct scanner *sc, size_t start, size_t end, int rule, enum repl_kind kind,
		      int pii)
{
	if (end <= start || rule < 0)
		return;
	if (sc->nm == sc->m_alloc) {
		size_t n = sc->m_alloc ? sc->m_alloc * 2 : 32;
		struct match *m = realloc(sc->m, n * sizeof(*m));

		if (!m) {
			fail(sc, "out of memory");
			return;
		}
		sc->m = m;
		sc->m_alloc = n;
	}
	sc->m[sc->nm].start = start;
	sc->m[sc->nm].end = end;
	sc->m[sc->nm].rule = (uint16_t)rule;
	sc->m[sc->nm].kind = (uint8_t)kind;
	sc->m[sc->nm].pii = (uint8_t)pii;
	sc->m[sc->nm].shape = false;
	sc->m[sc->nm].fenced = false;
	sc->nm++;
}

/* A secret found by its shape: see drop_token_overlaps(). */
static void add_shape_match(struct scanner *sc, size_t start, size_t end, int rule)
{
	size_t n = sc->nm;

	add_match(sc, start, end, rule, RK_LABEL, 0);
	if (sc->nm > n)
		sc->m[n].shape = true;
}

void put_label(struct scanner *sc, struct rbuf *out, int rule)
{
	sc->reveals++;
	rbuf_addstr(out, "[REDACTED:");
	rbuf_addstr(out, sc->e->rules[rule].id);
	rbuf_addch(out, ']');
}

void report_hit(struct scanner *sc, int rule, uint64_t lineno)
{
	if (!sc->journal_depth) {
		stream_count(sc->lane, rule, lineno);
		return;
	}
	if (sc->njournal == sc->ajournal) {
		size_t n = sc->ajournal ? sc->ajournal * 2 : 64;
		struct jentry *j = realloc(sc->journal, n * sizeof(*j));

		if (!j) {
			fail(sc, "out of memory");
			return;
		}
		sc->journal = j;
		sc->ajournal = n;
	}
	sc->journal[sc->njournal].line = lineno;
	sc->journal[sc->njournal].rule = (uint16_t)rule;
	sc->njournal++;
}

size_t journal_begin(struct scanner *sc)
{
	sc->journal_depth++;
	return sc->njournal;
}

void journal_end(struct scanner *sc, size_t mark, bool commit)
{
	if (!commit)
		sc->njournal = mark;
	if (--sc->journal_depth)
		return;
	for (size_t i = 0; i < sc->njournal; i++)
		stream_count(sc->lane, sc->journal[i].rule, sc->journal[i].line);
	sc->njournal = 0;
}

/* ---- patterns ---- */

static void pcre_fail(struct scanner *sc, int rule, int rc)
{
	PCRE2_UCHAR msg[128];

	pcre2_get_error_message(rc, msg, sizeof(msg));
	fail(sc, "rule '%s': %s", sc->e->rules[rule].id, (const char *)msg);
}

/* Run a rule's pattern at start (anchored patterns) or from start on; 1 if it matched. */
static int regex_at(struct scanner *sc, int rule, const char *p, size_t len, size_t start,
		    size_t *next)
{
	const struct rule *r = &sc->e->rules[rule];
	PCRE2_SIZE *ov;
	size_t ms, me;
	int rc = pcre2_match(r->re, (PCRE2_SPTR)p, len, start, 0, sc->md, sc->mctx);

	if (rc < 0) {
		if (rc != PCRE2_ERROR_NOMATCH)
			pcre_fail(sc, rule, rc);
		return 0;
	}
	ov = pcre2_get_ovector_pointer(sc->md);
	ms = ov[0];
	me = ov[1];
	if (next)
		*next = me > ms ? me : ms + 1;
	if (r->check && !r->check(p + ms, me - ms))
		return 0;
	if (r->group) {
		if ((uint32_t)rc <= r->group || ov[2 * r->group] == PCRE2_UNSET)
			return 0;
		ms = ov[2 * r->group];
		me = ov[2 * r->group + 1];
	}
	add_shape_match(sc, ms, me, rule);
	return 1;
}

static void regex_all(struct scanner *sc, int rule, const char *p, size_t len)
{
	size_t off = 0, next;

	while (off <= len && !sc->error) {
		next = SIZE_MAX;
		regex_at(sc, rule, p, len, off, &next);
		if (next == SIZE_MAX)
			break;
		off = next;
	}
}

/* ---- names and values ---- */

static inline bool name_char(int c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

/* A byte of a key's name: also those of a UTF-8 letter ("contraseña", "пароль"). */
static inline bool key_char(int c)
{
	return name_char(c) || c >= 0x80;
}

/*
 * A plain YAML key from j (its first byte no indicator) runs to ": " or a
 * ':' that ends the line, as libyaml reads it, or to a comment: that
 * ':' (or where the run stopped).
 */
static size_t yaml_key_run(const char *p, size_t len, size_t j)
{
	while (j < len && !(p[j] == ':' && (j + 1 == len || is_space((unsigned char)p[j + 1]))) &&
	       !(p[j] == '#' && p[j - 1] == ' '))
		j++;
	return j;
}

/* "name=" or "name:" at p (not "host:8080" nor "12:30"): another assignment starts here. */
static bool assignment_at(const char *p, size_t len)
{
	size_t i = 0, k;

	if (len > 10 && !memcmp(p, "[REDACTED:", 10)) { /* a label stands for the token it replaced */
		const char *close = memchr(p, ']', len);

		i = close ? (size_t)(close - p) + 1 : 0;
	}
	while (i < len && name_char((unsigned char)p[i]))
		i++;
	if (!i || i >= len)
		return false;
	/*
	 * "host:8080" is none; nor is ':' then our label, which may stand for
	 * such digits. "x:0.intra" and "x:0@a.rd" are: a host and an address,
	 * whose pseudonyms start with a letter; and so is ':' then our label
	 * and what digits or letters before it would make one (";p:R@": R's
	 * label then '@').
	 */
	if (p[i] == '=')
		return true;
	if (p[i] != ':')
		return false;
	if ((k = label_len(p + i + 1, len - i - 1)))
		return (k += i + 1) < len && p[k] && (is_alnum((unsigned char)p[k]) || strchr(".-@", p[k]));
	for (k = i + 1; k < len && p[k] >= '0' && p[k] <= '9'; k++)
		;
	return k == i + 1 || (k < len && (is_alnum((unsigned char)p[k]) || strchr(".-@", p[k])));
}

/*
 * Where a value in free text ends: at a space, a quote or a closing bracket;
 * at '&', ';' or ',' only when a space or another "name=" follows (so
 * "password=a&b" keeps its '&', "?password=a&next=b" stops).
 */
static size_t free_value_end(const char *p, size_t len, size_t j)
{
	for (size_t k = j; k < len; k++) {
		char c = p[k];
		size_t l = c == '[' ? label_len(p + k, len - k) : 0;

		if (l) { /* our label is one piece of a value: its ']' ends nothing */
			k += l - 1;
			continue;
		}
		if (c == '"' || c == '\'') {
			size_t b = k;

			while (b > j && p[b - 1] == '\\')
				b--;
			return (k - b) % 2 ? k - 1 : k; /* an escaped quote's backslash is the quote's */
		}
		if (is_space((unsigned char)c) || c == '`' || c == ')' || c == ']' || c == '}' || c == '>' ||
		    c == '<')
			return k;
		if ((c == '&' || c == ';' || c == ',') &&
		    (k + 1 == len || is_space((unsigned char)p[k + 1]) ||
		     (p[k + 1] && strchr("\"'`", p[k + 1])) ||
		     assignment_at(p + k + 1, len - k - 1)))
			return k; /* "...;Password=x;" ends at its last ';', as at a next "name=" */
	}
	return len;
}

/*
 * Another "name=" after a space or tab in [p, p + len). (Not our label: it
 * stands for a rule's match as often, and the value it is in may have been
 * kept whole.)
 */
static bool more_assignments(const char *p, size_t len)
{
	for (size_t k = 0; k + 1 < len; k++)
		if ((p[k] == ' ' || p[k] == '\t') && assignment_at(p + k + 1, len - k - 1))
			return true;
	return false;
}

/*
 * Our label with more after it: the first pass took a shorter value than the
 * rest of the line (because another "name=" followed, which it may have
 * redacted since), or the rest would have gone whole.
 */
static bool label_then_more(const char *p, size_t len)
{
	size_t n = label_len(p, len);

	return n && n < len;
}

/* A value that opens a bracket ("${X}", "{{ x }}", "<changeme>", "[REDACTED]") runs to its close. */
static size_t bracket_end(const char *p, size_t len, size_t j)
{
	static const char open[] = "{[(<", close[] = "}])>";
	const char *o = j < len ? strchr(open, p[j]) : NULL;
	const char *c;

	if (!o || !p[j])
		return 0;
	if (p[j] == '{' && j + 1 < len && p[j + 1] == '{') {
		const char *e = mem_find(p + j, MIN(len - j, (size_t)128), "}}", 2);

		return e ? (size_t)(e - p) + 2 : 0;
	}
	if (p[j] == '[') {
		/*
		 * A label's ']' closes only the label ("[a [REDACTED:x]", a label's
		 * length apart), an inner '[' its own ']' ("[a, [b]]"): a label
		 * may stand for an inner "[x]" with its brackets, so the first
		 * pass must not close at its ']' either. Of the 128 bytes looked
		 * at, a label counts as one: it may stand for one, and a second
		 * pass must find the ']' that the first found.
		 */
		size_t l, depth = 0, seen = 0;

		for (size_t k = j + 1; k < len && seen < 128; k++, seen++)
			if (p[k] == '[' && (l = label_len(p + k, len - k)))
				k += l - 1;
			else if (p[k] == '[')
				depth++;
			else if (p[k] == ']' && !depth--)
				return k + 1;
		return 0;
	}
	c = memchr(p + j + 1, close[o - open], MIN(len - j - 1, (size_t)128));
	return c ? (size_t)(c - p) + 1 : 0;
}

static size_t trim_end(const char *p, size_t s, size_t e)
{
	while (e > s && is_space((unsigned char)p[e - 1]))
		e--;
	return e;
}

static bool allowed_value(const struct scanner *sc, const char *v, size_t len)
{
	for (size_t i = 0; i < sc->e->nallow; i++)
		if (strlen(sc->e->allow[i]) == len && !memcmp(sc->e->allow[i], v, len))
			return true;
	return false;
}

/* A word followed by a space that reads like an auth scheme: "Bearer", "Basic", "AWS4-HMAC-SHA256". */
static bool scheme_at(const char *p, size_t s, size_t e, size_t *after)
{
	size_t k = s;

	while (k < e && (is_alnum((unsigned char)p[k]) || p[k] == '-'))
		k++;
	if (k == s || k - s > 32 || k >= e || p[k] != ' ' || !is_alnum((unsigned char)p[s]))
		return false;
	while (k < e && p[k] == ' ')
		k++;
	if (k >= e)
		return false;
	*after = k;
	return true;
}

/* Authorization value in [vs, ve): keep the scheme, the rest goes. */
static void auth_value(struct scanner *sc, const char *p, size_t vs, size_t ve)
{
	size_t cs;

	ve = trim_end(p, vs, ve);
	if (!scheme_at(p, vs, ve, &cs))
		cs = vs;
	if (cs < ve && !value_is_placeholder(p + cs, ve - cs) && !allowed_value(sc, p + cs, ve - cs))
		add_match(sc, cs, ve, R_AUTHORIZATION, RK_LABEL, 0);
}

static bool cookie_attribute(const char *n, size_t len)
{
	static const char *const attrs[] = {
		"path", "domain", "expires", "max-age", "samesite", "secure", "httponly",
		"priority", "partitioned", "version", "comment", NULL,
	};

	for (const char *const *a = attrs; *a; a++)
		if (strlen(*a) == len && mem_ieq(n, *a, len))
			return true;
	return false;
}

/* Cookie value in [vs, ve): "a=1; b=2" keeps the names. */
/* A cookie's name is a token (RFC 6265): no blanks, no separators. */
static bool cookie_name(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f || strchr("()<>@,;:\\\"/[]?={}", p[i]))
			return false;
	return n > 0;
}

static void cookie_value(struct scanner *sc, const char *p, size_t vs, size_t ve)
{
	size_t k = vs;

	while (k < ve) {
		const char *semi = memchr(p + k, ';', ve - k);
		size_t pe = semi ? (size_t)(semi - p) : ve;
		const char *eq = memchr(p + k, '=', pe - k);

		if (eq) {
			size_t ns = k, ne = (size_t)(eq - p), cs = ne + 1, ce = cs;
			const char *q = NULL;

			if (cs < pe && p[cs] == '"') { /* DQUOTEs around it are syntax: they stay */
				ce = ++cs;
				q = memchr(p + cs, '"', pe - cs);
			}
			if (q)
				ce = (size_t)(q - p);
			while (!q && ce < pe && !is_space((unsigned char)p[ce]))
				ce++; /* a cookie's value has no blanks (RFC 6265) */
			/*
			 * Our labels and what ends a value in free text after
			 * them (a bracket, a backtick, "&name="): the value
			 * another reader took there ended so ("TOKEN=a;]1",
			 * "TOKEN=;&N=": its label took the ';' that ended this
			 * one), as it would again
			 */
			for (size_t l = cs, b; !q && (b = label_len(p + l, ce - l)); l += b)
				if (l + b < ce && free_value_end(p, ce, l + b) == l + b)
					ce = l + b;
			while (ns < ne && p[ns] == ' ')
				ns++;
			ne = trim_end(p, ns, ne);
			if (cookie_name(p + ns, ne - ns) && !cookie_attribute(p + ns, ne - ns) && ce > cs &&
			    !value_is_placeholder(p + cs, ce - cs))
				add_match(sc, cs, ce, R_COOKIE, RK_LABEL, 0);
		}
		k = pe + 1;
	}
}

static size_t token_end(const char *p, size_t len, size_t i);

/* Does v hold one of our pseudonyms (user-..., h........)? */
static bool holds_token(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((v[i] == 'u' || v[i] == 'h') && token_end(v, n, i))
			return true;
	return false;
}

/* Quotes and nothing else: another value's, which a label must not take. */
static bool only_quotes(const char *v, size_t n)
{
	size_t q = 0;

	while (q < n && (v[q] == '"' || v[q] == '\'' || v[q] == '`'))
		q++;
	return q && q == n;
}

/* [s, e) is digits, and not empty. */
static bool digits_only(const char *p, size_t s, size_t e)
{
	for (size_t k = s; k < e; k++)
		if (p[k] < '0' || p[k] > '9')
			return false;
	return e > s;
}

/* Up to nine digits: a count ("max_tokens=4096"), not a token. */
static bool small_number(const char *v, size_t n)
{
	return n <= 9 && digits_only(v, 0, n);
}

/*
 * Base64 of "user:password", as Docker's config.json and Podman's auth.json
 * keep a registry login under "auth": a secret however weak the password
 * ("YWRtaW46YWRtaW4=" is admin:admin), where randomness is no test.
 */
static bool b64_user_pass(const char *v, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t bits = 0, got = 0, colon = 0;

	if (n < 8 || n > 1024 || n % 4)
		return false;
	while (n && v[n - 1] == '=')
		n--;
	for (size_t i = 0; i < n; i++) {
		const char *c = v[i] ? strchr(b64, v[i]) : NULL;

		if (!c)
			return false;
		acc = acc << 6 | (uint32_t)(c - b64);
		if ((bits += 6) >= 8) {
			int byte = (int)(acc >> (bits -= 8) & 0xff);

			if (byte < 0x20 || byte > 0x7e)
				return false;
			got++;
			if (byte == ':' && !colon)
				colon = got;
		}
	}
	return colon && colon < got;
}

/*
 * A Jinja expression ("{{ ... }}", Ansible) is a placeholder, unless it holds
 * the password as a string literal: its first term ("{{ 'x' | password_hash
 * ('sha512') }}") or a default ("{{ pw | default('x') }}"). The literals'
 * text goes, each added as a match; true when there was one.
 */
static size_t skip_blanks(const char *p, size_t len, size_t k);

static bool jinja_literals(struct scanner *sc, const char *p, size_t vs, size_t ve, int rule)
{
	size_t k = vs + 2, e = ve - 2, nm = sc->nm;

	if (ve - vs < 8 || memcmp(p + vs, "{{", 2) || memcmp(p + e, "}}", 2) ||
	    mem_find(p + k, e - k, "{{", 2))
		return false;
	for (bool first = true; k < e; first = false) {
		size_t ls, le, after;
		char q;

		k = skip_blanks(p, e, k);
		if (!first) { /* to the next default('...') or d('...') */
			const char *f = mem_find(p + k, e - k, "default(", 8);
			const char *d = mem_find(p + k, e - k, "d(", 2);

			while (d && d > p + k && (is_alnum((unsigned char)d[-1]) || d[-1] == '_'))
				d = mem_find(d + 1, e - (size_t)(d + 1 - p), "d(", 2);
			if (!f || (d && d < f))
				f = d;
			if (!f)
				break;
			k = skip_blanks(p, e, (size_t)(f - p) + (*f == 'd' && f[1] == '(' ? 2 : 8));
		}
		if (k >= e || (p[k] != '\'' && p[k] != '"'))
			continue;
		q = p[k];
		ls = k + 1;
		for (le = ls; le < e && p[le] != q; le++)
			if (p[le] == '\\')
				le++;
		if (le >= e)
			break;
		after = skip_blanks(p, e, le + 1);
		k = le + 1;
		if (first ? !(after == e || p[after] == '|') : !(after < e && (p[after] == ')' || p[after] == ',')))
			continue;
		if (le > ls && !value_is_placeholder(p + ls, le - ls) && !holds_label(p + ls, le - ls) &&
		    !allowed_value(sc, p + ls, le - ls))
			add_match(sc, ls, le, rule, RK_LABEL, 0);
	}
	return sc->nm > nm;
}

/*
 * A command that prints its arguments ("/usr/bin/echo Hunter2", "/bin/printf
 * %s pw"): under a *_command name its output is the secret, so its
 * arguments are no path to keep.
 */
static bool echoes_args(const char *v, size_t n)
{
	const char *sp = memchr(v, ' ', n), *b;

	if (!sp)
		return false;
	for (b = sp; b > v && b[-1] != '/'; b--)
		;
	if (b - v < 4 || memcmp(b - 4, "bin/", 4))
		return false; /* a program in a bin directory, not /home/echo */
	return (sp - b == 4 && !memcmp(b, "echo", 4)) || (sp - b == 6 && !memcmp(b, "printf", 6));
}

static const char *sep_outside_labels(const char *p, size_t s, size_t e, char sep);
static const char *yaml_key_path(const struct keypath *kp, const char *key, size_t n);

/* Decide on the value [vs, ve) of a name judged v; add a match when it is a secret. */
static void judge_value(struct scanner *sc, struct name_verdict v, const char *p, size_t vs,
			size_t ve)
{
	const char *val = p + vs, *c;
	size_t n;

	/*
	 * In a file of ':'-separated fields (.pgpass, Exim's passwd.client), a
	 * value read by its name ends with its field: the field after it is
	 * another's ("pass=[ x:]", whose "]" the password's reader takes). So
	 * in a CSV file's header, whose cells name the columns ("pw:,,pw": a
	 * label over ",," would move the second "pw" to the first column).
	 */
	if (sc->field_sep && (c = sep_outside_labels(p, vs, ve, sc->field_sep)))
		ve = (size_t)(c - p);
	n = ve - vs;
	if (only_quotes(val, n))
		return;
	switch (v.cls) {
	case NC_AUTH:
		auth_value(sc, p, vs, ve);
		return;
	case NC_COOKIE:
		cookie_value(sc, p, vs, ve);
		return;
	case NC_STRONG:
		if (jinja_literals(sc, p, vs, ve, v.rule))
			return;
		if (value_is_placeholder(val, n) || (v.not_paths && n && val[0] == '/' && !echoes_args(val, n)) ||
		    (v.paths && value_is_path_ref(val, n, v.paths)) ||
		    (v.modes && value_is_mode(val, n)) ||
		    (v.refs && value_is_ref_name(val, n)) ||
		    (v.counts && small_number(val, n)) || value_is_arn(val, n))
			return;
		/*
		 * Our label in a value with more: the first pass kept the value
		 * (it would have gone whole) and a rule took a part of it; what
		 * decided then ("EXAMPLE") may be gone with that part.
		 */
		if (holds_label(val, n))
			return;
		/*
		 * The AWS documentation's example key, in the value's first
		 * word: further on, EXAMPLE may be another name's value, which a
		 * rule then takes (and a second pass would judge without it).
		 */
		if (v.rule == R_AWS_SECRET_ACCESS_KEY) {
			size_t w = 0;

			while (w < n && !is_space((unsigned char)val[w]) && val[w] != ';' && val[w] != ',')
				w++;
			/* (a pseudonym in it: the first pass kept it so, and took its PII) */
			if (!check_not_example(val, w) || holds_token(val, w))
				return;
		}
		break;
	case NC_WEAK:
		if (value_is_placeholder(val, n) || value_is_arn(val, n) ||
		    (!value_looks_secret(val, n) && !(v.rule == R_CREDENTIAL && b64_user_pass(val, n))))
			return;
		break;
	case NC_ALL:
		if (value_is_redacted(val, n))
			return;
		break;
	case NC_NONE:
		return;
	}
	if (allowed_value(sc, val, n))
		return;
	if (v.cls == NC_WEAK) /* a secret because it looks random */
		add_shape_match(sc, vs, ve, v.rule);
	else
		add_match(sc, vs, ve, v.rule, RK_LABEL, 0);
}

/* name_classify(), remembered: a pure function of the name's bytes. */
static struct name_verdict name_classify_memo(struct name_memo *memo, const char *name, size_t len)
{
	uint64_t h;
	struct name_memo *slot;

	if (len >= NAME_MEMO_MAX)
		return name_classify(name, len);
	h = fnv1a(FNV1A_INIT, name, len) | 1; /* 0 marks an empty slot */
	slot = &memo[h % NAME_MEMO_SLOTS];
	if (slot->hash == h && slot->len == len && !memcmp(slot->name, name, len))
		return slot->v;
	slot->v = name_classify(name, len);
	slot->hash = h;
	slot->len = (uint8_t)len;
	memcpy(slot->name, name, len);
	return slot->v;
}

static struct name_verdict classify(const struct scanner *sc, const char *name, size_t len,
				    const char *path)
{
	int prule = sc->e->has_keys ? policy_key_rule(sc, name, len, path) : -1;
	struct name_verdict v = { .cls = NC_STRONG, .rule = prule };

	if (prule < 0 && mem_find(name, len, "[REDACTED:", 10)) {
		/*
		 * A name that holds our own label was judged the first time,
		 * before the label replaced a part of it (perhaps its last word,
		 * which decides): its value was redacted then, or kept. Either
		 * way it stays as it is.
		 */
		return NO_VERDICT;
	}
	if (prule < 0)
		v = name_classify_memo(sc->memo, name, len);
	if (v.cls != NC_NONE && !sc->on[v.rule])
		v.cls = NC_NONE;
	return v;
}

/*
 * A value in triple quotes on one line ("""X""" or '''X'''): TOML's
 * strings, and Grafana's way to write a password that holds '#' or ';'.
 * [*vs, *ve) becomes what is between them.
 */
static bool triple_quoted(const char *p, size_t *vs, size_t *ve)
{
	size_t s = *vs, e = *ve;
	char q = p[s];

	if (e - s < 7 || (q != '"' && q != '\'') || p[s + 1] != q || p[s + 2] != q)
		return false;
	for (size_t k = s + 3; k + 3 <= e; k++) {
		if (p[k] != q || p[k + 1] != q || p[k + 2] != q)
			continue;
		while (k + 3 < e && p[k + 3] == q)
			k++; /* """a"""" : the quotes before the last three are the value's */
		if (k == s + 3)
			return false;
		*vs = s + 3;
		*ve = k;
		return true;
	}
	return false;
}

/*
 * A string opened by more than its quote, at j: Python's b'x', r'x', u'x',
 * f'x', rb'x' (a dict or kwargs in a log), or a quote escaped inside a
 * quoted string (logfmt's msg="... password=\"x\" ...", GraphQL in JSON).
 * [*vs, *ve) becomes the text, when the string closes on the line.
 */
static bool prefixed_string(const char *p, size_t len, size_t j, size_t *vs, size_t *ve)
{
	size_t k = j, e;

	if (len - j >= 4 && p[j] == '\\' && p[j + 1] == '"') {
		for (e = j + 2; e + 1 < len && !(p[e] == '\\' && p[e + 1] == '"'); e++)
			;
		if (e + 1 >= len)
			return false;
		*vs = j + 2;
		*ve = e;
		return true;
	}
	while (k < len && k - j < 2 && strchr("bBrRuUfF", p[k]) && p[k])
		k++;
	if (k == j || k >= len || (p[k] != '\'' && p[k] != '"') ||
	    (j > 0 && (is_alnum((unsigned char)p[j - 1]) || p[j - 1] == '_')))
		return false;
	for (e = k + 1; e < len && p[e] != p[k]; e++)
		if (p[e] == '\\')
			e++;
	if (e >= len)
		return false;
	*vs = k + 1;
	*ve = e;
	return true;
}

/*
 * The value after a separator at j in free text: a quoted string, or up to a
 * stop character; an Authorization value takes its scheme and credentials,
 * a Cookie value the whole header.
 */
static bool value_extent(const char *p, size_t len, size_t j, enum name_class cls, size_t *vs,
			 size_t *ve)
{
	size_t k;
	char q;

	if (j >= len)
		return false;
	if ((p[j] == 'N' || p[j] == 'n') && j + 1 < len && p[j + 1] == '\'')
		j++; /* an SQL national string, N'...' (T-SQL, MySQL): its text is the value */
	q = p[j];
	*vs = j;
	*ve = len;
	if (triple_quoted(p, vs, ve) || prefixed_string(p, len, j, vs, ve))
		return true;
	if (q == '"' || q == '\'' || q == '`') {
		for (k = j + 1; k < len && p[k] != q; k++)
			if (p[k] == '\\' && q != '\'')
				k++;
		*vs = j + 1;
		*ve = k < len ? k : len;
		return true;
	}
	*vs = j;
	if (cls == NC_COOKIE) {
		for (k = j; k < len && p[k] != '"' && p[k] != '\''; k++)
			;
		*ve = k;
		return true;
	}
	if (cls == NC_AUTH) {
		size_t cs;

		if (scheme_at(p, j, len, &cs)) {
			static const char *const long_schemes[] = {
				"digest", "aws4-hmac-sha256", "hmac", "signature", "oauth", NULL,
			};
			bool long_value = false;

			for (const char *const *l = long_schemes; *l; l++)
				if (!strncasecmp(p + j, *l, strlen(*l)))
					long_value = true;
			/* Digest and signed schemes carry "k=v, k=\"v\"" parameters: to the end */
			for (k = cs; k < len && !long_value &&
				     !(is_space((unsigned char)p[k]) || p[k] == '"' || p[k] == '\'' ||
				       p[k] == ',');
			     k++)
				;
			*ve = long_value ? len : k;
			return true;
		}
	}
	/* Octopus's #{Name}#, Concourse's ((name)): to their close (value_is_placeholder() judges them) */
	if (j + 1 < len && ((p[j] == '#' && p[j + 1] == '{') || (p[j] == '(' && p[j + 1] == '('))) {
		const char *c = p[j] == '#' ? memchr(p + j, '}', MIN(len - j, (size_t)128)) :
					      mem_find(p + j, MIN(len - j, (size_t)128), "))", 2);

		if (c) {
			k = (size_t)(c - p) + (p[j] == '#' ? 1 : 2);
			k += p[j] == '#' && k < len && p[k] == '#';
			if (k == len || !is_alnum((unsigned char)p[k])) {
				*ve = k;
				return true;
			}
		}
	}
	/* ...and on to the end of the word: "${PREFIX}hunter2" is no placeholder */
	if ((p[j] == '$' || p[j] == '%') && j + 1 < len && strchr("{(", p[j + 1]) &&
	    (k = bracket_end(p, len, j + 1))) { /* ${VAR}, %(name)s */
		*ve = free_value_end(p, len, k + (p[j] == '%' && k < len && is_alnum((unsigned char)p[k])));
		return true;
	}
	if ((k = bracket_end(p, len, j))) {
		for (size_t b; (b = label_len(p + k, len - k));) /* "[REDACTED:a][REDACTED:b]" */
			k += b;
		*ve = free_value_end(p, len, k);
		return true;
	}
	*ve = free_value_end(p, len, j);
	return *ve > j;
}

/* Is the word before p[ns] (across spaces) one of words? */
static const char *const public_words[] = { "public", "pub", NULL };
static const char *const set_words[] = { "set", NULL };

static bool word_before(const char *p, size_t ns, const char *const *words)
{
	size_t e = ns, s;

	while (e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	if (e == ns)
		return false;
	for (s = e; s > 0 && is_alnum((unsigned char)p[s - 1]); s--)
		;
	for (; *words; words++)
		if (strlen(*words) == e - s && mem_ieq(p + s, *words, e - s))
			return true;
	return false;
}

/*
 * sudoers: "Cmnd_Alias PW = /usr/bin/passwd" names a list of commands, and
 * "PASSWD: /usr/bin/x" is a tag on the commands after it (NOPASSWD is no
 * secret's name at all, see names.c). Is the name at [ns, ne) either?
 */
static bool sudoers_name(const char *p, size_t len, size_t ns, size_t ne)
{
	static const char *const alias[] = { "Cmnd_Alias", "User_Alias", "Host_Alias", "Runas_Alias", NULL };
	size_t e = ns, j = ne;

	while (e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	for (const char *const *a = alias; e < ns && e > 6 && !memcmp(p + e - 6, "_Alias", 6) && *a; a++)
		if (e >= strlen(*a) && !memcmp(p + e - strlen(*a), *a, strlen(*a)) &&
		    (e == strlen(*a) || p[e - strlen(*a) - 1] == ' ' || p[e - strlen(*a) - 1] == '\t'))
			return true;
	if (ne - ns != 6 || memcmp(p + ns, "PASSWD", 6) || j >= len || p[j] != ':')
		return false;
	for (j++; j < len && p[j] == ' '; j++)
		;
	return j < len && (p[j] == '/' || !strncmp(p + j, "ALL", MIN(3, len - j)));
}

/*
 * Is p[ns] inside an ARN ("arn:aws:secretsmanager:...:secret:prod/db-AbCdEf")?
 * Its "secret:" is a part of an identifier, not an assignment.
 */
static bool in_arn(const char *p, size_t ns)
{
	size_t s = ns;

	while (s > 0 && ns - s < 256 && !is_space((unsigned char)p[s - 1]) &&
	       !strchr("\"'`=,;([{<>", p[s - 1]))
		s--;
	return ns - s > 4 && !memcmp(p + s, "arn:", 4);
}

/*
 * The text of an XML element from j (just after its start tag): up to its
 * end tag, which must be on the line, or inside a CDATA section (to the
 * line's end when it does not close there: see cdata_lines()). False when
 * it has none ("<PASSWORD>" alone is a placeholder, not an element).
 */
static bool element_text(const char *p, size_t len, size_t j, size_t *vs, size_t *ve)
{
	size_t k;

	while (j < len && is_space((unsigned char)p[j]))
		j++;
	if (len - j >= 9 && !memcmp(p + j, "<![CDATA[", 9)) {
		const char *e = mem_find(p + j + 9, len - j - 9, "]]>", 3);

		*vs = j + 9;
		*ve = e ? (size_t)(e - p) : len;
		return true;
	}
	for (k = j; k < len && p[k] != '<'; k++)
		;
	if (k + 1 >= len || p[k + 1] != '/')
		return false;
	*vs = j;
	*ve = trim_end(p, j, k);
	return true;
}

/* Is [vs, ve) the text of a CDATA section that the line opens and does not close? */
static bool cdata_open(const char *p, size_t len, size_t vs, size_t ve)
{
	return ve == len && vs >= 9 && !memcmp(p + vs - 9, "<![CDATA[", 9);
}

/* Is the name at p[ns], quoted, the value of an XML attribute key= or name=? */
static bool xml_name_attr(const char *p, size_t ns)
{
	size_t e = ns - 1, s;

	if (ns < 3 || (p[e] != '"' && p[e] != '\'') || p[e - 1] != '=')
		return false;
	for (s = --e; s > 0 && is_alnum((unsigned char)p[s - 1]); s--)
		;
	return s > 0 && is_space((unsigned char)p[s - 1]) &&
	       ((e - s == 3 && mem_ieq(p + s, "key", 3)) || (e - s == 4 && mem_ieq(p + s, "name", 4)));
}

/*
 * One attribute name="value" (or 'value') at *j: 1 with its name [*as, *ae)
 * and its value [*vs, *ve), *j after it; 0 when no attribute stands there,
 * -1 when its quote does not close before len.
 */
static int xml_attr(const char *p, size_t len, size_t *j, size_t *as, size_t *ae, size_t *vs,
		    size_t *ve)
{
	size_t k = *j;
	const char *close;

	for (*as = k; k < len && p[k] && (is_alnum((unsigned char)p[k]) || strchr("_-:.", p[k])); k++)
		;
	*ae = k;
	while (k < len && is_space((unsigned char)p[k]))
		k++;
	if (*ae == *as || k >= len || p[k] != '=')
		return 0;
	for (k++; k < len && is_space((unsigned char)p[k]); k++)
		;
	if (k >= len || (p[k] != '"' && p[k] != '\''))
		return 0;
	close = memchr(p + k + 1, p[k], len - k - 1);
	if (!close)
		return -1;
	*vs = k + 1;
	*ve = (size_t)(close - p);
	*j = *ve + 1;
	return 1;
}

static bool value_attr(const char *p, size_t as, size_t ae)
{
	return ae - as == 5 && mem_ieq(p + as, "value", 5);
}

static bool xml_child_value(const char *p, size_t len, size_t j, size_t *vs, size_t *ve);

/*
 * The value that goes with a name given in an XML attribute at ns, from j
 * (after the name's closing quote): the tag's value= attribute
 * (<add key="SmtpPassword" value="x"/>), or else the element's text when its
 * end tag closes the same element (<entry key="db.password">x</entry>).
 */
static bool xml_attr_value(const char *p, size_t len, size_t ns, size_t j, size_t *vs, size_t *ve)
{
	const char *lt = memrchr(p, '<', ns);

	while (j < len) {
		size_t as, ae;

		while (j < len && is_space((unsigned char)p[j]))
			j++;
		if (j < len && p[j] == '>') {
			size_t ts = lt ? (size_t)(lt - p) + 1 : ns, te = ts;
			const char *et;

			while (te < len && (name_char((unsigned char)p[te]) || p[te] == ':'))
				te++;
			if (te == ts)
				return false;
			if (!element_text(p, len, j + 1, vs, ve)) /* <setting name="DbPassword"><value>x</value> */
				return xml_child_value(p, len, j + 1, vs, ve);
			if (cdata_open(p, len, *vs, *ve))
				return true; /* its end tag is on a later line */
			et = mem_find(p + *ve, len - *ve, "</", 2);
			return et && (size_t)(p + len - et) >= 2 + te - ts &&
			       !memcmp(et + 2, p + ts, te - ts);
		}
		if (xml_attr(p, len, &j, &as, &ae, vs, ve) <= 0)
			return false; /* "/>", or no attribute */
		if (value_attr(p, as, ae))
			return true;
	}
	return false;
}

/* How the rest of an XML start tag's line reads (xml_tag_rest()). */
enum xml_tag {
	XT_NONE,   /* not as attributes */
	XT_OPEN,   /* attributes, whole, to the line's end: the tag goes on below */
	XT_CLOSED, /* attributes, then the tag's ">" or "/>" */
};

/*
 * The rest of an XML start tag from j, on a line of its own or after the
 * name of a secret (<add key="DbPassword" then value="x" /> below). *vs,
 * *ve: the value of its value= attribute, if it has one (else *ve is 0).
 * (An attribute's value over several lines is not followed.)
 */
static enum xml_tag xml_tag_rest(const char *p, size_t len, size_t j, size_t *vs, size_t *ve)
{
	*vs = *ve = 0;
	for (;;) {
		size_t as, ae, s, e;

		while (j < len && is_space((unsigned char)p[j]))
			j++;
		if (j == len)
			return XT_OPEN;
		if (p[j] == '>' || (p[j] == '/' && j + 1 < len && p[j + 1] == '>'))
			return XT_CLOSED;
		if (xml_attr(p, len, &j, &as, &ae, &s, &e) <= 0)
			return XT_NONE;
		if (value_attr(p, as, ae) && !*ve) {
			*vs = s;
			*ve = e;
		}
	}
}

/*
 * The value= attribute before the key= or name= attribute whose value, the
 * name at ns, names a secret, in the same tag (<add value="x" key="DbPassword"/>).
 */
static bool xml_value_before(const char *p, size_t ns, size_t *vs, size_t *ve)
{
	const char *lt = memrchr(p, '<', ns);
	size_t j = lt ? (size_t)(lt - p) + 1 : ns;

	while (j < ns && (is_alnum((unsigned char)p[j]) || strchr("_-:.", p[j])) && p[j])
		j++; /* the tag's name */
	while (j < ns) {
		size_t as, ae;

		while (j < ns && is_space((unsigned char)p[j]))
			j++;
		/* (a quote that does not close before ns: the name's own attribute) */
		if (xml_attr(p, ns, &j, &as, &ae, vs, ve) <= 0)
			return false;
		if (value_attr(p, as, ae))
			return true;
	}
	return false;
}

/* Is the word [ws, we) w, ignoring case? */
static bool word_is(const char *p, size_t ws, size_t we, const char *w)
{
	return we - ws == strlen(w) && mem_ieq(p + ws, w, we - ws);
}

/* Is the word [ws, we) one of words (ignoring case)? */
static bool word_in(const char *p, size_t ws, size_t we, const char *const *words)
{
	for (; *words; words++)
		if (word_is(p, ws, we, *words))
			return true;
	return false;
}

/*
 * XML elements that hold a secret for a name given elsewhere: the element
 * after a name's (<name>fs.s3a.secret.key</name><value>x</value>, web.xml's
 * <param-name>/<param-value>, a plist's <key>/<string>), and the value
 * element inside a secret's (unattend.xml's <Password><Value>x</Value>).
 */
static const char *const xml_name_tags[] = { "name", "key", "param-name", NULL };
static const char *const xml_value_tags[] = { "value", "param-value", "string", NULL };

/*
 * The value that a child element holds, at j (blanks skipped): the text of
 * <value>x</value> (or another of xml_value_tags), or the value= attribute of
 * <add key="..." value="x" />. *vs, *ve: where it is.
 */
static bool xml_child_value(const char *p, size_t len, size_t j, size_t *vs, size_t *ve)
{
	size_t s, e;

	while (j < len && is_space((unsigned char)p[j]))
		j++;
	if (j >= len || p[j] != '<')
		return false;
	for (s = e = j + 1; e < len && name_char((unsigned char)p[e]); e++)
		;
	if (e < len && p[e] == '>' && word_in(p, s, e, xml_value_tags))
		return element_text(p, len, e + 1, vs, ve) && *ve <= len;
	if (e < len && is_space((unsigned char)p[e]) && e - s == 3 && mem_ieq(p + s, "add", 3))
		return xml_tag_rest(p, len, e, vs, ve) == XT_CLOSED && *ve;
	return false;
}

/*
 * A secret's name as the text of a name element at [ns, ne)
 * (<name>db.password</name>): the position after its end tag, or 0.
 */
static size_t xml_name_element(const char *p, size_t len, size_t ns, size_t ne)
{
	const char *lt;
	size_t ts, te;

	if (ns < 3 || p[ns - 1] != '>' || !(lt = memrchr(p, '<', ns - 1)))
		return 0;
	ts = (size_t)(lt - p) + 1;
	te = ns - 1;
	if (!word_in(p, ts, te, xml_name_tags) || len - ne < te - ts + 3 || p[ne] != '<' ||
	    p[ne + 1] != '/' || memcmp(p + ne + 2, p + ts, te - ts) || p[ne + 2 + te - ts] != '>')
		return 0;
	return ne + 3 + te - ts;
}

/* Does the line's first tag start an element (not end one, nor a comment or CDATA)? */
static bool xml_child_line(const char *p, size_t len)
{
	size_t j = 0;

	while (j < len && is_space((unsigned char)p[j]))
		j++;
	return j + 1 < len && p[j] == '<' &&
	       (((p[j + 1] | 0x20) >= 'a' && (p[j + 1] | 0x20) <= 'z') || p[j + 1] == '_');
}

/*
 * A line of an XML file after one that named a secret (NX_XML_NAME: the
 * line below <name>db.password</name>) or opened a secret's element whose
 * children follow (NX_XML_PARENT: below <AdministratorPassword>): its value
 * element goes. A parent's lends its verdict on to the next child, until a
 * child that opens an element of its own or an end tag.
 */
static void xml_lent_line(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			  size_t j)
{
	enum next_kind kind = tc->next_kind;
	struct name_verdict v = tc->next;
	size_t vs, ve;

	tc->next_kind = NX_NONE;
	if (j >= len || p[j] != '<')
		return;
	if (xml_child_value(p, len, j, &vs, &ve)) {
		judge_value(sc, v, p, vs, ve);
		if (kind == NX_XML_PARENT)
			tc->next_kind = kind;
	} else if (kind == NX_XML_PARENT && xml_child_line(p, len) && mem_find(p + j, len - j, "</", 2)) {
		tc->next_kind = kind; /* <PlainText>true</PlainText>: another leaf */
	}
}

/* Does a start tag open just before the name at ns ("<password", "<ns:password")? */
static bool xml_open_at(const char *p, size_t ns)
{
	size_t k = ns;

	if (k > 1 && p[k - 1] == ':') { /* a namespace prefix */
		for (k--; k > 0 && (is_alnum((unsigned char)p[k - 1]) || p[k - 1] == '_' || p[k - 1] == '-');
		     k--)
			;
		if (k == ns - 1)
			return false;
	}
	return k > 0 && p[k - 1] == '<';
}

/* A secret's name as the text of a name element, its end tag to after: the value element after it. */
static void xml_named(struct scanner *sc, struct textctx *tc, const char *p, size_t len, size_t ns,
		      size_t ne, size_t after)
{
	struct name_verdict v = classify(sc, p + ns, ne - ns, NULL);
	size_t vs, ve;

	if (v.cls != NC_STRONG)
		return;
	if (xml_child_value(p, len, after, &vs, &ve))
		judge_value(sc, v, p, vs, ve);
	else if (tc->xml && !tc->embedded && trim_end(p, after, len) == after) {
		tc->next_kind = NX_XML_NAME; /* <value>x</value> on the next line */
		tc->next = v;
	}
}

static bool hex_digit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * 32 hex digits, letters and digits both, as a word at j: the shape of an
 * API key or auth token (Datadog, Twilio) written after its name and a space.
 */
static bool hex32_at(const char *p, size_t len, size_t j)
{
	bool digit = false, letter = false;

	if (len - j < 32)
		return false;
	if (len - j > 32 && name_char((unsigned char)p[j + 32]) &&
	    ((p[j + 32] != '.' && p[j + 32] != '-') ||
	     (len - j > 33 && name_char((unsigned char)p[j + 33]))))
		return false; /* a longer word ("...abcdef.json"); a full stop is no part of it */
	for (size_t k = j; k < j + 32; k++) {
		if (!hex_digit((unsigned char)p[k]))
			return false;
		digit |= p[k] <= '9';
		letter |= p[k] > '9';
	}
	return digit && letter;
}

/*
 * "config set NAME" (npm, yarn, redis CONFIG SET) or "configure set" (aws)
 * before the name at ns, perhaps with an option and its value between
 * ("--profile prod"): the name's value is the next word.
 */
static bool after_config_set(const char *p, size_t ns)
{
	size_t e = ns;

	while (e > 0 && !is_space((unsigned char)p[e - 1]))
		e--; /* the name's word: "//registry.example/:_authToken" */
	for (int words = 0; words < 3; words++) {
		size_t s, b;

		while (e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		for (s = e; s > 0 && !is_space((unsigned char)p[s - 1]); s--)
			;
		if (s == e)
			return false;
		if (e - s == 3 && mem_ieq(p + s, "set", 3)) {
			for (b = s; b > 0 && (p[b - 1] == ' ' || p[b - 1] == '\t'); b--)
				;
			return b < s && ((b >= 6 && mem_ieq(p + b - 6, "config", 6)) ||
					 (b >= 9 && mem_ieq(p + b - 9, "configure", 9)));
		}
		e = s;
	}
	return false;
}

/*
 * The text of a secret's element in a CDATA section that the line does not
 * close ("<password><![CDATA[" then lines): the lines below go too, up to
 * its "]]>" (TS_XML). had is the count of matches before the line's part of
 * the text was judged; when that part went, its label stands for them all.
 */
static void cdata_lines(struct scanner *sc, struct textctx *tc, struct name_verdict v, size_t had)
{
	if (v.cls != NC_STRONG || tc->fmt != F_TEXT || tc->embedded || tc->state != TS_NONE)
		return;
	tc->state = TS_XML;
	tc->cdata = true;
	tc->rule = (uint16_t)v.rule;
	tc->label_done = sc->nm > had;
	tc->qlines = 0;
}

static struct name_verdict flag_verdict(struct scanner *sc, const char *v, size_t len);
static struct name_verdict held_plural(struct scanner *sc, const char *held, size_t len);
static bool json_bracket_value(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			       size_t indent, size_t vs, struct name_verdict v);

/*
 * A quoted flag that names a secret, an item of a list in text
 * (["--db-password", "x"], a YAML flow sequence read as lines, a Python
 * list): the quoted item after it, from j (the ',' after the flag), is its
 * value, unless it is a flag too.
 */
static void list_item(struct scanner *sc, const char *p, size_t len, size_t ns, size_t ne, size_t j)
{
	struct name_verdict v = flag_verdict(sc, p + ns, ne - ns);
	char q = p[ns - 1];
	size_t k;

	if (v.cls == NC_NONE)
		return;
	for (j++; j < len && (p[j] == ' ' || p[j] == '\t'); j++)
		;
	if (j + 1 >= len || p[j] != q || (p[j + 1] == '-' && j + 2 < len &&
					  (p[j + 2] == '-' || is_alnum((unsigned char)p[j + 2]))))
		return;
	for (k = j + 1; k < len && p[k] != q; k++)
		if (p[k] == '\\' && q == '"')
			k++;
	if (k < len)
		judge_value(sc, v, p, j + 1, k);
}

/*
 * A start tag of an XML file whose key= or name= names a secret, and which
 * goes on below the line without a value= yet (<add key="DbPassword" then
 * value="x" /> below): the lines below are read for it (TS_XML_TAG), up to
 * the tag's end. j is just after the name's closing quote.
 */
static void xml_tag_lines(struct textctx *tc, struct name_verdict v, const char *p, size_t len,
			  size_t j)
{
	size_t vs, ve;

	if (!tc->xml || tc->embedded || tc->fmt != F_TEXT || tc->state != TS_NONE ||
	    xml_tag_rest(p, len, j, &vs, &ve) != XT_OPEN)
		return;
	tc->state = TS_XML_TAG;
	tc->tag = v;
	tc->qlines = 0;
}

/*
 * A line in TS_XML_TAG, from its first non-blank j: more of the tag's
 * attributes, whose value= goes with the name that began the state. True
 * when the line was the tag's; false when it is not as attributes (a tag
 * left open ends there, and the line is read as any other).
 */
static bool xml_tag_line(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			 size_t j)
{
	size_t vs, ve;
	enum xml_tag t = xml_tag_rest(p, len, j, &vs, &ve);

	if (ve)
		judge_value(sc, tc->tag, p, vs, ve);
	if (t != XT_OPEN || ve || ++tc->qlines >= QUOTE_MAX_LINES)
		tc->state = TS_NONE;
	return t != XT_NONE;
}

/*
 * Does the quote at p[k] open a secret's value: does it follow a secret's
 * name (from p[from] on) and its '=' ("PASS='x'")? Such a value is read to
 * its close, whatever quotes are in it, and its label takes them.
 */
static bool secret_value_quote(const char *p, size_t from, size_t k)
{
	struct name_verdict v;
	size_t s;

	if (k < from + 2 || p[k - 1] != '=')
		return false;
	for (s = k - 1; s > from && key_char((unsigned char)p[s - 1]); s--)
		;
	if (s == k - 1)
		return false;
	v = name_classify(p + s, k - 1 - s);
	return v.cls == NC_STRONG || v.cls == NC_ALL;
}

/*
 * The quote that closes the one at p[k] before ns, or NULL. Not one in a
 * secret's quoted value that opens inside and closes past it: in
 * "PASS='"2'PASS=' x" the second '"' is the first value's (its label
 * takes it), and the first '"' closes nowhere. (Another name's value is
 * kept, its quotes as they were: x="a='" 'PASS=' + y.)
 */
static const char *string_close(const char *p, size_t k, size_t ns)
{
	const char *c = memchr(p + k + 1, p[k], ns - k - 1), *c2;

	for (size_t m = k + 2; c && m < (size_t)(c - p); m++) {
		if ((p[m] != '"' && p[m] != '\'' && p[m] != '`') || p[m] == p[k] || !secret_value_quote(p, k + 1, m))
			continue;
		c2 = memchr(p + m + 1, p[m], ns - m - 1);
		if (c2 && c2 > c) {
			m = (size_t)(c2 - p);
			c = memchr(c2 + 1, p[k], ns - m - 1);
		}
	}
	return c;
}

/*
 * Is p[ns] in a literal of the quote q: does q come an odd number of times
 * before it? Not counted: a q in a string of another quote that closes
 * before ns (Pass="`=" Cookie:...), which a value's label may replace, nor
 * the quotes of a secret's value and what is in them (PW='"d'"PW=' x: its
 * '"' opens no string that hides its close).
 */
static bool in_literal(const char *p, size_t ns, char q)
{
	size_t quotes = 0;
	bool open[3] = { false, false, false }; /* a quote of the kind that closes nowhere before ns */
	const char *c;
	int kind;

	for (size_t k = 0; k < ns; k++) {
		kind = p[k] == '"' ? 0 : p[k] == '\'' ? 1 : p[k] == '`' ? 2 : -1;
		if (kind >= 0 && secret_value_quote(p, 0, k) && (c = memchr(p + k + 1, p[k], ns - k - 1)))
			k = (size_t)(c - p);
		else if (p[k] == q)
			quotes++;
		else if (kind >= 0 && !open[kind]) {
			if ((c = string_close(p, k, ns)))
				k = (size_t)(c - p);
			else
				open[kind] = true;
		}
	}
	return quotes & 1;
}

/*
 * Does the quote at p[j], after the name at ns and its '=', close a string
 * literal that the name is in, an operator following ('password = ' + y,
 * "password: " . $pw, 'pw=' || x, "password =", pw)? Then it opens no value.
 * The name is in a literal when the quote comes an odd number of times before
 * it on the line. A quoted value may start with an operator ("+Xy7") where an
 * apostrophe stands before ("don't: password='+Xy7'"): such a value is kept
 * only when its quote closes nowhere on the line, or after a space ("' + y + '").
 */
static bool literal_ends(const char *p, size_t len, size_t ns, size_t j)
{
	size_t k;

	if (j >= len || (p[j] != '"' && p[j] != '\'' && p[j] != '`'))
		return false;
	for (k = j + 1; k < len && (p[k] == ' ' || p[k] == '\t'); k++)
		;
	if (k >= len || !strchr("+.|&,);", p[k]) || !p[k] ||
	    (p[k] == '|' && (k + 1 >= len || p[k + 1] != '|')))
		return false;
	/* (in_literal() last: it reads the line up to the name) */
	return (k > j + 1 || !memchr(p + j + 1, p[j], len - j - 1)) && in_literal(p, ns, p[j]);
}

/*
 * A prompt: the name is in a literal (its quote an odd number of times
 * before it) that closes right after the separator, then a blank or the
 * line's end ("Password: " PW): what follows is another word, no value.
 */
static bool prompt_ends(const char *p, size_t len, size_t ns, size_t j)
{
	if (j >= len || (p[j] != '"' && p[j] != '\'') || (j + 1 < len && !is_space((unsigned char)p[j + 1])))
		return false;
	return in_literal(p, ns, p[j]);
}

/*
 * Calls that give a name (their first argument, quoted) its value (the
 * second, a literal): PHP define('DB_PASSWORD', 'x') and ini_set(), Java
 * System.setProperty("...Password", "x") and props.put(), os.Setenv(),
 * setHeader("Authorization", "..."). Names compared without case.
 */
static const char *const setter_calls[] = {
	"define", "ini_set", "setproperty", "put", "set", "add", "setenv", "putenv", "put_env",
	"setdefault", "setenvironmentvariable", "setheader", "addheader", "setrequestproperty",
	"addrequestproperty", "setitem",
	/* getters with a default: Laravel's env('DB_PASSWORD', 'x'), os.environ.get, ENV.fetch */
	"env", "getenv", "get", "fetch", "getproperty", NULL,
};

/* Is the name whose first byte (its quote, if quoted) is at os the first argument of a setter call? */
static bool setter_arg(const char *p, size_t os)
{
	size_t e = os, s;

	while (e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'))
		e--;
	if (e == 0 || p[e - 1] != '(')
		return false;
	for (e--; e > 0 && (p[e - 1] == ' ' || p[e - 1] == '\t'); e--)
		;
	for (s = e; s > 0 && (is_alnum((unsigned char)p[s - 1]) || p[s - 1] == '_'); s--)
		;
	for (const char *const *w = setter_calls; *w; w++)
		if (e - s == strlen(*w) && mem_ieq(p + s, *w, e - s))
			return true;
	return false;
}

/* Is the name whose first byte is at os the first item of an Erlang tuple ({default_pass, <<"x">>})? */
static bool tuple_head(const char *p, size_t os)
{
	while (os > 0 && (p[os - 1] == ' ' || p[os - 1] == '\t'))
		os--;
	return os > 0 && p[os - 1] == '{';
}

/*
 * The quoted literal from j (after the ',' that follows a name): "x", 'x',
 * or an Erlang binary <<"x">>. Its text is [*vs, *ve).
 */
static bool literal_arg(const char *p, size_t len, size_t j, size_t *vs, size_t *ve)
{
	const char *q;

	while (j < len && (p[j] == ' ' || p[j] == '\t'))
		j++;
	if (len - j > 2 && p[j] == '<' && p[j + 1] == '<')
		j += 2;
	if (j >= len || (p[j] != '"' && p[j] != '\''))
		return false;
	for (q = p + j + 1; q < p + len && *q != p[j]; q++)
		if (*q == '\\' && p[j] == '"')
			q++;
	if (q >= p + len)
		return false;
	*vs = j + 1;
	*ve = (size_t)(q - p);
	return true;
}

static bool glued_value(const struct scanner *sc, const char *p, size_t ns, size_t ne);

/*
 * Is the name at [ns, ne) a PAM service in a module's log prefix,
 * "pam_unix(passwd:chauthtok)": after "MODULE(", before ":TYPE)"?
 */
static bool pam_service(const char *p, size_t len, size_t ns, size_t ne)
{
	static const char *const types[] = { "auth", "account", "session", "password", "chauthtok", NULL };

	if (ns < 2 || p[ns - 1] != '(' || !is_alnum((unsigned char)p[ns - 2]) || ne >= len || p[ne] != ':')
		return false;
	for (const char *const *t = types; *t; t++) {
		size_t n = strlen(*t);

		if (len - ne - 1 > n && !memcmp(p + ne + 1, *t, n) && p[ne + 1 + n] == ')')
			return true;
	}
	return false;
}

/*
 * A statement of ISC's configurations (BIND's named.conf and rndc.key,
 * dhcpd.conf): a name, a quoted string from j, then ';'. The string's
 * inside is [*vs, *ve).
 */
static bool isc_statement(const char *p, size_t len, size_t j, size_t *vs, size_t *ve)
{
	size_t k = j + 1;

	while (k < len && p[k] != '"')
		k += p[k] == '\\' ? 2 : 1;
	if (k >= len)
		return false;
	*vs = j + 1;
	*ve = k;
	for (k++; k < len && (p[k] == ' ' || p[k] == '\t'); k++)
		;
	return k < len && p[k] == ';' && *ve > *vs;
}

/* ---- a value that is code: a variable, a call, a cmdlet ---- */

static bool ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* An identifier at p[k] ("_token", "getPassword"): its end, or k. */
static size_t ident_end(const char *p, size_t len, size_t k)
{
	if (k >= len || !ident_start((unsigned char)p[k]))
		return k;
	while (k < len && (is_alnum((unsigned char)p[k]) || p[k] == '_'))
		k++;
	return k;
}

/*
 * Does the identifier [s, e) name a variable that holds the value of the
 * name [ns, ne): that name, or one that ends with it after '_' or a camel
 * hump ("db_password", "self._password", "dbPassword", "settings.API_KEY"
 * for api_key), without digits ("Secr3tPw", "Password1" are passwords'
 * shapes)?
 */
static bool holder_ident(const char *p, size_t s, size_t e, size_t ns, size_t ne)
{
	size_t n, at;

	for (size_t k = ns; k < ne; k++)
		if (p[k] == '.' || p[k] == '-')
			ns = k + 1; /* spring.datasource.password: its last part */
	n = ne - ns;
	if (n < 2 || e - s < n)
		return false;
	for (size_t k = s; k < e; k++)
		if (p[k] >= '0' && p[k] <= '9')
			return false;
	at = e - n;
	if (!mem_ieq(p + at, p + ns, n))
		return false;
	return at == s || p[at - 1] == '_' ||
	       (p[at] >= 'A' && p[at] <= 'Z' && p[at - 1] >= 'a' && p[at - 1] <= 'z');
}

/* A variable for a password by its short names, perhaps after '_': "passwd", "db_pwd". */
static bool password_ident(const char *p, size_t s, size_t e)
{
	static const char *const shorts[] = { "passwd", "pwd", "pw", "passphrase", NULL };
	const char *u = NULL;

	for (size_t k = s; k < e; k++) {
		if (!((p[k] >= 'a' && p[k] <= 'z') || p[k] == '_'))
			return false;
		if (p[k] == '_')
			u = p + k;
	}
	s = u ? (size_t)(u - p) + 1 : s;
	for (const char *const *w = shorts; *w; w++)
		if (strlen(*w) == e - s && !memcmp(p + s, *w, e - s))
			return true;
	return false;
}

/* Is the name [ns, ne) a member of the object at hand: "self.password", "this.token"? */
static bool self_member(const char *p, size_t ns, size_t ne)
{
	return (ne - ns > 5 && !memcmp(p + ns, "self.", 5)) || (ne - ns > 5 && !memcmp(p + ns, "this.", 5));
}

/*
 * A string literal in a call or subscript of code: a key to look up
 * ("DB_PASSWORD", "db.password") or a prompt ("Password: ") stays; any
 * other may be the secret itself (decrypt("x"), get("PW", "x")) and is
 * judged as the name's value.
 */
static void code_literal(struct scanner *sc, struct name_verdict v, const char *p, size_t s, size_t e)
{
	size_t k, upper = 0;

	for (k = s; k < e && (is_alnum((unsigned char)p[k]) || p[k] == '_'); k++)
		upper += (p[k] >= 'A' && p[k] <= 'Z') || p[k] == '_';
	if (k == e && e - s >= 2 && upper == e - s)
		return; /* an environment variable's name */
	if (e > s && p[s] != ' ' && ident_start((unsigned char)p[s])) {
		for (k = s; k < e && (is_alnum((unsigned char)p[k]) || strchr("_.-", p[k])); k++)
			;
		if (k == e && classify(sc, p + s, e - s, NULL).cls != NC_NONE)
			return; /* a secret's key: "password", "db.password" */
		if (e - s >= 2 && (p[e - 1] == ':' || (p[e - 1] == ' ' && p[e - 2] == ':')))
			return; /* a prompt */
	}
	judge_value(sc, v, p, s, e);
}

/*
 * The arguments of a call, or a subscript, from the bracket at p[k] to
 * its close (nested ones too): identifiers, member chains, string literals
 * (each judged by code_literal()), small numbers, commas and keyword
 * arguments. Its close + 1, or 0 when it holds anything else.
 */
static size_t code_args(struct scanner *sc, struct name_verdict v, const char *p, size_t len,
			size_t k, unsigned depth)
{
	char close = p[k] == '(' ? ')' : ']';

	for (k++; k < len && depth < 4;) {
		char c = p[k];

		if (c == close)
			return k + 1;
		if (c == ' ' || c == ',' || c == '.' || c == '=' || c == '$') {
			k++;
		} else if (c == '"' || c == '\'') {
			size_t e = k + 1;

			while (e < len && p[e] != c)
				e += p[e] == '\\' && c == '"' ? 2 : 1;
			if (e >= len)
				return 0;
			if (close == ')') /* (a subscript's literal is a key: secrets["db"]) */
				code_literal(sc, v, p, k + 1, e);
			k = e + 1;
		} else if (c == '(' || c == '[') {
			if (!(k = code_args(sc, v, p, len, k, depth + 1)))
				return 0;
		} else if (ident_start((unsigned char)c)) {
			k = ident_end(p, len, k);
		} else if (c >= '0' && c <= '9') {
			size_t e = k;

			while (e < len && p[e] >= '0' && p[e] <= '9')
				e++;
			if (e - k > 3) /* a PIN's length: judge it */
				return 0;
			k = e;
		} else {
			return 0;
		}
	}
	return 0;
}

/* PowerShell's verbs that start a cmdlet's name ("Read-Host", "New-Object"). Sorted: bsearch. */
static const char *const ps_verbs[] = {
	"add", "convertfrom", "convertto", "export", "get", "import", "invoke", "join", "new",
	"protect", "read", "resolve", "select", "set", "unprotect",
};

static int cmp_ps_verb(const void *a, const void *b)
{
	const char *w = a, *v = *(const char *const *)b;
	size_t n = strlen(v);
	int c = strncasecmp(w, v, n);

	return c ? c : (w[n] == '-' ? 0 : (unsigned char)w[n] - '-');
}

/* A lower-case letter then a capital in [s, e): "readPassword". */
static bool camel_hump(const char *p, size_t s, size_t e)
{
	for (size_t k = s + 1; k < e; k++)
		if (p[k] >= 'A' && p[k] <= 'Z' && p[k - 1] >= 'a' && p[k - 1] <= 'z')
			return true;
	return false;
}

/*
 * Is the value at p[j] code rather than a literal, where a name holds it?
 * A member chain ending in a variable of the secret ("self.password",
 * "cfg.db_password"), a call ("getpass.getpass("Password: ")",
 * "os.environ.get("DB_PASSWORD")", "[Convert]::ToBase64String($b)"), a
 * subscript (os.environ["X"]), a PowerShell cmdlet after "$name =", or in
 * a call's keyword argument ("connect(host=h, password=password)") a bare
 * variable of the secret. Literals inside are judged one by one.
 */
static bool code_value(struct scanner *sc, struct name_verdict v, const char *p, size_t len,
		       size_t ns, size_t ne, size_t j)
{
	size_t k = j, seg = j, segs = 0, b = ns;
	bool call = false, kwarg;

	if (j >= len || !(ident_start((unsigned char)p[j]) || p[j] == '[' || p[j] == '$'))
		return false;
	while (b > 0 && p[b - 1] == ' ')
		b--;
	kwarg = b > 0 && (p[b - 1] == '(' || (p[b - 1] == ',' && b < ns));
	if (ns > 0 && p[ns - 1] == '$' && ident_start((unsigned char)p[j])) {
		/* PowerShell: "$cred = New-Object ...", "$pw = Read-Host -AsSecureString" */
		size_t e = ident_end(p, len, j);

		if (e < len && p[e] == '-' && e - j < 12) {
			char verb[13];

			memcpy(verb, p + j, e - j + 1);
			verb[e - j + 1] = '\0';
			if (bsearch(verb, ps_verbs, sizeof(ps_verbs) / sizeof(ps_verbs[0]), sizeof(ps_verbs[0]),
				    cmp_ps_verb) &&
			    ident_end(p, len, e + 1) > e + 1)
				return true;
		}
	}
	if (p[k] == '[') { /* a .NET type: [System.Text.Encoding]::UTF8 */
		for (k++; k < len && (is_alnum((unsigned char)p[k]) || p[k] == '.' || p[k] == '_'); k++)
			;
		if (k + 2 >= len || p[k] != ']' || p[k + 1] != ':' || p[k + 2] != ':')
			return false;
		k += 3;
		segs++;
	} else if (p[k] == '$') {
		k++;
	}
	for (;;) {
		size_t e = ident_end(p, len, k);

		if (e == k)
			break;
		seg = k;
		k = e;
		segs++;
		while (k < len && (p[k] == '(' || p[k] == '[')) {
			size_t nm = sc->nm, open = k;

			if (!(k = code_args(sc, v, p, len, k, 0)))
				return false; /* (literals judged so far stay judged) */
			/*
			 * a plain word's call ("hunter(2)") may be a password: a
			 * function's name has '_' or a hump, or it is called
			 * with nothing or with a literal ("input("Password: ")")
			 */
			call = call || segs > 1 || k == open + 2 || sc->nm > nm || p[open] == '[' ||
			       memchr(p + seg, '_', open - seg) || camel_hump(p, seg, open) ||
			       memchr(p + open, '"', k - open) || memchr(p + open, '\'', k - open);
			seg = k;
		}
		if (k + 1 < len && p[k] == '.' && ident_start((unsigned char)p[k + 1]))
			k++;
		else if (k + 2 < len && ((p[k] == ':' && p[k + 1] == ':') || (p[k] == '-' && p[k + 1] == '>')))
			k += 2;
		else
			break;
	}
	if (!segs || (k < len && !strchr(" ;,)\t\r", p[k])))
		return false;
	if (call)
		return true;
	/*
	 * a variable: a member of an object, or a bare one in a keyword
	 * argument or given to a member ("self.password = password")
	 */
	if (seg < k && (segs > 1 || (kwarg && (k == len || p[k] == ',' || p[k] == ')')) ||
			(p[j] == '$' && segs == 1) || self_member(p, ns, ne)) &&
	    (holder_ident(p, seg, k, ns, ne) || (v.rule == R_PASSWORD && password_ident(p, seg, k))))
		return true;
	return false;
}

/*
 * Is the name at [ns, ne) a C function's, heading a log message in prose
 * (Samba's "check_ntlm_password:  Authentication for user [x] FAILED")?
 * Lower case words joined by '_', the first a verb of checking; after ':',
 * two words of letters.
 */
static bool function_prefix(const char *p, size_t len, size_t ns, size_t ne)
{
	static const char *const verbs[] = { "check", "verify", "validate", "auth", "do", "try", NULL };
	size_t k = ne, w;
	bool verb = false;

	if (ne >= len || p[ne] != ':' || !memchr(p + ns, '_', ne - ns))
		return false;
	for (k = ns; k < ne; k++)
		if (!((p[k] >= 'a' && p[k] <= 'z') || p[k] == '_'))
			return false;
	for (const char *const *v = verbs; *v && !verb; v++)
		verb = ne - ns > strlen(*v) && !memcmp(p + ns, *v, strlen(*v)) && p[ns + strlen(*v)] == '_';
	if (!verb)
		return false;
	for (k = ne + 1; k < len && p[k] == ' '; k++)
		;
	for (w = 0; w < 2; w++) { /* two words of letters, the second in lower case */
		size_t s = k;

		while (k < len && ((p[k] >= 'a' && p[k] <= 'z') || (!w && k == s && p[k] >= 'A' && p[k] <= 'Z')))
			k++;
		if (k == s || (!w && (k >= len || p[k] != ' ')) || (w && k < len && p[k] != ' '))
			return false;
		k++;
	}
	return true;
}

/*
 * Windows Setup's answer file: <settings pass="oobeSystem"> names the
 * configuration pass its settings are for (windowsPE, specialize...).
 */
static bool unattend_pass(const char *p, size_t ns, size_t ne)
{
	size_t k = ns;

	if (ne - ns != 4 || !mem_ieq(p + ns, "pass", 4))
		return false;
	while (k > 0 && is_space((unsigned char)p[k - 1]))
		k--;
	return k >= 9 && !memcmp(p + k - 9, "<settings", 9);
}

/*
 * Eight dots or more at p[k] then a value: the leader a settings dump pads
 * a name to its value's column with (HikariCP's "password.........X"; a
 * progress message's "secret....done" has fewer).
 */
static bool dot_leader(const char *p, size_t len, size_t k)
{
	size_t e = k;

	while (e < len && p[e] == '.')
		e++;
	return e - k >= 8 && e < len && !is_space((unsigned char)p[e]);
}

/* How many of the quote q stand right before p[i] (up to 4). */
static size_t quote_run(const char *p, size_t i, char q)
{
	size_t n = 0;

	while (n < i && n < 4 && p[i - n - 1] == q)
		n++;
	return n;
}

/*
 * The end of a JSON string in a CSV field, its quotes doubled, from s (just
 * after its opening ""): at the next "" that no backslash escapes
 * ("{""pw"":""a\""b""}"), or the line's end.
 */
static size_t doubled_string_end(const char *p, size_t len, size_t s)
{
	for (size_t k = s; k + 1 < len; k++) {
		if (p[k] == '\\' && p[k + 1] == '"' && k + 2 < len && p[k + 2] == '"')
			k += 2;
		else if (p[k] == '\\')
			k++;
		else if (p[k] == '"' && p[k + 1] == '"')
			return k;
	}
	return len;
}

/* Does a match found on this line so far, for a label or a pseudonym, hold i? */
static bool in_any_match(const struct scanner *sc, size_t i)
{
	for (size_t m = 0; m < sc->nm; m++)
		if (sc->m[m].start <= i && i < sc->m[m].end)
			return true;
	return false;
}

/* "name = value" around a name at [ns, ne) in free text. */
static void probe_assign(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			 size_t ns, size_t ne)
{
	struct name_verdict v;
	const char *c, *x509;
	size_t j = ne, sp, vs, ve;
	bool cli = p[ns] == '-', xml = false, attr = false, quoted = false, pair = false;
	bool list = false, doubled = false;
	enum { SP_NONE, SP_HEX32, SP_CONFIG } spaced = SP_NONE; /* "name value" */

	if (sudoers_name(p, len, ns, ne))
		return;
	if (cli && glued_value(sc, p, ns, ne))
		return; /* mysql -pSecretPw db: the option's value, which names nothing */
	if (pam_service(p, len, ns, ne))
		return; /* pam_unix(passwd:chauthtok): a PAM service and its module type */
	if (unattend_pass(p, ns, ne))
		return;
	if (function_prefix(p, len, ns, ne))
		return; /* smbd: check_ntlm_password:  Authentication for user ... */
	/*
	 * (not in a match found before: a value's, which its label takes,
	 * "KEY=x.X.509 cert 'ACCESSKEY=y")
	 */
	if (ns > 12 && (x509 = mem_find(p, ns, "X.509 cert '", 12)) && !in_any_match(sc, (size_t)(x509 - p)))
		return; /* the kernel's "Loaded X.509 cert 'CN: key id'": a public key's id */
	if (ns >= 2 && p[ns - 2] == '$' && p[ns - 1] == '{' && j + 1 < len && p[j] == ':' &&
	    (p[j + 1] == '?' || (j + 2 < len && (p[j + 1] == '-' || p[j + 1] == '=') && p[j + 2] == '}')))
		return; /* the shell's ${API_TOKEN:?required}: an error message; ${API_KEY:-}: no default */
	/* the separator first: most words are not followed by one, and that is cheap to see */
	if (ns > 0 && (p[ns - 1] == '"' || p[ns - 1] == '\'')) {
		size_t before = quote_run(p, ns, p[ns - 1]), after = 0;

		while (j + after < len && after < 4 && p[j + after] == p[ns - 1])
			after++;
		if (before == 2 && after == 2) {
			quoted = doubled = true; /* a CSV field's JSON: "{""password"":""x""}" */
			j += 2;
		} else if (after) {
			quoted = true;
			j++;
		} else if (before == 1 && j + 2 < len && p[j] == ':' && p[j + 1] == p[ns - 1] &&
			   (sp = skip_blanks(p, len, j + 2)) < len && p[sp] == ':') {
			quoted = true; /* {"Password:": "x"}: a key with its colon, the one after it separates */
			j += 2;
		}
	}
	if (ns > quoted && p[ns - quoted - 1] == '[' && j < len && p[j] == ']')
		j++; /* a subscript: env[DB_PASSWORD] = x, os.environ["DB_PASSWORD"] = "x" */
	for (sp = j; j < len && (p[j] == ' ' || p[j] == '\t'); j++)
		;
	if (xml_open_at(p, ns) && sp < len && p[sp] == '>') { /* <password>x</password> */
		xml = true;
		j = sp + 1;
	} else if (!cli && !quoted && (vs = xml_name_element(p, len, ns, ne))) {
		xml_named(sc, tc, p, len, ns, ne, vs); /* <name>db.password</name><value>x</value> */
		return;
	} else if (!quoted && sp == ne && j > sp && xml_open_at(p, ns)) {
		attr = true; /* <secret encrypted="false">x</secret> */
		j = ne;
	} else if (!cli && !quoted && j == ne && dot_leader(p, len, j)) {
		while (p[j] == '.') /* "password........X" (dot_leader()) */
			j++;
	} else if (j < len && p[j] == '=') {
		if (j + 1 < len && (p[j + 1] == '=' || p[j + 1] == '~'))
			return;
		j++;
		if (j < len && p[j] == '>')
			j++;
	} else if (j < len && p[j] == ':') {
		if (j + 1 < len && p[j + 1] == ':')
			return;
		if (ns > 0 && p[ns - 1] == ':' && in_arn(p, ns))
			return;
		if (j + 2 < len && p[j + 1] == '/' && p[j + 2] == '/')
			return;
		if (ns >= 3 && !memcmp(p + ns - 3, "://", 3))
			return; /* scheme://user:password@ is the URL rule's */
		if (cli && ((len - j > 4 && !memcmp(p + j + 1, "env", 3) && p[j + 4] == ' ') ||
			    (len - j > 5 && !memcmp(p + j + 1, "file", 4) && p[j + 5] == ' ')))
			return; /* keytool -storepass:env VAR, -keypass:file PATH: where it is */
		j++;
		if (j < len && p[j] == '=')
			j++;
	} else if (quoted && xml_name_attr(p, ns)) {
		attr = true; /* <add key="SmtpPassword" value="x"/> */
	} else if (quoted && p[ns - 1] == '"' && json_pair_value(p, len, ns, ne, &vs, &ve)) {
		pair = true; /* {"value": "x", "name": "DB_PASSWORD"} in a log line */
	} else if (quoted && cli && j < len && p[j] == ',') {
		list = true; /* ["--db-password", "x"] */
	} else if (!cli && j == sp && j < len && p[j] == ',' &&
		   ((quoted && setter_arg(p, ns - 1)) || (!quoted && tuple_head(p, ns))) &&
		   literal_arg(p, len, j + 1, &vs, &ve)) {
		pair = true; /* define('DB_PASSWORD', 'x'), {default_pass, <<"x">>} */
	} else if (!cli && !quoted && j > sp && j < len && p[j] == '"' && isc_statement(p, len, j, &vs, &ve)) {
		pair = true; /* BIND, dhcpd: key "rndc-key" { secret "x"; }; */
	} else if (j > sp && j < len && !cli && hex32_at(p, len, j)) {
		spaced = SP_HEX32; /* "api_key 0123...": a key's shape after its name */
	} else if (j > sp && j < len && !cli && after_config_set(p, ns)) {
		spaced = SP_CONFIG;
	} else if (!(cli && j > sp && j < len && p[j] != '-')) {
		return; /* not an assignment ("--password VALUE" is one) */
	}
	if (list) {
		list_item(sc, p, len, ns, ne, j);
		return;
	}
	v = classify(sc, p + ns, ne - ns, NULL);
	if (spaced) {
		/* a weak name may be the end of a strong one: "api key 0123..." */
		if (v.cls == NC_WEAK && spaced == SP_HEX32 && ns >= 2 && p[ns - 1] == ' ' &&
		    name_char((unsigned char)p[ns - 2])) {
			size_t ps = ns - 1;

			while (ps > 0 && name_char((unsigned char)p[ps - 1]))
				ps--;
			v = classify(sc, p + ps, ne - ps, NULL);
		}
		if (v.cls != NC_STRONG)
			return;
		if (spaced == SP_HEX32)
			judge_value(sc, v, p, j, j + 32);
		else if (value_extent(p, len, j, v.cls, &vs, &ve))
			judge_value(sc, v, p, vs, ve);
		return;
	}
	if (v.cls == NC_NONE)
		return;
	if (v.rule == R_API_KEY && word_before(p, ns, public_words))
		return; /* "public key: ..." names a public key, which is no secret */
	if (pair) {
		judge_value(sc, v, p, vs, ve);
		return;
	}
	if (xml || attr) {
		if (xml ? element_text(p, len, j, &vs, &ve) || xml_child_value(p, len, j, &vs, &ve) :
			  xml_value_before(p, ns, &vs, &ve) || xml_attr_value(p, len, ns, j, &vs, &ve)) {
			size_t had = sc->nm;

			judge_value(sc, v, p, vs, ve);
			if (cdata_open(p, len, vs, ve))
				cdata_lines(sc, tc, v, had);
		} else if (attr) {
			const char *gt = memchr(p + j, '>', len - j);

			xml_tag_lines(tc, v, p, len, j);
			if (tc->state == TS_NONE && tc->xml && !tc->embedded && v.cls == NC_STRONG && gt &&
			    gt[-1] != '/' && trim_end(p, j, len) == (size_t)(gt - p) + 1) {
				tc->next_kind = NX_XML_NAME; /* <value>x</value> on the next line */
				tc->next = v;
			}
		}
		return;
	}
	while (j < len && (p[j] == ' ' || p[j] == '\t'))
		j++;
	if (sc->field_sep && (c = sep_outside_labels(p, j, len, sc->field_sep)))
		len = (size_t)(c - p); /* (see judge_value()) */
	if (doubled && j + 2 < len && p[j] == '"' && p[j + 1] == '"' && p[j + 2] != '"') {
		judge_value(sc, v, p, j + 2, doubled_string_end(p, len, j + 2));
		return;
	}
	if (literal_ends(p, len, ns, j))
		return; /* x = 'password = ' + y: code, and no value */
	if (!quoted && prompt_ends(p, len, ns, j))
		return; /* read -p "Password: " PW, expect "Password:" { send ... }: a prompt */
	if (quoted && p[ns - 1] == '"' && json_bracket_value(sc, NULL, p, len, 0, j, v))
		return; /* "password": {"value": "x"}, ... */
	if (code_value(sc, v, p, len, ns, ne, j))
		return; /* password = getpass.getpass(), connect(password=password) */
	if (value_extent(p, len, j, v.cls, &vs, &ve))
		judge_value(sc, v, p, vs, ve);
}

static void assign_hit(struct scanner *sc, struct textctx *tc, const char *p, size_t len, size_t i)
{
	size_t ns = i, ne = i;

	while (ns > 0 && key_char((unsigned char)p[ns - 1]))
		ns--;
	while (ne < len && key_char((unsigned char)p[ne]) && !dot_leader(p, len, ne))
		ne++;
	if (ns >= sc->probed_start && ns < sc->probed_end)
		return; /* this name was looked at already */
	sc->probed_start = ns;
	sc->probed_end = ne;
	probe_assign(sc, tc, p, len, ns, ne);
}

/* ---- URLs, PEM, command lines, bearer tokens ---- */

/* What ends a URL: also raw bytes past ASCII (a URL percent-encodes them). */
static bool url_stop(int c)
{
	return is_space(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c >= 0x80;
}

/*
 * The first sep in [s, e) outside our own labels, or NULL. Whole ones only:
 * "[REDACTED:`:pw" is text a label never was, its ':' a separator.
 */
static const char *sep_outside_labels(const char *p, size_t s, size_t e, char sep)
{
	for (size_t k = s; k < e; k++) {
		size_t l = p[k] == '[' ? label_len(p + k, e - k) : 0;

		if (l) {
			k += l - 1;
		} else if (p[k] == sep) {
			return p + k;
		}
	}
	return NULL;
}

static const char *colon_outside_labels(const char *p, size_t s, size_t e)
{
	return sep_outside_labels(p, s, e, ':');
}

/*
 * A user name this engine made ("user-" and 8 hex digits, the format pii.h
 * documents): a field known to hold a user name keeps it as it is, so that
 * redacting twice changes nothing more.
 */
static bool username_token(const char *p, size_t len)
{
	if (len != 13 || memcmp(p, "user-", 5))
		return false;
	for (size_t i = 5; i < 13; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static void url_hit(struct scanner *sc, const char *p, size_t len, size_t i)
{
	size_t s = i, a = i + 3, e, at = SIZE_MAX;
	const char *colon;

	while (s > 0 && (is_alnum((unsigned char)p[s - 1]) || p[s - 1] == '+' || p[s - 1] == '.' ||
			 p[s - 1] == '-'))
		s--;
	if (i - s < 2 || username_token(p + s, i - s))
		return; /* a one-letter scheme is none; nor is our user token (a name the first time) */
	for (e = a; e < len && !url_stop((unsigned char)p[e]) && p[e] != '/' && p[e] != '?' &&
		    p[e] != '#';
	     e++)
		if (p[e] == '@')
			at = e;
	if (at == SIZE_MAX) {
		/* an unencoded '/', '?' or '#' in the password: "u:pa/ss@host" */
		size_t k, d;

		colon = colon_outside_labels(p, a, e);
		if (!colon)
			return;
		for (d = (size_t)(colon - p) + 1; d < e && p[d] >= '0' && p[d] <= '9'; d++)
			;
		if (d == e)
			return; /* host:port */
		for (k = e; k < len && !url_stop((unsigned char)p[k]); k++)
			if (p[k] == '@')
				at = k; /* the last one, as in an authority without '/' */
		if (at == SIZE_MAX)
			return;
	}
	colon = colon_outside_labels(p, a, at);
	if (colon) {
		size_t ps = (size_t)(colon - p) + 1;

		/*
		 * Our label in the user information stands for what the first
		 * pass saw there, perhaps a '/' that made this no user:password
		 * at all ("https://host/path/TOKEN:x@y"): that pass judged it.
		 * (A password of labels only is a placeholder.) Only a whole
		 * label: "[REDACTED:u:pw@" is a user name of the input's.
		 */
		if (holds_label(p + a, at - a))
			return;
		if (sc->on[R_URL_CREDENTIALS] && at > ps && !value_is_placeholder(p + ps, at - ps) &&
		    !allowed_value(sc, p + ps, at - ps))
			add_match(sc, ps, at, R_URL_CREDENTIALS, RK_LABEL, 0);
	} else if (!holds_label(p + a, at - a) && value_looks_secret(p + a, at - a)) {
		size_t he = at + 1;
		int rule;

		while (he < len && !url_stop((unsigned char)p[he]) && p[he] != '/')
			he++;
		/*
		 * Our label after the '@' stands for what the first pass saw
		 * there, perhaps a "user:password@" that made this part no
		 * token but a user name: that pass judged it.
		 */
		if (holds_label(p + at, he - at))
			return;
		rule = mem_ifind(p + at, he - at, "sentry", 6) ? R_SENTRY_DSN : R_URL_CREDENTIALS;
		if (sc->on[rule])
			add_shape_match(sc, a, at, rule);
	}
}

/*
 * Go's MySQL driver names a server without a scheme ("user:PASS@tcp(host:3306)/db",
 * "user:PASS@unix(/run/mysqld/mysqld.sock)/db", "user:PASS@(host)/db"), the
 * form of Gitea, Grafana and mysqld_exporter's DATA_SOURCE_NAME. The trigger
 * is the '@' and the protocol's opening parenthesis, at i; the address must
 * close, and without a protocol a '/' follow. The user is from the last '=', ',' or ';' before
 * the first ':' of the word (a password may hold any of them after it).
 */
static void dsn_hit(struct scanner *sc, const char *p, size_t len, size_t i)
{
	size_t s = i, us, ps, k;
	const char *colon, *close = memchr(p + i, ')', MIN(len - i, (size_t)256));

	if (!sc->on[R_URL_CREDENTIALS])
		return;
	if (p[i + 1] == '/') {
		/* "user:pw@/db" (the default address): a database's name, then the DSN's end or "?" */
		for (k = i + 2; k < len && (is_alnum((unsigned char)p[k]) || p[k] == '_' || p[k] == '-'); k++)
			;
		if (k < len && !url_stop((unsigned char)p[k]) && p[k] != '?' && p[k] != ',' && p[k] != ';')
			return;
	} else if (!close || (p[i + 1] == '(' && ((size_t)(close - p) + 1 >= len || close[1] != '/'))) {
		return; /* a named protocol says enough; "@(x)" needs its "/db" */
	} else {
		for (k = i; k < (size_t)(close - p); k++)
			if (url_stop((unsigned char)p[k]))
				return;
	}
	while (s > 0 && i - s < 256 && !url_stop((unsigned char)p[s - 1]))
		s--;
	if (!(colon = memchr(p + s, ':', i - s)) || mem_find(p + s, i - s, "://", 3))
		return; /* no password, or a URL: url_hit()'s */
	ps = (size_t)(colon - p) + 1;
	for (us = ps - 1; us > s && !strchr("=,;", p[us - 1]); us--)
		;
	if (us == ps - 1 || ps == i || mem_find(p + us, i - us, "[REDACTED:", 10) ||
	    value_is_placeholder(p + ps, i - ps) || allowed_value(sc, p + ps, i - ps))
		return;
	add_match(sc, ps, i, R_URL_CREDENTIALS, RK_LABEL, 0);
}

/*
 * Where p[0, n) is after its leading blanks and then count words (each with
 * the blanks after it); SIZE_MAX when it holds fewer words.
 */
static size_t skip_words(const char *p, size_t n, unsigned count)
{
	size_t k = 0;

	while (k < n && is_space((unsigned char)p[k]))
		k++;
	for (unsigned w = 0; w < count; w++) {
		if (k == n)
			return SIZE_MAX;
		while (k < n && !is_space((unsigned char)p[k]))
			k++;
		while (k < n && is_space((unsigned char)p[k]))
			k++;
	}
	return k;
}

/* A header line of a PEM block starts with its name ("Proc-Type: 4,ENCRYPTED"). */
static bool pem_header(const char *p, size_t n)
{
	return (n >= 10 && mem_ieq(p, "Proc-Type:", 10)) || (n >= 9 && mem_ieq(p, "DEK-Info:", 9)) ||
	       (n >= 8 && mem_ieq(p, "Comment:", 8));
}

/* The base64 of a PEM body line, without quotes, commas and a "\n" around it. */
static void pem_core(const char *p, size_t len, size_t *sp, size_t *ep)
{
	size_t s = 0, e = len;

	while (s < e && (is_space((unsigned char)p[s]) || p[s] == '"' || p[s] == '\''))
		s++;
	while (e > s && (is_space((unsigned char)p[e - 1]) || p[e - 1] == '"' || p[e - 1] == '\'' ||
			 p[e - 1] == ',' || p[e - 1] == '\\'))
		e--;
	if (e - s >= 2 && p[e - 2] == '\\' && p[e - 1] == 'n')
		e -= 2;
	*sp = s;
	*ep = e;
}

bool pem_body_line(const char *p, size_t len)
{
	size_t s, e;

	pem_core(p, len, &s, &e);
	if (pem_header(p + s, e - s)) /* by its name: a length would change with a pseudonym in it */
		return true;
	for (size_t i = s; i < e; i++)
		if (!is_alnum((unsigned char)p[i]) && p[i] != '+' && p[i] != '/' && p[i] != '=')
			return false;
	return true;
}

/*
 * The shape of a log line's prefix: letters and digits as one class, blanks
 * as another, each run as one, other bytes as they are ("Mar 11 10:22:04
 * web01 app[1]:" and "Mar 12 09:01:00 web01 app[17]:" share one). Not digits
 * apart from letters: a host's pseudonym ("h73800805") would change that
 * shape on a second pass. Its hash, never 0.
 */
static uint32_t prefix_shape(const char *p, size_t n)
{
	uint64_t h = FNV1A_INIT;
	char last = 0;

	while (n && is_space((unsigned char)p[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char k = is_alnum(c) ? 'a' : is_space(c) ? ' ' : (char)c;

		if (k != last || !strchr("a ", k))
			h = fnv1a(h, &k, 1);
		last = k;
	}
	return (uint32_t)h | 1;
}

static void pem_hit(struct scanner *sc, struct textctx *tc, const char *p, size_t len, size_t i)
{
	size_t k = i + 10, bs, e;
	const char *m, *endm;

	if (!sc->on[R_PRIVATE_KEY] || k >= len || p[k] != ' ')
		return;
	m = mem_find(p + k, MIN(len - k, (size_t)80), "-----", 5);
	if (!m || (!mem_ifind(p + k, (size_t)(m - p) - k, "PRIVATE KEY", 11) &&
		   !mem_ifind(p + k, (size_t)(m - p) - k, "OpenVPN Static key", 18)))
		return; /* an OpenVPN static key (tls-auth, tls-crypt, secret) is a shared secret */
	for (size_t h = k; h < (size_t)(m - p); h++)
		if (!is_alnum((unsigned char)p[h]) && p[h] != ' ')
			return; /* "RSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK": words only */
	bs = (size_t)(m - p) + 5;
	endm = mem_find(p + bs, len - bs, "-----END", 8);
	if (endm) { /* the whole key on one line, with escaped newlines */
		add_match(sc, bs, (size_t)(endm - p), R_PRIVATE_KEY, RK_LABEL, 0);
		return;
	}
	for (e = len; e > bs && (is_space((unsigned char)p[e - 1]) || p[e - 1] == '"' ||
				 p[e - 1] == '\'' || p[e - 1] == ','); e--)
		;
	if (e > bs && p[e - 1] == ':')
		e--; /* no base64 ends in ':': a YAML key's (read as lines), which stays */
	for (k = bs; k < e && (p[k] == '"' || p[k] == '\''); k++)
		;
	if (k < e && value_is_redacted(p + k, e - k))
		return; /* our label already (redacted twice: the same) */
	add_match(sc, bs, e, R_PRIVATE_KEY, RK_LABEL, 0);
	if (tc->state != TS_NONE)
		return; /* inside a quoted secret value already dropped to its end */
	tc->state = TS_PEM;
	tc->rule = R_PRIVATE_KEY;
	tc->label_done = e > bs;
	tc->pem_key = 0;
	tc->pem_words = 0; /* a logger's prefix: "Mar 11 10:22:04 web01 app[1]:" */
	while (tc->pem_words < UINT8_MAX && skip_words(p, i, tc->pem_words + 1u) <= i)
		tc->pem_words++;
	/*
	 * No prefix that long; nor one that holds our label, whose shape the
	 * first pass saw otherwise (it may have matched its body lines' then);
	 * nor one glued to "-----BEGIN": a logger puts a blank after its own;
	 * nor in a file of secrets, whose words are its fields (a first pass
	 * took some, and a second would then see a label in the prefix).
	 */
	if (tc->pem_words == UINT8_MAX || holds_label(p, i) ||
	    (i && !is_space((unsigned char)p[i - 1])) || tc->secret_map)
		tc->pem_words = 0;
	tc->pem_shape = prefix_shape(p, i);
}

/*
 * A body line of a key that a logger wrote with a prefix on each line (a
 * time, a host, a tag): as many words as before "-----BEGIN", of the same
 * shape, then one word of base64, a header, or nothing. The prefix stays
 * and the word goes: 1; 0 when the line is no such line, -1 on an error.
 */
static int prefixed_body(struct scanner *sc, const struct textctx *tc, const char *p, size_t len,
			  bool nl, struct rbuf *out, uint64_t lineno)
{
	size_t e = trim_end(p, 0, len), r = skip_words(p, e, tc->pem_words), cs, ce;

	if (r == SIZE_MAX || prefix_shape(p, r) != tc->pem_shape)
		return 0;
	pem_core(p + r, e - r, &cs, &ce);
	if (memchr(p + r, ' ', e - r) || memchr(p + r, '\t', e - r) || !pem_body_line(p + r, e - r)) {
		if (!pem_header(p + r, e - r))
			return 0;
		cs = ce = len - r; /* a header: the whole line is text */
	}
	{ /* the prefix is redacted as text (a host name, an address) */
		struct textctx pre = { .fmt = F_TEXT, .embedded = true };

		if (scan_record(sc, &pre, p, r + cs, out, lineno, 0))
			return -1;
	}
	if (ce > cs) {
		put_label(sc, out, tc->rule);
		report_hit(sc, tc->rule, lineno);
	}
	rbuf_add(out, p + r + ce, len - r - ce);
	if (nl)
		rbuf_addch(out, '\n');
	return out->oom ? -1 : 1;
}

static bool b64_char(int c)
{
	return is_alnum(c) || c == '+' || c == '/' || c == '=';
}

static bool b64_run(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!b64_char((unsigned char)p[i]))
			return false;
	return true;
}

/* A line of base64 alone, indented or not. */
static bool b64_line(const char *p, size_t len)
{
	size_t s = 0, e = len;

	while (s < e && (p[s] == ' ' || p[s] == '\t'))
		s++;
	while (e > s && is_space((unsigned char)p[e - 1]))
		e--;
	return e > s && b64_run(p + s, e - s);
}

/*
 * The line after an SMTP server's AUTH LOGIN prompt ("334 UGFzc3dvcmQ6",
 * "Password:" in base64) is the client's answer: its last word, base64, is
 * the password (or, after "Username:", the user name), alone on the line or
 * after a prefix that ends in a mark ("C: ", ">>> ", "postfix/smtp[1]: > mx: "),
 * not a word (an "... is done" that a log interleaved keeps it); Python's
 * smtplib quotes it ("send: 'U210cA==\r\n'"). A blank line, or one that
 * repeats the prompt ("reply: retcode (334); Msg: b'UGFzc3dvcmQ6'"), leaves
 * the answer to come.
 */
static void sasl_answer(struct scanner *sc, struct textctx *tc, const char *p, size_t len)
{
	size_t e = trim_end(p, 0, len), s, ws, k;
	char q = 0;

	if (!e)
		return;
	if (p[e - 1] == '\'' || p[e - 1] == '"') {
		q = p[--e];
		if (e >= 4 && !memcmp(p + e - 4, "\\r\\n", 4))
			e -= 4;
		else if (e >= 2 && !memcmp(p + e - 2, "\\n", 2))
			e -= 2;
	}
	for (s = e; s > 0 && b64_char((unsigned char)p[s - 1]); s--)
		;
	if (e - s == 12 && (!memcmp(p + s, "UGFzc3dvcmQ6", 12) || !memcmp(p + s, "VXNlcm5hbWU6", 12) ||
			    !memcmp(p + s, "cGFzc3dvcmQ6", 12) || !memcmp(p + s, "dXNlcm5hbWU6", 12)))
		return;
	tc->sasl_next = false;
	ws = s - (q && s > 0 && p[s - 1] == q);
	if (e - s < 4 || (e - s) % 4 || (q && ws == s))
		return;
	for (k = ws; k > 0 && (p[k - 1] == ' ' || p[k - 1] == '\t'); k--)
		;
	if (k == ws ? k > 0 : k > 0 && is_alnum((unsigned char)p[k - 1]))
		return; /* glued to a word, or a word before its blanks (none: the line's start) */
	add_match(sc, s, e, R_CREDENTIAL, RK_LABEL, 0);
}

/*
 * expect scripts: "expect "*assword:*"" then "send "hunter2\r"" (on the
 * same line, in its { } action, or on the next), and "expect {" blocks of
 * "PATTERN { send ... }" lines. What a send answers a password prompt
 * with goes (a variable, "$pw\r", stays); other sends (commands) stay.
 */

/* Does [s, e) ask for a password: "assword", "assphrase", "asscode", "PIN"? */
static bool password_prompt(const char *p, size_t s, size_t e)
{
	return mem_ifind(p + s, e - s, "assword", 7) || mem_ifind(p + s, e - s, "assphrase", 9) ||
	       mem_ifind(p + s, e - s, "asscode", 7) || mem_find(p + s, e - s, "PIN", 3);
}

/* The word or quoted string at p[k]: [*s, *e) its text, the end its return (k when none). */
static size_t tcl_word(const char *p, size_t len, size_t k, size_t *s, size_t *e)
{
	size_t j = k;

	if (k < len && (p[k] == '"' || p[k] == '{')) {
		char close = p[k] == '"' ? '"' : '}';

		for (j = k + 1; j < len && p[j] != close; j++)
			if (p[j] == '\\')
				j++;
		if (j >= len)
			return k;
		*s = k + 1;
		*e = j;
		return j + 1;
	}
	while (j < len && !is_space((unsigned char)p[j]) && p[j] != ';' && p[j] != '}')
		j += p[j] == '\\' ? 2 : 1;
	j = MIN(j, len);
	*s = k;
	*e = j;
	return j;
}

/* A send from p[k] on: its string, but a final \r or \n, goes. True when there was a send. */
static bool expect_send(struct scanner *sc, const char *p, size_t len, size_t k)
{
	static const struct name_verdict v = { .cls = NC_STRONG, .rule = R_PASSWORD };
	const char *at = mem_find(p + k, len - k, "send", 4);
	size_t s, e;

	while (at && ((at > p && (is_alnum((unsigned char)at[-1]) || at[-1] == '_')) ||
		      (size_t)(at + 4 - p) >= len || !is_space((unsigned char)at[4])))
		at = mem_find(at + 1, len - (size_t)(at + 1 - p), "send", 4);
	if (!at)
		return false;
	k = skip_blanks(p, len, (size_t)(at + 4 - p));
	while (k + 1 < len && p[k] == '-' && p[k + 1] != ' ') /* send -- "x", send -s "x" */
		k = skip_blanks(p, len, tcl_word(p, len, k, &s, &e));
	if (k + 1 < len && p[k] == '-' && p[k + 1] == '-')
		k = skip_blanks(p, len, k + 2);
	if (tcl_word(p, len, k, &s, &e) == k || e == s)
		return true;
	while (e - s >= 2 && p[e - 2] == '\\' && (p[e - 1] == 'r' || p[e - 1] == 'n'))
		e -= 2;
	if (e > s && sc->on[R_PASSWORD])
		judge_value(sc, v, p, s, e);
	return true;
}

/* An expect pattern at p[k] (after its flags): a password prompt's send goes, here or next line. */
static void expect_pattern(struct scanner *sc, struct textctx *tc, const char *p, size_t len, size_t k)
{
	size_t s, e, after;

	while (k + 1 < len && p[k] == '-' && is_alnum((unsigned char)p[k + 1])) /* -re, -ex, -nocase */
		k = skip_blanks(p, len, tcl_word(p, len, k, &s, &e));
	if (k < len && p[k] == '{' && trim_end(p, k + 1, len) == k + 1) {
		tc->expect = 2; /* expect { on its own: pattern-action lines follow */
		return;
	}
	if ((after = tcl_word(p, len, k, &s, &e)) == k || !password_prompt(p, s, e))
		return;
	if (!expect_send(sc, p, len, after) && !tc->embedded)
		tc->expect = tc->expect == 2 ? 2 : 1;
}

/* A line after "expect PROMPT" or in an "expect {" block. */
static void expect_line(struct scanner *sc, struct textctx *tc, const char *p, size_t len)
{
	size_t k = skip_blanks(p, len, 0);

	if (k == len || p[k] == '\r')
		return; /* a blank line: the send may come on the next */
	if (tc->expect == 1) {
		tc->expect = 0;
		if (len - k > 5 && !memcmp(p + k, "send", 4) && is_space((unsigned char)p[k + 4]))
			expect_send(sc, p, len, k);
		return;
	}
	if (p[k] == '}' && trim_end(p, k + 1, len) == k + 1) {
		tc->expect = 0; /* the block's end */
		return;
	}
	if (p[k] == '"' || p[k] == '-')
		expect_pattern(sc, tc, p, len, k);
}

/*
 * PuTTY's .ppk: the N lines of base64 after "Private-Lines: N" go (on this
 * line when a JSON string holds the file, "\n"-escaped), and so does the
 * "Private-MAC:" (version 1: "Private-Hash:") that checks them. The public
 * lines stay.
 */
static void ppk_hit(struct scanner *sc, struct textctx *tc, const char *p, size_t len, size_t i,
		    size_t n)
{
	size_t k = i + n, vs, body = 0, e = 0;
	unsigned lines = 0;

	if (i < 7 || memcmp(p + i - 7, "Private", 7))
		return; /* the trigger is "-Lines:", "-MAC:", "-Hash:" */
	i -= 7;
	if (!sc->on[R_PUTTY_PRIVATE_KEY] ||
	    (i > 0 && (is_alnum((unsigned char)p[i - 1]) || p[i - 1] == '-') &&
	     !(i > 1 && p[i - 2] == '\\' && p[i - 1] == 'n'))) /* after "\n": a new line */
		return;
	while (k < len && p[k] == ' ')
		k++;
	if (p[i + 8] != 'L') { /* the MAC or hash */
		for (vs = k; k < len && hex_digit((unsigned char)p[k]); k++)
			;
		if (k - vs >= 20 && (k == len || !is_alnum((unsigned char)p[k])))
			add_match(sc, vs, k, R_PUTTY_PRIVATE_KEY, RK_LABEL, 0);
		return;
	}
	for (; k < len && p[k] >= '0' && p[k] <= '9' && lines < 100000; k++)
		lines = lines * 10 + (unsigned)(p[k] - '0');
	if (!lines)
		return;
	if (k + 1 < len && p[k] == '\\' && (p[k + 1] == 'n' || p[k + 1] == 'r')) {
		for (unsigned l = 0; l < lines; l++) { /* "\n" (or "\r\n"), then a line of base64 */
			size_t b;

			if (k + 3 < len && !memcmp(p + k, "\\r\\n", 4))
				k += 4;
			else if (k + 1 < len && !memcmp(p + k, "\\n", 2))
				k += 2;
			else
				break;
			for (b = k; k < len && b64_char((unsigned char)p[k]); k++)
				;
			if (k == b)
				break;
			if (!body)
				body = b;
			e = k;
		}
		if (body)
			add_match(sc, body, e, R_PUTTY_PRIVATE_KEY, RK_LABEL, 0);
		return;
	}
	while (k < len && is_space((unsigned char)p[k]))
		k++;
	if (k < len || tc->state != TS_NONE)
		return; /* not the line of a key file, or inside a value dropped already */
	tc->state = TS_COUNTED;
	tc->left = lines;
	tc->rule = R_PUTTY_PRIVATE_KEY;
	tc->label_done = false;
}

/*
 * Commands that take a password on their command line, and the options that
 * carry it: attached ("-pSECRET", "--user=u:SECRET") or as the next word
 * ("-p SECRET"), all of the value or what follows the user name in it
 * ("-u user:SECRET", Samba's "-U user%SECRET"). Other passwords on command
 * lines are found by their option's name ("--password X", "-storepass X").
 */
enum {
	CO_ATTACHED = 1,    /* -pSECRET, or --opt=SECRET for a long option */
	CO_NEXT = 2,        /* -p SECRET */
	CO_COLON = 4,       /* the value is user:SECRET */
	CO_PERCENT = 8,     /* the value is user%SECRET */
	CO_COMMA = 16,      /* the value is user,SECRET (lftp) */
	CO_CERT = 32,       /* the value is FILE:SECRET (curl --cert), a drive's "C:" aside */
	CO_COOKIE = 64,     /* the value is name=SECRET[; name=SECRET...], else a file's name */
};

struct cli_opt {
	const char *name;
	unsigned how;
};

static void htpasswd_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void net_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void rabbitmqctl_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void securestring_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void ipmitool_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void racadm_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void setx_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void reg_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void itemproperty_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void php_arg3(struct scanner *sc, const char *p, size_t len, size_t k);
static void radius_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void php_arg4(struct scanner *sc, const char *p, size_t len, size_t k);
static void oracle_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void rman_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void userid_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void connect_args(struct scanner *sc, const char *p, size_t len, size_t k);
static void vault_login_args(struct scanner *sc, const char *p, size_t len, size_t k);

/* The options of a container registry's "login" (--password-stdin: cli_stdin_tools[]) */
#define CLI_LOGIN { { "-p", CO_ATTACHED | CO_NEXT } }, NULL

static const struct cli_tool {
	const char *name;
	uint8_t skip;               /* its trigger (engine.c) is the name from here on */
	bool prefix;                /* "mysql" is mysqldump, mysqladmin... too */
	void (*args)(struct scanner *sc, const char *p, size_t len, size_t k); /* or opts: */
	struct cli_opt opts[8];
	const char *arg_letters;    /* its short options with a value, if it reads "-sSu" as -s -S -u */
} cli_tools[] = {
	/*
	 * "-p" alone prompts. Each of the MySQL tools gives some letters a
	 * value of their own (the client's -e is a query, mysqldump's -e a
	 * flag): the client and mysqldump are told apart, and the others know
	 * only the letters that take a value in all of them (at worst a value
	 * holding a 'p' is taken for a password).
	 */
	{ "mysql", 0, false, NULL, { { "-p", CO_ATTACHED } }, "DehPSu#" },
	{ "mysqldump", 0, false, NULL, { { "-p", CO_ATTACHED } }, "hPrSTuw#" },
	{ "mysql", 0, true, NULL, { { "-p", CO_ATTACHED } }, "hPSu#" },
	{ "mariadb", 0, false, NULL, { { "-p", CO_ATTACHED } }, "DehPSu#" },
	{ "mariadb-dump", 0, false, NULL, { { "-p", CO_ATTACHED } }, "hPrSTuw#" },
	{ "mariadb", 0, true, NULL, { { "-p", CO_ATTACHED } }, "hPSu#" },
	/* -e (1.10: -e[VAR]) reads the password from the environment */
	{ "sshpass", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, "dfpP" },
	{ "curl", 0, false, NULL, {
		{ "-u", CO_ATTACHED | CO_NEXT | CO_COLON },
		{ "--user", CO_ATTACHED | CO_NEXT | CO_COLON },
		{ "-U", CO_ATTACHED | CO_NEXT | CO_COLON },
		{ "--proxy-user", CO_ATTACHED | CO_NEXT | CO_COLON },
		{ "-b", CO_ATTACHED | CO_NEXT | CO_COOKIE },
		{ "--cookie", CO_ATTACHED | CO_NEXT | CO_COOKIE },
		{ "-E", CO_ATTACHED | CO_NEXT | CO_CERT },
		{ "--cert", CO_ATTACHED | CO_NEXT | CO_CERT },
	}, "AbcCdDeEFHKmoPQrtTuUwxXyYz" },
	{ "redis-cli", 3, false, NULL, { { "-a", CO_NEXT }, { "--pass", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "smbclient", 0, false, NULL, {
		{ "-U", CO_ATTACHED | CO_NEXT | CO_PERCENT },
		{ "--user", CO_ATTACHED | CO_NEXT | CO_PERCENT },
	}, "AbcdDiIlLmMnOpRsStTW" }, /* Samba's popt: its own, common, older (-i, -S) */
	{ "rpcclient", 0, false, NULL, {
		{ "-U", CO_ATTACHED | CO_NEXT | CO_PERCENT },
		{ "--user", CO_ATTACHED | CO_NEXT | CO_PERCENT },
	}, "AcdiIlmnOpRsSW" },
	{ "openssl", 3, false, NULL, { { "-k", CO_NEXT }, { "-K", CO_NEXT } }, NULL }, /* enc's, raw key */
	{ "keytool", 0, false, NULL, { { "-new", CO_NEXT } }, NULL },    /* -storepasswd -new X */
	{ "htpasswd", 0, false, htpasswd_args, { { NULL, 0 } }, NULL },
	/*
	 * OpenLDAP's clients: -w the bind password (-W, -y prompt or read a
	 * file), ldappasswd's -s the new one and -a the old; the letters are
	 * their common options with a value and each tool's own.
	 */
	{ "ldapsearch", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "abdDeEFhHlNoOpPRsSTUXyYz" },
	{ "ldappasswd", 0, false, NULL, {
		{ "-w", CO_ATTACHED | CO_NEXT },
		{ "-s", CO_ATTACHED | CO_NEXT },
		{ "-a", CO_ATTACHED | CO_NEXT },
	}, "adDeEhHoOpPRstTUXyY" },
	{ "ldapmodify", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEfhHoOpPRSUXyY" },
	{ "ldapadd", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEfhHoOpPRSUXyY" },
	{ "ldapdelete", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEfhHoOpPRUXyYz" },
	{ "ldapmodrdn", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEfhHoOpPRUXyY" },
	{ "ldapwhoami", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEhHoOpPRUXyY" },
	{ "ldapcompare", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEhHoOpPRUXyY" },
	{ "ldapexop", 0, false, NULL, { { "-w", CO_ATTACHED | CO_NEXT } }, "dDeEhHoOpPRUXyY" },
	/*
	 * net-snmp's commands (snmpwalk, snmpget, snmpbulkwalk, snmptrap...):
	 * -c the community, -A and -X the SNMPv3 passphrases; its daemons'
	 * -c is a configuration file.
	 */
	{ "snmpd", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "snmptrapd", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "snmp", 0, true, NULL, {
		{ "-c", CO_ATTACHED | CO_NEXT },
		{ "-A", CO_ATTACHED | CO_NEXT },
		{ "-X", CO_ATTACHED | CO_NEXT },
	}, "aAcCDeEIlLmMnOPrtTuvxXYZ" },
	{ "docker login", 0, false, NULL, CLI_LOGIN },
	{ "podman login", 0, false, NULL, CLI_LOGIN },
	{ "nerdctl login", 0, false, NULL, CLI_LOGIN },
	{ "buildah login", 0, false, NULL, CLI_LOGIN },
	{ "skopeo login", 0, false, NULL, CLI_LOGIN },
	{ "helm registry login", 0, false, NULL, CLI_LOGIN },
	{ "az login", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "ipmitool", 0, false, ipmitool_args, { { "-P", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "racadm", 0, false, racadm_args, { { "-p", CO_NEXT } }, NULL },
	/* Sysinternals' PsExec, PsExec64: "-u USER -p PASSWORD" */
	{ "psexec", 1, true, NULL, { { "-p", CO_NEXT } }, NULL },
	/* Active Directory's ds tools: "-u USER -p PASSWORD" ("-p *" prompts) */
	{ "dsquery", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "dsget", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "dsmod", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "dsadd", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "dsrm", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "dsmove", 0, false, NULL, { { "-p", CO_NEXT } }, NULL },
	{ "setx", 1, false, setx_args, { { NULL, 0 } }, NULL },
	{ "reg add", 1, false, reg_args, { { NULL, 0 } }, NULL },
	{ "PDO->__construct(", 0, true, php_arg3, { { NULL, 0 } }, NULL },
	{ "PDO::__construct(", 0, true, php_arg3, { { NULL, 0 } }, NULL },
	{ "->createPdoConnection(", 2, true, php_arg3, { { NULL, 0 } }, NULL },
	{ "mysqli->real_connect(", 0, true, php_arg3, { { NULL, 0 } }, NULL },
	{ "mysqli->__construct(", 0, true, php_arg3, { { NULL, 0 } }, NULL },
	{ "mysqli_connect(", 0, true, php_arg3, { { NULL, 0 } }, NULL },
	{ "mysqli_real_connect(", 0, true, php_arg4, { { NULL, 0 } }, NULL },
	{ "Login incorrect", 0, true, radius_args, { { NULL, 0 } }, NULL },
	{ "Login OK: [", 0, true, radius_args, { { NULL, 0 } }, NULL },
	{ "Set-ItemProperty", 3, false, itemproperty_args, { { NULL, 0 } }, NULL },
	{ "New-ItemProperty", 3, false, itemproperty_args, { { NULL, 0 } }, NULL },
	/* SQL Server's clients: "-U sa -P X", "-PX" */
	/* PowerShell's Invoke-Sqlcmd: its -Password is no "-P" with "assword" attached */
	{ "Invoke-Sqlcmd", 7, false, NULL, { { "-Password", CO_NEXT } }, NULL },
	{ "sqlcmd", 0, false, NULL, { { "-P", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "bcp", 0, false, NULL, { { "-P", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "osql", 0, false, NULL, { { "-P", CO_ATTACHED | CO_NEXT } }, NULL },
	/* mongo, mongosh, mongodump...; "-p" before another option prompts */
	{ "mongo", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "mongosh", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "mongodump", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "mongorestore", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "mongoexport", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "mongoimport", 0, false, NULL, { { "-p", CO_ATTACHED | CO_NEXT } }, NULL },
	{ "lftp", 0, false, NULL, { { "-u", CO_NEXT | CO_COMMA } }, NULL },
	{ "schtasks", 0, false, NULL, {
		{ "/rp", CO_NEXT }, { "/RP", CO_NEXT }, { "/p", CO_NEXT }, { "/P", CO_NEXT },
	}, NULL },
	{ "net use", 0, true, net_args, { { NULL, 0 } }, NULL },
	{ "net.exe use", 0, true, net_args, { { NULL, 0 } }, NULL },
	{ "net.exe\" use", 0, true, net_args, { { NULL, 0 } }, NULL }, /* "C:\...\net.exe" user */
	{ "rabbitmqctl", 0, false, rabbitmqctl_args, { { NULL, 0 } }, NULL },
	{ "ConvertTo-SecureString", 0, false, securestring_args, { { NULL, 0 } }, NULL },
	/*
	 * Oracle's clients take a logon "user/password[@connect]" ("/ as
	 * sysdba", "/nolog", "/@alias" have none): SQL*Plus, Data Guard's
	 * dgmgrl, the Data Pump and SQL*Loader as their first word or
	 * "userid=" (exp, imp, parameter files too), RMAN after "target",
	 * "catalog", "auxiliary"; "connect"/"conn" at a line's start in a
	 * SQL*Plus script or its spool.
	 */
	{ "sqlplus", 0, false, oracle_args, { { NULL, 0 } }, NULL },
	{ "dgmgrl", 0, false, oracle_args, { { NULL, 0 } }, NULL },
	{ "expdp", 0, false, oracle_args, { { NULL, 0 } }, NULL },
	{ "impdp", 0, false, oracle_args, { { NULL, 0 } }, NULL },
	{ "sqlldr", 0, false, oracle_args, { { NULL, 0 } }, NULL },
	{ "exp ", 0, true, oracle_args, { { NULL, 0 } }, NULL }, /* its blank: not "regexp", "export" */
	{ "imp ", 0, true, oracle_args, { { NULL, 0 } }, NULL },
	{ "rman", 0, false, rman_args, { { NULL, 0 } }, NULL },
	{ "userid=", 0, true, userid_args, { { NULL, 0 } }, NULL },
	{ "connect ", 0, true, connect_args, { { NULL, 0 } }, NULL }, /* its blank: not "connection" */
	{ "conn ", 0, true, connect_args, { { NULL, 0 } }, NULL },
	/* "vault login TOKEN" ("-" reads it from stdin; KEY=VALUE: another method's) */
	{ "vault login", 0, false, vault_login_args, { { NULL, 0 } }, NULL },
	{ "sudo", 0, false, NULL, { { NULL, 0 } }, "ugpChrtUDR" },
	{ "chpasswd", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "kinit", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "passwd", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "smbpasswd", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "adcli", 0, false, NULL, { { NULL, 0 } }, NULL },
	{ "cryptsetup", 0, false, NULL, { { NULL, 0 } }, NULL },
};

/* Is p[i] in a host name or an address, after a label of it ("jo@0.curl"), and no command's name? */
static bool in_host_name(const char *p, size_t i)
{
	return i >= 2 && (p[i - 1] == '.' || p[i - 1] == '@') && is_alnum((unsigned char)p[i - 2]);
}

/*
 * Is the word at [ns, ne) ("-pSecretPw") a short option of a command of
 * cli_tools[] before it on the line with its value attached? (Then it is
 * no option's name, and the word after it is not its value.) A name that
 * a match holds names no command: its label or pseudonym stands there on a
 * second pass (a chap-secrets line's secret or client "curl").
 */
static bool glued_value(const struct scanner *sc, const char *p, size_t ns, size_t ne)
{
	if (ne - ns < 3 || p[ns] != '-' || p[ns + 1] == '-')
		return false;
	for (size_t t = 0; t < sizeof(cli_tools) / sizeof(cli_tools[0]); t++) {
		const struct cli_tool *c = &cli_tools[t];
		const char *w;
		size_t cn = strlen(c->name);
		bool opt = false;

		for (size_t o = 0; o < sizeof(c->opts) / sizeof(c->opts[0]) && c->opts[o].name; o++)
			opt |= (c->opts[o].how & CO_ATTACHED) && c->opts[o].name[0] == '-' &&
			       c->opts[o].name[1] == p[ns + 1] && !c->opts[o].name[2];
		if (!opt)
			continue;
		for (w = p; w < p + ns && (w = mem_find(w, ns - (size_t)(w - p), c->name, cn)); w += cn)
			if ((w == p || (!is_alnum((unsigned char)w[-1]) && !in_host_name(p, (size_t)(w - p)))) &&
			    (c->prefix || w[cn] == ' ' || w[cn] == '\t') && !in_any_match(sc, (size_t)(w - p)))
				return true;
	}
	return false;
}

/*
 * The tools of cli_tools[] that read a password on their standard input
 * ("echo X | cmd", "cmd <<< X"): always (opt ""), or given the option opt.
 * With opts_first, options end at the first word that is none (sudo's
 * command); its arg_letters take the next word.
 */
static const struct cli_stdin {
	const char *tool;
	const char *opt;
	unsigned how;               /* CO_COLON: user:SECRET (chpasswd) */
	bool opts_first;
} cli_stdin_tools[] = {
	{ "docker login", "--password-stdin", 0, false },
	{ "podman login", "--password-stdin", 0, false },
	{ "nerdctl login", "--password-stdin", 0, false },
	{ "buildah login", "--password-stdin", 0, false },
	{ "skopeo login", "--password-stdin", 0, false },
	{ "helm registry login", "--password-stdin", 0, false },
	{ "sudo", "-S", 0, true },
	{ "chpasswd", "", CO_COLON, false },
	{ "kinit", "", 0, false },
	{ "passwd", "", 0, false },
	{ "smbpasswd", "-s", 0, false },
	{ "adcli", "--stdin-password", 0, false },
	{ "cryptsetup", "", 0, false },
};

static bool cmd_sep(int c)
{
	return c == ';' || c == '|' || c == '&';
}

/* The end of a match for a label that starts at i (found on this line so far), or 0. */
static size_t label_match_at(const struct scanner *sc, size_t i)
{
	for (size_t m = 0; m < sc->nm; m++)
		if (sc->m[m].start == i && sc->m[m].kind != RK_PSEUDO)
			return sc->m[m].end;
	return 0;
}

/* Does a match for a label found on this line so far hold i? */
static bool in_label_match(const struct scanner *sc, size_t i)
{
	for (size_t m = 0; m < sc->nm; m++)
		if (sc->m[m].start <= i && i < sc->m[m].end && sc->m[m].kind != RK_PSEUDO)
			return true;
	return false;
}

/*
 * The next word of a command line from *k: its extent in [*ws, *we), quoted
 * parts whole. False at the line's end or the next command (an unquoted
 * ';', '|' or '&' alone or before a space: "a; b", "a && b", "a | b").
 * A match for a label is one piece of a word, as the label will be (a
 * quoted value with a blank in it, "x":"a b", must not split it only now).
 */
static bool cli_word(const struct scanner *sc, const char *p, size_t len, size_t *k, size_t *ws,
		     size_t *we)
{
	size_t i = *k, m;

	while (i < len && is_space((unsigned char)p[i]) && !label_match_at(sc, i))
		i++;
	*ws = i;
	while (i < len && (!is_space((unsigned char)p[i]) || label_match_at(sc, i))) {
		if ((m = label_match_at(sc, i)) > i) {
			i = MIN(m, len);
		} else if (p[i] == '"' || p[i] == '\'') {
			const char *q = memchr(p + i + 1, p[i], len - i - 1);

			/* one that a label takes closes none: a second pass sees none (chrony.keys' curl -u" "/ :A) */
			if (q && in_label_match(sc, (size_t)(q - p)))
				q = NULL;
			/*
			 * YAML read as lines: a quote in a plain key that the
			 * key does not close is the key's ('curl -u:s": -u:x'):
			 * the word ends at its ':', which no match takes
			 */
			if (sc->yaml_colon < len && i < sc->yaml_colon &&
			    (!q || (size_t)(q - p) > sc->yaml_colon)) {
				i = sc->yaml_colon;
				break;
			}
			i = q ? (size_t)(q - p) + 1 : len;
		} else if (cmd_sep(p[i]) && (i == *ws || i + 1 == len ||
					     is_space((unsigned char)p[i + 1]) || cmd_sep(p[i + 1]))) {
			break;
		} else {
			i++;
		}
	}
	*we = i;
	*k = i;
	return i > *ws;
}

/*
 * The ':' before the password of curl's --cert FILE:PASSWORD, or NULL: not
 * the one of a drive ("C:\\x.pem"), nor one escaped ("\\:"), nor in a
 * PKCS#11 URI.
 */
static const char *cert_colon(const char *p, size_t vs, size_t ve)
{
	size_t k = vs;

	if (ve - vs >= 7 && mem_ieq(p + vs, "pkcs11:", 7))
		return NULL;
	if (ve - vs >= 3 && is_alnum((unsigned char)p[vs]) && p[vs + 1] == ':' &&
	    (p[vs + 2] == '\\' || p[vs + 2] == '/'))
		k += 2;
	for (; k < ve; k++) {
		size_t m = p[k] == '[' ? label_len(p + k, ve - k) : 0;

		if (m)
			k += m - 1; /* our label's ':' is none ("-E [REDACTED:x]-") */
		else if (p[k] == '\\')
			k++;
		else if (p[k] == ':')
			return p + k;
	}
	return NULL;
}

/* curl -b "name=SECRET; name2=SECRET2": each value; a word without '=' is a file's name. */
static void cli_cookie(struct scanner *sc, const char *p, size_t vs, size_t ve)
{
	if (!sc->on[R_COOKIE] || !memchr(p + vs, '=', ve - vs))
		return;
	for (size_t k = vs; k < ve;) {
		const char *eq = memchr(p + k, '=', ve - k);
		size_t s, e;

		if (!eq)
			break;
		for (s = e = (size_t)(eq - p) + 1; e < ve && p[e] != ';'; e++)
			;
		if (e > s && !value_is_placeholder(p + s, e - s) && !label_len(p + s, e - s))
			add_match(sc, s, e, R_COOKIE, RK_LABEL, 0);
		for (k = e; k < ve && (p[k] == ';' || p[k] == ' '); k++)
			;
	}
}

static bool odd_quotes(const char *p, size_t s, size_t e, char q)
{
	size_t n = 0;

	for (size_t k = s; k < e; k++)
		n += p[k] == q;
	return n & 1;
}

/* The quote a command line's word is inside after c, when it was inside q (0: none). */
static char quote_step(char q, char c)
{
	if (!q)
		return c == '"' || c == '\'' ? c : 0;
	return c == q ? 0 : q;
}

/*
 * Move the ends of a label [*s, *e) in a command line's word that starts at
 * w0 so that it leaves the quotes around it paired as they were: *e on up
 * to we until the quote state after it is the one before it, else *s back
 * to s0 (over the quotes it skipped: ':c''x'f is ':[label]'[label], not
 * ':[label]''[label] with a quote that opens a string after the word).
 */
static void quote_paired(const char *p, size_t w0, size_t s0, size_t *s, size_t *e, size_t we)
{
	for (int pass = 0; pass < 2; pass++) {
		char q0 = 0, q;

		if (pass)
			*s = s0;
		for (size_t k = w0; k < *s; k++)
			q0 = quote_step(q0, p[k]);
		q = q0;
		for (size_t k = *s; k < *e; k++)
			q = quote_step(q, p[k]);
		while (*e < we && q != q0)
			q = quote_step(q, p[(*e)++]);
		if (q == q0)
			return;
	}
}

/*
 * What an option's word [w0, we) glues on after the quote that closes the
 * string its password is in, from rs ("u:pa"ss, "u:"'pa'"ss"; ve: where
 * the password alone would end): the password's too, a label of its own.
 * Not the quotes around it, nor what closes the text around the command
 * ("(curl -u"a:b")."); but the label must leave the quotes after it paired
 * as they were (-u":r"x"y" " -u:h: not one over x"y alone), else a second
 * pass reads other words.
 */
static void cli_value_rest(struct scanner *sc, const char *p, size_t w0, size_t rs, size_t ve,
			   size_t we)
{
	size_t re = ve, r0 = rs;

	while (rs < re && (p[rs] == '"' || p[rs] == '\'' || is_space((unsigned char)p[rs])))
		rs++;
	while (re > rs && ((p[re - 1] && strchr("\"')]}>,.;:!?", p[re - 1])) ||
			   is_space((unsigned char)p[re - 1])))
		re--;
	if (re <= rs)
		return;
	quote_paired(p, w0, r0, &rs, &re, we);
	if (!label_len(p + rs, re - rs) && !only_quotes(p + rs, re - rs) &&
	    !value_is_placeholder(p + rs, re - rs))
		add_match(sc, rs, re, R_PASSWORD, RK_LABEL, 0);
}

/* The password in the option value [vs, we) (a word's end), as opt says; a match if it is one. */
static void cli_value(struct scanner *sc, const char *p, size_t vs, size_t we, unsigned how)
{
	size_t ve, w0 = vs, v0;
	const char *sep;
	char qs = 0;

	if (!sc->on[R_PASSWORD] || vs >= we || !value_extent(p, we, vs, NC_STRONG, &vs, &ve))
		return;
	/*
	 * A closing bracket ends the value where it ends the word ("[curl -u
	 * a:b]"), not inside it (-u a:b]@/db): its rest is the password's, and
	 * a label over the bracket (a DSN's "b]") would be read whole next time.
	 * ')' and '}' close "$(curl -u a:b)x" too: only an '@' after them says so.
	 */
	if (ve + 1 < we &&
	    ((p[ve] == ']' && !strchr("])}>,;.\"'`&|", p[ve + 1])) ||
	     ((p[ve] == ')' || p[ve] == '}') && memchr(p + ve + 1, '@', we - ve - 1))))
		ve = we;
	if (how & CO_COOKIE) {
		cli_cookie(sc, p, vs, ve);
		return;
	}
	if (how & (CO_COLON | CO_PERCENT | CO_COMMA | CO_CERT)) { /* not the ':' of our label ("-u [REDACTED:x]=") */
		if (how & CO_CERT)
			sep = cert_colon(p, vs, ve);
		else if (how & CO_COLON)
			sep = colon_outside_labels(p, vs, ve);
		else
			sep = memchr(p + vs, how & CO_PERCENT ? '%' : ',', ve - vs);
		/* "user":"pass": on after the quoted user (not when a label there may hide the ':') */
		if (!sep && ve < we && !(how & CO_CERT) && !holds_label(p + vs, ve - vs)) {
			ve = we;
			sep = how & CO_COLON ? colon_outside_labels(p, vs, ve) :
					       memchr(p + vs, how & CO_PERCENT ? '%' : ',', ve - vs);
		}
		if (!sep)
			return; /* a user name alone: the command asks for the password */
		v0 = vs = (size_t)(sep - p) + 1;
		if (vs >= ve || (ve < we && (p[ve] == '"' || p[ve] == '\'')))
			ve = we; /* 'user:'"pass", user:pa"ss": the word goes on after a quote */
		/* quotes around it ("user:pass", 'user:'"pass") are shell syntax, not the password's */
		while (vs < ve && (p[vs] == '"' || p[vs] == '\'' || p[vs] == '`'))
			vs++;
		/*
		 * but not one that closes a quote opened in it (pa"ss": the
		 * word's); an empty string after it goes ("s""")
		 */
		while (ve > vs && (p[ve - 1] == '"' || p[ve - 1] == '\'' || p[ve - 1] == '`')) {
			if (ve - vs >= 2 && p[ve - 2] == p[ve - 1] && !odd_quotes(p, vs, ve - 2, p[ve - 1]))
				ve--;
			else if (odd_quotes(p, vs, ve - 1, p[ve - 1]))
				break;
			ve--;
		}
		/*
		 * a quote in it that closes one opened before it ('":x"y', and
		 * '"'":x"y, where the '"' single-quoted opens none) is syntax
		 * too: up to it. What the word glues on after it is the
		 * password's too, a label of its own (cli_value_rest()): one
		 * over the quote would leave the string open on a second pass.
		 */
		for (size_t k = w0; k < vs; k++)
			qs = quote_step(qs, p[k]);
		for (size_t k = vs; k < ve; k++)
			if ((p[k] == '"' || p[k] == '\'') && (odd_quotes(p, w0, vs, p[k]) || p[k] == qs)) {
				cli_value_rest(sc, p, w0, k + 1, ve, we);
				ve = k;
				break;
			}
		/* blanks around it (a quoted " u:pw "): a label with them joins words on a second pass */
		while (ve > vs && is_space((unsigned char)p[ve - 1]))
			ve--;
		while (vs < ve && is_space((unsigned char)p[vs]))
			vs++;
		/*
		 * and the quotes after it paired as they were: l'"'"" is l, a
		 * quoted '"' and an empty string, not a label and a quote that
		 * opens a string to the line's end
		 */
		if (ve > vs)
			quote_paired(p, w0, v0, &vs, &ve, we);
	}
	if (ve > vs && !value_is_placeholder(p + vs, ve - vs) && !only_quotes(p + vs, ve - vs) &&
	    !allowed_value(sc, p + vs, ve - vs))
		add_match(sc, vs, ve, R_PASSWORD, RK_LABEL, 0);
}

static bool letters(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z'))
			return false;
	return true;
}

/*
 * htpasswd -b FILE USER PASSWORD, htpasswd -nb USER PASSWORD: in batch mode
 * (a 'b' among the flags: a word of letters after its '-') the last
 * argument is the password.
 */
static void htpasswd_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, args = 0;
	bool batch = false, nofile = false, skip = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (skip) {
			skip = false;
		} else if (p[ws] == '-' && we - ws > 1 && !args && letters(p + ws + 1, we - ws - 1)) {
			for (size_t f = ws + 1; f < we; f++) {
				batch |= p[f] == 'b';
				nofile |= p[f] == 'n';
			}
			skip = p[we - 1] == 'C' || p[we - 1] == 'r'; /* -C cost, -r rounds */
		} else if (++args == (nofile ? 2u : 3u)) {
			if (batch)
				cli_value(sc, p, ws, we, 0);
			return;
		}
	}
}


/*
 * Windows: "net user NAME PASSWORD [/add]" and "net use [DEV:] \\HOST\SHARE
 * PASSWORD [/user:NAME]" ("*" prompts). k is after "net use" or "net user".
 */
static void net_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, args = 0;
	bool user = p[k - 1] == 'r' || p[k - 1] == 'R', share = false;

	if (!user && p[k - 1] != 'e' && p[k - 1] != 'E')
		return; /* "net users", "net useful": k is after the name's word */
	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (p[ws] == '/')
			continue; /* /add, /user:x, /persistent:no */
		if (user ? ++args == 2 : share) {
			if (!(we - ws == 1 && p[ws] == '*'))
				cli_value(sc, p, ws, we, 0);
			return;
		}
		share = we - ws > 2 && p[ws] == '\\' && p[ws + 1] == '\\';
	}
}

/* rabbitmqctl add_user|change_password|authenticate_user NAME PASSWORD */
static void rabbitmqctl_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (word_is(p, ws, we, "add_user") || word_is(p, ws, we, "change_password") ||
		    word_is(p, ws, we, "authenticate_user")) {
			if (cli_word(sc, p, len, &k, &ws, &we) && cli_word(sc, p, len, &k, &ws, &we) &&
			    p[ws] != '-')
				cli_value(sc, p, ws, we, 0);
			return;
		}
	}
}

/* The value [vs, ve) of a setting named [ns, ne) on a command line, judged by its name. */
static void cli_named_value(struct scanner *sc, const char *p, size_t ns, size_t ne, size_t vs,
			    size_t ve)
{
	struct name_verdict v;

	while (ne > ns && (p[ne - 1] == '"' || p[ne - 1] == '\''))
		ne--;
	while (ns < ne && (p[ns] == '"' || p[ns] == '\''))
		ns++;
	v = classify(sc, p + ns, ne - ns, NULL);
	if (v.cls == NC_NONE)
		return;
	while (ve > vs + 1 && (p[vs] == '"' || p[vs] == '\'') && p[ve - 1] == p[vs])
		vs++, ve--;
	judge_value(sc, v, p, vs, ve);
}

/*
 * Windows: "setx [/s HOST /u USER /p PASSWORD] NAME VALUE [/m]": /p is a
 * password, and VALUE one when NAME says so (setx DB_PASSWORD X).
 */
static void setx_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, ns = 0, ne = 0;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (p[ws] == '/' && we - ws == 2) {
			bool pass = (p[ws + 1] | 0x20) == 'p';

			if (strchr("sSuUpPkKfFaArRdD", p[ws + 1]) && cli_word(sc, p, len, &k, &ws, &we) &&
			    pass)
				cli_value(sc, p, ws, we, 0);
		} else if (p[ws] == '/') {
			continue; /* /m, /x */
		} else if (!ne) {
			ns = ws, ne = we;
		} else {
			cli_named_value(sc, p, ns, ne, ws, we);
			return;
		}
	}
}

/* Windows: "reg add KEY /v NAME [/t TYPE] /d DATA": DATA is a secret when NAME says so (DefaultPassword) */
static void reg_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, ns = 0, ne = 0, ds = 0, de = 0;
	bool number = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (we - ws != 2 || p[ws] != '/')
			continue;
		if ((p[ws + 1] | 0x20) == 'v' && cli_word(sc, p, len, &k, &ws, &we))
			ns = ws, ne = we;
		else if ((p[ws + 1] | 0x20) == 'd' && cli_word(sc, p, len, &k, &ws, &we))
			ds = ws, de = we;
		else if ((p[ws + 1] | 0x20) == 't' && cli_word(sc, p, len, &k, &ws, &we))
			number = word_is(p, ws, we, "REG_DWORD") || word_is(p, ws, we, "REG_QWORD");
	}
	if (ne > ns && de > ds && !number) /* a REG_DWORD is a number: PasswordExpiryDays */
		cli_named_value(sc, p, ns, ne, ds, de);
}

/*
 * The n-th argument (from 1) of a call in a PHP stack trace, from k after its
 * '(': a password when it is a quoted string. PHP writes each argument
 * ('text', 'long text trunc...', 123, Array, Object(PDO), NULL) with ", "
 * between them and no quote escaped.
 */
static void php_arg(struct scanner *sc, const char *p, size_t len, size_t k, unsigned n)
{
	for (unsigned a = 1; k < len && p[k] != ')'; a++) {
		size_t s;

		while (k < len && p[k] == ' ')
			k++;
		s = k;
		if (k < len && p[k] == '\'') {
			const char *q = memchr(p + k + 1, '\'', len - k - 1);

			if (!q)
				return;
			k = (size_t)(q - p) + 1;
			if (a == n) {
				if (k - s > 2)
					cli_value(sc, p, s, k, 0);
				return;
			}
		}
		for (unsigned depth = 0; k < len && ((p[k] != ',' && p[k] != ')') || depth); k++)
			depth += p[k] == '(' ? 1 : p[k] == ')' ? -1u : 0; /* Object(mysqli) */
		if (a == n || k >= len || p[k] == ')')
			return;
		k++;
	}
}

/*
 * PHP's stack traces (Laravel's log): PDO->__construct(DSN, USER, PASSWORD,
 * ...), Connector->createPdoConnection(DSN, USER, PASSWORD, ...),
 * mysqli->real_connect(HOST, USER, PASSWORD, ...), mysqli_connect(...);
 * mysqli_real_connect(LINK, HOST, USER, PASSWORD, ...).
 */
static void php_arg3(struct scanner *sc, const char *p, size_t len, size_t k)
{
	php_arg(sc, p, len, k, 3);
}

static void php_arg4(struct scanner *sc, const char *p, size_t len, size_t k)
{
	php_arg(sc, p, len, k, 4);
}

/*
 * An Oracle logon in the word [ws, we): user/password[@connect] (the user
 * a name, "quoted", or with a proxy's [name]), perhaps all in quotes
 * ('sys/pw@db as sysdba'): the password, up to its '@' or the word's end.
 * "/", "/nolog", "/@alias" and a path ("@scripts/x.sql") have none.
 */
static void oracle_logon(struct scanner *sc, const char *p, size_t ws, size_t we)
{
	size_t k, vs, ve;

	if (we - ws >= 4 && p[ws] == '\\' && p[ws + 1] == '"')
		ws += 2; /* expdp \"sys/pw@db as sysdba\" */
	if (we - ws >= 2 && (p[ws] == '"' || p[ws] == '\'') && p[we - 1] == p[ws] &&
	    memchr(p + ws + 1, '/', we - ws - 2)) {
		ws++; /* 'sys/pw@db as sysdba', "scott/tiger" */
		we--;
	}
	k = ws;
	if (k < we && p[k] == '"') { /* "User"/pw */
		const char *q = memchr(p + k + 1, '"', we - k - 1);

		k = q ? (size_t)(q - p) + 1 : we;
	} else {
		while (k < we && (is_alnum((unsigned char)p[k]) || p[k] == '_' || p[k] == '$' ||
				  p[k] == '#' || p[k] == '.' || (p[k] == '[' && k > ws) || p[k] == ']'))
			k++;
	}
	if (k == ws || k >= we || p[k] != '/' ||
	    !(((p[ws] | 0x20) >= 'a' && (p[ws] | 0x20) <= 'z') || p[ws] == '"'))
		return;
	vs = ve = k + 1;
	if (ve < we && p[ve] == '"') { /* scott/"p@ss w" */
		const char *q = memchr(p + ve + 1, '"', we - ve - 1);

		if (!q)
			return;
		vs++;
		ve = (size_t)(q - p);
	} else {
		while (ve < we && p[ve] != '@' && !is_space((unsigned char)p[ve]) && p[ve] != ';' &&
		       p[ve] != '"' && p[ve] != '\'' && p[ve] != '`' && p[ve] != ')')
			ve++;
	}
	if (ve > vs && !value_is_placeholder(p + vs, ve - vs) && !allowed_value(sc, p + vs, ve - vs))
		add_match(sc, vs, ve, R_PASSWORD, RK_LABEL, 0);
}

/* sqlplus [-s -L -M "opts" -R n -C v] LOGON, dgmgrl, expdp/impdp/sqlldr LOGON or userid=LOGON */
static void oracle_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we;
	bool first = true, skip = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (skip) {
			skip = false;
		} else if (p[ws] == '-') {
			skip = we - ws == 2 && strchr("MRC", p[ws + 1]);
		} else if (we - ws > 7 && mem_ieq(p + ws, "userid=", 7)) {
			oracle_logon(sc, p, ws + 7, we);
			return;
		} else if (!memchr(p + ws, '=', we - ws)) {
			if (first)
				oracle_logon(sc, p, ws, we);
			return; /* a logon, or a word of prose ("imp 3 items") */
		} else {
			first = false; /* file=x.dmp: its parameters, userid= among them */
		}
	}
}

/* rman target LOGON catalog LOGON auxiliary LOGON */
static void rman_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we;
	bool logon = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (logon)
			oracle_logon(sc, p, ws, we);
		logon = word_is(p, ws, we, "target") || word_is(p, ws, we, "catalog") ||
			word_is(p, ws, we, "auxiliary");
	}
}

/* userid=LOGON: exp, imp, sqlldr, a Data Pump parameter file */
static void userid_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws = k, we = k;

	if (k < len && !is_space((unsigned char)p[k]) && cli_word(sc, p, len, &we, &ws, &we))
		oracle_logon(sc, p, ws, we);
}

static void vault_login_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (p[ws] == '-')
			continue; /* -method=token, -no-print */
		if (!memchr(p + ws, '=', we - ws))
			cli_value(sc, p, ws, we, 0);
		return;
	}
}

/* SQL*Plus: "connect LOGON", "CONN LOGON [as sysdba]" at a line's start, or after "SQL> " */
static void connect_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t s = k - 1, ws, we; /* the name's blank */

	while (s > 0 && ((p[s - 1] | 0x20) >= 'a' && (p[s - 1] | 0x20) <= 'z'))
		s--;
	while (s > 0 && (p[s - 1] == ' ' || p[s - 1] == '\t'))
		s--;
	if (s >= 4 && mem_ieq(p + s - 4, "SQL>", 4))
		s -= 4;
	if (s > 0 && p[s - 1] != '\n')
		return;
	if (cli_word(sc, p, len, &k, &ws, &we))
		oracle_logon(sc, p, ws, we);
}

/*
 * FreeRADIUS with auth_badpass/auth_goodpass: "Login incorrect (why): [USER/PASSWORD]
 * (from client X port N)", "Login OK: [USER/PASSWORD] (from ...)": the password is
 * from the first '/' to the "] (from" (it may hold '/' and ']'); "<via Auth-Type = X>"
 * says none was logged ("host/pc01/<via ...>"). rlm_pap's "Cleartext password \"X\"
 * does not match" too.
 */
static void radius_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	static const char clear[] = "Cleartext password \"";
	const char *o = memchr(p + k - 1, '[', len - k + 1), *c, *q; /* "Login OK: [" ends with it */

	q = mem_find(p + k, len - k, clear, sizeof(clear) - 1);
	if (q && q < (o ? o : p + len)) {
		size_t vs = (size_t)(q - p) + sizeof(clear) - 1;
		const char *e = mem_find(p + vs, len - vs, "\" does not match", 16);

		if (e && (size_t)(e - p) > vs && !value_is_placeholder(p + vs, (size_t)(e - p) - vs))
			add_match(sc, vs, (size_t)(e - p), R_PASSWORD, RK_LABEL, 0);
	}
	if (!o)
		return;
	c = mem_find(o, len - (size_t)(o - p), "] (from ", 8);
	if (!c)
		return;
	q = memchr(o, '/', (size_t)(c - o));
	if (q && c - q > 1 && c[-1] != '>' && !holds_label(q + 1, (size_t)(c - q) - 1))
		add_match(sc, (size_t)(q - p) + 1, (size_t)(c - p), R_PASSWORD, RK_LABEL, 0);
}

/*
 * PowerShell: "Set-ItemProperty -Path P -Name NAME -Value X" (New-ItemProperty
 * too): X is a secret when NAME says so (Winlogon's DefaultPassword).
 */
static void itemproperty_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, ns = 0, ne = 0, vs = 0, ve = 0;
	bool number = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (word_is(p, ws, we, "-name") && cli_word(sc, p, len, &k, &ws, &we))
			ns = ws, ne = we;
		else if (word_is(p, ws, we, "-value") && cli_word(sc, p, len, &k, &ws, &we))
			vs = ws, ve = we;
		else if ((word_is(p, ws, we, "-propertytype") || word_is(p, ws, we, "-type")) &&
			 cli_word(sc, p, len, &k, &ws, &we))
			number = word_is(p, ws, we, "dword") || word_is(p, ws, we, "qword");
	}
	if (ne > ns && ve > vs && !number && p[vs] != '$' && p[vs] != '(')
		cli_named_value(sc, p, ns, ne, vs, ve);
}

/*
 * Dell's racadm (its -p: cli_tools[]): "set iDRAC.Users.2.Password X",
 * "config -g cfgUserAdmin -o cfgUserAdminPassword -i 2 X" (its last word).
 */
static void racadm_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, ns = 0, ne = 0, vs = 0, ve = 0;
	bool set = false, config = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (word_is(p, ws, we, "-o") && config) {
			if (cli_word(sc, p, len, &k, &ws, &we))
				ns = ws, ne = we;
		} else if (p[ws] == '-' && we - ws == 2) {
			if (strchr("rupgiocf", p[ws + 1]))
				cli_word(sc, p, len, &k, &ws, &we); /* its value */
		} else if (set && !ne) {
			ns = ws, ne = we;
		} else if (set || config) {
			vs = ws, ve = we;
			if (set)
				break;
		} else {
			set = word_is(p, ws, we, "set");
			config = word_is(p, ws, we, "config");
		}
	}
	if (ne > ns && ve > vs)
		cli_named_value(sc, p, ns, ne, vs, ve);
}

/*
 * ipmitool (its -P: cli_tools[]): "user set password ID X", "lan set CHANNEL
 * password X" (the word after "password" and, for user set, its ID).
 */
static void ipmitool_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we;
	bool user = false, set = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (p[ws] == '-') {
			continue; /* -P X: its options */
		} else if (word_is(p, ws, we, "user")) {
			user = true;
		} else if (word_is(p, ws, we, "set")) {
			set = true;
		} else if (set && word_is(p, ws, we, "password")) {
			if (user && !cli_word(sc, p, len, &k, &ws, &we))
				return; /* user set password ID */
			if (cli_word(sc, p, len, &k, &ws, &we))
				cli_value(sc, p, ws, we, 0);
			return;
		}
	}
}

/*
 * PowerShell: ConvertTo-SecureString [-String] X -AsPlainText: the plain
 * text (the first word that is no option's, or -String's) is a password.
 * Words end at a ')' too: "(ConvertTo-SecureString 'x' -AsPlainText -Force)".
 */
static void securestring_args(struct scanner *sc, const char *p, size_t len, size_t k)
{
	size_t ws, we, vs = 0, ve = 0;
	bool plain = false, next = false;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		while (we > ws && p[we - 1] == ')' && p[ws] != '"' && p[ws] != '\'')
			we--;
		if (next) {
			vs = ws, ve = we, next = false;
		} else if (p[ws] == '-' && we - ws > 1 && !is_space((unsigned char)p[ws + 1])) {
			if (we - ws >= 12 && mem_ieq(p + ws, "-asplaintext", 12))
				plain = true;
			else if (word_is(p, ws, we, "-string"))
				next = !ve;
			else if (word_is(p, ws, we, "-key") || word_is(p, ws, we, "-securekey"))
				cli_word(sc, p, len, &k, &ws, &we);
		} else if (!ve) {
			vs = ws, ve = we;
		}
		if (k < len && p[k] == ')')
			break;
	}
	if (plain && ve > vs && p[vs] != '$' && p[vs] != '(')
		cli_value(sc, p, vs, ve, 0);
}

/* Is the word [ws, we) a shell's prompt or trace mark: "$", "#", ">", "+", "++"? */
static bool shell_prompt(const char *p, size_t ws, size_t we)
{
	if (we - ws > 3)
		return false;
	for (size_t k = ws; k < we; k++)
		if (p[k] != '$' && p[k] != '#' && p[k] != '>' && p[k] != '+')
			return false;
	return we > ws;
}

/*
 * A password that a command at i reads on its standard input: piped in by
 * echo or printf before it ("echo X | sudo -S cmd", "printf '%s\n' X |
 * kinit") or a here-string after it ("adcli join --stdin-password <<< X"),
 * when cli_stdin_tools[] says it reads one. k is after the tool's name.
 */
static void cli_stdin(struct scanner *sc, const struct cli_tool *tool, const char *p, size_t len,
		      size_t i, size_t k)
{
	const struct cli_stdin *in = NULL;
	size_t ws, we, here = 0, pipe = i, seg = 0, n = 0, fs = 0, fe = 0, vs = 0, ve = 0;
	bool on, skip = false, printf_ = false;

	for (size_t t = 0; t < sizeof(cli_stdin_tools) / sizeof(cli_stdin_tools[0]) && !in; t++)
		if (!strcmp(cli_stdin_tools[t].tool, tool->name))
			in = &cli_stdin_tools[t];
	if (!in)
		return;
	on = !*in->opt;

	while (cli_word(sc, p, len, &k, &ws, &we)) {
		if (we - ws >= 3 && !memcmp(p + ws, "<<<", 3)) {
			if (we - ws > 3)
				here = ws + 3;
			else if (cli_word(sc, p, len, &k, &ws, &we))
				here = ws;
			break;
		}
		if (skip) {
			skip = false;
		} else if (p[ws] != '-' || we - ws < 2) {
			if (in->opts_first)
				break; /* sudo's command */
		} else if (word_is(p, ws, we, in->opt)) {
			on = true;
		} else if (in->opts_first && p[ws + 1] != '-') { /* a cluster: "-Su root" */
			for (size_t f = ws + 1; f < we && is_alnum((unsigned char)p[f]); f++) {
				if (in->opt[0] && in->opt[1] == p[f] && !in->opt[2])
					on = true;
				if (tool->arg_letters && strchr(tool->arg_letters, p[f])) {
					skip = f + 1 == we;
					break;
				}
			}
		}
	}
	if (!on)
		return;
	if (here) {
		cli_value(sc, p, here, we, in->how);
		return;
	}
	/* "... | tool": the command before the '|' */
	while (pipe > 0 && (p[pipe - 1] == ' ' || p[pipe - 1] == '\t'))
		pipe--;
	if (pipe == 0 || p[pipe - 1] != '|' || (pipe > 1 && p[pipe - 2] == '|'))
		return;
	pipe--;
	for (k = 0; k < pipe;) { /* the start of its command */
		while (k < pipe && is_space((unsigned char)p[k]))
			k++;
		if (k < pipe && cmd_sep(p[k])) {
			seg = ++k;
			continue;
		}
		if (!cli_word(sc, p, pipe, &k, &ws, &we))
			break;
	}
	for (k = seg; cli_word(sc, p, pipe, &k, &ws, &we); n++) {
		if (n == 0 && seg == 0 && shell_prompt(p, ws, we)) {
			n--; /* "$ echo X | cmd" in a CI job's log, "+ echo" of sh -x */
			seg = we;
			continue;
		}
		if (n == 0) {
			printf_ = word_is(p, ws, we, "printf");
			if (!printf_ && !word_is(p, ws, we, "echo"))
				return;
		} else if (!vs && !printf_ && p[ws] == '-' && we - ws > 1 && we - ws < 4 &&
			   letters(p + ws + 1, we - ws - 1)) {
			continue; /* echo -n, -e, -ne */
		} else if (printf_ && !fe) {
			fs = ws, fe = we; /* printf's format: the value if it is alone */
		} else if (printf_) {
			vs = ws, ve = we; /* printf FORMAT X: the last argument */
		} else {
			if (!vs)
				vs = ws;
			ve = we; /* echo my pass: all of its words */
		}
	}
	if (printf_ && !ve)
		vs = fs, ve = fe;
	if (ve > vs)
		cli_value(sc, p, vs, ve, in->how);
}

/*
 * The option of tool that the word [*ws, we) gives: one of its options, or
 * one ending a cluster of short options ("-ksu", "-sSuuser:pw": -k -s -S then
 * -u, whose value is the rest of the word or the next word). The letters
 * before it are options without a value: a letter with one takes the rest
 * ("-XPUT"). *ws is then moved so that the word reads as that option alone.
 */
static const struct cli_opt *cli_option(const struct cli_tool *tool, const char *p, size_t *ws,
					size_t we)
{
	const struct cli_opt *end = tool->opts + sizeof(tool->opts) / sizeof(tool->opts[0]);

	if (we - *ws > 13 && username_token(p + *ws + 1, 13))
		return NULL; /* "-user-1234abcd": our user token, a name on the first pass ("-jdoe") */
	if (we - *ws > 9 && p[*ws + 1] == 'h' && token_end(p, we, *ws + 1))
		return NULL; /* "-h1234abcd.intra": our host token, no cluster (-e.intra=x) */
	for (const struct cli_opt *o = tool->opts; o < end && o->name; o++) {
		size_t on = strlen(o->name);

		if (we - *ws >= on && !memcmp(p + *ws, o->name, on))
			return o;
	}
	if (!tool->arg_letters || we - *ws < 3 || p[*ws] != '-' || p[*ws + 1] == '-')
		return NULL;
	for (size_t f = *ws + 1; f < we && (is_alnum((unsigned char)p[f]) || p[f] == '#'); f++) {
		for (const struct cli_opt *o = tool->opts; o < end && o->name; o++)
			if (o->name[1] == p[f] && !o->name[2]) {
				*ws = f - 1;
				return o;
			}
		if (strchr(tool->arg_letters, p[f]))
			return NULL;
	}
	return NULL;
}

/*
 * A word that is all one quoted string, maybe an item of a list ("-pX",
 * ["mysql", "-pX"], ('-p', 'X')): [*ws, *we) becomes its text, or with
 * quoted that string, its quotes kept (a value, which may hold blanks).
 */
static void list_item_word(const char *p, size_t *ws, size_t *we, bool quoted)
{
	const char *q;
	size_t e = *we;

	if (*we - *ws < 2 || (p[*ws] != '"' && p[*ws] != '\''))
		return;
	while (e > *ws + 1 && (p[e - 1] == ',' || p[e - 1] == ']' || p[e - 1] == ')'))
		e--;
	q = memchr(p + *ws + 1, p[*ws], e - *ws - 1);
	if (!q || (size_t)(q - p) != e - 1)
		return;
	*ws += !quoted;
	*we = e - !quoted;
}

/* Is the name [s, s + n) quoted alone, an item of a list ("mysql", 'sshpass')? */
static bool list_item_name(const char *p, size_t len, size_t s, size_t n)
{
	return s > 0 && s + n < len && (p[s - 1] == '"' || p[s - 1] == '\'') && p[s + n] == p[s - 1];
}

/*
 * Where the command named at p[i, k) ends when its name's word opened a
 * quote before it (sh -c 'curl -u a:b' && x, -U'/bin/curl ...') that the
 * name does not close: at the quote that closes it; else len. Only the
 * name's word is looked at.
 */
static size_t quoted_command_end(const struct scanner *sc, const char *p, size_t len, size_t i,
				 size_t k)
{
	size_t s = i;
	char q = 0;
	const char *close;

	/* a match for a label is one piece of the word, as the label will be (x="a b"curl) */
	while (s > 0 && (!is_space((unsigned char)p[s - 1]) || in_label_match(sc, s - 1)))
		s--;
	/*
	 * the name too: "C:\...\net.exe" user closes its path's quote; one
	 * before ';', '&' or '|' closes a string of the command before (echo
	 * "a b"&&curl)
	 */
	for (; s < k; s++)
		if (q ? p[s] == q : (p[s] == '"' || p[s] == '\'') && !(s + 1 < k && cmd_sep(p[s + 1])))
			q = q ? 0 : p[s];
	if (!q || !(close = memchr(p + k, q, len - k)) || in_any_match(sc, (size_t)(close - p)))
		return len; /* (nor a quote that a label takes: a second pass sees none: 'curl u' -u:x) */
	return (size_t)(close - p);
}

/*
 * Windows' ".exe" after a command's name at e ("curl.exe -u", "PsExec64.exe",
 * "C:\Windows\system32\net.exe" user), then a blank, the line's end or
 * the quote that closes its path: its length with that quote, or 0.
 */
static size_t exe_suffix(const char *p, size_t len, size_t e)
{
	if (len - e < 4 || !mem_ieq(p + e, ".exe", 4))
		return 0;
	if (e + 4 == len || is_space((unsigned char)p[e + 4]))
		return 4;
	return p[e + 4] == '"' && (e + 5 == len || is_space((unsigned char)p[e + 5])) ? 5 : 0;
}

/*
 * The option values of the commands on a line that claim their text (see
 * cli_claim()), and their words that are one quoted string with a blank in
 * it, which end a command named inside them (see cli_bound()).
 */
struct cli_claims {
	size_t n, nb;
	size_t r[4][2], b[8][2];
};

/*
 * The option value [vs, ve) just read by cli_value() from match n on: when
 * it holds a quote (-u"...", -u 'u:p', -uX"...") and a password, found now
 * or one of our labels, it is the value's text throughout, a command named
 * inside it too ("curl -u" curl -u:", x"): its extent joins those in
 * claim, for trigger_pass() to leave such a command alone. A second pass
 * would read the inner command past the label that replaced the blanks it
 * ended at. (All of a command's values: a later one does not free the
 * command in an earlier one, -u" curl -u":l -u" C:a.)
 */
static void cli_claim(const struct scanner *sc, const char *p, size_t vs, size_t ve, size_t n,
		      struct cli_claims *claim)
{
	if (ve - vs > 2 &&
	    (p[vs] == '`' || memchr(p + vs, '"', ve - vs) || memchr(p + vs, '\'', ve - vs)) &&
	    (sc->nm > n || holds_label(p + vs, ve - vs)) &&
	    claim->n < sizeof(claim->r) / sizeof(claim->r[0])) {
		claim->r[claim->n][0] = vs;
		claim->r[claim->n++][1] = ve;
	}
}

static bool cli_claimed(const struct cli_claims *claim, size_t i)
{
	for (size_t c = 0; c < claim->n; c++)
		if (claim->r[c][0] <= i && i < claim->r[c][1])
			return true;
	return false;
}

/* Does [s, e) hold a letter (a command's name may)? */
static bool letters_in(const char *s, const char *e)
{
	for (; s < e; s++)
		if (is_alnum((unsigned char)*s))
			return true;
	return false;
}

/*
 * The quoted strings with a blank and a letter in them of a command's word
 * [ws, we) (curl " curl -u" -u:x, curl u" curl -u" -u:x): a command named inside
 * one ends at its closing quote, as one in a word of its own does (sh -c
 * 'curl ...', see quoted_command_end()); its own words must not pair that
 * quote with the ones after it, which a label of the outer command may take.
 */
static void cli_bound_word(const char *p, size_t ws, size_t we, struct cli_claims *claim)
{
	for (size_t k = ws; k < we; k++) {
		const char *q;

		if (p[k] != '"' && p[k] != '\'')
			continue;
		if (!(q = memchr(p + k + 1, p[k], we - k - 1)))
			return;
		if (memchr(p + k + 1, ' ', (size_t)(q - p) - k - 1) && letters_in(p + k + 1, q) &&
		    claim->nb < sizeof(claim->b) / sizeof(claim->b[0])) {
			claim->b[claim->nb][0] = k;
			claim->b[claim->nb++][1] = (size_t)(q - p);
		}
		k = (size_t)(q - p);
	}
}

/* Where a command named at i ends: at the closing quote of a word that holds it, or len. */
static size_t cli_bound(const struct cli_claims *claim, size_t i, size_t len)
{
	for (size_t c = 0; c < claim->nb; c++)
		if (claim->b[c][0] < i && i < claim->b[c][1])
			return claim->b[c][1];
	return len;
}

/*
 * A command's options that carry a password: mysql -pX, sshpass -p X, curl
 * -u user:X... claim: see cli_claim(); not by one whose name a match holds
 * (pass=passwd ' curl -U' u:x): a second pass sees no command there, whose
 * words end or claim others'. Nor does such a one read a value that names a
 * command (TOKEN=curl -u" curl -u:c u"): that command reads it, as it will
 * on a second pass.
 */
/*
 * Is a command of cli_tools[] named at a word's start in [s, e) (a quoted
 * value's " curl -u:x y")? Its name and a blank or the end after it.
 */
static bool names_command(const char *p, size_t s, size_t e)
{
	for (size_t k = s; k < e; k++) {
		if (k > s && (is_alnum((unsigned char)p[k - 1]) || p[k - 1] == '_'))
			continue;
		for (size_t t = 0; t < sizeof(cli_tools) / sizeof(cli_tools[0]); t++) {
			const struct cli_tool *c = &cli_tools[t];
			size_t cn = strlen(c->name);

			if ((p[k] | 0x20) == (c->name[0] | 0x20) && cn <= e - k && mem_ieq(p + k, c->name, cn) &&
			    (c->prefix || k + cn == e || is_space((unsigned char)p[k + cn])))
				return true;
		}
	}
	return false;
}

static void cli_pass_hit(struct scanner *sc, const char *p, size_t len, size_t i, size_t n,
			 struct cli_claims *claim)
{
	const struct cli_tool *tool = NULL;
	size_t k, ws, we, nm;
	struct cli_claims none = { 0 };
	bool item;

	for (size_t t = 0; t < sizeof(cli_tools) / sizeof(cli_tools[0]) && !tool; t++) {
		const struct cli_tool *c = &cli_tools[t];
		size_t cn;

		if (i < c->skip || (p[i] | 0x20) != (c->name[c->skip] | 0x20))
			continue; /* not this tool's trigger: a first test before the name's length */
		cn = strlen(c->name);
		/* the trigger is c->name from skip on: the whole name is there, then a space */
		if (cn >= c->skip + n && cn - c->skip <= len - i &&
		    mem_ieq(p + i - c->skip, c->name, cn) &&
		    (c->prefix || i - c->skip + cn == len || is_space((unsigned char)p[i - c->skip + cn]) ||
		     list_item_name(p, len, i - c->skip, cn) || exe_suffix(p, len, i - c->skip + cn)))
			tool = c; /* "curl/8.5.0" is a user agent */
	}
	if (!tool)
		return;
	i -= tool->skip;
	if (in_any_match(sc, i))
		claim = &none; /* and its values that name a command are that command's */
	k = i + strlen(tool->name);
	while (tool->prefix && is_alnum((unsigned char)p[k - 1]) && k < len &&
	       (is_alnum((unsigned char)p[k]) || p[k] == '-' || p[k] == '_'))
		k++; /* the rest of its name: "mysqladmin" (not after "mysqli_connect(", "Login OK: [") */
	item = list_item_name(p, len, i, k - i);
	if (item)
		k++; /* ["mysql", "-pX"]: past its closing quote */
	else
		k += exe_suffix(p, len, k);
	if (i > 0 && (is_alnum((unsigned char)p[i - 1]) || p[i - 1] == '_') &&
	    is_alnum((unsigned char)tool->name[0]))
		return; /* but "Connector->createPdoConnection(" */
	if (!item)
		len = quoted_command_end(sc, p, len, i, k);
	cli_stdin(sc, tool, p, len, i, k);
	if (tool->args) {
		tool->args(sc, p, len, k);
		if (!tool->opts[0].name)
			return; /* else its options too: "racadm -p X set ..." */
	}
	while (cli_word(sc, p, len, &k, &ws, &we)) {
		const struct cli_opt *o;
		size_t on;

		cli_bound_word(p, ws, we, claim);
		list_item_word(p, &ws, &we, false);
		o = cli_option(tool, p, &ws, we);
		on = o ? strlen(o->name) : 0;
		if (!o)
			continue;
		if (we - ws == on && (o->how & CO_NEXT)) {
			size_t vs, ve;

			if (cli_word(sc, p, len, &k, &vs, &ve)) {
				cli_bound_word(p, vs, ve, claim);
				list_item_word(p, &vs, &ve, true);
				nm = sc->nm;
				if (!(ve - vs > 2 && p[vs] == '-' && p[vs + 1] == '-') &&
				    !(claim == &none && names_command(p, vs, ve))) {
					cli_value(sc, p, vs, ve, o->how); /* "-p --opt": it prompts */
					cli_claim(sc, p, vs, ve, nm, claim);
				}
			}
		} else if (we - ws > on && (o->how & CO_ATTACHED)) {
			size_t vs = ws + on + (o->name[1] == '-');

			nm = sc->nm;
			if ((o->name[1] != '-' || p[ws + on] == '=') &&
			    !(claim == &none && names_command(p, vs, we))) {
				cli_value(sc, p, vs, we, o->how);
				cli_claim(sc, p, vs, we, nm, claim);
			}
		}
	}
}

/*
 * The command that a sequence's item names, its directory aside
 * ("/usr/bin/mysql"), after the words of a longer name from the items
 * before it (f->part: "docker", "login"): 1 + its index in
 * cli_tools[], or 0, the start of a longer name noted in f.
 */
static size_t cli_item_tool(struct cli_items *f, const char *v, size_t vlen)
{
	size_t part = f->part, plen = f->part_len, b = vlen;

	f->part = f->part_len = 0;
	while (b > 0 && v[b - 1] != '/' && v[b - 1] != '\\')
		b--;
	for (int pass = part ? 0 : 1; pass < 2; pass++) {
		const char *w = pass ? v + b : v;
		size_t wn = pass ? vlen - b : vlen, from = pass ? 0 : plen;

		for (size_t t = 0; t < sizeof(cli_tools) / sizeof(cli_tools[0]) && wn; t++) {
			const struct cli_tool *c = &cli_tools[t];
			size_t cn = strlen(c->name), k;

			if ((c->args && !c->opts[0].name) || cn < from ||
			    (!pass && !mem_ieq(c->name, cli_tools[part - 1].name, plen)))
				continue;
			if (cn - from >= wn && mem_ieq(c->name + from, w, wn)) {
				if (from + wn == cn)
					return t + 1;
				if (c->name[from + wn] == ' ' && !f->part) {
					f->part = (uint16_t)(t + 1);
					f->part_len = (uint8_t)(from + wn + 1);
				}
			} else if (c->prefix && wn > cn - from && mem_ieq(c->name + from, w, cn - from)) {
				for (k = cn - from; k < wn; k++)
					if (!is_alnum((unsigned char)w[k]) && w[k] != '-' && w[k] != '_')
						break;
				if (k == wn)
					return t + 1; /* "mysqladmin" */
			}
		}
	}
	return 0;
}

/*
 * An item of a sequence that is a command line, after the command's name
 * ("mysql", "-uroot", "-pX"): what of it is a password, by the command's
 * options as cli_pass_hit() reads them in text.
 */
static void cli_item_note(struct cli_items *f, const char *v, size_t vlen)
{
	const struct cli_tool *tool;
	const struct cli_opt *o;
	unsigned next = f->next;
	size_t t = cli_item_tool(f, v, vlen), ws = 0, on;

	f->how = f->next = 0;
	if (t) {
		f->tool = (uint16_t)t;
		return;
	}
	if (!f->tool)
		return;
	if (next) { /* "-p", "--opt": it prompts */
		if (!(vlen > 2 && v[0] == '-' && v[1] == '-')) {
			f->how = (uint8_t)next;
			f->off = 0;
		}
		return;
	}
	tool = &cli_tools[f->tool - 1];
	o = cli_option(tool, v, &ws, vlen);
	if (!o)
		return;
	on = strlen(o->name);
	if (vlen - ws == on && (o->how & CO_NEXT)) {
		f->next = (uint8_t)o->how;
	} else if (vlen - ws > on && (o->how & CO_ATTACHED) && (o->name[1] != '-' || v[ws + on] == '=')) {
		f->how = (uint8_t)o->how;
		f->off = ws + on + (o->name[1] == '-');
	}
}

static int splice(struct scanner *sc, const char *p, size_t len, struct rbuf *out, uint64_t lineno,
		  bool pgpass);

/* The password that cli_item_note() found in v, spliced into out: its rule, or -1. */
static int cli_item_value(struct scanner *sc, const struct node_frame *f, const char *v,
			  size_t vlen, struct rbuf *out, uint64_t lineno)
{
	int rule;

	sc->nm = 0;
	cli_value(sc, v, f->cli.off, vlen, f->cli.how);
	if (!sc->nm)
		return -1;
	rule = sc->m[0].rule;
	if (splice(sc, v, vlen, out, lineno, false))
		return -1;
	return rule;
}

/* ---- SQL ---- */

static size_t skip_blanks(const char *p, size_t len, size_t k)
{
	while (k < len && is_space((unsigned char)p[k]))
		k++;
	return k;
}

/* The keyword kw (lower case) as a word at k: the position after it, or 0. */
static size_t sql_word(const char *p, size_t len, size_t k, const char *kw)
{
	size_t n = strlen(kw);

	if (len - k < n || !mem_ieq(p + k, kw, n) ||
	    (k + n < len && (is_alnum((unsigned char)p[k + n]) || p[k + n] == '_')))
		return 0;
	return k + n;
}

/* An SQL national string's prefix at k: N'...' (T-SQL, MySQL). */
static bool sql_national(const char *p, size_t len, size_t k)
{
	return len - k >= 2 && (p[k] == 'N' || p[k] == 'n') && p[k + 1] == '\'';
}

/*
 * The SQL string literal at k ('...' or "...", quotes doubled or
 * backslash-escaped inside, N'...' too) goes as a password; then "REPLACE
 * 'old'" (the current password, MySQL 8) does too. An unquoted word goes
 * only when bare says so (Oracle: CREATE USER u IDENTIFIED BY secret).
 */
static void sql_literal(struct scanner *sc, const char *p, size_t len, size_t k, bool bare)
{
	size_t vs, ve;

	for (int n = 0; n < 2 && k < len; n++) {
		char q;

		if (sql_national(p, len, k))
			k++;
		q = p[k];

		if ((q == '\'' || q == '"') && (ve = label_len(p + k + 1, len - k - 1)) &&
		    k + 1 + ve < len && p[k + 1 + ve] == q) {
			/*
			 * Our label, closed ('[REDACTED:password]''V): another
			 * reader took ' Y' of ' Y''V on the first pass. It is
			 * the literal; what follows stays, as it did then.
			 */
			vs = k + 1;
			ve += vs;
		} else if (q == '\'' || q == '"') {
			for (ve = vs = k + 1; ve < len; ve++) {
				if (p[ve] == '\\' || (p[ve] == q && ve + 1 < len && p[ve + 1] == q))
					ve++; /* an escaped or doubled quote */
				else if (p[ve] == q)
					break;
			}
		} else if (bare && n == 0) {
			vs = k;
			for (ve = k; ve < len && !is_space((unsigned char)p[ve]) && p[ve] != ';' &&
				     p[ve] != '"' && p[ve] != '\'' && p[ve] != '`'; ve++)
				; /* a quote after it closes what the line had opened */
		} else {
			return;
		}
		ve = MIN(ve, len);
		if (ve > vs && !value_is_placeholder(p + vs, ve - vs) && !allowed_value(sc, p + vs, ve - vs)) {
			size_t at = sc->nm;

			add_match(sc, vs, ve, R_PASSWORD, RK_LABEL, 0);
			if (sc->nm > at && ve < len)
				sc->m[at].fenced = true; /* its closing quote stays */
		}
		k = skip_blanks(p, len, ve + (ve < len && (q == '\'' || q == '"'))); /* past the quote */
		if (!(k = sql_word(p, len, k, "replace")))
			return;
		k = skip_blanks(p, len, k);
	}
}

/*
 * Servers that log a password they made, in a sentence after "password":
 * the phrase, then a word ending in ':' (the account), then the password to
 * the end of its word. mysqld --initialize: "A temporary password is
 * generated for root@localhost: X".
 */
static const char *const made_password_phrases[] = { " is generated for ", NULL };

static bool made_password(struct scanner *sc, const char *p, size_t len, size_t k)
{
	for (const char *const *ph = made_password_phrases; *ph; ph++) {
		size_t n = strlen(*ph), vs, ve;

		if (len - k < n || !mem_ieq(p + k, *ph, n))
			continue;
		for (k += n; k < len && !is_space((unsigned char)p[k]) && p[k] != ':'; k++)
			;
		if (k + 2 >= len || p[k] != ':' || p[k + 1] != ' ')
			return false;
		vs = skip_blanks(p, len, k + 1);
		for (ve = vs; ve < len && !is_space((unsigned char)p[ve]); ve++)
			;
		if (ve > vs && !value_is_redacted(p + vs, ve - vs) && !allowed_value(sc, p + vs, ve - vs))
			add_match(sc, vs, ve, R_PASSWORD, RK_LABEL, 0);
		return true;
	}
	return false;
}

/*
 * Passwords in SQL statements (a database's query or audit log): CREATE or
 * ALTER USER ... IDENTIFIED BY 'x' (or WITH plugin BY/AS 'x'), GRANT ...
 * IDENTIFIED BY 'x', PostgreSQL's [ENCRYPTED] PASSWORD 'x', PASSWORD('x'),
 * SET PASSWORD [FOR u] = 'x', T-SQL's [OLD_]PASSWORD = N'x' (CREATE or
 * ALTER LOGIN, ENCRYPTION BY PASSWORD = 'x'). Only the literal goes. The
 * triggers are "fied by", "fied with" (of "identified") and "password".
 */
static void sql_hit(struct scanner *sc, const char *p, size_t len, size_t i, size_t n)
{
	size_t k = i + n, e;
	int last = lower_ascii((unsigned char)p[k - 1]);

	if (last != 'd') { /* "identified" starts 6 bytes before */
		if (i < 6 || !mem_ieq(p + i - 6, "identi", 6))
			return;
		i -= 6;
	}
	if (!sc->on[R_PASSWORD] || (i > 0 && is_alnum((unsigned char)p[i - 1])))
		return;
	switch (last) {
	case 'y': /* identified by */
		k = skip_blanks(p, len, k);
		if (((e = sql_word(p, len, k, "password")) || (e = sql_word(p, len, k, "values"))) &&
		    e < len && is_space((unsigned char)p[e]))
			k = skip_blanks(p, len, e); /* BY PASSWORD '*hash' (MySQL 5), BY VALUES 'hash' (Oracle) */
		else if (sql_word(p, len, k, "random"))
			return; /* BY RANDOM PASSWORD: the server makes one */
		sql_literal(sc, p, len, k, k > i + 13 &&
			    (mem_ifind(p, i, "create user", 11) || mem_ifind(p, i, "alter user", 10)));
		return;
	case 'h': /* identified with PLUGIN BY|AS */
		k = skip_blanks(p, len, k);
		if (k < len && (p[k] == '\'' || p[k] == '"' || p[k] == '`')) {
			const char *q = memchr(p + k + 1, p[k], len - k - 1);

			k = q ? (size_t)(q - p) + 1 : len;
		} else {
			while (k < len && (is_alnum((unsigned char)p[k]) || p[k] == '_'))
				k++;
		}
		k = skip_blanks(p, len, k);
		if ((e = sql_word(p, len, k, "by")) || (e = sql_word(p, len, k, "as")))
			sql_literal(sc, p, len, skip_blanks(p, len, e), false);
		return;
	}
	/* "password" */
	if (made_password(sc, p, len, k))
		return;
	if (k < len && p[k] == '(') { /* PASSWORD('x'), OLD_PASSWORD('x') */
		sql_literal(sc, p, len, skip_blanks(p, len, k + 1), false);
	} else if (len - k >= 3 && p[k] == ' ' && p[k + 1] == '\'' && !is_space((unsigned char)p[k + 2])) {
		/* PASSWORD 'x', unless the quote closes a string ("'Enter password ' ...") */
		sql_literal(sc, p, len, k + 1, false);
	} else if (word_before(p, i, set_words)) { /* SET PASSWORD [FOR user] = */
		for (; k < len && p[k] != '=' && p[k] != ';'; k++)
			if (p[k] == '\'' || p[k] == '"' || p[k] == '`') {
				const char *q = memchr(p + k + 1, p[k], len - k - 1);

				k = q ? (size_t)(q - p) : len;
			}
		if (k < len && p[k] == '=')
			sql_literal(sc, p, len, skip_blanks(p, len, k + 1), false);
	} else if ((k = skip_blanks(p, len, k)) + 1 < len && p[k] == '=' && p[k + 1] != '=') {
		/*
		 * PASSWORD = 'x': a value there is any name's (probe_assign()), but
		 * only an SQL literal's ends at its last quote ('it''s'); again
		 * not when the quote closes a string ("'password = ' + x")
		 */
		size_t ts, te = len;

		ts = k = skip_blanks(p, len, k + 1);
		e = k + sql_national(p, len, k);
		if (triple_quoted(p, &ts, &te))
			return; /* '''x''': TOML's and Grafana's quotes, the name readers' */
		if (len - e >= 2 && p[e] == '\'' && !is_space((unsigned char)p[e + 1]))
			sql_literal(sc, p, len, k, false);
	}
}

static void bearer_hit(struct scanner *sc, const char *p, size_t len, size_t i, size_t n)
{
	size_t k = i + n, ts;
	bool digit = false, upper = false, lower = false;

	if (!sc->on[R_AUTHORIZATION] || (i > 0 && is_alnum((unsigned char)p[i - 1])))
		return;
	while (k < len && p[k] == ' ')
		k++;
	for (ts = k; k < len && (is_alnum((unsigned char)p[k]) || strchr("-._~+/=", p[k])) && p[k];
	     k++) {
		digit |= p[k] >= '0' && p[k] <= '9';
		upper |= p[k] >= 'A' && p[k] <= 'Z';
		lower |= p[k] >= 'a' && p[k] <= 'z';
	}
	if (k - ts >= 8 && (digit || (upper && lower)) && !value_is_placeholder(p + ts, k - ts) &&
	    !allowed_value(sc, p + ts, k - ts))
		add_shape_match(sc, ts, k, R_AUTHORIZATION);
}

static void pseudo_match(struct scanner *sc, size_t s, size_t e, enum pii_kind kind)
{
	int rule = sc->e->pii_rule[kind];

	if (sc->on[rule] && e > s)
		add_match(sc, s, e, rule, RK_PSEUDO, kind);
}

/*
 * A field that holds a user name (.netrc login, .pgpass user), if it reads as
 * one, whatever its length (a pseudonym in it may have changed that). Not
 * an address's pseudonym, our token before the '@' ("user-1a2b3c4d@h5e6f.ie"):
 * the e-mail reader took that address the first time.
 */
static void username_field(struct scanner *sc, const char *p, size_t s, size_t e)
{
	if (username_token(p + s, e - s) || pii_fallback_token(p + s, e - s) ||
	    (e - s > 14 && p[s + 13] == '@' && username_token(p + s, 13)))
		return;
	for (size_t i = s; i < e; i++)
		if (!is_alnum((unsigned char)p[i]) && !strchr("._@-", p[i]))
			return;
	pseudo_match(sc, s, e, PII_USERNAME);
}

/*
 * A .netrc written in another file: "echo "machine h login u password p" >
 * ~/.netrc" in a script or a Dockerfile, a heredoc in a CI log. From the
 * host word after "machine " at k, the netrc words to the end of the line,
 * or to the quote that opened the text ('"' or '\'' just before "machine"):
 * with both a login and a password, the password (and an account) goes and
 * the login is a user name. Prose ("the machine web01 password was reset")
 * has no login word and is left.
 */
static void netrc_inline(struct scanner *sc, const char *p, size_t len, size_t m, size_t k)
{
	char quote = m > 0 && (p[m - 1] == '"' || p[m - 1] == '\'') ? p[m - 1] : 0;
	size_t ws[16], we[16], n = 0, login = 0, pass = 0;

	if (m > 0 && is_alnum((unsigned char)p[m - 1]))
		return;
	for (size_t i = k; n < 16;) {
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		if (i == len || p[i] == quote)
			break;
		ws[n] = i;
		if (p[i] == '"') { /* a quoted word, as netrc_record() reads it */
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\' && i + 1 < len)
					i++;
			i += i < len;
		}
		while (i < len && p[i] != quote && !is_space((unsigned char)p[i]))
			i++;
		we[n++] = i;
	}
	for (size_t i = 1; i + 1 < n; i++) {
		if (word_is(p, ws[i], we[i], "login") && !login)
			login = ++i;
		else if ((word_is(p, ws[i], we[i], "password") || word_is(p, ws[i], we[i], "account")) && !pass)
			pass = ++i;
		else if (!word_is(p, ws[i], we[i], "port") && !word_is(p, ws[i], we[i], "account"))
			return; /* not netrc's words: prose */
		else
			i++;
	}
	if (!login || !pass || !sc->on[R_PASSWORD])
		return;
	for (size_t i = 1; i + 1 < n; i += 2) {
		size_t vs = ws[i + 1], ve = we[i + 1];

		if (word_is(p, ws[i], we[i], "login") || word_is(p, ws[i], we[i], "port") ||
		    value_is_redacted(p + vs, ve - vs))
			continue;
		if (ve - vs >= 2 && p[vs] == '"' && p[ve - 1] == '"') {
			vs++;
			ve--;
		}
		if (ve > vs)
			add_match(sc, vs, ve, R_PASSWORD, RK_LABEL, 0);
	}
	username_field(sc, p, ws[login], we[login]);
}

/* ---- the trigger pass ---- */

static bool word_edge(const char *p, size_t len, size_t s, size_t e)
{
	return (s == 0 || !is_alnum((unsigned char)p[s - 1])) &&
	       (e >= len || !is_alnum((unsigned char)p[e]));
}

static void act(struct scanner *sc, struct textctx *tc, const struct trigger *t, const char *p,
		size_t len, size_t i)
{
	switch (t->action) {
	case A_REGEX:
		if (sc->on[t->rule] && i >= t->back)
			regex_at(sc, t->rule, p, len, i - t->back, NULL);
		break;
	case A_ASSIGN:
		if (!sc->no_assign)
			assign_hit(sc, tc, p, len, i);
		break;
	case A_URL:
		if (p[i] == '@')
			dsn_hit(sc, p, len, i);
		else
			url_hit(sc, p, len, i);
		break;
	case A_PEM:
		pem_hit(sc, tc, p, len, i);
		break;
	case A_CLI_PASS: { /* trigger_pass() runs them itself, after the rest */
		struct cli_claims claim = { 0 };

		cli_pass_hit(sc, p, len, i, t->len, &claim);
		break;
	}
	case A_BEARER:
		bearer_hit(sc, p, len, i, t->len);
		break;
	case A_PPK:
		ppk_hit(sc, tc, p, len, i, t->len);
		break;
	case A_SMTP:
		tc->sasl_next = sc->on[t->rule] && !tc->embedded;
		break;
	case A_EXPECT:
		if (word_edge(p, len, i, i + t->len - 1))
			expect_pattern(sc, tc, p, len, skip_blanks(p, len, i + t->len));
		break;
	case A_NETRC:
		if (tc->fmt != F_NETRC)
			netrc_inline(sc, p, len, i, i + t->len);
		break;
	case A_SQL:
		if (tc->fmt != F_NETRC) /* its "password 'a b'" is a word: netrc_record()'s */
			sql_hit(sc, p, len, i, t->len);
		break;
	case A_LINE:
		if (sc->on[t->rule] && !sc->line_rules[t->rule]) {
			sc->line_rules[t->rule] = 1;
			sc->line_list[sc->nline++] = t->rule;
		}
		break;
	case A_LITERAL:
		if (sc->on[t->rule] && word_edge(p, len, i, i + t->len))
			add_shape_match(sc, i, i + t->len, t->rule);
		break;
	}
}

static inline uint32_t trigram_at(const unsigned char *u)
{
	return (uint32_t)fold_table[u[0]] << 16 | (uint32_t)fold_table[u[1]] << 8 |
	       (uint32_t)fold_table[u[2]];
}

static inline bool pair_hit(const uint8_t *pair, const unsigned char *u, size_t i)
{
	return pair[(unsigned)u[i] << 8 | u[i + 1]] & (1u << (u[i + 2] & 7));
}

#define LOW3_8 1, 2, 4, 8, 16, 32, 64, 128
#define LOW3_64 LOW3_8, LOW3_8, LOW3_8, LOW3_8, LOW3_8, LOW3_8, LOW3_8, LOW3_8
static const uint8_t low3_bit[256] = { LOW3_64, LOW3_64, LOW3_64, LOW3_64 }; /* 1 << (c & 7) */

/* pair_hit() at p in pair2, whose index is the two bytes read as a host-order uint16_t */
static inline bool pair2_hit(const uint8_t *pair2, const unsigned char *p)
{
	uint16_t k;

	memcpy(&k, p, 2);
	return pair2[k] & low3_bit[p[2]];
}

/*
 * The first position from i on whose bytes may start a trigger, or len.
 * Hot: pair2 is looked up at every other position (from i on), where a
 * trigger's first or second byte stands; only then pair at the position
 * before and at this one. Every position where a trigger matches is
 * returned; a few others that pass pair are not (they start no trigger).
 */
__attribute__((noinline))
static size_t next_candidate(const struct redact_engine *e, const unsigned char *u, size_t i, size_t len)
{
	const unsigned char *p, *end;

	if (len < 3 || i >= len - 2)
		return len;
	end = u + len - 2; /* the last position to look at is before it */
	for (p = u + i; p < end; p += 2) {
		size_t k = (size_t)(p - u);

		if (!pair2_hit(e->pair2, p))
			continue;
		if (k > i && pair_hit(e->pair, u, k - 1))
			return k - 1;
		if (pair_hit(e->pair, u, k))
			return k;
	}
	/* a trigger from its second byte at the last position */
	if (p == end && p > u + i && pair_hit(e->pair, u, len - 3))
		return len - 3;
	return len;
}

/*
 * The trigger pass: a position whose three bytes pass the pair table goes
 * to the exact table (by lower-cased trigram), whose literals are compared
 * in full. With record, the starts of the literals found are only noted
 * there (ascending, each once); -1 if that runs out of memory.
 */
/* The slot of the triggers whose trigram starts at u[i]. */
static inline const struct trig_slot *trig_slot_at(const struct redact_engine *e, const unsigned char *u,
					    size_t i)
{
	uint32_t k = trigram_at(u + i), h = trig_hash(k);
	const struct trig_slot *slot;

	for (uint32_t s = h & e->slot_mask;; s = (s + 1) & e->slot_mask) {
		slot = &e->slots[s];
		if (!slot->count || slot->key == k)
			return slot;
	}
}

/*
 * The commands of a line past the first four that trigger_pass() keeps, in
 * order, from i on, after them: not before the rest (see cli_word()), and
 * not in a value the first ones claimed (see cli_claim()).
 */
static void cli_rest(struct scanner *sc, const char *p, size_t len, size_t i,
		     struct cli_claims *claim)
{
	const struct redact_engine *e = sc->e;
	const unsigned char *u = (const unsigned char *)p;

	for (i = next_candidate(e, u, i, len); i < len; i = next_candidate(e, u, i + 1, len)) {
		const struct trig_slot *slot = trig_slot_at(e, u, i);

		for (uint32_t j = 0; j < slot->count; j++) {
			const struct trigger *t = &e->trig[slot->first + j];

			if (t->action != A_CLI_PASS || t->len > len - i ||
			    (t->caseless ? !mem_ieq(p + i, t->lit, t->len) : memcmp(p + i, t->lit, t->len)))
				continue;
			if (!cli_claimed(claim, i))
				cli_pass_hit(sc, p, cli_bound(claim, i, len), i, t->len, claim);
		}
	}
}

static int trigger_pass(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			struct offsets *record)
{
	const struct redact_engine *e = sc->e;
	const unsigned char *u = (const unsigned char *)p;
	struct { const struct trigger *t; size_t i; } cli[4];
	size_t ncli = 0;
	struct cli_claims claim = { 0 };
	size_t more = SIZE_MAX; /* where the first command past those four is */

	for (size_t i = next_candidate(e, u, 0, len); i < len; i = next_candidate(e, u, i + 1, len)) {
		const struct trig_slot *slot = trig_slot_at(e, u, i);

		for (uint32_t j = 0; j < slot->count; j++) {
			const struct trigger *t = &e->trig[slot->first + j];

			if (t->len > len - i)
				continue;
			if (t->caseless ? !mem_ieq(p + i, t->lit, t->len) : memcmp(p + i, t->lit, t->len))
				continue;
			if (record) {
				if (offsets_add(record, i))
					return -1;
				break;
			}
			if (t->action == A_CLI_PASS) {
				if (ncli < sizeof(cli) / sizeof(cli[0])) {
					cli[ncli].t = t; /* after the rest: see cli_word() */
					cli[ncli++].i = i;
				} else if (more == SIZE_MAX) {
					more = i;
				}
				continue;
			}
			act(sc, tc, t, p, len, i);
		}
	}
	for (size_t c = 0; c < ncli; c++)
		if (!cli_claimed(&claim, cli[c].i))
			cli_pass_hit(sc, p, cli_bound(&claim, cli[c].i, len), cli[c].i, cli[c].t->len,
				     &claim);
	if (more < len) /* (one at the fourth's place again: its matches are the same) */
		cli_rest(sc, p, len, more, &claim);
	return 0;
}

static void find_triggers(struct scanner *sc, struct textctx *tc, const char *p, size_t len)
{
	trigger_pass(sc, tc, p, len, NULL);
}

/* ---- formats with their own record syntax ---- */


/*
 * .netrc: "machine H login U password P", words across lines. A word may be
 * quoted, spaces and all ("P@ss word!", with \" and \\ escapes, as curl reads
 * it): its inside goes.
 */
static void netrc_record(struct scanner *sc, struct textctx *tc, const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t ws, we, is, ie;

		while (i < len && is_space((unsigned char)p[i]))
			i++;
		ws = i;
		if (i < len && p[i] == '"') {
			for (i++; i < len && p[i] != '"'; i++)
				if (p[i] == '\\' && i + 1 < len)
					i++;
			is = ws + 1;
			ie = i;
			i += i < len;
		} else {
			while (i < len && !is_space((unsigned char)p[i]))
				i++;
			is = ws;
			ie = i;
		}
		we = i;
		if (we == ws)
			break;
		if (tc->netrc_secret) {
			tc->netrc_secret = false;
			if (sc->on[R_PASSWORD])
				add_match(sc, is, ie, R_PASSWORD, RK_LABEL, 0);
		} else if (tc->netrc_login) {
			tc->netrc_login = false;
			username_field(sc, p, is, ie);
		} else if ((we - ws == 8 && !memcmp(p + ws, "password", 8)) ||
			   (we - ws == 6 && !memcmp(p + ws, "passwd", 6)) ||
			   (we - ws == 7 && !memcmp(p + ws, "account", 7))) {
			tc->netrc_secret = true;
		} else if (we - ws == 5 && !memcmp(p + ws, "login", 5)) {
			tc->netrc_login = true;
		}
	}
}

/* .pgpass: host:port:db:user:password, with \: and \\ escapes. */
static void pgpass_record(struct scanner *sc, const char *p, size_t len)
{
	size_t colons[4], n = 0, e;

	if (len && p[0] == '#')
		return;
	for (size_t i = 0; i < len && n < 4; i++) {
		if (p[i] == '\\' && !(i + 1 < len && p[i + 1] == '[')) {
			i++; /* an escaped byte; "\[" may start our label, and '[' is no ':' */
		} else if (p[i] == '[' && label_len(p + i, len - i)) {
			i += label_len(p + i, len - i) - 1; /* our own label: its ':' separates nothing */
		} else if (p[i] == ':') {
			colons[n++] = i;
		}
	}
	if (n < 4)
		return;
	e = trim_end(p, colons[3] + 1, len);
	if (sc->on[R_PASSWORD] && e > colons[3] + 1 &&
	    !(e == colons[3] + 2 && p[colons[3] + 1] == '*'))
		add_match(sc, colons[3] + 1, e, R_PASSWORD, RK_LABEL, 0);
	if (colons[3] > colons[2] + 1 && p[colons[2] + 1] != '*')
		username_field(sc, p, colons[2] + 1, colons[3]);
}

static bool is_block_indicator(const char *v, size_t n)
{
	size_t i = 1;

	if (!n || (v[0] != '|' && v[0] != '>'))
		return false;
	while (i < n && (v[i] == '-' || v[i] == '+' || (v[i] >= '1' && v[i] <= '9')))
		i++;
	while (i < n && v[i] == ' ')
		i++;
	return i == n || v[i] == '#';
}

static bool ends_with_backslash(const char *p, size_t len)
{
	size_t n = 0;

	len = trim_end(p, 0, len);
	while (n < len && p[len - 1 - n] == '\\')
		n++;
	return n % 2 == 1;
}

/*
 * The value from j (after "key: ") looks like what a Secret's data holds:
 * base64 (8 characters or more, padded to a multiple of 4, with padding,
 * digits or both cases), or a block scalar.
 */
static bool looks_base64(const char *p, size_t len, size_t j)
{
	size_t e, k;
	bool digit = false, upper = false, lower = false;

	while (j < len && p[j] == ' ')
		j++;
	e = trim_end(p, j, len);
	if (e > j && (p[j] == '|' || p[j] == '>'))
		return true;
	if (e > j && (p[j] == '"' || p[j] == '\'') && p[e - 1] == p[j] && e - j >= 2) {
		j++;
		e--;
	}
	for (k = j; k < e && (is_alnum((unsigned char)p[k]) || p[k] == '+' || p[k] == '/' ||
			      p[k] == '='); k++) {
		digit |= p[k] >= '0' && p[k] <= '9';
		upper |= p[k] >= 'A' && p[k] <= 'Z';
		lower |= p[k] >= 'a' && p[k] <= 'z';
	}
	return k == e && e - j >= 8 && (e - j) % 4 == 0 &&
	       (p[e - 1] == '=' || digit || (upper && lower));
}

/* A plain YAML "~" (its null) from vs, perhaps with a comment after it. */
static bool yaml_null_at(const char *p, size_t vs, size_t ve)
{
	size_t k = vs + 1;

	if (p[vs] != '~')
		return false;
	while (k < ve && (p[k] == ' ' || p[k] == '\t'))
		k++;
	return k == ve || (k > vs + 1 && p[k] == '#');
}

/*
 * YAML read as lines: the key of the next line (sc->ahead) when it stands
 * at column col in the same mapping: its role (key_role()), and its value
 * [*vs, *ve) in sc->ahead (a comment and quotes taken off). 0 when none.
 */
static unsigned yaml_key_ahead(const struct scanner *sc, size_t col, size_t *vs, size_t *ve)
{
	const char *a = sc->ahead, *c;
	size_t n = sc->ahead_len, k = 0, ks;
	unsigned role;

	if (!a)
		return 0;
	while (k < n && a[k] == ' ')
		k++;
	if (k != col)
		return 0;
	for (ks = k; k < n && a[k] != ':' && name_char((unsigned char)a[k]); k++)
		;
	if (k == ks || k >= n || a[k] != ':' || (k + 1 < n && a[k + 1] != ' ' && a[k + 1] != '\r'))
		return 0;
	role = key_role(a + ks, k - ks);
	for (k++; k < n && a[k] == ' '; k++)
		;
	*vs = k;
	*ve = trim_end(a, k, n);
	if ((c = mem_find(a + *vs, *ve - *vs, " #", 2)))
		*ve = trim_end(a, *vs, (size_t)(c - a));
	if (*ve - *vs >= 2 && (a[*vs] == '"' || a[*vs] == '\'') && a[*ve - 1] == a[*vs]) {
		++*vs;
		--*ve;
	}
	return role;
}

/*
 * YAML read as lines: "- name: DB_PASSWORD" then "  value: x" at the same
 * column (a Kubernetes env list) judges x by the name, as the document walk
 * does. The name holds until a key left of it or a new item at its column.
 * Returns the verdict for the value of the key at [ns, ne), judged v.
 */
static struct name_verdict line_pair(struct scanner *sc, struct textctx *tc, const char *p,
				     size_t ns, size_t ne, size_t vs, size_t ve, bool item,
				     struct name_verdict v)
{
	unsigned role = key_role(p + ns, ne - ns);

	if (tc->pair.cls != NC_NONE && (ns < tc->pair_col || (ns == tc->pair_col && item)))
		tc->pair.cls = NC_NONE;
	if (role & KR_NAME) {
		const char *c = mem_find(p + vs, ve - vs, " #", 2);

		if (c)
			ve = trim_end(p, vs, (size_t)(c - p));
		if (ve - vs >= 2 && (p[vs] == '"' || p[vs] == '\'') && p[ve - 1] == p[vs]) {
			vs++;
			ve--;
		}
		tc->pair = node_name_verdict(sc, p + vs, ve - vs);
		tc->pair_col = ns;
	} else if ((role & KR_VALUE) && v.cls == NC_NONE && tc->pair.cls != NC_NONE &&
		   ns == tc->pair_col) {
		v = tc->pair;
		if (tc->fmt == F_TEXT)
			tc->pair.cls = NC_NONE; /* (text: a pair of two lines) */
	} else if ((role & KR_VALUE) && v.cls == NC_NONE && item) {
		size_t as, ae;

		/* "- value: x" then "  name: DB_PASSWORD": the name below judges x */
		if (yaml_key_ahead(sc, ns, &as, &ae) & KR_NAME)
			v = node_name_verdict(sc, sc->ahead + as, ae - as);
	}
	if (tc->fmt == F_TEXT && (role & KR_NAME) && tc->pair.cls != NC_NONE) {
		size_t as, ae;

		/* text: "- name: X" lends X only to a "value:" on the next line */
		if (!item || !(yaml_key_ahead(sc, ns, &as, &ae) & KR_VALUE))
			tc->pair.cls = NC_NONE;
	}
	return v;
}

/*
 * Text: a JSON member "key": "string" starting the next line (sc->ahead)
 * at column col (after its key's '"'), with a key of role role: its
 * string's inside [*vs, *ve) in sc->ahead.
 */
static bool json_member_ahead(const struct scanner *sc, size_t col, unsigned role, size_t *vs, size_t *ve)
{
	const char *a = sc->ahead, *q;
	size_t n = sc->ahead_len, k = 0;

	if (!a)
		return false;
	while (k < n && (a[k] == ' ' || a[k] == '\t'))
		k++;
	if (k + 1 != col || a[k] != '"' || !(q = memchr(a + col, '"', n - col)) ||
	    !(key_role(a + col, (size_t)(q - a) - col) & role))
		return false;
	for (k = (size_t)(q - a) + 1; k < n && a[k] == ' '; k++)
		;
	if (k >= n || a[k] != ':')
		return false;
	for (k++; k < n && a[k] == ' '; k++)
		;
	if (k >= n || a[k] != '"' || !(q = memchr(a + k + 1, '"', n - k - 1)))
		return false;
	*vs = k + 1;
	*ve = (size_t)(q - a);
	return true;
}

/*
 * Text (a log, JSON that does not parse): a pretty-printed JSON object's
 * "name" and "value" members on two lines next to each other at one
 * column, in either order: the name judges the value, as in a JSON
 * document. Returns the verdict for the value of the key at [ns, ne).
 */
static struct name_verdict text_json_pair(struct scanner *sc, struct textctx *tc, const char *p, size_t ns,
					  size_t ne, size_t vs, size_t ve, struct name_verdict v)
{
	unsigned role = key_role(p + ns, ne - ns);
	struct name_verdict lent = tc->pair;
	bool above = lent.cls != NC_NONE && ns == tc->pair_col;
	size_t as, ae;

	tc->pair.cls = NC_NONE;
	if ((role & KR_VALUE) && v.cls == NC_NONE) {
		if (above)
			return lent;
		if (json_member_ahead(sc, ns, KR_NAME, &as, &ae))
			return node_name_verdict(sc, sc->ahead + as, ae - as);
	} else if ((role & KR_NAME) && json_member_ahead(sc, ns, KR_VALUE, &as, &ae)) {
		while (ve > vs && (p[ve - 1] == ',' || p[ve - 1] == ' '))
			ve--;
		if (ve - vs >= 2 && p[vs] == '"' && p[ve - 1] == '"') {
			tc->pair = node_name_verdict(sc, p + vs + 1, ve - vs - 2);
			tc->pair_col = ns;
		}
	}
	return v;
}

/*
 * YAML read as lines: a flow mapping item "- {name: DB_PASSWORD, value: x}"
 * at j (its '{'), of plain or quoted scalars: the name judges x.
 */
static void yaml_flow_pair(struct scanner *sc, const char *p, size_t len, size_t j)
{
	size_t k = j + 1, ns = 0, ne = 0, vs = 0, ve = 0;
	struct name_verdict v;

	while (k < len && p[k] != '}') {
		size_t ks, ke, s, e;
		unsigned role;

		while (k < len && p[k] == ' ')
			k++;
		for (ks = k; k < len && p[k] != ':' && p[k] != ',' && p[k] != '}' && p[k] != '{' &&
			     p[k] != '['; k++)
			;
		ke = trim_end(p, ks, k);
		if (k >= len || p[k] != ':')
			return;
		if (ke - ks >= 2 && (p[ks] == '"' || p[ks] == '\'') && p[ke - 1] == p[ks]) {
			ks++;
			ke--;
		}
		for (k++; k < len && p[k] == ' '; k++)
			;
		if (k < len && (p[k] == '"' || p[k] == '\'')) {
			const char *q = memchr(p + k + 1, p[k], len - k - 1);

			if (!q)
				return;
			s = k + 1;
			e = (size_t)(q - p);
			k = e + 1;
		} else {
			for (s = k; k < len && p[k] != ',' && p[k] != '}'; k++)
				if (p[k] == '{' || p[k] == '[')
					return; /* nested: not this flat pair */
			e = trim_end(p, s, k);
		}
		role = key_role(p + ks, ke - ks);
		if ((role & KR_NAME) && !ne) {
			ns = s;
			ne = e;
		} else if ((role & KR_VALUE) && !ve) {
			vs = s;
			ve = e;
		}
		while (k < len && p[k] == ' ')
			k++;
		if (k < len && p[k] == ',')
			k++;
	}
	if (k >= len || ne <= ns || ve <= vs)
		return;
	v = node_name_verdict(sc, p + ns, ne - ns);
	if (v.cls == NC_NONE)
		return;
	judge_value(sc, v, p, vs, ve);
	if (p[vs - 1] != '"' && p[vs - 1] != '\'' && sc->nm && sc->m[sc->nm - 1].start == vs &&
	    sc->m[sc->nm - 1].end == ve && sc->m[sc->nm - 1].kind == RK_LABEL)
		sc->m[sc->nm - 1].kind = RK_QLABEL; /* "[REDACTED:x]", not a flow sequence */
}

/*
 * The rest of a configuration line from j, as the value of a directive
 * ("password x", "remote_password x"): one word, or one quoted string
 * ("secret \"two words\";"), not a path nor a URL.
 */
static bool directive_value(const char *p, size_t len, size_t j)
{
	size_t e = trim_end(p, j, len);

	if (e == j || p[j] == '/' || p[j] == '#' || mem_find(p + j, e - j, "://", 3))
		return false;
	if (e - j >= 3 && (p[j] == '"' || p[j] == '\'')) {
		const char *q = memchr(p + j + 1, p[j], e - j - 1);

		if (q && (size_t)(q - p) >= e - 2 && (q + 1 == p + e || q[1] == ';'))
			return true;
	}
	for (size_t k = j; k < e; k++)
		if (is_space((unsigned char)p[k]))
			return false;
	return true;
}

/*
 * An XML start tag left open at the line's end after its value= attribute,
 * whose key= or name= comes on the next line (<add value="x" then
 * key="DbPassword" />): that name judges x. j is at the tag's '<'.
 */
static void xml_value_ahead(struct scanner *sc, const char *p, size_t len, size_t j)
{
	const char *a = sc->ahead;
	size_t vs, ve, k = j + 1, n = sc->ahead_len;

	if (!a || !memchr(p + j, '=', len - j))
		return;
	while (k < len && (name_char((unsigned char)p[k]) || p[k] == ':'))
		k++;
	if (k == j + 1 || xml_tag_rest(p, len, k, &vs, &ve) != XT_OPEN || !ve)
		return;
	for (k = 0; k < n;) {
		size_t as, ae, s, e;

		while (k < n && is_space((unsigned char)a[k]))
			k++;
		if (k >= n || xml_attr(a, n, &k, &as, &ae, &s, &e) <= 0)
			return;
		if ((ae - as == 3 && mem_ieq(a + as, "key", 3)) ||
		    (ae - as == 4 && mem_ieq(a + as, "name", 4))) {
			struct name_verdict v = classify(sc, a + s, e - s, NULL);

			if (v.cls != NC_NONE)
				judge_value(sc, v, p, vs, ve);
			return;
		}
	}
}

/*
 * A line of an XML file that is only the start tag of a secret's element
 * ("  <password>"): its text is on the lines below, up to the end tag.
 */
static void xml_start_line(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			   size_t j)
{
	size_t ns = j + 1, ne = ns;
	struct name_verdict v;

	while (ne < len && name_char((unsigned char)p[ne]))
		ne++;
	if (ne == ns || ne >= len || p[ne] != '>' || trim_end(p, ne + 1, len) != ne + 1)
		return;
	v = classify(sc, p + ns, ne - ns, NULL);
	if (v.cls != NC_STRONG)
		return;
	tc->state = TS_XML;
	tc->cdata = false;
	tc->rule = (uint16_t)v.rule;
	tc->label_done = false;
	tc->qlines = 0;
}

/*
 * Web-server directives that give a header, a parameter or a variable its
 * value, the name in the 2nd or 3rd word: nginx "proxy_set_header
 * Authorization "Basic x";", "fastcgi_param DB_PASSWORD x;", "set $token x;",
 * Apache "Header always set X-Api-Key x", "SetEnv DB_PASSWORD x", HAProxy
 * "http-request set-header ...", Caddy "header_up ...". verbs: the words one
 * of which comes between the directive and the name (after an optional
 * "always" or "onsuccess"); dollar: the name is a variable, "$name".
 */
static const char *const header_verbs[] = { "set", "add", "append", "merge", "setifempty", NULL };
static const char *const haproxy_verbs[] = { "set-header", "add-header", NULL };

static const struct web_directive {
	const char *word;
	const char *const *verbs;
	bool dollar;
} web_directives[] = {
	{ "proxy_set_header", NULL, false },
	{ "grpc_set_header", NULL, false },
	{ "add_header", NULL, false },
	{ "add_trailer", NULL, false },
	{ "fastcgi_param", NULL, false },
	{ "uwsgi_param", NULL, false },
	{ "scgi_param", NULL, false },
	{ "header_up", NULL, false },
	{ "header_down", NULL, false },
	{ "SetEnv", NULL, false },
	{ "Define", NULL, false },
	{ "set", NULL, true },
	{ "Header", header_verbs, false },
	{ "RequestHeader", header_verbs, false },
	{ "http-request", haproxy_verbs, false },
	{ "http-response", haproxy_verbs, false },
};

/* The word at k (to a blank or ';'): its end. */
static size_t directive_word(const char *p, size_t len, size_t k)
{
	while (k < len && !is_space((unsigned char)p[k]) && p[k] != ';')
		k++;
	return k;
}

/* A web-server directive at j (see web_directives): true when it is one (its value judged). */
static bool web_directive(struct scanner *sc, const char *p, size_t len, size_t j)
{
	const struct web_directive *d = NULL;
	size_t e = directive_word(p, len, j), ns, ne, vs, ve;
	struct name_verdict v;

	for (size_t i = 0; i < sizeof(web_directives) / sizeof(web_directives[0]) && e > j; i++)
		if ((p[j] | 0x20) == (web_directives[i].word[0] | 0x20) && word_is(p, j, e, web_directives[i].word))
			d = &web_directives[i];
	if (!d || e >= len || !is_space((unsigned char)p[e]))
		return false;
	ns = skip_blanks(p, len, e);
	if (d->verbs) {
		ne = directive_word(p, len, ns);
		if (word_is(p, ns, ne, "always") || word_is(p, ns, ne, "onsuccess"))
			ne = directive_word(p, len, ns = skip_blanks(p, len, ne));
		if (!word_in(p, ns, ne, d->verbs))
			return false;
		ns = skip_blanks(p, len, ne);
	}
	if (d->dollar) {
		if (ns >= len || p[ns] != '$')
			return false;
		ns++;
	} else if (ns < len && (p[ns] == '"' || p[ns] == '\'')) {
		ns++;
	}
	for (ne = ns; ne < len && name_char((unsigned char)p[ne]); ne++)
		;
	if (ne == ns || ne >= len || !(is_space((unsigned char)p[ne]) || p[ne] == '"' || p[ne] == '\''))
		return false;
	vs = skip_blanks(p, len, ne + !is_space((unsigned char)p[ne]));
	if (vs >= len || p[vs] == ';')
		return true;
	if (p[vs] == '"' || p[vs] == '\'') {
		const char *q = memchr(p + vs + 1, p[vs], len - vs - 1);

		ve = q ? (size_t)(q - p) : len;
		vs++;
	} else {
		ve = directive_word(p, len, vs);
	}
	if (mem_find(p + vs, ve - vs, "%{", 2))
		return true; /* Apache's "%{VAR}e": filled in from elsewhere */
	v = classify(sc, p + ns, ne - ns, NULL);
	if (v.cls != NC_NONE && ve > vs)
		judge_value(sc, v, p, vs, ve);
	return true;
}

/*
 * Does the value start with a name of a secret and ": " ("token: x")? Then
 * it is that name's, not the outer one's: the first pass judged "token: x"
 * whole under the outer name, a second pass, with x now a label after a
 * space, only "token:".
 */
static bool inner_secret_name(const struct scanner *sc, const char *p, size_t len)
{
	size_t i = label_len(p, len);

	if (i) /* our label for such a name, or a part of one: it was judged so the first time */
		return i + 1 < len && p[i] == ':' && p[i + 1] == ' ';
	while (i < len && name_char((unsigned char)p[i]))
		i++;
	return i && i + 1 < len && p[i] == ':' && p[i + 1] == ' ' &&
	       classify(sc, p, i, NULL).cls != NC_NONE;
}

/* The lines below a key at column indent, more indented, go (TS_BLOCK), under one label. */
static void block_below(struct textctx *tc, size_t indent, int rule, bool quoted_label)
{
	tc->state = TS_BLOCK;
	tc->continued = false;
	tc->quoted_label = quoted_label;
	tc->brackets = 0;
	tc->indent = indent;
	tc->rule = (uint16_t)rule;
	tc->label_done = false;
}

/*
 * A quoted (JSON) key's value that opens a bracket at vs, in text: a JSON
 * document that did not parse, or one pretty-printed in a log. The strings
 * in it that are values (not followed by ':') are judged by the key, so
 * brackets, commas and what follows stay; when the bracket is still open at
 * the line's end, the more indented lines below go too (its members). Not
 * our label ("[REDACTED:x]"), nor "[]" or "{}". true: the value was taken.
 */
static bool json_bracket_value(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			       size_t indent, size_t vs, struct name_verdict v)
{
	size_t k = vs, depth = 0;

	if (vs >= len || (p[vs] != '{' && p[vs] != '[') || label_len(p + vs, len - vs) ||
	    v.cls == NC_NONE || v.cls == NC_AUTH || v.cls == NC_COOKIE)
		return false;
	while (k < len) {
		char c = p[k];

		if (c == '"') {
			size_t s = k + 1, a;

			for (k = s; k < len && p[k] != '"'; k++)
				if (p[k] == '\\')
					k++;
			if (k >= len)
				return true; /* a string cut by the line's end: as the rest, kept */
			for (a = k + 1; a < len && (p[a] == ' ' || p[a] == '\t'); a++)
				;
			/*
			 * Nor a string that our label follows at once: the label
			 * took what followed, a value that another reader, pairing
			 * the quotes otherwise, saw after this string's ':'
			 * ({""Secret":":x}: "Secret" a key, ":" its value's quote).
			 */
			if (a >= len || (p[a] != ':' && !(a == k + 1 && p[a] == '[' && label_len(p + a, len - a))))
				judge_value(sc, v, p, s, k);
			k++;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && !--depth)
			return true;
		k++;
	}
	if (tc && !tc->embedded && (v.cls == NC_STRONG || v.cls == NC_ALL)) {
		block_below(tc, indent, v.rule, true);
		tc->brackets = (uint16_t)MIN(depth, UINT16_MAX);
	}
	return true;
}

/* YAML read as lines: the items of a sequence below a key at column indent are judged v. */
static void yaml_seq_open(struct textctx *tc, size_t indent, struct name_verdict v)
{
	tc->seq_on = true;
	tc->seq = v;
	tc->seq_indent = indent;
	tc->seq_col = SIZE_MAX;
}

/*
 * YAML read as lines: does the next line (sc->ahead) hold a scalar more
 * indented than col, the value of a key at col with none on its own line?
 * Not a key ("a: b", "a:"), an item, a comment, a flow collection, a block
 * scalar's indicator, an anchor or a tag: those the document walk does not
 * read as one value either.
 */
static bool yaml_scalar_below(const struct scanner *sc, size_t col)
{
	const char *a = sc->ahead;
	size_t n = sc->ahead_len, k = 0, e;

	if (!a)
		return false;
	while (k < n && a[k] == ' ')
		k++;
	e = trim_end(a, k, n);
	if (k <= col || k >= e || strchr("-?#[]{}|>&*!%@,", a[k]))
		return false;
	return a[e - 1] != ':' && !mem_find(a + k, e - k, ": ", 2) && !mem_find(a + k, e - k, " #", 2);
}

/*
 * The value [vs, ve) of a line's key judged v (the key at column indent):
 * on the line, or on the lines below it (a block scalar, a Secret's value,
 * a quoted value that goes on).
 */
static void line_value(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
		       size_t indent, size_t vs, size_t ve, struct name_verdict v)
{
	bool quoted, config = tc->fmt == F_ENV || tc->fmt == F_INI || tc->fmt == F_PROPERTIES ||
			      tc->fmt == F_TEXT;
	const char *c;

	if (sc->field_sep && (c = sep_outside_labels(p, vs, len, sc->field_sep))) { /* (see judge_value()) */
		len = (size_t)(c - p);
		ve = MIN(ve, len);
	}

	if (v.cls == NC_ALL && !tc->embedded && (vs >= ve || p[vs] == '#')) {
		/* a Secret's value on the lines below its key: they all go */
		block_below(tc, indent, v.rule, true);
		return;
	}
	if (v.cls == NC_STRONG && tc->fmt == F_YAML && !tc->embedded && (vs >= ve || p[vs] == '#') &&
	    yaml_scalar_below(sc, indent)) {
		/* "password:" and a plain or quoted scalar on the more indented lines below */
		block_below(tc, indent, v.rule, true);
		return;
	}
	if (v.cls == NC_STRONG && tc->fmt == F_INI && !tc->embedded && vs >= ve) {
		/* "password =" and the value on the more indented lines below (Python's configparser) */
		block_below(tc, indent, v.rule, false);
		return;
	}
	if (v.cls != NC_NONE && tc->fmt == F_YAML && !tc->embedded && (vs >= ve || p[vs] == '#'))
		yaml_seq_open(tc, indent, v);
	if (v.cls == NC_NONE || vs >= ve)
		return;
	if (tc->fmt == F_YAML && yaml_null_at(p, vs, ve))
		return; /* YAML's null, as "null" is */
	if (!tc->embedded && (tc->fmt == F_TEXT || tc->fmt == F_YAML) &&
	    is_block_indicator(p + vs, ve - vs)) {
		if (v.cls == NC_STRONG || v.cls == NC_ALL)
			block_below(tc, indent, v.rule, false);
		return;
	}
	if (tc->fmt == F_TEXT && inner_secret_name(sc, p + vs, ve - vs))
		return; /* "a:token: x": the inner name takes its value (in the trigger pass) */
	if (tc->fmt == F_TEXT && !strchr("\"'`", p[vs]) && v.cls != NC_AUTH && v.cls != NC_COOKIE &&
	    (v.cls == NC_WEAK || more_assignments(p + vs, ve - vs) || label_then_more(p + vs, ve - vs))) {
		/*
		 * "password=x user=y" in a log: not the rest of the line. A
		 * value judged by its looks (NC_WEAK) is one word too: the rest
		 * of a line, spaces and all, never looks like a token.
		 */
		if (value_extent(p, len, vs, v.cls, &vs, &ve))
			judge_value(sc, v, p, vs, ve);
		return;
	}
	quoted = p[vs] == '"' || p[vs] == '\'' || p[vs] == '`';
	if (quoted && triple_quoted(p, &vs, &ve)) {
		/* the value is between the triple quotes */
	} else if (quoted) {
		char q = p[vs];
		size_t k;

		for (k = vs + 1; k < ve && p[k] != q; k++)
			if (p[k] == '\\' && q != '\'')
				k++;
		if (k < ve) {
			ve = k;
		} else if (!tc->embedded && config && v.cls == NC_STRONG) {
			/* KEY="first line ... (closed on a later line) */
			tc->state = TS_QUOTE;
			tc->quote = q;
			tc->qlines = 0;
			tc->rule = (uint16_t)v.rule;
		}
		vs++;
	} else if (!tc->embedded && tc->fmt == F_PROPERTIES && v.cls == NC_STRONG &&
		   ends_with_backslash(p + vs, ve - vs)) {
		tc->state = TS_BLOCK;
		tc->continued = true;
		tc->quoted_label = false;
		tc->rule = (uint16_t)v.rule;
		tc->label_done = true;
	}
	judge_value(sc, v, p, vs, ve);
	if (tc->state != TS_NONE && (!sc->nm || sc->m[sc->nm - 1].start != vs))
		tc->state = TS_NONE; /* the value was not a secret after all */
	else if (tc->fmt == F_YAML && !quoted && sc->nm && sc->m[sc->nm - 1].start == vs &&
		 sc->m[sc->nm - 1].end == ve && sc->m[sc->nm - 1].kind == RK_LABEL)
		sc->m[sc->nm - 1].kind = RK_QLABEL; /* "[REDACTED:x]", not a flow sequence */
}

/* A plain or quoted YAML scalar at [*vs, *ve) on its own (no mapping, flow or comment in it), unquoted. */
static bool yaml_scalar(const char *p, size_t *vs, size_t *ve)
{
	const char *c = mem_find(p + *vs, *ve - *vs, " #", 2);
	size_t s = *vs, e = c ? trim_end(p, s, (size_t)(c - p)) : *ve;

	if (s >= e || strchr("[]{}#&*!|>%@`", p[s]))
		return false;
	if (p[s] == '"' || p[s] == '\'') {
		if (e - s < 2 || p[e - 1] != p[s] || memchr(p + s + 1, p[s], e - s - 2))
			return false;
		s++;
		e--;
	} else if (mem_find(p + s, e - s, ": ", 2) || p[e - 1] == ':') {
		return false;
	}
	*vs = s;
	*ve = e;
	return true;
}

/*
 * YAML read as lines: what a line lends the next, as the document walk
 * judges it. A flag item that names a secret ("- --db-password") judges the
 * next item at its column ("- S3cret"), unless that is a flag too; a complex
 * key ("? password") judges the ": value" at its column. Blank and comment
 * lines keep what is lent. True when the line is done with (no key on it).
 */
static bool yaml_lent(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
		      size_t indent, size_t j, bool item)
{
	enum next_kind kind = tc->next_kind;
	size_t vs = j, ve = trim_end(p, j, len), ss, se;
	bool done = false, lent;

	if (!item && (vs >= ve || p[vs] == '#'))
		return false;
	if (!item || indent != tc->cli_col) { /* another sequence, or none */
		memset(&tc->cli, 0, sizeof(tc->cli));
		tc->cli_col = indent;
	}
	tc->next_kind = NX_NONE;
	if (kind == NX_KEY && !item && indent == tc->next_col && p[j] == ':' &&
	    (j + 1 == len || is_space((unsigned char)p[j + 1]))) {
		sc->yaml_colon = j; /* it stays out of every match */
		for (vs = j + 1; vs < ve && is_space((unsigned char)p[vs]);)
			vs++;
		line_value(sc, tc, p, len, indent, vs, ve, tc->next);
		return true;
	}
	if (!item) {
		if (p[j] != '?' || (j + 1 < len && p[j + 1] != ' '))
			return false;
		for (vs = j + 1; vs < ve && p[vs] == ' ';)
			vs++;
		if (!yaml_scalar(p, &vs, &ve))
			return false;
		tc->next = classify(sc, p + vs, ve - vs, NULL);
		tc->next_kind = tc->next.cls != NC_NONE ? NX_KEY : NX_NONE;
		tc->next_col = indent;
		return true;
	}
	lent = kind == NX_ITEM && indent == tc->next_col;
	ss = vs;
	se = ve;
	if (!yaml_scalar(p, &ss, &se)) {
		tc->cli.next = 0; /* a mapping, a collection: no option's value */
		if (!lent || vs >= ve || !is_block_indicator(p + vs, ve - vs))
			return false; /* a mapping, a collection, an alias: no flag's value */
		line_value(sc, tc, p, len, indent, vs, ve, tc->next); /* "- |": the lines below */
		return true;
	}
	cli_item_note(&tc->cli, p + ss, se - ss); /* "- mysql", "- -pX" */
	if (tc->cli.how)
		cli_value(sc, p, ss + tc->cli.off, se, tc->cli.how);
	if (lent && !(se - ss > 1 && p[ss] == '-' &&
		      (p[ss + 1] == '-' || is_alnum((unsigned char)p[ss + 1])))) {
		line_value(sc, tc, p, len, indent, vs, ve, tc->next);
		done = true;
	}
	tc->next = flag_verdict(sc, p + ss, se - ss);
	if (tc->next.cls != NC_NONE) {
		tc->next_kind = NX_ITEM;
		tc->next_col = indent;
	}
	return done;
}

/*
 * YAML read as lines: under a key judged tc->seq with no value on its line,
 * the items of a sequence at one column (which may be the key's) that are
 * scalars are judged by it. The first line below that is not such an item
 * ends the sequence. False when the line was such an item (done with).
 */
static bool yaml_seq_item(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			  size_t indent, size_t j, bool item)
{
	size_t vs = j, ve = trim_end(p, j, len);

	if (!item || indent < tc->seq_indent || (tc->seq_col != SIZE_MAX && indent != tc->seq_col)) {
		tc->seq_on = false;
		return true;
	}
	tc->seq_col = indent;
	if (!yaml_scalar(p, &vs, &ve))
		return true; /* a mapping, a flow collection, "- |": read as any item is */
	line_value(sc, tc, p, len, indent, j, trim_end(p, j, len), tc->seq);
	return false;
}

/*
 * YAML read as lines: a scalar item at j (of an item line) whose key path the
 * policy names ("spec.*.env" over "env:" and "- x") goes, as the document
 * walk's does. True when it was judged so.
 */
static bool yaml_policy_item(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			     size_t indent, size_t j)
{
	const struct keypath *kp = &sc->kp;
	size_t vs = j, ve = trim_end(p, j, len);
	struct name_verdict v = { .cls = NC_STRONG };

	if (kp->broken || !kp->depth || !(kp->items & 1u << (kp->depth - 1)) || !yaml_scalar(p, &vs, &ve) ||
	    (v.rule = policy_key_rule(sc, NULL, 0, kp->path)) < 0)
		return false;
	line_value(sc, tc, p, len, indent, j, trim_end(p, j, len), v);
	return true;
}

/*
 * YAML read as lines, a key at column ns whose value is [vs, ve): under a
 * plural of a secret's name ("passwords:", "api_tokens:") the values of
 * its mapping's own keys are judged as that name's (*v), as in a parsed
 * document (see held_plural()); deeper mappings are not. True when the
 * line is such a name, which opens that mapping (nothing to redact on it).
 */
static bool yaml_held(struct scanner *sc, struct textctx *tc, const char *p, size_t ns, size_t ne,
		      size_t vs, size_t ve, struct name_verdict *v)
{
	struct name_verdict h;

	if (tc->held_on && ns > tc->held_indent) {
		if (tc->held_col == SIZE_MAX)
			tc->held_col = ns;
		if (ns == tc->held_col && v->cls == NC_NONE && vs < ve && p[vs] != '#')
			*v = tc->held;
		return false;
	}
	if (vs < ve && p[vs] != '#')
		return false;
	h = held_plural(sc, p + ns, ne - ns);
	if (h.cls == NC_NONE)
		return false;
	tc->held_on = true;
	tc->held = h;
	tc->held_indent = ns;
	tc->held_col = SIZE_MAX;
	return true;
}

/*
 * An array of double-quoted strings at vs, as TOML writes one: ["a", "b"],
 * or "[" whose items follow on the lines below. Its strings are then
 * judged one by one (json_bracket_value()), and the brackets stay.
 */
static bool string_array(const char *p, size_t vs, size_t ve)
{
	size_t depth = 0;

	if (vs >= ve || p[vs] != '[' || label_len(p + vs, ve - vs))
		return false;
	for (size_t k = vs; k < ve; k++) {
		if (p[k] == '"') {
			for (k++; k < ve && p[k] != '"'; k++)
				if (p[k] == '\\')
					k++;
			if (k >= ve)
				return false;
		} else if (p[k] == '[') {
			depth++;
		} else if (p[k] == ']') {
			if (!depth--)
				return false;
		} else if (p[k] == '#') {
			return true; /* a comment: TOML's, after the array or its start */
		} else if (p[k] != ',' && p[k] != ' ' && p[k] != '\t') {
			return false; /* a bare word ("[secret]" in an INI file), a number */
		}
	}
	return true;
}

/*
 * "name = rest of line" (and "name: ...", "export NAME=...", "- name=...")
 * at the start of a record: in configuration formats the value runs to the
 * end of the line, and may continue on the next lines.
 */
/*
 * A .properties key goes on past a backslash and the byte it escapes
 * ("db.password\ with\ space", "a\:b", "a\=b"): where it ends.
 */
static size_t properties_key_end(const char *p, size_t len, size_t j)
{
	while (j < len) {
		if (p[j] == '\\' && j + 1 < len && p[j + 1] != '\r')
			j += 2;
		else if (key_char((unsigned char)p[j]))
			j++;
		else
			break;
	}
	return j;
}

/*
 * Terraform: variable "NAME" { at j (its quote): when NAME is a secret's
 * ("db_password"), the default in its block is that secret.
 */
static void tf_variable(struct scanner *sc, struct textctx *tc, const char *p, size_t len, size_t j,
			size_t indent)
{
	const char *q = memchr(p + j + 1, '"', len - j - 1);
	struct name_verdict h;
	size_t k;

	if (!q)
		return;
	for (k = (size_t)(q - p) + 1; k < len && p[k] == ' '; k++)
		;
	if (k >= len || p[k] != '{' || trim_end(p, k + 1, len) != k + 1)
		return;
	h = classify(sc, p + j + 1, (size_t)(q - p) - j - 1, NULL);
	if (h.cls != NC_STRONG)
		return;
	tc->held_on = tc->held_default = true;
	tc->held = h;
	tc->held_indent = indent;
	tc->held_col = SIZE_MAX;
}

static void line_assignment(struct scanner *sc, struct textctx *tc, const char *p, size_t len)
{
	size_t j = 0, indent, ns, ne, vs, ve, sp;
	bool item = false, directive = false;
	struct name_verdict v;
	char path[192];
	const char *pathp = NULL;

	while (j < len && (p[j] == ' ' || p[j] == '\t'))
		j++;
	indent = j;
	if (tc->state == TS_XML_TAG && xml_tag_line(sc, tc, p, len, j))
		return;
	if (tc->next_kind == NX_XML_NAME || tc->next_kind == NX_XML_PARENT) {
		if (j == len || p[j] == '\r')
			return; /* a blank line: the value may come on the next */
		xml_lent_line(sc, tc, p, len, j);
	}
	if (tc->xml && !tc->embedded && j < len && p[j] == '<') {
		xml_value_ahead(sc, p, len, j);
		xml_start_line(sc, tc, p, len, j);
		return;
	}
	if ((tc->fmt == F_TEXT || tc->fmt == F_INI) && !tc->xml && !tc->embedded &&
	    web_directive(sc, p, len, j))
		return;
	if (tc->k8s_data && j < len && indent <= tc->k8s_indent && p[j] != '#' && p[j] != '\r')
		tc->k8s_data = false; /* the data block has ended */
	if (tc->held_on && j < len && indent <= tc->held_indent && p[j] != '#' && p[j] != '\r')
		tc->held_on = false; /* the mapping under "passwords:" has ended */
	if (j + 1 < len && p[j] == '-' && p[j + 1] == ' ') {
		item = true;
		for (j += 2; j < len && p[j] == ' '; j++)
			;
	}
	if (tc->seq_on && j < len && p[j] != '#' && p[j] != '\r' &&
	    !yaml_seq_item(sc, tc, p, len, indent, j, item))
		return;
	if (item && tc->fmt == F_YAML && !tc->embedded && sc->e->has_keys && j < len && p[j] != '#' &&
	    yaml_policy_item(sc, tc, p, len, indent, j))
		return;
	if (tc->fmt == F_YAML && !tc->embedded && yaml_lent(sc, tc, p, len, indent, j, item))
		return;
	if (item && j < len && p[j] == '{' && (tc->fmt == F_YAML || tc->fmt == F_TEXT) && !tc->embedded) {
		yaml_flow_pair(sc, p, len, j);
		return;
	}
	if (len - j > 7 && !memcmp(p + j, "export ", 7))
		for (j += 7; j < len && p[j] == ' '; j++)
			;
	if (j < len && (p[j] == '"' || p[j] == '\''))
		j++;
	ns = j;
	if (tc->fmt == F_INI) {
		/*
		 * "name: value" too, but npm's "//registry.example/:_authToken=..."
		 * is one name, and our label's ':' is no separator; no control
		 * character is a part of a name
		 */
		while (j < len && p[j] != '=' && (unsigned char)p[j] > ' ' && p[j] != 0x7f && p[j] != '"' &&
		       !(p[j] == ':' && j > ns && p[j - 1] != '/'))
			j += p[j] == '[' && label_len(p + j, len - j) ? label_len(p + j, len - j) : 1;
	} else if (tc->fmt == F_YAML && j < len &&
		   (!strchr("\"'[]{}#&*!|>%@`,", p[j]) || label_len(p + j, len - j))) {
		/*
		 * A plain YAML key runs to ": " (as libyaml reads it when it
		 * can); one that starts with our label was such a key the first
		 * time (classify() then keeps its value as it is).
		 */
		j = yaml_key_run(p, len, j);
		if (j >= len || p[j] != ':')
			return;
		sc->yaml_colon = j;
		j = trim_end(p, ns, j);
	} else {
		j += label_len(p + j, len - j); /* a name that starts with our label (classify() keeps it) */
		while (j < len && key_char((unsigned char)p[j]))
			j++;
		if (tc->fmt == F_PROPERTIES && j + 1 < len && p[j] == '\\')
			j = properties_key_end(p, len, j);
	}
	ne = j;
	if (ne == ns)
		return;
	sc->probed_start = ns;
	sc->probed_end = ne;
	if (j < len && (p[j] == '"' || p[j] == '\'') && ns > 0 && p[ns - 1] == p[j])
		j++;
	for (sp = j; j < len && (p[j] == ' ' || p[j] == '\t'); j++)
		;
	if (j < len && p[j] == '=') {
		if (j + 1 < len && (p[j + 1] == '=' || p[j + 1] == '~'))
			return; /* "a == b", "x =~ re": no assignment (nor base64 padding) */
		j++;
		if (j < len && p[j] == '>')
			j++;
	} else if (j < len && p[j] == ':' && !(j + 1 < len && (p[j + 1] == ':' || p[j + 1] == '/'))) {
		j++;
		if (j < len && p[j] == '=')
			j++;
	} else if (j + 1 < len && p[j] == ':' && p[j + 1] == '/' && !(j + 2 < len && p[j + 2] == '/') &&
		   ne - ns >= 13 && mem_ieq(p + ne - 13, "authorization", 13) &&
		   classify(sc, p + ns, ne - ns, NULL).cls == NC_AUTH) {
		/*
		 * "Authorization:/x y" is a header and its value, not host:/path:
		 * all of it, as after "Authorization:x" (a word of it only, and
		 * a second pass would read the label after the ':' so)
		 */
		j++;
	} else if (j > sp && (tc->fmt == F_PROPERTIES ||
			      (ne - ns == 11 && mem_ieq(p + ns, "requirepass", 11)) ||
			      (ne - ns == 10 && mem_ieq(p + ns, "masterauth", 10)))) {
		; /* "name value" */
	} else if (j > sp && (tc->conf || tc->fmt == F_INI) && directive_value(p, len, j)) {
		directive = true; /* "password x" in a configuration file */
	} else {
		/*
		 * HCL's block named by a plural of a secret's name (Consul's
		 * "tokens {"): its own keys' values are judged as that name's,
		 * as under YAML's "tokens:" (yaml_held()), to its closing brace
		 */
		if (tc->fmt != F_YAML && j < len && p[j] == '{' && trim_end(p, j + 1, len) == j + 1 &&
		    !tc->embedded) {
			struct name_verdict h = held_plural(sc, p + ns, ne - ns);

			if (h.cls != NC_NONE) {
				tc->held_on = true;
				tc->held_default = false;
				tc->held = h;
				tc->held_indent = indent;
				tc->held_col = SIZE_MAX;
			}
		} else if (tc->fmt != F_YAML && j < len && p[j] == '"' && ne - ns == 8 &&
			   !memcmp(p + ns, "variable", 8) && !tc->embedded) {
			tf_variable(sc, tc, p, len, j, indent);
		}
		/* no "name = rest of line": the text's probes may still find "--password X" */
		sc->probed_start = sc->probed_end = 0;
		return;
	}
	if (tc->fmt == F_INI && sc->kp.section[0] && (size_t)snprintf(path, sizeof(path), "%s.%.*s",
								     sc->kp.section, (int)(ne - ns),
								     p + ns) < sizeof(path))
		pathp = path;
	else if (tc->fmt == F_YAML && !tc->embedded)
		pathp = yaml_key_path(&sc->kp, p + ns, ne - ns);
	while (j < len && is_space((unsigned char)p[j])) /* as the YAML key's end: "\r" too */
		j++;
	vs = j;
	ve = trim_end(p, vs, len);
	if (tc->shell && vs < ve && p[vs - 1] == '=' && !strchr("\"'$`", p[vs])) {
		/* PGPASSWORD=x pg_dump ...: the value ends at a blank, the command follows */
		for (size_t k = vs; k < ve; k++)
			if (p[k] == '\\')
				k++;
			else if (p[k] == ' ' || p[k] == '\t')
				ve = k;
	}
	if (tc->fmt == F_YAML && !tc->embedded && !(tc->k8s_data && ns > tc->k8s_indent) &&
	    ((ne - ns == 4 && !memcmp(p + ns, "data", 4)) ||
	     (ne - ns == 10 && !memcmp(p + ns, "stringData", 10))) &&
	    (vs >= ve || p[vs] == '#')) {
		tc->k8s_data = true; /* values below go if this is a Secret */
		tc->k8s_indent = ns;
		return;
	}
	if (tc->fmt == F_TEXT && !tc->conf && function_prefix(p, len, ns, ne))
		return; /* smbd: "  check_ntlm_password:  authentication for user [x] ..." */
	v = classify(sc, p + ns, ne - ns, pathp);
	if (tc->fmt == F_TEXT && !tc->embedded && !item && ns > 0 && p[ns - 1] == '"')
		v = text_json_pair(sc, tc, p, ns, ne, vs, ve, v);
	else if ((tc->fmt == F_YAML || (tc->fmt == F_TEXT && (item || tc->pair.cls != NC_NONE))) &&
		 !tc->embedded)
		v = line_pair(sc, tc, p, ns, ne, vs, ve, item, v);
	if (tc->fmt == F_YAML && !tc->embedded && !item && yaml_held(sc, tc, p, ns, ne, vs, ve, &v)) {
		if (tc->held_on && tc->held_indent == ns)
			yaml_seq_open(tc, indent, tc->held); /* "passwords:" and a sequence below */
		return;
	}
	if (tc->fmt != F_YAML && tc->held_on && indent > tc->held_indent && v.cls == NC_NONE &&
	    vs < ve && p[vs] != '{') {
		if (tc->held_col == SIZE_MAX)
			tc->held_col = indent;
		if (indent == tc->held_col &&
		    (!tc->held_default || (ne - ns == 7 && !memcmp(p + ns, "default", 7))))
			v = tc->held; /* in an HCL "tokens {" block, a variable's default */
	}
	if (directive) {
		if (v.cls != NC_STRONG)
			return;
		if (ve > vs && p[ve - 1] == ';') /* nginx */
			ve--;
	}
	if (tc->k8s_data && ns > tc->k8s_indent && sc->on[R_KUBERNETES_SECRET] &&
	    (tc->k8s_secret == 1 || (tc->k8s_secret < 0 && looks_base64(p, len, vs)))) {
		v.cls = NC_ALL; /* a value of a Kubernetes Secret */
		v.rule = R_KUBERNETES_SECRET;
		v.not_paths = false;
	}
	if (ns > 0 && p[ns - 1] == '"' && json_bracket_value(sc, tc, p, len, indent, vs, v))
		return; /* "password": {"value": "x"}, or "password": { and its members below */
	if (tc->fmt == F_INI && string_array(p, vs, ve) && json_bracket_value(sc, tc, p, len, indent, vs, v))
		return; /* TOML: tokens = ["a", "b"], or tokens = [ and its items below */
	if (tc->fmt == F_TEXT && ne < len && p[ne] != '"' && p[ne] != '\'' && prompt_ends(p, len, ns, vs))
		return; /* expect's "Password:" { send ... }: a prompt */
	if (tc->fmt == F_TEXT && !tc->shell && !tc->conf && !directive &&
	    (v.cls == NC_STRONG || v.cls == NC_WEAK) && code_value(sc, v, p, len, ns, ne, vs))
		return; /* password = getpass.getpass("Password: ") */
	line_value(sc, tc, p, len, indent, vs, ve, v);
}

/* ---- secrets by their place on a line: network devices, SNMP, LDIF, Redis ACL, JAAS ---- */

#define LINE_WORDS 24

/*
 * The word of a line at or after *i (a quoted one whole), [*s, *e); *i
 * moves past it. False at the line's end. A quote that never closes is a
 * word's character, as fetchmail's and a router's lexers read it: it
 * hides no words after it ("PW=[ "] user u pass x", whose '"' a label may
 * take).
 */
static bool line_word(const char *p, size_t len, size_t *i, size_t *s, size_t *e)
{
	size_t k = *i;

	while (k < len && is_space((unsigned char)p[k]))
		k++;
	if (k >= len)
		return false;
	*s = k;
	if (p[k] == '"') {
		const char *q = memchr(p + k + 1, '"', len - k - 1);

		k = q ? (size_t)(q - p) + 1 : k;
	}
	while (k < len && !is_space((unsigned char)p[k]))
		k++;
	*e = *i = k;
	return true;
}

/* A line's words (line_word()), at most LINE_WORDS: their count. */
static size_t line_words(const char *p, size_t len, size_t ws[], size_t we[])
{
	size_t n = 0, i = 0;

	while (n < LINE_WORDS && line_word(p, len, &i, &ws[n], &we[n]))
		n++;
	return n;
}

/* The secret word [s, e): its quotes and a closing ';' (Junos) are not its. */
static void secret_word(struct scanner *sc, const char *p, size_t s, size_t e)
{
	if (e > s && p[e - 1] == ';')
		e--;
	if (e - s >= 2 && (p[s] == '"' || p[s] == '\'') && p[e - 1] == p[s]) {
		s++;
		e--;
	}
	if (e <= s || value_is_placeholder(p + s, e - s) || holds_label(p + s, e - s) ||
	    allowed_value(sc, p + s, e - s))
		return;
	for (size_t m = 0; m < sc->nm; m++)
		if (sc->m[m].start == s && sc->m[m].end == e)
			return; /* two of the readers below */
	add_match(sc, s, e, R_PASSWORD, RK_LABEL, 0);
}

/* An SNMPv3 or OSPF algorithm: md5, sha, sha-256, des, 3des, aes, aes-128, aes256c... */
static bool algorithm_word(const char *p, size_t s, size_t e)
{
	static const char *const algs[] = { "md5", "sha", "des", "3des", "aes", NULL };

	for (const char *const *a = algs; *a; a++) {
		size_t n = strlen(*a), k;

		if (e - s < n || !mem_ieq(p + s, *a, n))
			continue;
		for (k = s + n; k < e && ((p[k] >= '0' && p[k] <= '9') || p[k] == '-'); k++)
			;
		if (k == e || (k + 1 == e && (p[k] | 0x20) == 'c'))
			return true;
	}
	return false;
}

static bool hex_only(const char *p, size_t s, size_t e)
{
	for (size_t k = s; k < e; k++)
		if (!hex_digit((unsigned char)p[k]))
			return false;
	return e > s;
}

enum {
	DS_TYPE = 1,      /* a type may come first: Cisco's digit ("7 0822455D0A16"), FortiOS's ENC */
	DS_NEED_TYPE = 2, /* ...and must ("password 7 X": "password X" is a directive's) */
	DS_LAST = 4,      /* the secret ends the line */
	DS_ALGS = 8,      /* the word after each algorithm, and after "priv", is a secret (SNMPv3) */
	DS_NOT_NUM = 16,  /* a number there is no secret ("key 1" starts a key chain's key) */
	DS_BLOCK = 32,    /* "{" follows the secret (Junos: "community public {") */
	DS_NOT_V3 = 64,   /* no secret after "3" ("version 3 priv USER": a user) */
	DS_TAIL = 128,    /* only Cisco's words follow ("encrypted", "privilege 15"), not prose */
	DS_INDENT = 256,  /* a line of a block, indented ("key X" under "tacacs server T") */
	DS_QUOTED = 512,  /* quoted, as Junos writes its encrypted secrets ("$9$...") */
	DS_KW_THIRD = 1024, /* kw is the word after the lead's one argument ("user NAME password X") */
	DS_USERPASS = 2048, /* the secret is the part after "user:" */
};

/*
 * Network devices (Cisco IOS, NX-OS and ASA; Junos set commands and blocks;
 * FortiOS) and net-snmp's snmpd.conf and snmptrapd.conf: a line that starts
 * with lead (after its indent and a "no ") holds a secret after the word kw
 * further on, or after lead itself, and skip words more. Passwords and their
 * hashes (type 5, 8, 9), type-7 passwords, communities, RADIUS, TACACS+ and
 * IKE keys and SNMPv3 passphrases all go.
 */
static const struct device_secret {
	const char *lead;
	const char *kw;
	uint8_t skip;
	uint16_t flags;
} device_secrets[] = {
	{ "enable", "secret", 0, DS_TYPE | DS_TAIL },
	{ "enable", "password", 0, DS_TYPE | DS_TAIL },
	{ "username", "password", 0, DS_TYPE | DS_TAIL },
	{ "username", "secret", 0, DS_TYPE | DS_TAIL },
	{ "password", NULL, 0, DS_TYPE | DS_NEED_TYPE | DS_LAST }, /* line vty, ppp */
	{ "secret", NULL, 0, DS_TYPE | DS_NEED_TYPE | DS_LAST },
	{ "key", NULL, 0, DS_TYPE | DS_LAST | DS_NOT_NUM | DS_INDENT }, /* radius/tacacs server blocks */
	{ "key-string", NULL, 0, DS_TYPE | DS_LAST },               /* key chains */
	{ "radius-server", "key", 0, DS_TYPE },
	{ "tacacs-server", "key", 0, DS_TYPE },
	{ "server-private", "key", 0, DS_TYPE },
	{ "crypto isakmp", "key", 0, DS_TYPE },
	{ "pre-shared-key", "key", 0, DS_TYPE },                    /* keyring: "... address A key X" */
	{ "pre-shared-key", NULL, 0, DS_TYPE | DS_LAST },           /* ASA tunnel-group */
	{ "ikev1", "pre-shared-key", 0, DS_TYPE | DS_LAST },
	{ "ikev2", "pre-shared-key", 0, DS_TYPE | DS_LAST },
	{ "standby", "key-string", 0, DS_TYPE },                    /* HSRP */
	{ "ip ospf authentication-key", NULL, 0, DS_TYPE },
	{ "ip ospf message-digest-key", "md5", 0, DS_TYPE },
	{ "neighbor", "password", 0, DS_TYPE | DS_TAIL },           /* BGP */
	{ "wpa-psk", "ascii", 0, DS_TYPE },
	{ "wpa-psk", "hex", 0, DS_TYPE },
	{ "wpa-psk", NULL, 0, DS_LAST },                            /* ifupdown too */
	{ "snmp-server community", NULL, 0, 0 },
	{ "snmp-server host", "version", 1, DS_NOT_V3 },
	{ "snmp-server user", NULL, 0, DS_ALGS },
	/* Junos set commands, FortiOS */
	{ "set snmp", "community", 0, 0 },
	{ "set", "encrypted-password", 0, 0 },
	{ "set", "plain-text-password-value", 0, 0 },
	{ "set", "authentication-key", 0, 0 },
	{ "set", "secret", 0, DS_QUOTED },                          /* radius-server A secret "$9$..." */
	{ "set", "secret", 0, DS_TYPE | DS_NEED_TYPE },             /* "set secret ENC X" */
	{ "set", "ascii-text", 0, 0 },
	{ "set", "psksecret", 0, DS_TYPE },
	{ "set", "passwd", 0, DS_TYPE },
	{ "set", "password", 0, DS_TYPE | DS_NEED_TYPE },           /* "set password ENC X" */
	{ "set password", NULL, 0, DS_LAST | DS_INDENT },
	{ "community", NULL, 0, DS_BLOCK },
	/* net-snmp */
	{ "rocommunity", NULL, 0, 0 },
	{ "rwcommunity", NULL, 0, 0 },
	{ "rocommunity6", NULL, 0, 0 },
	{ "rwcommunity6", NULL, 0, 0 },
	{ "com2sec", NULL, 2, 0 },
	{ "com2sec6", NULL, 2, 0 },
	{ "createUser", NULL, 0, DS_ALGS },
	{ "trapcommunity", NULL, 0, 0 },
	{ "trapsink", NULL, 1, 0 },
	{ "trap2sink", NULL, 1, 0 },
	{ "informsink", NULL, 1, 0 },
	{ "authCommunity", NULL, 1, 0 },
	{ "defCommunity", NULL, 0, 0 },
	/* HAProxy userlists and stats pages */
	{ "user", "password", 0, DS_KW_THIRD | DS_INDENT },
	{ "user", "insecure-password", 0, DS_KW_THIRD },
	{ "stats auth", NULL, 0, DS_USERPASS },
};

/* An SNMPv3 user's secrets from word i: after an algorithm (and a key size), after "priv". */
static void algorithm_secrets(struct scanner *sc, const char *p, const size_t ws[],
			      const size_t we[], size_t i, size_t n)
{
	for (; i + 1 < n; i++) {
		bool alg = algorithm_word(p, ws[i], we[i]);

		if (!alg && !(word_is(p, ws[i], we[i], "priv") &&
			      !algorithm_word(p, ws[i + 1], we[i + 1])))
			continue;
		if (alg && digits_only(p, ws[i + 1], we[i + 1]) && i + 2 < n)
			i++; /* "aes 128 X" */
		secret_word(sc, p, ws[i + 1], we[i + 1]);
		i++;
	}
}

/* What may follow a password in a Cisco command: nothing, or these words. */
static bool cisco_tail(const char *p, const size_t ws[], const size_t we[], size_t i, size_t n)
{
	static const char *const tail[] = {
		"encrypted", "pbkdf2", "nt-encrypted", "mschap", "privilege", "level", "role", NULL,
	};

	return i >= n || word_in(p, ws[i], we[i], tail);
}

static void device_secret(struct scanner *sc, const struct device_secret *d, const char *p,
			  const size_t ws[], const size_t we[], size_t lead, size_t n)
{
	size_t v = lead, typed = 0, lead_at = ws[lead];

	for (const char *w = d->lead; (w = strchr(w, ' ')); w++)
		v++; /* the lead's words */
	if (d->flags & DS_ALGS) {
		algorithm_secrets(sc, p, ws, we, v + 1, n);
		return;
	}
	if (d->kw && (d->flags & DS_KW_THIRD)) {
		if ((v += 2) >= n || !word_is(p, ws[v], we[v], d->kw))
			return;
	} else if (d->kw) {
		while (++v < n && !word_is(p, ws[v], we[v], d->kw))
			;
		if (v >= n)
			return;
	}
	v += 1 + d->skip;
	if ((d->flags & DS_NOT_V3) && v - 1 < n && word_is(p, ws[v - 1], we[v - 1], "3"))
		return;
	if ((d->flags & DS_TYPE) && v + 1 < n &&
	    ((we[v] - ws[v] == 1 && p[ws[v]] >= '0' && p[ws[v]] <= '9') ||
	     word_is(p, ws[v], we[v], "ENC")))
		typed = ++v;
	if (v >= n || ((d->flags & DS_NEED_TYPE) && !typed) || ((d->flags & DS_LAST) && v + 1 != n) ||
	    ((d->flags & DS_INDENT) && !lead_at) || ((d->flags & DS_QUOTED) && p[ws[v]] != '"') ||
	    ((d->flags & DS_TAIL) && !cisco_tail(p, ws, we, v + 1, n)) ||
	    ((d->flags & DS_NOT_NUM) && digits_only(p, ws[v], we[v])) ||
	    ((d->flags & DS_BLOCK) && !(v + 2 == n && word_is(p, ws[v + 1], we[v + 1], "{"))))
		return;
	if (d->flags & DS_USERPASS) {
		const char *c = memchr(p + ws[v], ':', we[v] - ws[v]);

		if (c && (size_t)(c - p) > ws[v])
			secret_word(sc, p, (size_t)(c - p) + 1, we[v]);
		return;
	}
	secret_word(sc, p, ws[v], we[v]);
}

/* Junos marks its secrets: 'secret "$9$..."; ## SECRET-DATA'. The quoted word before it goes. */
static void junos_secret_data(struct scanner *sc, const char *p, size_t len)
{
	const char *m = mem_find(p, len, "## SECRET-DATA", 14);
	size_t e, s;

	if (!m)
		return;
	e = trim_end(p, 0, (size_t)(m - p));
	if (e && p[e - 1] == ';')
		e--;
	if (!e || p[e - 1] != '"')
		return;
	for (s = e - 1; s > 0 && p[s - 1] != '"'; s--)
		;
	if (s > 0)
		secret_word(sc, p, s - 1, e);
}

/* Words from i that a Redis ACL rule has: a user "on" or "off", "nopass", "resetpass". */
static bool acl_rule(const char *p, const size_t ws[], const size_t we[], size_t i, size_t n)
{
	for (; i < n; i++)
		if (word_is(p, ws[i], we[i], "on") || word_is(p, ws[i], we[i], "off") ||
		    word_is(p, ws[i], we[i], "nopass") || word_is(p, ws[i], we[i], "resetpass"))
			return true;
	return false;
}

/*
 * Redis ACL rules ("user app on >pw ~app:* +@read", ACL SETUSER): a
 * password after '>' or '<', a SHA-256 after '#' or '!'.
 */
static void redis_acl(struct scanner *sc, const char *p, const size_t ws[], const size_t we[],
		      size_t i, size_t n)
{
	for (; i < n; i++) {
		size_t s = ws[i], e = we[i];

		if (e - s > 1 && (p[s] == '>' || p[s] == '<'))
			secret_word(sc, p, s + 1, e);
		else if (e - s == 65 && (p[s] == '#' || p[s] == '!') && hex_only(p, s + 1, e))
			secret_word(sc, p, s + 1, e);
	}
}

/*
 * Kafka's JAAS PlainLoginModule: user_NAME="PASSWORD" gives a user of the
 * broker and its password, in a login block (a .conf file) or a
 * sasl.jaas.config line.
 */
static void jaas_users(struct scanner *sc, const char *p, const size_t ws[], const size_t we[],
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *eq;
		size_t s = ws[i];

		if (we[i] - s < 8 || memcmp(p + s, "user_", 5) || !(eq = memchr(p + s, '=', we[i] - s)) ||
		    (size_t)(eq - p) + 1 >= we[i] || eq[1] != '"')
			continue;
		for (size_t k = s + 5; k < (size_t)(eq - p); k++)
			if (!name_char((unsigned char)p[k]))
				goto next;
		secret_word(sc, p, (size_t)(eq - p) + 1, we[i]);
next:;
	}
}

/* LDIF's base64 form of a value: "userPassword:: e1NTSEF9..." */
static void ldif_base64(struct scanner *sc, const char *p, size_t len, size_t s, size_t e)
{
	struct name_verdict v;
	size_t vs;

	if (e - s < 3 || p[e - 1] != ':' || p[e - 2] != ':' || e >= len)
		return;
	v = classify(sc, p + s, e - 2 - s, NULL);
	vs = e;
	while (vs < len && p[vs] == ' ')
		vs++;
	if (v.cls == NC_STRONG)
		judge_value(sc, v, p, vs, trim_end(p, vs, len));
}

/*
 * The cell of a CSV line at i (its separator sep): *vs and *ve bound its
 * value (inside the quotes of a quoted cell); returns where the next cell
 * starts, len + 1 after the last.
 */
static size_t csv_cell(const char *p, size_t len, size_t i, char sep, size_t *vs, size_t *ve)
{
	if (i < len && p[i] == '"') {
		size_t e = i + 1;

		while (e < len && !(p[e] == '"' && (e + 1 >= len || p[e + 1] != '"')))
			e += p[e] == '"' ? 2 : 1;
		*vs = i + 1;
		*ve = e < len ? e : len;
		i = e + 1;
		while (i < len && p[i] != sep)
			i++;
		return i + 1;
	}
	*vs = i;
	while (i < len && p[i] != sep)
		i++;
	*ve = i;
	return i + 1;
}

/*
 * CSV and TSV files: the header (line 1) names the columns, and the cells
 * under a secret's name are judged as that name's values. Only the
 * indexes of those columns (and the verdicts) are kept.
 */
static void csv_record(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
		       uint64_t lineno)
{
	size_t i = 0, col = 0, k = 0, vs, ve;

	if (len && p[len - 1] == '\r')
		len--;
	if (lineno == 1) {
		tc->csv_n = 0;
		if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
			i = 3; /* a byte-order mark */
		for (; i <= len && tc->csv_n < CSV_COLS && col <= UINT16_MAX; col++) {
			struct name_verdict v;

			i = csv_cell(p, len, i, tc->csv_sep, &vs, &ve);
			while (vs < ve && p[vs] == ' ')
				vs++;
			while (ve > vs && p[ve - 1] == ' ')
				ve--;
			if (ve == vs || (v = classify(sc, p + vs, ve - vs, NULL)).cls == NC_NONE)
				continue;
			tc->csv_col[tc->csv_n] = (uint16_t)col;
			tc->csv_v[tc->csv_n++] = v;
		}
		return;
	}
	for (; i <= len && k < tc->csv_n; col++) {
		size_t next = csv_cell(p, len, i, tc->csv_sep, &vs, &ve);

		if (col == tc->csv_col[k]) {
			if (ve > vs && !value_is_redacted(p + vs, ve - vs))
				judge_value(sc, tc->csv_v[k], p, vs, ve);
			k++;
		}
		i = next;
	}
}

/* The secret [s, e) of a file of secrets: its quotes are not its; "*", "-" and "" are none. */
static void map_value_secret(struct scanner *sc, const char *p, size_t s, size_t e)
{
	if (e - s >= 2 && (p[s] == '"' || p[s] == '\'') && p[e - 1] == p[s]) {
		s++;
		e--;
	}
	if (e > s && !(e - s == 1 && (p[s] == '*' || p[s] == '-')) && !value_is_redacted(p + s, e - s))
		add_match(sc, s, e, R_PASSWORD, RK_LABEL, 0);
}

/*
 * The secret word [s, e) of a file of secrets, as map_value_secret(); not
 * one that holds our label (another reader took part of it: "-PW "v "e"
 * came out "[REDACTED:password]"e").
 */
static void map_secret(struct scanner *sc, const char *p, size_t s, size_t e)
{
	if (!holds_label(p + s, e - s))
		map_value_secret(sc, p, s, e);
}

/* The user's name [s, e) of a file of secrets, its quotes not its; "*" (any) is none. */
static void map_user(struct scanner *sc, const char *p, size_t s, size_t e)
{
	if (e - s >= 2 && p[s] == '"' && p[e - 1] == '"') {
		s++;
		e--;
	}
	if (e > s && p[s] != '*')
		username_field(sc, p, s, e);
}

/* Files of secrets whose fields are words: which word is the secret, and which the user's name (-1: none). */
static const struct {
	int8_t secret, user;
} map_words[] = {
	[SM_PPP] = { 2, 0 },   /* "client server secret [addresses]" */
	[SM_KEYS] = { 2, -1 }, /* "id type key", the key with its "HEX:" or "ASCII:" */
	[SM_DAVFS] = { 2, 1 }, /* "mount-point-or-URL user password" */
	[SM_PAIR] = { 1, 0 },  /* ""user" "password"" */
};

/*
 * ipsec.secrets: "selectors : TYPE secret" (PSK, EAP, XAUTH, NTLM), "TYPE
 * file [passphrase]" (RSA, P12...): the secret's word, or SIZE_MAX.
 */
static size_t ipsec_place(const char *p, const size_t ws[], const size_t we[], size_t n)
{
	static const char *const inline_types[] = { "PSK", "EAP", "XAUTH", "NTLM", NULL };
	static const char *const file_types[] = { "RSA", "ECDSA", "BLISS", "PKCS8", "P12", "PIN", NULL };
	size_t i = 0;

	while (i < n && !(we[i] - ws[i] == 1 && p[ws[i]] == ':'))
		i++;
	if (i + 2 >= n)
		return SIZE_MAX;
	if (word_in(p, ws[i + 1], we[i + 1], inline_types))
		return i + 2;
	if (word_in(p, ws[i + 1], we[i + 1], file_types) && i + 3 < n && p[ws[i + 3]] != '%')
		return i + 3; /* not %prompt */
	return SIZE_MAX;
}

/*
 * A line of a file of secrets (enum secret_map), its words ws/we (n of
 * them). Its user names are pseudonymised where the format says which
 * field holds one.
 */
static void secret_map_line(struct scanner *sc, uint8_t map, const char *p, size_t len, const size_t ws[],
			    const size_t we[], size_t n)
{
	const char *c;
	size_t e = trim_end(p, 0, len), k;

	if (!n || (p[ws[0]] == '#' && map != SM_IPSEC)) /* ("# : PSK "old"": an old secret still) */
		return;
	switch (map) {
	case SM_SASL: /* "[host]:port user:password" */
		if (n == 2 && (c = colon_outside_labels(p, ws[1], we[1])) && (size_t)(c - p) > ws[1])
			map_secret(sc, p, (size_t)(c - p) + 1, we[1]);
		break;
	case SM_PPP:
	case SM_KEYS:
	case SM_DAVFS:
	case SM_PAIR:
		if (n > (size_t)map_words[map].secret) { /* (the user's word comes before it) */
			map_secret(sc, p, ws[map_words[map].secret], we[map_words[map].secret]);
			if (map_words[map].user >= 0)
				map_user(sc, p, ws[map_words[map].user], we[map_words[map].user]);
		}
		break;
	case SM_COLON1: /* "user:password" */
	case SM_COLON2: /* Exim: "host:user:password" */
	case SM_DIGEST: /* htdigest: "user:realm:hash" */
		/*
		 * PII with a ':' (an IPv6 address: "a7::", host a7 and two empty
		 * fields) would span the separators: its pseudonym's ':'s would
		 * make other fields of it on a second pass
		 */
		sc->colon_fields = true;
		/* (not a label's ':': "o:a@x" is no host:user:password, its "a" a URL's) */
		if (!(c = colon_outside_labels(p, 0, e)))
			break;
		if (map == SM_COLON1) {
			map_user(sc, p, ws[0], (size_t)(c - p));
		} else {
			const char *c1 = c;

			if (!(c = colon_outside_labels(p, (size_t)(c1 - p) + 1, e)))
				break;
			if (map == SM_DIGEST)
				map_user(sc, p, ws[0], (size_t)(c1 - p));
			else if (!memchr(c1 + 1, '@', (size_t)(c - c1 - 1)))
				map_user(sc, p, (size_t)(c1 - p) + 1, (size_t)(c - p)); /* (an address is PII's) */
		}
		map_secret(sc, p, (size_t)(c - p) + 1, e);
		break;
	case SM_WHOLE:
		map_value_secret(sc, p, ws[0], e);
		break;
	case SM_IPSEC:
		if ((k = ipsec_place(p, ws, we, n)) != SIZE_MAX)
			map_secret(sc, p, ws[k], we[k]);
		break;
	case SM_UPSMON: /* "MONITOR system power-value user password type" */
		if (n >= 6 && word_is(p, ws[0], we[0], "MONITOR"))
			map_secret(sc, p, ws[4], we[4]);
		break;
	}
}

/*
 * After every reader of a line of a file of secrets whose secret is its
 * word k (or, in ipsec.secrets, a word counted from its ':'): a match over
 * the blanks between two words ("PASS:" o" o": a value " o"; ": RSA PW='
 * b' p": a value " b") joins them in the output, and a second pass counts
 * the words after it as nearer; the word that then stands at the secret's
 * place goes too.
 */
static void secret_map_shift(struct scanner *sc, uint8_t map, const char *p, size_t len)
{
	size_t ws[LINE_WORDS], we[LINE_WORDS], gs[LINE_WORDS], ge[LINE_WORDS], fe[LINE_WORDS];
	size_t n, g = 0, k, was;
	bool fixed = map == SM_PPP || map == SM_KEYS || map == SM_DAVFS || map == SM_PAIR;

	if (!(fixed || map == SM_IPSEC) || !sc->nm || !sc->on[R_PASSWORD] ||
	    (n = line_words(p, len, ws, we)) < 2 || p[ws[0]] == '#')
		return;
	/* the output's words: group g runs from gs[g] to ge[g], its first word to fe[g] */
	gs[0] = ws[0];
	fe[0] = ge[0] = we[0];
	for (size_t j = 1; j < n; j++) {
		bool joined = false;

		for (size_t m = 0; m < sc->nm && !joined; m++)
			joined = sc->m[m].start <= we[j - 1] && sc->m[m].end >= ws[j];
		if (joined) {
			ge[g] = we[j];
		} else {
			gs[++g] = ws[j];
			fe[g] = ge[g] = we[j];
		}
	}
	if (++g == n)
		return; /* nothing joined */
	k = fixed ? (size_t)map_words[map].secret : ipsec_place(p, gs, ge, g);
	was = fixed ? (size_t)map_words[map].secret : ipsec_place(p, ws, we, n);
	if (k < g && (was >= n || ws[was] != gs[k])) /* (not the word the reader took) */
		map_secret(sc, p, gs[k], fe[k]);
}

/* The first letters of device_secrets' leads, and of the other readers' first words. */
static bool placed_first[256];

static void init_placed_first(void)
{
	for (size_t i = 0; i < sizeof(device_secrets) / sizeof(device_secrets[0]); i++) {
		unsigned char c = (unsigned char)device_secrets[i].lead[0];

		placed_first[lower_ascii(c)] = placed_first[c & 0x20 ? c & ~0x20 : c] = true;
	}
	for (const char *c = "uUaAnN\""; *c; c++) /* user, user_, acl, no; a quoted word */
		placed_first[(unsigned char)*c] = true;
}

/*
 * Could any reader of placed_secrets() take something on this line? Most
 * lines of a log cannot: their first word starts no directive, and they
 * hold no "## SECRET-DATA", no LDIF "::" and no JAAS LoginModule.
 */
static bool placed_maybe(const char *p, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t s = 0;

	pthread_once(&once, init_placed_first);
	while (s < len && is_space((unsigned char)p[s]))
		s++;
	return s < len && (placed_first[(unsigned char)p[s]] || memchr(p + s, '#', len - s) ||
			   mem_find(p + s, len - s, "::", 2) || mem_find(p + s, len - s, "LoginModule", 11));
}

/*
 * fetchmail's poll line, "poll mx.example.com user "joe" password "x"": in a
 * configuration file, a password keyword after a user name (its value word
 * between them) is followed by its value, quoted or not.
 */
static void user_then_password(struct scanner *sc, const char *p, size_t len)
{
	static const struct name_verdict v = { .cls = NC_STRONG, .rule = R_PASSWORD };
	size_t at = 0, s, e, ps = 0, pe = 0, vs, ve;
	bool user = false;

	/* word by word, with no cap: a label over a value of many words brings later ones nearer */
	for (; line_word(p, len, &at, &s, &e); ps = s, pe = e) {
		if (word_is(p, s, e, "user") || word_is(p, s, e, "username")) {
			user = true;
			if (!line_word(p, len, &at, &s, &e)) /* the user name */
				return;
			continue;
		}
		if (!user || !(word_is(p, s, e, "password") || word_is(p, s, e, "passwd") ||
			       word_is(p, s, e, "pass")))
			continue;
		if (word_is(p, ps, pe, "auth") || word_is(p, ps, pe, "authenticate"))
			continue; /* "authenticate password": how, not what */
		if (!line_word(p, len, &at, &vs, &ve))
			return;
		if (p[vs] == '\'' && (ve - vs < 2 || p[ve - 1] != '\'')) { /* 'a b': one word to its quote */
			const char *q = memchr(p + vs + 1, '\'', len - vs - 1);

			ve = q ? (size_t)(q - p) + 1 : ve;
		} else if (p[vs] == '"' && !memchr(p + vs + 1, '"', len - vs - 1)) {
			ve = trim_end(p, vs, len); /* "a b that never closes: the rest of the line */
		}
		at = ve; /* the words in the value are the value's ("'a password b'") */
		if (ve - vs >= 2 && (p[vs] == '"' || p[vs] == '\'') && p[ve - 1] == p[vs]) {
			vs++;
			ve--;
		}
		judge_value(sc, v, p, vs, ve);
		s = vs;
		e = ve;
	}
}

static void placed_secrets(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			   uint64_t lineno)
{
	size_t ws[LINE_WORDS], we[LINE_WORDS], n, lead = 0;
	bool conf = tc->fmt == F_TEXT || tc->fmt == F_INI;

	if (tc->vpn_auth && lineno == 2 && sc->on[R_PASSWORD]) {
		size_t e = trim_end(p, 0, len);

		if (e && !value_is_redacted(p, e))
			add_match(sc, 0, e, R_PASSWORD, RK_LABEL, 0); /* the password, whatever it is */
		return;
	}

	if (tc->conf && !tc->embedded && sc->on[R_PASSWORD] && mem_ifind(p, len, "pass", 4))
		user_then_password(sc, p, len);
	if (tc->embedded || !sc->on[R_PASSWORD] || !(conf || tc->fmt == F_PROPERTIES) ||
	    (!tc->secret_map && !placed_maybe(p, len)) || !(n = line_words(p, len, ws, we)))
		return;
	if (tc->secret_map) {
		secret_map_line(sc, tc->secret_map, p, len, ws, we, n);
		return;
	}
	if (mem_find(p, len, "LoginModule", 11) ||
	    (tc->conf && we[0] - ws[0] > 5 && !memcmp(p + ws[0], "user_", 5)))
		jaas_users(sc, p, ws, we, n);
	if (!conf)
		return;
	junos_secret_data(sc, p, len);
	ldif_base64(sc, p, len, ws[0], we[0]);
	if (n > 1 && word_is(p, ws[0], we[0], "no"))
		lead = 1;
	if (n > 2 && word_is(p, ws[lead], we[lead], "user") && acl_rule(p, ws, we, lead + 2, n))
		redis_acl(sc, p, ws, we, lead + 2, n);
	else if (n > 3 && word_is(p, ws[lead], we[lead], "acl") &&
		 word_is(p, ws[lead + 1], we[lead + 1], "setuser"))
		redis_acl(sc, p, ws, we, lead + 3, n);
	for (size_t i = 0; i < sizeof(device_secrets) / sizeof(device_secrets[0]); i++) {
		const struct device_secret *d = &device_secrets[i];
		size_t dl;

		if (lower_ascii((unsigned char)p[ws[lead]]) != lower_ascii((unsigned char)d->lead[0]))
			continue; /* (most lines: before the strlen) */
		dl = strlen(d->lead);
		if (len - ws[lead] >= dl && mem_ieq(p + ws[lead], d->lead, dl) &&
		    (ws[lead] + dl == len || is_space((unsigned char)p[ws[lead] + dl])))
			device_secret(sc, d, p, ws, we, lead, n);
	}
}

/* "  at com.example.Foo.bar(Foo.java:12)": nothing to redact in a Java frame. */
static bool java_frame(const char *p, size_t len)
{
	size_t i = 0, s;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (!i || len - i < 5 || memcmp(p + i, "at ", 3))
		return false;
	for (i += 3, s = i; i < len && (is_alnum((unsigned char)p[i]) || strchr("_$./<>-", p[i])) &&
			    p[i];
	     i++)
		;
	if (i == s || i >= len || p[i] != '(')
		return false;
	for (i++; i < len && p[i] != ')'; i++)
		if (!is_alnum((unsigned char)p[i]) || !p[i])
			if (!strchr("_$.: -", p[i]) || !p[i])
				return false;
	if (i >= len)
		return false;
	for (i++; i < len; i++) /* " ~[spring-web-6.1.jar:6.1.3]" */
		if (!is_alnum((unsigned char)p[i]) && (!p[i] || !strchr(" \t\r~[]_.:-?", p[i])))
			return false;
	return true;
}

/* ---- the splice ---- */

static int cmp_match(const void *a, const void *b)
{
	const struct match *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1; /* labels (quoted first) before pseudonyms */
	return (int)x->rule - (int)y->rule;
}

/*
 * Our own labels are never redacted again (so that redacting twice changes
 * nothing): drop what a rule found inside "[REDACTED:...]".
 */
static void drop_inside_labels(struct scanner *sc, const char *p, size_t len)
{
	const char *l = sc->nm ? mem_find(p, len, "[REDACTED:", 10) : NULL;
	size_t keep = 0;

	if (!l)
		return;
	for (size_t i = 0; i < sc->nm; i++) {
		const struct match *m = &sc->m[i];
		bool inside = false;

		for (const char *q = l; q && !inside;) {
			size_t ls = (size_t)(q - p), le = ls + label_len(q, len - ls);

			inside = le > ls && m->start >= ls && m->end <= le;
			q = mem_find(q + 1, len - ls - 1, "[REDACTED:", 10);
		}
		if (!inside)
			sc->m[keep++] = *m;
	}
	sc->nm = keep;
}

static bool lower_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/*
 * A pseudonym this engine made at p[i] (pii.h gives the formats): a user
 * name or an e-mail's local part, user-<8 hex> (with the e-mail's domain);
 * a host name whose first label is 'h' and 8 hex digits or letters g-v. Its
 * end, or 0.
 */
static size_t token_end(const char *p, size_t len, size_t i)
{
	size_t e, k;

	if (i > 0 && is_alnum((unsigned char)p[i - 1]))
		return 0;
	if (len - i >= 13 && !memcmp(p + i, "user-", 5)) {
		for (k = i + 5; k < i + 13 && lower_hex((unsigned char)p[k]); k++)
			;
		e = i + 13;
		if (k < e || (e < len && is_alnum((unsigned char)p[e])))
			return 0;
		if (e < len && p[e] == '@')
			while (++e < len && (is_alnum((unsigned char)p[e]) || p[e] == '.' || p[e] == '-'))
				;
		return e;
	}
	if (len - i >= 9 && p[i] == 'h') {
		bool hex = true, letters = true;

		for (k = i + 1; k < i + 9; k++) {
			hex &= lower_hex((unsigned char)p[k]);
			letters &= p[k] >= 'g' && p[k] <= 'v';
		}
		e = i + 9;
		if (!(hex || letters) || (e < len && (is_alnum((unsigned char)p[e]) || p[e] == '-')))
			return 0;
		if (e < len && p[e] == '.')
			while (++e < len && (is_alnum((unsigned char)p[e]) || p[e] == '.' || p[e] == '-'))
				;
		return e;
	}
	return 0;
}

/*
 * Redacting twice changes nothing more: a pattern that matches a pseudonym,
 * or a span holding one, is reading this engine's own output ("Bearer
 * user-c1591989@haef76b1e.com" where the input was an e-mail address after
 * "Bearer", too short a token then). PII is only ever found outside the
 * secrets, so such a match is new on a second pass: drop the secrets found by
 * their shape that overlap a pseudonym. Those found by their place (a
 * password field, a private key block) stay whatever they hold.
 */
static void drop_token_overlaps(struct scanner *sc, const char *p, size_t len)
{
	size_t keep = 0, i, e;
	bool any = false;

	for (i = 0; i < sc->nm && !any; i++)
		any = sc->m[i].shape;
	if (!any)
		return;
	for (i = 0; i < len; i++) {
		if ((p[i] != 'u' && p[i] != 'h') || !(e = token_end(p, len, i)))
			continue;
		for (size_t k = 0; k < sc->nm; k++) {
			struct match *m = &sc->m[k];

			if (m->shape && m->start < e && m->end > i)
				m->end = m->start; /* dropped below */
		}
		i = e - 1;
	}
	for (i = 0; i < sc->nm; i++)
		if (sc->m[i].end > sc->m[i].start)
			sc->m[keep++] = sc->m[i];
	sc->nm = keep;
}

/*
 * In a .pgpass record ':' separates fields and "\:" is a colon inside one: an
 * IPv6 or MAC pseudonym written there escapes its colons, so that a second
 * pass splits the record where the first did (the pseudonym is one field).
 */
static void escape_colons(struct rbuf *out, size_t from)
{
	char tmp[128];
	size_t n = out->len - from;

	if (n > sizeof(tmp) || !memchr(out->buf + from, ':', n))
		return;
	memcpy(tmp, out->buf + from, n);
	out->len = from;
	for (size_t i = 0; i < n; i++) {
		if (tmp[i] == ':')
			rbuf_addch(out, '\\');
		rbuf_addch(out, tmp[i]);
	}
}

/*
 * A match that starts inside a fenced one (an SQL literal) and runs past it
 * keeps only its part after the fence, so that the literal's label keeps its
 * closing quote; a part of quotes only is dropped.
 */
static void apply_fences(struct scanner *sc, const char *p)
{
	size_t keep = 0;

	for (size_t f = 0; f < sc->nm; f++) {
		size_t fe = sc->m[f].end + 1; /* the closing quote is fenced too */

		if (!sc->m[f].fenced)
			continue;
		for (size_t i = 0; i < sc->nm; i++) {
			struct match *m = &sc->m[i];

			if (i == f || m->fenced || m->start < sc->m[f].start || m->start >= fe)
				continue;
			if (m->end > fe)
				m->start = fe;
			else
				m->end = m->start; /* inside: the literal's label stands for it */
		}
	}
	for (size_t i = 0; i < sc->nm; i++)
		if (sc->m[i].end > sc->m[i].start &&
		    (sc->m[i].fenced || !only_quotes(p + sc->m[i].start, sc->m[i].end - sc->m[i].start)))
			sc->m[keep++] = sc->m[i];
	sc->nm = keep;
}

/* A mark that joins words: a path's, an address's, a number's. */
static bool joins(char c)
{
	switch (c) {
	case '/': case ':': case '+': case '.': case '-': case '\\': case '%': case '@':
		return true;
	default:
		return false;
	}
}

/*
 * Does the text at p[i] (step -1: before a pseudonym of kind, 1: after it)
 * join the token into one word, path or address with its neighbour? A
 * letter or digit does, an '@', and a joining mark before one ("pass/2::"),
 * but not: a port or a prefix length that ends there or where a URL's path
 * starts ("db:5432", "db:5432/orders", "10.0.0.0/24"), a URL's path after
 * its host, a path's '/' before a token without a ':' ("/home/bob"), a MAC
 * next to a MAC (iptables' "MAC=dst:src:type"), "User bob." or "ip=10.0.0.1".
 */
static bool token_glued(const char *p, size_t len, size_t i, int step, int kind)
{
	unsigned char c = (unsigned char)p[i];

	if (is_alnum(c) || c == '_' || c == '@')
		return true;
	if (!joins(c) || (step < 0 ? !i : i + 1 >= len))
		return false;
	if (step < 0 && c == '/' && kind != PII_IPV6 && kind != PII_MAC)
		return false;
	if (kind == PII_MAC && c == ':' && hex_digit((unsigned char)p[i + (size_t)step]))
		return false;
	if (step > 0 && (c == ':' || c == '/')) { /* a port, a prefix length: ":389", "/24" */
		size_t k = i + 1;

		while (k < len && p[k] >= '0' && p[k] <= '9')
			k++;
		if (k > i + 1 && (k == len || (c == ':' && (p[k] == '/' || p[k] == '?')) ||
				  !(is_alnum((unsigned char)p[k]) || p[k] == '_' || joins(p[k]))))
			return false;
		if (c == '/' && k == i + 1 && ((p[k] | 0x20) >= 'a' && (p[k] | 0x20) <= 'z'))
			return false; /* a URL's path after its host */
	}
	c = (unsigned char)p[i + (size_t)step];
	return is_alnum(c) || c == '_';
}

/*
 * Is there a group of digits past a blank or '-' next to [s, e)? A card
 * number's token with more digits beside it ("4111 1111 " before it) may
 * make another number that passes Luhn.
 */
static bool digit_group_near(const char *p, size_t len, size_t s, size_t e)
{
	return (s >= 2 && (p[s - 1] == ' ' || p[s - 1] == '-') && p[s - 2] >= '0' && p[s - 2] <= '9') ||
	       (e + 1 < len && (p[e] == ' ' || p[e] == '-') && p[e + 1] >= '0' && p[e + 1] <= '9');
}

/* Write p with the scanner's matches replaced; a .pgpass record escapes the colons of pseudonyms. */
static int splice(struct scanner *sc, const char *p, size_t len, struct rbuf *out, uint64_t lineno,
		  bool pgpass)
{
	size_t pos = 0, i = 0;

	drop_inside_labels(sc, p, len);
	apply_fences(sc, p);
	if (!sc->nm) {
		rbuf_add(out, p, len);
		return 0;
	}
	for (size_t k = 0; k < sc->nm; k++)
		if (sc->m[k].kind == RK_PSEUDO)
			stream_prefetch(sc->lane, sc->m[k].pii, p + sc->m[k].start, sc->m[k].end - sc->m[k].start);
	qsort(sc->m, sc->nm, sizeof(*sc->m), cmp_match);
	while (i < sc->nm) {
		struct match cur = sc->m[i++];

		while (i < sc->nm && sc->m[i].start < cur.end) {
			const struct match *o = &sc->m[i++];

			if (o->end > cur.end)
				cur.end = o->end;
			if (cur.kind == RK_PSEUDO) { /* a secret overlapping PII: the label wins */
				cur.kind = o->kind == RK_PSEUDO ? RK_LABEL : o->kind;
				if (o->kind != RK_PSEUDO)
					cur.rule = o->rule;
			} else if (o->kind == RK_QLABEL) {
				cur.kind = RK_QLABEL; /* a whole YAML value: quoted, whoever names it */
			}
		}
		rbuf_add(out, p + pos, cur.start - pos);
		if (cur.kind == RK_QLABEL) {
			rbuf_addch(out, '"');
			put_label(sc, out, cur.rule);
			rbuf_addch(out, '"');
		} else if (cur.kind == RK_LABEL) {
			put_label(sc, out, cur.rule);
		} else {
			size_t at = out->len;

			if (stream_pseudonym(sc->lane, cur.pii, p + cur.start, cur.end - cur.start, out)) {
				fail(sc, "cannot make a %s pseudonym", sc->e->rules[cur.rule].id);
				return -1;
			}
			if (pgpass)
				escape_colons(out, at);
			if ((cur.start && token_glued(p, len, cur.start - 1, -1, cur.pii)) ||
			    (cur.end < len && token_glued(p, len, cur.end, 1, cur.pii)) ||
			    (cur.pii == PII_CARD && digit_group_near(p, len, cur.start, cur.end)))
				sc->reveals++; /* the token makes a new word with its neighbour */
		}
		report_hit(sc, cur.rule, lineno);
		pos = cur.end;
	}
	rbuf_add(out, p + pos, len - pos);
	return 0;
}

/*
 * Run the PII scanner over [p, p + len) into a growing array, over a record
 * or a whole document (doc: see pii_scan_doc()). -1 on error.
 */
static int pii_run(struct scanner *sc, const char *p, size_t len, bool doc, struct pii_match **m,
		   size_t *alloc, size_t *n)
{
	int got;

	if (!*m) {
		*alloc = 256;
		*m = malloc(*alloc * sizeof(**m));
		if (!*m)
			return -1;
	}
	for (;;) {
		got = doc ? pii_scan_doc(sc->e->pii, sc->pii, p, len, *m, *alloc)
			  : pii_scan(sc->e->pii, sc->pii, p, len, *m, *alloc);
		if (got < 0)
			return -1;
		if ((size_t)got < *alloc)
			break;
		{ /* full: there may be more, scan again with room for them */
			struct pii_match *bigger = realloc(*m, *alloc * 4 * sizeof(**m));

			if (!bigger)
				return -1;
			*m = bigger;
			*alloc *= 4;
		}
	}
	*n = (size_t)got;
	return 0;
}

int pii_prescan(struct scanner *sc, const char *p, size_t len)
{
	struct prescan *ps;

	if (!sc->pii)
		return 0;
	if ((size_t)sc->npre == sizeof(sc->pre) / sizeof(sc->pre[0])) {
		sc->npre++; /* too deep: values are scanned on their own */
		return 0;
	}
	ps = &sc->pre[sc->npre++];
	ps->base = p;
	ps->len = len;
	ps->on = false;
	if (pii_run(sc, p, len, true, &ps->m, &ps->alloc, &ps->n)) {
		fail(sc, "the PII scanner failed");
		return -1;
	}
	ps->on = true;
	return 0;
}

void pii_prescan_end(struct scanner *sc)
{
	if (!sc->pii || !sc->npre)
		return;
	if ((size_t)--sc->npre < sizeof(sc->pre) / sizeof(sc->pre[0]))
		sc->pre[sc->npre].on = false;
}

/* The innermost prescan holding [v, v + len), and in *first its first match ending after v; or NULL. */
static const struct prescan *prescan_at(const struct scanner *sc, const char *v, size_t len,
					size_t *first)
{
	const struct prescan *ps = NULL;
	size_t a, lo = 0, hi;

	for (int i = MIN(sc->npre, 4) - 1; i >= 0 && !ps; i--)
		if (sc->pre[i].on && v >= sc->pre[i].base && v + len <= sc->pre[i].base + sc->pre[i].len)
			ps = &sc->pre[i];
	if (!ps)
		return NULL;
	a = (size_t)(v - ps->base);
	for (hi = ps->n; lo < hi;) {
		size_t mid = (lo + hi) / 2;

		if (ps->m[mid].end <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	return ps;
}

/*
 * PII for [a, b) of a prescanned document: true when its matches could be
 * used (none straddles the range's edges), false to scan the range itself.
 */
static bool pii_from_prescan(struct scanner *sc, const char *p, size_t off, size_t end)
{
	size_t a, b, lo;
	const struct prescan *ps = prescan_at(sc, p + off, end - off, &lo);

	if (!ps)
		return false;
	a = (size_t)(p + off - ps->base);
	b = a + (end - off);
	for (size_t i = lo; i < ps->n && ps->m[i].start < b; i++)
		if (ps->m[i].start < a || ps->m[i].end > b)
			return false;
	for (size_t i = lo; i < ps->n && ps->m[i].start < b; i++)
		if (ps->m[i].kind < PII_KIND_COUNT)
			pseudo_match(sc, off + (ps->m[i].start - a), off + (ps->m[i].end - a),
				     ps->m[i].kind);
	return true;
}

/* PII in p[off, end), offsets relative to p. */
static void find_pii(struct scanner *sc, const char *p, size_t off, size_t end)
{
	size_t n;

	if (!sc->pii || end - off < 3 || pii_from_prescan(sc, p, off, end))
		return;
	if (pii_run(sc, p + off, end - off, false, &sc->pm, &sc->pm_alloc, &n)) {
		fail(sc, "the PII scanner failed");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (sc->pm[i].end <= end - off && sc->pm[i].kind < PII_KIND_COUNT &&
		    !memchr(p + off + sc->pm[i].start, '\n', sc->pm[i].end - sc->pm[i].start) &&
		    !(sc->colon_fields && memchr(p + off + sc->pm[i].start, ':', sc->pm[i].end - sc->pm[i].start)))
			pseudo_match(sc, off + sc->pm[i].start, off + sc->pm[i].end, sc->pm[i].kind);
}

/*
 * PII between the secrets found: the scanner reads the record with each
 * secret's bytes turned into line breaks. So it never sees a secret, no
 * context reaches across one, what follows one ("PASS@db.corp.example" in
 * a URL) is read on its own, and a user name found on one side of a secret
 * is found again on the other ("alice:{PLAIN}x:...:/home/alice"). What
 * the scanner finds over a line break (over a secret) is dropped.
 */
/*
 * Could PII for p[0, len) be taken from a prescanned document (its context
 * there: a mail header's "To:" before a YAML value) though secrets lie in
 * it? Only if none of the document's matches reaches into a secret.
 */
static bool prescan_clear_of_secrets(struct scanner *sc, const char *p, size_t len)
{
	size_t lo, a;
	const struct prescan *ps = prescan_at(sc, p, len, &lo);

	if (!ps)
		return false;
	a = (size_t)(p - ps->base);
	for (size_t i = lo; i < ps->n && ps->m[i].start < a + len; i++)
		for (size_t k = 0; k < sc->nm; k++)
			if (ps->m[i].start < a + sc->m[k].end && ps->m[i].end > a + sc->m[k].start)
				return false;
	return true;
}

static void find_pii_between(struct scanner *sc, const char *p, size_t len)
{
	size_t n = sc->nm;

	if (!n || (len >= 3 && prescan_clear_of_secrets(sc, p, len) && pii_from_prescan(sc, p, 0, len))) {
		if (!n)
			find_pii(sc, p, 0, len);
		return;
	}
	qsort(sc->m, n, sizeof(*sc->m), cmp_match);
	rbuf_reset(&sc->pii_text);
	rbuf_add(&sc->pii_text, p, len);
	if (sc->pii_text.oom) {
		fail(sc, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		memset(sc->pii_text.buf + sc->m[i].start, '\n', sc->m[i].end - sc->m[i].start);
	find_pii(sc, sc->pii_text.buf, 0, len);
}

/*
 * Does a plain YAML value start at s: after the line's indentation and
 * sequence indicators ("- "), or after a key and ": ", the key plain (no
 * quotes, no ": ", no comment) or one quoted string? Elsewhere a quote
 * put around a label would pair with the line's own quotes.
 */
static bool yaml_value_start(const char *p, size_t s)
{
	size_t k = 0, ke;

	if (s < 2 || p[s - 1] != ' ' || (p[s - 2] != ':' && p[s - 2] != '-'))
		return false;
	for (;;) {
		while (k < s && p[k] == ' ')
			k++;
		if (k + 1 < s && p[k] == '-' && p[k + 1] == ' ')
			k += 2;
		else
			break;
	}
	if (k == s)
		return true; /* "- [REDACTED:x]" */
	ke = s - 2;
	if (p[ke] != ':' || ke == k || p[k] == '#' || mem_find(p + k, ke - k, ": ", 2))
		return false;
	if (p[k] == '"' || p[k] == '\'')
		return ke - k >= 2 && p[ke - 1] == p[k] && !memchr(p + k + 1, p[k], ke - k - 2);
	return !memchr(p + k, '"', ke - k) && !memchr(p + k, '\'', ke - k);
}

/*
 * YAML read as lines: the ':' that ends the line's key stays out of every
 * match (a key "x -p:" with no value, "TOKEN=3::", a BEGIN line's key): a
 * match that took it would make the line no mapping on a second pass.
 */
static void keep_yaml_colon(struct scanner *sc, const char *p)
{
	size_t c = sc->yaml_colon, keep = 0;

	if (c == SIZE_MAX)
		return;
	for (size_t i = 0; i < sc->nm; i++) {
		struct match m = sc->m[i];

		if (m.start <= c && m.end > c) {
			if (m.start == c) /* and the blanks after it */
				for (m.start = c + 1; m.start < m.end && is_space((unsigned char)p[m.start]);)
					m.start++;
			else
				m.end = c;
		}
		if (m.end > m.start)
			sc->m[keep++] = m;
	}
	sc->nm = keep;
}

/*
 * YAML read as lines: a label that starts a plain value ("key: [REDACTED:x]")
 * would read as a flow sequence; quote it.
 */
static void quote_yaml_values(struct scanner *sc, const char *p)
{
	for (size_t i = 0; i < sc->nm; i++) {
		struct match *m = &sc->m[i];

		if (m->kind == RK_LABEL && yaml_value_start(p, m->start))
			m->kind = RK_QLABEL;
	}
}

/*
 * A JSON key that ends its line ('  "password":' in a log, pretty-printed
 * with the value on the line below): its verdict, or NC_NONE. The key
 * starts the line or follows '{' or ','.
 */
static struct name_verdict json_key_at_end(struct scanner *sc, const char *p, size_t len)
{
	size_t e = trim_end(p, 0, len), ks, b;

	if (!e || p[e - 1] != ':')
		return NO_VERDICT;
	for (e--; e > 0 && is_space((unsigned char)p[e - 1]);)
		e--;
	if (e < 3 || p[--e] != '"')
		return NO_VERDICT;
	for (ks = e; ks > 0 && e - ks < 128 && p[ks - 1] != '"' && p[ks - 1] != '\\' &&
		     (unsigned char)p[ks - 1] >= ' ';)
		ks--;
	if (!ks || ks == e || p[ks - 1] != '"')
		return NO_VERDICT;
	for (b = ks - 1; b > 0 && is_space((unsigned char)p[b - 1]);)
		b--;
	if (b && p[b - 1] != '{' && p[b - 1] != ',')
		return NO_VERDICT;
	return classify(sc, p + ks, e - ks, NULL);
}

/* The value that starts a line below such a key: a string closed on the line, or a number. */
static void json_value_at_start(struct scanner *sc, struct name_verdict v, const char *p, size_t len)
{
	size_t k = 0, e, vs, ve;

	while (k < len && is_space((unsigned char)p[k]))
		k++;
	if (k < len && p[k] == '"') {
		for (e = k + 1; e < len && p[e] != '"'; e++)
			if (p[e] == '\\')
				e++;
		if (e >= len)
			return;
		vs = k + 1;
		ve = e++;
	} else {
		for (e = k; e < len && ((p[e] >= '0' && p[e] <= '9') || strchr("+-.eE", p[e])); e++)
			;
		vs = k;
		ve = e;
	}
	while (e < len && is_space((unsigned char)p[e]))
		e++;
	if (ve > vs && (e == len || strchr(",}]", p[e]))) /* a token ends the value */
		judge_value(sc, v, p, vs, ve);
}

int scan_record(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
		struct rbuf *out, uint64_t lineno, unsigned flags)
{
	const struct redact_engine *e = sc->e;

	sc->nm = 0;
	sc->probed_start = sc->probed_end = 0;
	sc->yaml_colon = SIZE_MAX;
	sc->colon_fields = false;
	if (tc->fmt == F_PGPASS || tc->secret_map == SM_COLON1 || tc->secret_map == SM_COLON2 ||
	    tc->secret_map == SM_DIGEST)
		sc->field_sep = ':';
	else if (tc->csv_sep && !tc->embedded && lineno == 1)
		sc->field_sep = tc->csv_sep; /* a CSV header: names (judge_value()) */
	else
		sc->field_sep = '\0';
	if (tc->sasl_next)
		sasl_answer(sc, tc, p, len);
	if (tc->expect)
		expect_line(sc, tc, p, len);
	if (java_frame(p, len)) {
		rbuf_add(out, p, len);
		return out->oom ? -1 : 0;
	}
	if (tc->fmt == F_NETRC)
		netrc_record(sc, tc, p, len);
	else if (tc->fmt == F_PGPASS)
		pgpass_record(sc, p, len);
	else if ((flags & SR_LINE_KV) && !sc->no_triggers) {
		if (tc->next_kind == NX_JSON)
			json_value_at_start(sc, tc->next, p, len);
		line_assignment(sc, tc, p, len);
		placed_secrets(sc, tc, p, len, lineno);
		if (tc->csv_sep && !tc->embedded)
			csv_record(sc, tc, p, len, lineno);
	}
	if ((flags & SR_LINE_KV) && tc->next_kind == NX_JSON)
		tc->next_kind = NX_NONE; /* the line below the key is read */
	sc->no_assign = flags & SR_NO_ASSIGN;
	if (!sc->no_triggers)
		find_triggers(sc, tc, p, len);
	sc->no_assign = false;
	for (size_t i = 0; i < sc->nline; i++) {
		if (!sc->error)
			regex_all(sc, sc->line_list[i], p, len);
		sc->line_rules[sc->line_list[i]] = 0;
	}
	sc->nline = 0;
	for (size_t i = 0; i < e->nevery && !sc->error; i++)
		if (sc->on[e->every[i]])
			regex_all(sc, (int)e->every[i], p, len);
	drop_token_overlaps(sc, p, len);
	if (tc->secret_map && (flags & SR_LINE_KV) && !sc->no_triggers && !sc->error)
		secret_map_shift(sc, tc->secret_map, p, len);
	if (!(flags & SR_NO_PII) && !sc->error)
		find_pii_between(sc, p, len);
	if (sc->error)
		return -1;
	if (tc->fmt == F_YAML && !tc->embedded) {
		keep_yaml_colon(sc, p);
		quote_yaml_values(sc, p);
	}
	if (!sc->nm)
		rbuf_add(out, p, len);
	else if (splice(sc, p, len, out, lineno, tc->fmt == F_PGPASS))
		return -1;
	return out->oom ? -1 : 0;
}

/* ---- lines ---- */

static size_t leading_ws(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	return i;
}

/* Write the block's label once, indented like the line it replaces. */
/*
 * A line of a TS_BLOCK of a bracket's members: true if it starts with the
 * bracket's close ("  ]," below its items), which stays; else its brackets
 * are counted (outside strings).
 */
static bool bracket_closed(struct textctx *tc, const char *p, size_t len)
{
	size_t k = leading_ws(p, len);

	if (!tc->brackets)
		return false;
	if (tc->brackets == 1 && k < len && (p[k] == ']' || p[k] == '}'))
		return true;
	for (; k < len; k++) {
		if (p[k] == '"') {
			for (k++; k < len && p[k] != '"'; k++)
				if (p[k] == '\\')
					k++;
		} else if ((p[k] == '[' || p[k] == '{') && tc->brackets < UINT16_MAX) {
			tc->brackets++;
		} else if ((p[k] == ']' || p[k] == '}') && tc->brackets > 1) {
			tc->brackets--;
		}
	}
	return false;
}

static void block_label(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
			struct rbuf *out, uint64_t lineno)
{
	if (tc->label_done)
		return;
	rbuf_add(out, p, leading_ws(p, len));
	if (tc->quoted_label)
		rbuf_addch(out, '"');
	put_label(sc, out, tc->rule);
	if (tc->quoted_label)
		rbuf_addch(out, '"');
	rbuf_addch(out, '\n');
	report_hit(sc, tc->rule, lineno);
	tc->label_done = true;
}

static bool json_like(const char *p, size_t len)
{
	size_t s = leading_ws(p, len), e = trim_end(p, s, len);

	return e - s >= 2 && ((p[s] == '{' && p[e - 1] == '}') || (p[s] == '[' && p[e - 1] == ']'));
}

/*
 * Does the line up to its quote at k open a value of its own ("KEY=" from
 * the line's start, blanks before it aside)? Then the quote is no closing
 * one of a value open since a line above (a truncated "password=\"abc").
 */
static bool assignment_opens(const char *p, size_t k)
{
	size_t i = leading_ws(p, k), s = i;

	while (i < k && key_char((unsigned char)p[i]))
		i++;
	return i > s && i + 1 == k && p[i] == '=';
}

static int one_line(struct scanner *sc, struct textctx *tc, const char *p, size_t len, bool nl,
		    struct rbuf *out, uint64_t lineno)
{
	int rc;

	switch (tc->state) {
	case TS_PEM: {
		const char *endm = mem_find(p, len, "-----END", 8);

		if (endm) {
			size_t skip = (size_t)(endm - p), ws = leading_ws(p, skip);

			tc->state = TS_NONE;
			/*
			 * A logger's prefix, a JSON line, any text but the
			 * body's last base64: scanned as usual (whether a
			 * prefix was seen, a label in it decides).
			 */
			if (tc->pem_key || !b64_run(p + ws, skip - ws))
				break;
			rbuf_add(out, p, ws);
			p += skip;
			len -= skip;
			break; /* the END line itself is scanned as usual */
		}
		if (tc->pem_key) {
			if (json_like(p, len))
				break; /* json.c judges the values (see scanner.pem_key) */
		} else if (tc->pem_words && (rc = prefixed_body(sc, tc, p, len, nl, out, lineno))) {
			return rc < 0 ? -1 : 0;
		} else if (pem_body_line(p, len)) {
			if (len - leading_ws(p, len))
				block_label(sc, tc, p, len, out, lineno);
			return 0;
		}
		tc->state = TS_NONE;
		break;
	}
	case TS_BLOCK:
		if (tc->continued) {
			if (!ends_with_backslash(p, len))
				tc->state = TS_NONE;
			return 0;
		}
		if (leading_ws(p, len) == len && !tc->label_done && tc->fmt == F_INI) {
			tc->state = TS_NONE; /* "password =" and a blank line: an empty value */
			break;
		}
		if (leading_ws(p, len) == len)
			return 0; /* blank lines belong to the block */
		if (leading_ws(p, len) > tc->indent && !bracket_closed(tc, p, len)) {
			block_label(sc, tc, p, len, out, lineno);
			return 0;
		}
		tc->state = TS_NONE;
		break;
	case TS_COUNTED:
		if (b64_line(p, len)) { /* tc->left > 0: the state ends at 0 */
			if (!--tc->left)
				tc->state = TS_NONE;
			block_label(sc, tc, p, len, out, lineno);
			return 0;
		}
		tc->state = TS_NONE;
		break;
	case TS_QUOTE: {
		size_t k;

		for (k = 0; k < len && p[k] != tc->quote; k++)
			if (p[k] == '\\' && tc->quote != '\'')
				k++;
		if (k >= len) {
			if (++tc->qlines <= QUOTE_MAX_LINES)
				return 0;
			tc->state = TS_NONE;
			break;
		}
		tc->state = TS_NONE;
		if (assignment_opens(p, k))
			break; /* KEY="x: a new value, the open one was cut at its line's end */
		p += k; /* the value's end goes; the line from its closing quote is scanned */
		len -= k;
		break;
	}
	case TS_XML: {
		const char *et = tc->cdata ? mem_find(p, len, "]]>", 3) : mem_find(p, len, "</", 2);
		size_t ws = leading_ws(p, len), k;

		if (!tc->cdata && !tc->label_done && xml_child_line(p, len)) {
			/*
			 * <AdministratorPassword> over <Value>x</Value>: the
			 * element holds elements, not text; its value child goes
			 */
			tc->state = TS_NONE;
			tc->next_kind = NX_XML_PARENT;
			tc->next = (struct name_verdict){ .cls = NC_STRONG, .rule = tc->rule };
			break;
		}
		if (!et) {
			if (++tc->qlines > QUOTE_MAX_LINES) {
				tc->state = TS_NONE;
				break;
			}
			if (ws < len && trim_end(p, ws, len) > ws)
				block_label(sc, tc, p, len, out, lineno);
			return 0;
		}
		tc->state = TS_NONE;
		k = (size_t)(et - p);
		if (trim_end(p, ws, k) > ws) { /* "  text</password>", "text]]>": the text goes */
			rbuf_add(out, p, ws);
			if (!tc->label_done) {
				put_label(sc, out, tc->rule);
				report_hit(sc, tc->rule, lineno);
			}
			p += k; /* the end tag on is scanned */
			len -= k;
		}
		break;
	}
	case TS_XML_TAG: /* its lines are read as any other, and by xml_tag_line() */
	case TS_NONE:
		break;
	}
	if ((tc->fmt == F_TEXT || tc->fmt == F_JSONL || tc->fmt == F_JSON) && json_like(p, len)) {
		/*
		 * A JSON line without escapes holds its values verbatim: a value
		 * holds a trigger only where the line does. Where the line's
		 * triggers start is noted (see value_unchanged()); with none, only
		 * PII is looked for in its values (JSON logs are mostly such lines).
		 */
		bool outer = !sc->hits_base; /* else in a value of a line noted already */

		if (outer && !memchr(p, '\\', len)) {
			sc->hits.n = 0;
			if (trigger_pass(sc, tc, p, len, &sc->hits) == 0) {
				sc->hits_base = p;
				sc->hits_len = len;
				sc->no_triggers = !sc->hits.n;
			}
		}
		/* a private key that a value of an earlier line began (container logs) */
		sc->pem_key = tc->state == TS_PEM ? tc->pem_key : 0;
		sc->pem_body = false;
		sc->pem_began = 0;
		rc = json_redact_doc(sc, p, len, out, lineno);
		if (sc->pem_began || (sc->pem_key && sc->pem_body)) {
			tc->state = TS_PEM;
			tc->rule = R_PRIVATE_KEY;
			tc->pem_words = 0;
			tc->pem_key = sc->pem_began ? sc->pem_began : sc->pem_key;
		} else if (tc->state == TS_PEM) {
			tc->state = TS_NONE;
		}
		sc->pem_key = sc->pem_began = 0;
		if (outer) {
			sc->no_triggers = false;
			sc->hits_base = NULL;
		}
		if (rc < 0)
			return -1;
		if (rc > 0) {
			if (tc->next_kind == NX_JSON)
				tc->next_kind = NX_NONE; /* an object or array was the value */
			sc->json_whole = true;
			goto newline;
		}
	}
	if (tc->fmt == F_JSON)
		rc = json_redact_line(sc, tc, p, len, out, lineno);
	else
		rc = scan_record(sc, tc, p, len, out, lineno, SR_LINE_KV);
	if (rc)
		return -1;
	if ((tc->fmt == F_TEXT || tc->fmt == F_JSONL) && !tc->embedded && tc->state == TS_NONE) {
		struct name_verdict v = json_key_at_end(sc, p, len);

		if (v.cls != NC_NONE) {
			tc->next_kind = NX_JSON;
			tc->next = v;
			tc->next_col = 0;
		}
	}
newline:
	if (nl)
		rbuf_addch(out, '\n');
	return out->oom ? -1 : 0;
}

#define LINE_PASSES 4 /* redactions of one line's output until nothing changes */

/* Is [b, b + n) (a line's output, with its newline if nl) one line? */
static bool one_line_out(const char *b, size_t n, bool nl)
{
	if (nl && (!n || b[n - 1] != '\n'))
		return false;
	return n == (size_t)nl || !memchr(b, '\n', n - nl);
}

/*
 * one_line(), then again on what it wrote while that changes (at most
 * LINE_PASSES times in all), each time from the state the line began in:
 * what a redaction reveals (a quote it took, a value it shortened, a word
 * a pseudonym made) is redacted here, not by whoever redacts the output
 * again. Only a line that may read differently is read again: one with a
 * label written or a pseudonym glued to its neighbour (scanner.reveals),
 * and not a JSON line (its structure stays; its string values were read
 * so, as lines, by json.c). The state after the line is the first pass's,
 * read from the input, unless the output leaves a block, quote or element
 * open that the input closed (a label took a CDATA section's "]]>"): what
 * follows is then read as inside it, as a second pass over the output
 * would. The counts of a pass whose output is not taken are dropped. A
 * line whose output is not one line (a block dropped it) is the first
 * pass's. The outermost call writes its passes in the scanner's buffer (a
 * JSON value in the line may call it again).
 */
static int line_fixed(struct scanner *sc, struct textctx *tc, const char *p, size_t len, bool nl,
		      struct rbuf *out, uint64_t lineno)
{
	struct textctx before = *tc, after, last;
	struct rbuf own = { 0 }, *next;
	bool read_out = false;
	size_t mark = out->len;
	uint64_t reveals = sc->reveals;
	int rc;

	sc->json_whole = false;
	rc = one_line(sc, tc, p, len, nl, out, lineno);
	if (rc || out->oom || sc->reveals == reveals || sc->json_whole ||
	    (out->len - mark == len + nl && (!len || !memcmp(out->buf + mark, p, len))) ||
	    !one_line_out(out->buf + mark, out->len - mark, nl))
		return rc || out->oom ? -1 : 0;
	after = *tc;
	next = sc->fixing++ ? &own : &sc->fix;
	for (int pass = 1; pass < LINE_PASSES && !rc && out->len - mark > (size_t)nl; pass++) {
		size_t jmark = journal_begin(sc), n = out->len - mark;
		bool take, same;

		*tc = before;
		next->len = 0;
		rc = one_line(sc, tc, out->buf + mark, n - nl, nl, next, lineno);
		same = !rc && !next->oom && next->len == n && !memcmp(next->buf, out->buf + mark, n);
		take = !rc && !next->oom && !same && one_line_out(next->buf, next->len, nl);
		journal_end(sc, jmark, take);
		if (same) {
			last = *tc; /* the state after the output as it stands */
			read_out = true;
		}
		if (!take)
			break;
		out->len = mark;
		rbuf_add(out, next->buf, next->len);
	}
	sc->fixing--;
	*tc = read_out && after.state == TS_NONE && last.state != TS_NONE ? last : after;
	if (next->oom) {
		rc = -1;
		rbuf_release(next);
	}
	rbuf_release(&own);
	return rc || out->oom ? -1 : 0;
}

/*
 * A CRI log line (containerd, CRI-O: "TIMESTAMP stdout|stderr P|F content"):
 * where its content starts (0: not one), *partial for P (the record goes on
 * in the next line), *err for stderr.
 */
static size_t cri_line(const char *p, size_t len, bool *partial, bool *err)
{
	const char *sp;
	size_t k;

	if (len < 29 || p[0] < '0' || p[0] > '9' || p[4] != '-' || p[10] != 'T' ||
	    !(sp = memchr(p + 19, ' ', MIN(len - 19, (size_t)24))))
		return 0;
	k = (size_t)(sp - p) + 1;
	if (len - k < 8 || (memcmp(p + k, "stdout ", 7) && memcmp(p + k, "stderr ", 7)))
		return 0;
	*err = p[k + 3] == 'e';
	k += 7;
	if ((p[k] != 'P' && p[k] != 'F') || (k + 1 < len && p[k + 1] != ' '))
		return 0;
	*partial = p[k] == 'P';
	return MIN(k + 2, len);
}

bool line_wants_next(const struct textctx *tc, const char *p, size_t len)
{
	bool partial, err;
	size_t j, e;

	if (tc->embedded)
		return false;
	if (tc->fmt == F_TEXT && cri_line(p, len, &partial, &err))
		return partial;
	j = leading_ws(p, len);
	e = trim_end(p, j, len);
	if (tc->xml)
		return e > j && p[j] == '<' && (p[e - 1] == '"' || p[e - 1] == '\'') &&
		       mem_find(p + j, e - j, "value", 5);
	if (tc->fmt == F_JSON) /* pretty-printed: "value": "x" over its "name" (json_redact_line()) */
		return e - j > 8 && !memcmp(p + j, "\"value\":", 8);
	if (tc->fmt == F_TEXT && ((e - j > 8 && !memcmp(p + j, "\"value\":", 8)) ||
				  (e - j > 7 && !memcmp(p + j, "\"name\":", 7))))
		return true; /* the same in text (text_json_pair()) */
	if (tc->fmt == F_YAML && e > j && (p[e - 1] == ':' || mem_find(p + j, e - j, ": #", 3)))
		return true; /* "password:": its value may be below (line_value()) */
	return (tc->fmt == F_YAML || tc->fmt == F_TEXT) &&
	       ((e - j > 8 && !memcmp(p + j, "- value:", 8)) || (e - j > 7 && !memcmp(p + j, "- name:", 7)));
}

size_t lines_ready(const struct textctx *tc, const char *p, size_t n)
{
	size_t end = n;

	while (end) {
		const char *nl = end >= 2 ? memrchr(p, '\n', end - 1) : NULL;
		size_t ls = nl ? (size_t)(nl - p) + 1 : 0;

		if (n - ls > HOLD_MAX || !line_wants_next(tc, p + ls, end - 1 - ls))
			break;
		end = ls;
	}
	return end;
}

/*
 * scan_lines() at a CRI log's partial record, its line at p[pos]: the
 * record's pieces (P lines, then the F line of the same stream) are read as
 * one, up to HOLD_MAX bytes, and written back in their lines, each with its
 * prefix; the text a redaction changed goes in the first piece it touches.
 * Returns the end of the record's last line, or 0 when it is one line.
 */
static size_t cri_record(struct scanner *sc, struct textctx *tc, const char *p, size_t pos,
			 size_t len, struct rbuf *out, uint64_t *lineno, int *rc)
{
	struct rbuf joined = { 0 }, red = { 0 };
	size_t at = pos, end = pos, lines = 0, total = 0, pre = 0, suf = 0, from = 0;
	bool partial = true, err, err0 = false;

	while (partial && at < len) {
		const char *nl = memchr(p + at, '\n', len - at);
		size_t le = nl ? (size_t)(nl - p) : len, cs = cri_line(p + at, le - at, &partial, &err);

		if (!cs || (lines && err != err0) || total + (le - at - cs) > HOLD_MAX)
			break;
		err0 = err;
		total += le - at - cs;
		lines++;
		end = at = nl ? le + 1 : le;
	}
	if (lines < 2 || !total)
		return 0;
	for (at = pos; at < end;) {
		const char *nl = memchr(p + at, '\n', end - at);
		size_t le = nl ? (size_t)(nl - p) : end;

		rbuf_add(&joined, p + at + cri_line(p + at, le - at, &partial, &err),
			 le - at - cri_line(p + at, le - at, &partial, &err));
		at = nl ? le + 1 : le;
	}
	*rc = joined.oom ? -1 : one_line(sc, tc, joined.buf, joined.len, false, &red, *lineno);
	if (!*rc && red.oom)
		*rc = -1;
	if (!*rc) {
		while (pre < joined.len && pre < red.len && joined.buf[pre] == red.buf[pre])
			pre++;
		while (suf < joined.len - pre && suf < red.len - pre &&
		       joined.buf[joined.len - 1 - suf] == red.buf[red.len - 1 - suf])
			suf++;
		for (at = pos, total = 0; at < end;) {
			const char *nl = memchr(p + at, '\n', end - at);
			size_t le = nl ? (size_t)(nl - p) : end, cs = cri_line(p + at, le - at, &partial, &err);
			size_t b = total + (le - at - cs), to;

			/* the piece's end in the redacted text */
			if (!nl || le + 1 >= end)
				to = red.len;
			else if (b <= pre)
				to = b;
			else if (b >= joined.len - suf)
				to = red.len - (joined.len - b);
			else
				to = red.len - suf;
			rbuf_add(out, p + at, cs);
			rbuf_add(out, red.buf + from, to - from);
			if (nl) {
				rbuf_addch(out, '\n');
				if (!tc->fixed_line)
					(*lineno)++;
			}
			from = to;
			total = b;
			at = nl ? le + 1 : le;
		}
	}
	rbuf_release(&joined);
	rbuf_release(&red);
	return end;
}

/* YAML read as lines: push a key path's component at column col, [s, s + n) (or an item's "*"). */
static void keypath_push(struct keypath *kp, size_t col, const char *s, size_t n, bool item)
{
	size_t at = kp->depth ? kp->end[kp->depth - 1] : 0;

	if (kp->broken || kp->depth == KEYPATH_DEPTH || col > UINT16_MAX ||
	    at + (at > 0) + n >= sizeof(kp->path)) {
		kp->broken = true;
		return;
	}
	if (at)
		kp->path[at++] = '.';
	memcpy(kp->path + at, s, n);
	kp->path[at + n] = '\0';
	kp->col[kp->depth] = (uint16_t)col;
	kp->items = item ? kp->items | 1u << kp->depth : kp->items & ~(1u << kp->depth);
	kp->end[kp->depth++] = (uint16_t)(at + n);
}

/*
 * YAML read as lines (a document libyaml refused, or one too large): the
 * keys above the line at p, for the policy's key paths, as the document
 * walk names them ("spec.containers.*.env"). Lines inside a block scalar
 * or a quoted value are no structure; a line at a column pops the keys at
 * that column or deeper (an item's "-" keeps the key at its own column: an
 * indentless sequence).
 */
static void yaml_path_line(struct scanner *sc, const struct textctx *tc, const char *p, size_t len)
{
	struct keypath *kp = &sc->kp;
	size_t j = 0, col, ks, ke;

	while (j < len && p[j] == ' ')
		j++;
	if (j == len || p[j] == '#' || p[j] == '\t' || p[j] == '\r' ||
	    (tc->state != TS_NONE && !(tc->state == TS_BLOCK && j <= tc->indent)))
		return;
	if (!j && len >= 3 && (!memcmp(p, "---", 3) || !memcmp(p, "...", 3)) &&
	    (len == 3 || is_space((unsigned char)p[3]))) {
		kp->depth = 0; /* a new document */
		kp->broken = false;
		return;
	}
	if (p[j] == '-' && (j + 1 == len || p[j + 1] == ' ')) {
		while (kp->depth && kp->col[kp->depth - 1] > j)
			kp->depth--;
		if (kp->depth && kp->col[kp->depth - 1] == j && (kp->items & 1u << (kp->depth - 1)))
			kp->depth--; /* the next item of the same sequence */
	} else {
		while (kp->depth && kp->col[kp->depth - 1] >= j)
			kp->depth--;
	}
	if (!kp->depth)
		kp->broken = false;
	while (j + 1 < len && p[j] == '-' && p[j + 1] == ' ') { /* "- - key: x": items in items */
		keypath_push(kp, j, "*", 1, true);
		j += 2;
		while (j < len && p[j] == ' ')
			j++;
	}
	if (j < len && p[j] == '-' && j + 1 == len) {
		keypath_push(kp, j, "*", 1, true);
		return;
	}
	col = j;
	if (j < len && (p[j] == '"' || p[j] == '\'')) {
		const char *q = memchr(p + j + 1, p[j], len - j - 1);

		if (!q || memchr(p + j + 1, '\\', (size_t)(q - p) - j - 1))
			return; /* an escape: not worth reading for a path */
		ks = j + 1;
		ke = (size_t)(q - p);
		j = ke + 1;
	} else if (j < len && !strchr("[]{}#&*!|>%@`,?:", p[j])) {
		ks = j;
		j = yaml_key_run(p, len, j);
		ke = trim_end(p, ks, j);
	} else {
		return;
	}
	if (j < len && p[j] == ':' && (j + 1 == len || is_space((unsigned char)p[j + 1])) && ke > ks)
		keypath_push(kp, col, p + ks, ke - ks, false);
}

/* The key path of a YAML key [key, key + n) on the line yaml_path_line() read last, or NULL. */
static const char *yaml_key_path(const struct keypath *kp, const char *key, size_t n)
{
	size_t at;

	if (kp->broken || !kp->depth)
		return NULL;
	at = kp->depth > 1 ? kp->end[kp->depth - 2] + 1u : 0;
	return kp->end[kp->depth - 1] - at == n && !memcmp(kp->path + at, key, n) ? kp->path : NULL;
}

int scan_lines(struct scanner *sc, struct textctx *tc, const char *p, size_t len,
	       struct rbuf *out, uint64_t *lineno)
{
	const char *ahead = sc->ahead, *n2 = NULL;
	size_t pos = 0, ahead_len = sc->ahead_len;
	bool partial, err;
	int rc = 0;

	while (pos < len && !rc) {
		/* (the next line's end, found for sc->ahead, is this one's) */
		const char *nl = n2 && n2 > p + pos ? n2 : memchr(p + pos, '\n', len - pos);
		size_t le = nl ? (size_t)(nl - p) : len, end;

		if (tc->fmt == F_INI) {
			size_t s = pos + leading_ws(p + pos, le - pos), e = trim_end(p, s, le);

			if (e - s >= 2 && p[s] == '[' && p[e - 1] == ']' && e - s - 2 < sizeof(sc->kp.section))
				snprintf(sc->kp.section, sizeof(sc->kp.section), "%.*s", (int)(e - s - 2),
					 p + s + 1);
		} else if (tc->fmt == F_YAML && !tc->embedded && sc->e->has_keys) {
			yaml_path_line(sc, tc, p + pos, le - pos);
		}
		if (tc->fmt == F_TEXT && !tc->embedded && nl && le - pos >= 29 && p[pos + 10] == 'T' &&
		    cri_line(p + pos, le - pos, &partial, &err) && partial &&
		    (end = cri_record(sc, tc, p, pos, len, out, lineno, &rc))) {
			pos = end;
			n2 = NULL;
			continue;
		}
		sc->ahead = NULL;
		n2 = NULL;
		if (nl && le + 1 < len) {
			n2 = memchr(p + le + 1, '\n', len - le - 1);
			sc->ahead = p + le + 1;
			sc->ahead_len = (n2 ? (size_t)(n2 - p) : len) - (le + 1);
		}
		rc = line_fixed(sc, tc, p + pos, le - pos, nl != NULL, out, *lineno);
		sc->ahead = NULL;
		if (nl && !tc->fixed_line)
			(*lineno)++;
		pos = le + (nl != NULL);
	}
	sc->ahead = ahead;
	sc->ahead_len = ahead_len;
	return rc ? -1 : 0;
}

/*
 * A value that goes whole because of its key: if it is one token a specific
 * rule knows (a GitHub token under "api_token"), that rule names it.
 */
static int specific_rule(struct scanner *sc, const char *v, size_t vlen, int fallback)
{
	struct textctx tc = { .fmt = F_TEXT, .embedded = true };
	int rule = fallback;

	sc->nm = 0;
	find_triggers(sc, &tc, v, vlen);
	for (size_t i = 0; i < sc->nline; i++)
		sc->line_rules[sc->line_list[i]] = 0;
	sc->nline = 0;
	for (size_t i = 0; i < sc->nm; i++)
		if (sc->m[i].start == 0 && sc->m[i].end == vlen && sc->m[i].rule < R_KUBERNETES_SECRET &&
		    sc->m[i].rule < rule)
			rule = sc->m[i].rule;
	sc->nm = 0;
	return rule;
}

/* scan_keyed_value() for a value whose name was judged nv. */
static int judged_value(struct scanner *sc, struct name_verdict nv, const char *v, size_t vlen,
			struct rbuf *out, uint64_t lineno)
{
	int rule;

	sc->nm = 0;
	judge_value(sc, nv, v, 0, vlen);
	drop_token_overlaps(sc, v, vlen);
	if (!sc->nm)
		return -1;
	if (nv.cls == NC_AUTH || nv.cls == NC_COOKIE || sc->m[0].start > 0 || sc->m[0].end < vlen) {
		/* a part of the value: a header's credentials, a literal in a template */
		if (splice(sc, v, vlen, out, lineno, false))
			return -1;
		return nv.rule;
	}
	rule = specific_rule(sc, v, vlen, nv.rule);
	put_label(sc, out, rule);
	report_hit(sc, rule, lineno);
	return rule;
}

int scan_keyed_value(struct scanner *sc, const char *key, size_t klen, const char *path,
		     const char *v, size_t vlen, struct rbuf *out, uint64_t lineno)
{
	int prule = sc->e->has_keys ? policy_key_rule(sc, key, klen, path) : -1;

	if (prule >= 0 && sc->on[prule]) {
		if (!vlen)
			return -1;
		put_label(sc, out, prule);
		report_hit(sc, prule, lineno);
		return prule;
	}
	if (!key)
		return -1;
	return judged_value(sc, classify(sc, key, klen, NULL), v, vlen, out, lineno);
}

/* Is there no trigger in v, by what the line's trigger pass noted? False when unsure. */
static bool no_trigger_in(const struct scanner *sc, const char *v, size_t vlen)
{
	uintptr_t base = (uintptr_t)sc->hits_base, a = (uintptr_t)v;
	size_t lo = 0, hi = sc->hits.n;

	if (sc->no_triggers)
		return true;
	if (!base || a < base || a + vlen > base + sc->hits_len)
		return false;
	a -= base;
	while (lo < hi) { /* the first trigger starting at a or after */
		size_t mid = (lo + hi) / 2;

		if (sc->hits.v[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == sc->hits.n || sc->hits.v[lo] >= a + vlen;
}

/*
 * Would node_value() leave v to the text scan, and would that scan change
 * nothing and report nothing? True only when sure of it (the caller then
 * keeps v as it is): no trigger starts in v and no rule runs on every
 * record, the record's prescan found no PII anywhere in v, v is not JSON
 * itself, and neither a Secret, a policy key, the key's own name nor a
 * verdict lent by a sibling or the mapping's key (see lent_verdict()) may
 * judge it. key is NULL for a key itself. Most values of JSON logs are
 * such, and the full scan costs them far more than this.
 */
bool value_unchanged(struct scanner *sc, const struct node_frame *f, const char *key, size_t klen,
		     const char *v, size_t vlen)
{
	const struct prescan *ps;
	size_t first;

	if (!no_trigger_in(sc, v, vlen) || sc->e->has_keys || json_like(v, vlen) ||
	    (f && (f->secret_data || f->tf_random || f->item.cls != NC_NONE || f->cli.how ||
		   (f->map && (((f->key_role & KR_VALUE) && f->pair.cls != NC_NONE) ||
			       ((f->key_role & KR_HELD) && f->held_len))))))
		return false;
	for (size_t i = 0; i < sc->e->nevery; i++)
		if (sc->on[sc->e->every[i]])
			return false;
	if (key && classify(sc, key, klen, NULL).cls != NC_NONE)
		return false;
	/* key is in the walk's path, as the mapping's own key (held_off) is */
	if (key && f && f->map && f->held_len &&
	    held_plural(sc, key - f->key_off + f->held_off, f->held_len).cls != NC_NONE)
		return false;
	if (vlen < 3)
		return true; /* find_pii() looks at nothing shorter */
	ps = prescan_at(sc, v, vlen, &first);
	return ps && (first == ps->n || ps->m[first].start >= (size_t)(v - ps->base) + vlen);
}

/* A name made of one token of name characters ("DB_PASSWORD", "/prod/db/password", "x-api-key"). */
static bool name_token(const char *v, size_t len)
{
	if (!len || len > 128)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!is_alnum((unsigned char)v[i]) && !strchr("_-./:", v[i]))
			return false;
	return true;
}

struct name_verdict node_name_verdict(struct scanner *sc, const char *v, size_t len)
{
	if (!name_token(v, len))
		return NO_VERDICT;
	return classify(sc, v, len, NULL);
}

/*
 * A command-line flag that takes a secret as the next argument ("--password",
 * "--db-password", "-password"), judged by its name; NC_NONE for any other
 * item, and for "--no-password", "--password=x" (judged as text) and "-p"
 * (a port as often as a password).
 */
static struct name_verdict flag_verdict(struct scanner *sc, const char *v, size_t len)
{
	size_t d = len > 1 && v[0] == '-' ? 1 + (v[1] == '-') : 0;

	if (!d || len - d < 2 || !is_alnum((unsigned char)v[d]) || !name_token(v + d, len - d) ||
	    (len - d > 3 && mem_ieq(v + d, "no-", 3)))
		return NO_VERDICT;
	return classify(sc, v + d, len - d, NULL);
}

void node_note(struct scanner *sc, struct node_frame *f, const char *v, size_t vlen)
{
	if (f->map) {
		if (f->key_role & KR_NAME) {
			f->pair = node_name_verdict(sc, v, vlen);
		} else if ((f->key_role & KR_TYPE) && f->pair.cls == NC_NONE) {
			/* {"type": "password", "value": x}; "type": "string" names nothing */
			struct name_verdict t = node_name_verdict(sc, v, vlen);

			if (t.cls == NC_STRONG)
				f->pair = t;
		}
		return;
	}
	/* an item that is a flag itself ("--password --stdin") is no flag's value */
	f->item = vlen > 1 && v[0] == '-' && (v[1] == '-' || is_alnum((unsigned char)v[1])) ?
			  NO_VERDICT :
			  f->next;
	f->next = flag_verdict(sc, v, vlen);
	cli_item_note(&f->cli, v, vlen);
}

/*
 * A mapping named by a plural of a secret's name ("passwords", "secrets",
 * "api_tokens") holds secrets under names of their own ({"db": x}): the
 * verdict for its scalar values, NC_STRONG or NC_NONE. Plain numbers stay
 * ("tokens": {"input": 12}).
 */
static struct name_verdict held_plural(struct scanner *sc, const char *held, size_t len)
{
	struct name_verdict v = NO_VERDICT;

	if (len >= 4 && (held[len - 1] == 's' || held[len - 1] == 'S') &&
	    held[len - 2] != 's' && held[len - 2] != 'S') {
		v = classify(sc, held, len - 1, NULL);
		if (v.cls != NC_STRONG)
			return NO_VERDICT;
		v.counts = true;
	}
	return v;
}

/* The verdict a sibling or the mapping's own key lends to the value in f: NC_NONE if none. */
static struct name_verdict lent_verdict(struct scanner *sc, const struct node_frame *f,
					const struct rbuf *path)
{
	struct name_verdict v = NO_VERDICT;

	if (!f->map)
		return f->item;
	if ((f->key_role & KR_VALUE) && f->pair.cls != NC_NONE)
		return f->pair;
	if ((f->key_role & KR_HELD) && f->held_len) {
		/* "password": {"value": x}, not "password": {"min_length": 8} */
		v = classify(sc, path->buf + f->held_off, f->held_len, NULL);
		if (v.cls != NC_STRONG)
			v.cls = NC_NONE;
	}
	if (v.cls == NC_NONE && f->held_len)
		v = held_plural(sc, path->buf + f->held_off, f->held_len);
	return v;
}

/*
 * The attributes of a Terraform random_password or random_string that hold
 * it: "result" (the password itself), its hash, and a random_string's "id"
 * (its result again; a random_password's is "none"). "length", "special"
 * and the like stay.
 */
static bool tf_random_result(const char *key, size_t len, const char *v, size_t vlen)
{
	return (len == 6 && !memcmp(key, "result", 6)) || (len == 11 && !memcmp(key, "bcrypt_hash", 11)) ||
	       (len == 2 && !memcmp(key, "id", 2) && !(vlen == 4 && !memcmp(v, "none", 4)));
}

int node_value(struct scanner *sc, const struct node_frame *f, struct rbuf *path, const char *v,
	       size_t vlen, struct rbuf *out, uint64_t lineno)
{
	struct name_verdict lent;
	int r;

	if (f && f->secret_data && sc->on[R_KUBERNETES_SECRET] && !value_is_redacted(v, vlen)) {
		put_label(sc, out, R_KUBERNETES_SECRET);
		report_hit(sc, R_KUBERNETES_SECRET, lineno);
		return R_KUBERNETES_SECRET;
	}
	if (f && f->tf_random && f->map && tf_random_result(path->buf + f->key_off, f->key_len, v, vlen) &&
	    sc->on[R_PASSWORD] && !value_is_redacted(v, vlen)) {
		put_label(sc, out, R_PASSWORD);
		report_hit(sc, R_PASSWORD, lineno);
		return R_PASSWORD;
	}
	path->buf[path->len] = '\0'; /* node_enter() and node_set_key() leave room */
	r = scan_keyed_value(sc, f && f->key_len ? path->buf + f->key_off : NULL,
			     f ? f->key_len : 0, path->buf, v, vlen, out, lineno);
	if (r >= 0 || sc->error || !f)
		return r;
	if (!f->map && f->cli.how && (r = cli_item_value(sc, f, v, vlen, out, lineno)) >= 0)
		return r;
	if (sc->error)
		return -1;
	lent = lent_verdict(sc, f, path);
	if (lent.cls == NC_NONE)
		return -1;
	return judged_value(sc, lent, v, vlen, out, lineno);
}

/* Does key (or one of path's components) match a policy key name, or path a key path? */
static bool key_pattern_match(const char *pat, const char *key, size_t klen, const char *path)
{
	if (!strpbrk(pat, ".*")) {
		size_t n = strlen(pat);
		const char *c;

		if (key && n == klen && mem_ieq(pat, key, n))
			return true;
		for (c = path; c && *c;) { /* any component of the path: the whole subtree */
			size_t cl = strcspn(c, ".");

			if (cl == n && mem_ieq(c, pat, n))
				return true;
			c += cl + (c[cl] == '.');
		}
		return false;
	}
	if (!path)
		return key && strlen(pat) == klen && mem_ieq(pat, key, klen);
	/* components: '*' is any one, '**' any run; a prefix of the path is enough */
	for (;;) {
		size_t pl = strcspn(pat, "."), cl = strcspn(path, ".");

		if (!*pat)
			return true;
		if (pl == 2 && !memcmp(pat, "**", 2)) {
			const char *rest = pat + 2 + (pat[2] == '.');

			for (;;) {
				if (key_pattern_match(rest, NULL, 0, path))
					return true;
				if (!*path)
					return !*rest;
				path += strcspn(path, ".");
				path += *path == '.';
			}
		}
		if (!*path)
			return false;
		if (!(pl == 1 && *pat == '*') && !(pl == cl && !memcmp(pat, path, pl)))
			return false;
		pat += pl + (pat[pl] == '.');
		path += cl + (path[cl] == '.');
	}
}

int policy_key_rule(const struct scanner *sc, const char *key, size_t klen, const char *path)
{
	const struct redact_engine *e = sc->e;

	for (size_t i = R_BUILTIN_COUNT + PII_KIND_COUNT; i < e->nrules; i++) {
		const struct rule *r = &e->rules[i];

		if (!r->nkeys || !sc->on[i])
			continue;
		for (size_t k = 0; k < r->nkeys; k++)
			if (key_pattern_match(r->keys[k], key, klen, path))
				return (int)i;
	}
	return -1;
}
