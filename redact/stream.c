// SPDX-License-Identifier: MIT
/*
 * stream.c - one file through the engine: sniffing, records, output, report
 *
 * A stream first holds up to SNIFF_MAX bytes to tell binary from text (and,
 * without a path, JSON or YAML from text). JSON and YAML documents are then
 * held whole (up to REDACT_DOC_MAX) and parsed; everything else goes line by
 * line, holding only the current partial line. Output is handed to the sink
 * in blocks of about OUT_FLUSH bytes.
 */
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "internal.h"

#define SNIFF_MAX 8000
#define OUT_FLUSH (64 * 1024)
#define LINE_BLOCK (256 * 1024)
#define CUT_WINDOW (64 * 1024)
#define PCACHE_SIZE 16384 /* pseudonyms remembered per stream (direct-mapped, a power of 2) */
#define PCACHE_VMAX 54    /* longer values and tokens are not remembered */

enum phase { P_SNIFF, P_LINES, P_DOC, P_BINARY, P_DONE, P_DEAD };

struct counter {
	uint64_t count;
	uint32_t *lines;
	size_t nlines, alloc;
};

/* One slot, two cache lines: value is plaintext, wiped with the cache. */
struct pcache_ent {
	uint64_t hash; /* 0: empty */
	uint8_t kind, vlen, tlen;
	char value[PCACHE_VMAX], token[PCACHE_VMAX + 8];
};

struct redact_stream {
	const struct redact_engine *e;
	redact_sink_fn sink;
	void *sink_ctx;
	enum phase phase;
	enum fmt fmt;          /* as chosen from the path (or sniffed) */
	const char *fmt_name;  /* as actually redacted, for the report */
	bool path_known;
	struct rbuf in, out;
	struct textctx tc;
	struct scanner sc;
	uint8_t *on;
	struct counter *cnt;
	struct pcache_ent *pcache;
	uint16_t *pcache_slots; /* the slots in use, to wipe */
	size_t pcache_used;
	uint64_t lineno, newlines;
	char last_byte;
	bool oom;
	struct redact_report report;
};

static const char *const fmt_names[] = {
	[F_TEXT] = "text", [F_JSON] = "json", [F_JSONL] = "jsonl", [F_YAML] = "yaml",
	[F_ENV] = "env", [F_INI] = "ini", [F_PROPERTIES] = "properties", [F_NETRC] = "netrc",
	[F_PGPASS] = "pgpass",
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcasecmp(s + a - b, suffix);
}

static enum fmt fmt_from_path(const char *path, bool *known)
{
	const char *base = strrchr(path, '/');
	static const struct {
		const char *suffix;
		enum fmt fmt;
	} by_suffix[] = {
		{ ".json", F_JSON }, { ".jsonl", F_JSONL }, { ".ndjson", F_JSONL },
		{ ".yaml", F_YAML }, { ".yml", F_YAML }, { ".env", F_ENV },
		{ ".ini", F_INI }, { ".cfg", F_INI }, { ".cnf", F_INI }, { ".toml", F_INI },
		{ ".npmrc", F_INI }, { ".yarnrc", F_INI }, { ".pypirc", F_INI },
		{ ".properties", F_PROPERTIES }, { ".netrc", F_NETRC }, { "_netrc", F_NETRC },
		{ ".pgpass", F_PGPASS }, { "pgpass.conf", F_PGPASS },
	};

	base = base ? base + 1 : path;
	*known = true;
	for (size_t i = 0; i < sizeof(by_suffix) / sizeof(by_suffix[0]); i++)
		if (has_suffix(base, by_suffix[i].suffix))
			return by_suffix[i].fmt;
	if (!strncmp(base, ".env.", 5) || !strcmp(base, "environment"))
		return F_ENV;
	*known = strchr(base, '.') != NULL; /* "syslog", "messages": sniffing may help */
	return F_TEXT;
}

static bool looks_binary(const char *p, size_t n)
{
	size_t ctrl = 0;

	if (n >= 2 && (((unsigned char)p[0] == 0xff && (unsigned char)p[1] == 0xfe) ||
		       ((unsigned char)p[0] == 0xfe && (unsigned char)p[1] == 0xff)))
		return true; /* UTF-16: the rules cannot read it */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (!c)
			return true;
		if (c < 0x20 && !strchr("\t\n\r\f\v\b\x1b", c))
			ctrl++;
	}
	return ctrl * 10 > n;
}

static enum fmt sniff(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && is_space((unsigned char)p[i]))
		i++;
	if (i < n && (p[i] == '{' || p[i] == '['))
		return F_JSON;
	if ((n - i >= 3 && !memcmp(p + i, "---", 3)) || (n - i >= 5 && !memcmp(p + i, "%YAML", 5)) ||
	    (n - i >= 11 && !memcmp(p + i, "apiVersion:", 11)))
		return F_YAML;
	return F_TEXT;
}

/* ---- report and pseudonyms (called by the scanner) ---- */

void stream_count(struct redact_stream *s, int rule, uint64_t lineno)
{
	struct counter *c = &s->cnt[rule];
	uint32_t line = lineno > UINT32_MAX ? UINT32_MAX : (uint32_t)lineno;
	size_t i;

	c->count++;
	if (c->nlines && c->lines[c->nlines - 1] == line)
		return;
	for (i = c->nlines; i > 0 && c->lines[i - 1] > line; i--)
		;
	if (i < c->nlines && c->lines[i] == line)
		return;
	if (i > 0 && c->lines[i - 1] == line)
		return;
	if (c->nlines == REDACT_MAX_LINES) {
		if (i == c->nlines)
			return; /* past the first REDACT_MAX_LINES lines */
		c->nlines--;
	}
	if (c->nlines == c->alloc) {
		size_t n = c->alloc ? c->alloc * 2 : 8;
		uint32_t *l = realloc(c->lines, n * sizeof(*l));

		if (!l) {
			s->oom = true;
			return;
		}
		c->lines = l;
		c->alloc = n;
	}
	memmove(c->lines + i + 1, c->lines + i, (c->nlines - i) * sizeof(*c->lines));
	c->lines[i] = line;
	c->nlines++;
}

static uint64_t fnv1a(int kind, const char *v, size_t len)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)v[i];
		h *= 1099511628211ULL;
	}
	return h | 1; /* 0 marks an empty slot */
}

/* Wipe the slots in use (the plaintext) and free. */
static void pcache_free(struct redact_stream *s)
{
	for (size_t i = 0; i < s->pcache_used; i++)
		sodium_memzero(&s->pcache[s->pcache_slots[i]], sizeof(*s->pcache));
	free(s->pcache);
	free(s->pcache_slots);
	s->pcache = NULL;
	s->pcache_slots = NULL;
	s->pcache_used = 0;
}

/*
 * Pseudonyms cost a keyed hash and a call into the site's map: remember the
 * recent ones. Direct-mapped: a new value takes its slot from the old one.
 */
int stream_pseudonym(struct redact_stream *s, int kind, const char *v, size_t len,
		     struct rbuf *out)
{
	const struct redact_engine *e = s->e;
	uint64_t h = fnv1a(kind, v, len);
	struct pcache_ent *slot = NULL;
	char tok[PSEUDO_MAX];
	int n;

	if (!s->pcache) { /* on first use: allocated, its pages touched as needed */
		s->pcache = calloc(PCACHE_SIZE, sizeof(*s->pcache));
		s->pcache_slots = malloc(PCACHE_SIZE * sizeof(*s->pcache_slots));
		if (!s->pcache || !s->pcache_slots)
			pcache_free(s); /* not remembering costs only time */
	}
	if (s->pcache) {
		slot = &s->pcache[h & (PCACHE_SIZE - 1)];
		if (slot->hash == h && slot->kind == kind && slot->vlen == len &&
		    !memcmp(slot->value, v, len)) {
			rbuf_add(out, slot->token, slot->tlen);
			return 0;
		}
	}
	n = pseudo_token_k(e->key, (enum pii_kind)kind, v, len, tok, sizeof(tok));
	if (n < 0 || (size_t)n >= sizeof(tok))
		return -1;
	tok[n] = '\0';
	if (e->on_pseudonym)
		e->on_pseudonym(e->pseudonym_ctx, pii_kind_name((enum pii_kind)kind), tok, v, len);
	rbuf_add(out, tok, (size_t)n);
	if (!slot || len > PCACHE_VMAX || (size_t)n > sizeof(slot->token))
		return 0;
	if (!slot->hash)
		s->pcache_slots[s->pcache_used++] = (uint16_t)(slot - s->pcache);
	slot->hash = h;
	slot->kind = (uint8_t)kind;
	slot->vlen = (uint8_t)len;
	slot->tlen = (uint8_t)n;
	memcpy(slot->value, v, len);
	memcpy(slot->token, tok, (size_t)n);
	return 0;
}

/* ---- life cycle ---- */

struct redact_stream *redact_stream_new(const struct redact_engine *e, const char *path,
					redact_sink_fn sink, void *sink_ctx)
{
	struct redact_stream *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->e = e;
	s->sink = sink;
	s->sink_ctx = sink_ctx;
	s->lineno = 1;
	s->on = calloc(e->nrules, 1);
	s->cnt = calloc(e->nrules, sizeof(*s->cnt));
	if (!s->on || !s->cnt)
		goto fail;
	for (size_t i = 0; i < e->nrules; i++) {
		const struct rule *r = &e->rules[i];
		bool on = r->enabled && !r->nglobs;

		for (size_t g = 0; r->enabled && path && g < r->nglobs && !on; g++)
			on = glob_match_path(r->globs[g], path);
		s->on[i] = on;
	}
	s->fmt = path ? fmt_from_path(path, &s->path_known) : F_TEXT;
	if (scanner_init(&s->sc, e, s->on, s))
		goto fail;
	return s;
fail:
	redact_stream_free(s);
	return NULL;
}

void redact_stream_free(struct redact_stream *s)
{
	if (!s)
		return;
	rbuf_release(&s->in);
	rbuf_release(&s->out);
	scanner_release(&s->sc);
	pcache_free(s);
	for (size_t i = 0; s->cnt && i < s->e->nrules; i++)
		free(s->cnt[i].lines);
	free(s->cnt);
	free(s->on);
	free(s->report.rules);
	sodium_memzero(&s->tc, sizeof(s->tc));
	free(s);
}

static int die_stream(struct redact_stream *s, struct redact_err *err, const char *msg)
{
	s->phase = P_DEAD;
	rbuf_reset(&s->in);
	rbuf_reset(&s->out);
	rerr_set(err, NULL, (int)MIN(s->lineno, (uint64_t)INT32_MAX), 0, "%s", msg);
	return -1;
}

static int scan_failed(struct redact_stream *s, struct redact_err *err)
{
	if (s->sc.error)
		return die_stream(s, err, s->sc.errmsg);
	return die_stream(s, err, "out of memory");
}

static int flush(struct redact_stream *s, struct redact_err *err, bool all)
{
	if (s->out.oom || s->oom)
		return die_stream(s, err, "out of memory");
	if (!s->out.len || (!all && s->out.len < OUT_FLUSH))
		return 0;
	s->report.bytes_out += s->out.len;
	if (s->sink(s->sink_ctx, s->out.buf, s->out.len))
		return die_stream(s, err, "cannot write the redacted output");
	s->out.len = 0; /* redacted bytes: no need to wipe */
	return 0;
}

/* Complete lines (p ends with '\n', or is the final tail): in blocks, flushing between. */
static int do_lines(struct redact_stream *s, const char *p, size_t n, struct redact_err *err)
{
	while (n) {
		size_t take = n;

		if (n > LINE_BLOCK) {
			const char *nl = memrchr(p, '\n', LINE_BLOCK);

			take = nl ? (size_t)(nl - p) + 1 : n;
		}
		if (scan_lines(&s->sc, &s->tc, p, take, &s->out, &s->lineno))
			return scan_failed(s, err);
		if (flush(s, err, false))
			return -1;
		p += take;
		n -= take;
	}
	return 0;
}

/* The partial line in s->in has outgrown REDACT_LINE_MAX: redact a head of it, cut at a separator. */
static int cut_line(struct redact_stream *s, struct redact_err *err)
{
	size_t cut = 0;

	for (size_t i = REDACT_LINE_MAX; i > REDACT_LINE_MAX - CUT_WINDOW; i--) {
		char c = s->in.buf[i - 1];

		if (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '&' || c == '}' || c == ']' ||
		    c == '>' || c == '|') {
			cut = i;
			break;
		}
	}
	if (!cut)
		return die_stream(s, err, "a line longer than 1 MiB has no separator to cut it at");
	if (do_lines(s, s->in.buf, cut, err))
		return -1;
	rbuf_consume(&s->in, cut);
	return 0;
}

/*
 * Input goes through s->in (a padded buffer: see RBUF_PAD) a block at a
 * time; complete lines are redacted, the partial last one stays.
 */
static int feed_lines(struct redact_stream *s, const char *p, size_t len, struct redact_err *err)
{
	while (len) {
		size_t take = MIN(len, (size_t)LINE_BLOCK);
		const char *nl;

		rbuf_add(&s->in, p, take);
		if (s->in.oom)
			return die_stream(s, err, "out of memory");
		p += take;
		len -= take;
		nl = memrchr(s->in.buf, '\n', s->in.len);
		if (nl) {
			size_t n = (size_t)(nl - s->in.buf) + 1;

			if (do_lines(s, s->in.buf, n, err))
				return -1;
			rbuf_consume(&s->in, n);
		}
		while (s->in.len > REDACT_LINE_MAX)
			if (cut_line(s, err))
				return -1;
	}
	return 0;
}

static void start_lines(struct redact_stream *s, enum fmt fmt)
{
	s->phase = P_LINES;
	memset(&s->tc, 0, sizeof(s->tc));
	s->tc.fmt = fmt;
	s->fmt_name = fmt_names[fmt];
}

/* A YAML document (up to its next "---" line) that is a Kubernetes Secret. */
static bool yaml_doc_is_secret(const char *p, size_t len)
{
	for (const char *q = p; (q = memmem(q, len - (size_t)(q - p), "kind:", 5)); q += 5) {
		const char *v = q + 5;

		while (v < p + len && *v == ' ')
			v++;
		if ((q == p || q[-1] == ' ' || q[-1] == '\n') && p + len - v >= 6 &&
		    (!memcmp(v, "Secret", 6) || (p + len - v >= 8 && (!memcmp(v, "\"Secret\"", 8) ||
								   !memcmp(v, "'Secret'", 8)))))
			return true;
	}
	return false;
}

/*
 * Give up holding the document: redact what is held, and what follows, as
 * lines. When the whole input is held (it did not parse), each YAML
 * document is first looked through for "kind: Secret".
 */
static int doc_to_lines(struct redact_stream *s, enum fmt fmt, bool whole, struct redact_err *err)
{
	struct rbuf held = s->in;
	size_t pos = 0;
	int rc = 0;

	memset(&s->in, 0, sizeof(s->in));
	start_lines(s, fmt);
	s->tc.k8s_secret = -1;
	while (pos < held.len && !rc) {
		size_t end = held.len;

		if (fmt == F_YAML && whole) {
			const char *q = held.buf + pos;

			while ((q = memmem(q + 1, held.len - (size_t)(q + 1 - held.buf), "\n---", 4)))
				if (q + 4 == held.buf + held.len || strchr(" \t\r\n", q[4]))
					break;
			end = q ? (size_t)(q - held.buf) + 1 : held.len;
			s->tc.k8s_secret = yaml_doc_is_secret(held.buf + pos, end - pos);
			s->tc.k8s_data = false;
		}
		rc = feed_lines(s, held.buf + pos, end - pos, err);
		pos = end;
	}
	rbuf_release(&held);
	return rc;
}

/* The sniffed head is complete (or the input ended): choose binary, document or lines. */
static int decide(struct redact_stream *s, struct redact_err *err)
{
	struct rbuf head = s->in;

	if (looks_binary(head.buf, head.len)) {
		s->phase = P_BINARY;
		rbuf_release(&s->in);
		return 0;
	}
	if (!s->path_known)
		s->fmt = s->fmt == F_TEXT ? sniff(head.buf, head.len) : s->fmt;
	if (s->fmt == F_JSON || s->fmt == F_YAML) {
		s->phase = P_DOC;
		return 0;
	}
	memset(&s->in, 0, sizeof(s->in));
	start_lines(s, s->fmt);
	if (feed_lines(s, head.buf, head.len, err)) {
		rbuf_release(&head);
		return -1;
	}
	rbuf_release(&head);
	return 0;
}

static void count_lines(struct redact_stream *s, const char *p, size_t len)
{
	const char *q = p, *end = p + len;

	while ((q = memchr(q, '\n', (size_t)(end - q)))) {
		s->newlines++;
		q++;
	}
	if (len)
		s->last_byte = p[len - 1];
}

int redact_stream_write(struct redact_stream *s, const void *buf, size_t len,
			struct redact_err *err)
{
	const char *p = buf;

	if (err)
		memset(err, 0, sizeof(*err));
	if (s->phase == P_DEAD || s->phase == P_DONE) {
		rerr_set(err, NULL, 0, 0, "the stream is %s", s->phase == P_DONE ? "finished" : "dead");
		return -1;
	}
	s->report.bytes_in += len;
	if (s->phase == P_BINARY || !len)
		return 0;
	count_lines(s, p, len);
	if (s->phase == P_SNIFF) {
		size_t take = MIN(len, SNIFF_MAX - s->in.len);

		rbuf_add(&s->in, p, take);
		if (s->in.oom)
			return die_stream(s, err, "out of memory");
		p += take;
		len -= take;
		if (s->in.len < SNIFF_MAX)
			return 0;
		if (decide(s, err))
			return -1;
		if (s->phase == P_BINARY)
			return 0;
	}
	if (s->phase == P_DOC) {
		rbuf_add(&s->in, p, len);
		if (s->in.oom)
			return die_stream(s, err, "out of memory");
		if (s->in.len > REDACT_DOC_MAX)
			return doc_to_lines(s, s->fmt == F_JSON ? F_JSON : F_YAML, false, err);
		return 0;
	}
	if (feed_lines(s, p, len, err))
		return -1;
	return flush(s, err, false);
}

static int cmp_count(const void *a, const void *b)
{
	return strcmp(((const struct redact_rule_count *)a)->rule,
		      ((const struct redact_rule_count *)b)->rule);
}

static int build_report(struct redact_stream *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->e->nrules; i++)
		n += s->cnt[i].count > 0;
	s->report.rules = calloc(n ? n : 1, sizeof(*s->report.rules));
	if (!s->report.rules)
		return -1;
	for (size_t i = 0; i < s->e->nrules; i++) {
		struct redact_rule_count *rc;

		if (!s->cnt[i].count)
			continue;
		rc = &s->report.rules[s->report.nrules++];
		rc->rule = s->e->rules[i].id;
		rc->count = s->cnt[i].count;
		rc->lines = s->cnt[i].lines;
		rc->nlines = s->cnt[i].nlines;
	}
	qsort(s->report.rules, s->report.nrules, sizeof(*s->report.rules), cmp_count);
	s->report.lines = s->newlines + (s->report.bytes_in && s->last_byte != '\n');
	s->report.binary = s->phase == P_BINARY;
	s->report.format = s->report.binary ? "binary" : s->fmt_name ? s->fmt_name : "text";
	return 0;
}

int redact_stream_finish(struct redact_stream *s, struct redact_err *err)
{
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	if (s->phase == P_DEAD || s->phase == P_DONE) {
		rerr_set(err, NULL, 0, 0, "the stream is %s", s->phase == P_DONE ? "finished" : "dead");
		return -1;
	}
	if (s->phase == P_SNIFF && decide(s, err))
		return -1;
	if (s->phase == P_DOC) {
		uint64_t line = 1;

		s->fmt_name = fmt_names[s->fmt];
		rc = s->fmt == F_JSON ? json_redact_doc(&s->sc, s->in.buf, s->in.len, &s->out, line) :
					yaml_redact_doc(&s->sc, s->in.buf, s->in.len, &s->out);
		if (rc < 0)
			return scan_failed(s, err);
		if (rc == 0 && doc_to_lines(s, s->fmt == F_JSON ? F_TEXT : F_YAML, true, err))
			return -1;
		if (rc == 0)
			s->fmt_name = "text"; /* it did not parse: redacted as text */
		rbuf_reset(&s->in);
	}
	if (s->phase == P_LINES && s->in.len) {
		if (do_lines(s, s->in.buf, s->in.len, err))
			return -1;
		rbuf_reset(&s->in);
	}
	if (flush(s, err, true))
		return -1;
	if (build_report(s))
		return die_stream(s, err, "out of memory");
	s->phase = P_DONE;
	return 0;
}

const struct redact_report *redact_stream_report(const struct redact_stream *s)
{
	return s->phase == P_DONE ? &s->report : NULL;
}
