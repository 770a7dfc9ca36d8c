// SPDX-License-Identifier: MIT
/*
 * yaml.c - redact YAML documents in place, keeping every byte we do not change
 *
 * libyaml gives each scalar's position (marks count characters; we convert
 * to byte offsets). Value scalars are judged by their key and key path, or
 * redacted as text and re-quoted when needed; keys are redacted as text
 * within their own extent (quoted when needed too), and everything between
 * scalars (indicators, anchors, comments) as text, so comments are covered. The result is the same document with only values changed:
 * comments, order, quoting and indentation stay. A first pass parses the
 * whole stream (anything libyaml rejects is redacted as text instead) and
 * finds the mappings with "kind: Secret", whose data and stringData values
 * all go, and the name/value pairs whose name makes their value secret
 * (the value may come first).
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"

struct yframe {
	struct node_frame n; /* start: the character index of the collection's start */
	bool expect_key;
	bool flow;
	bool kind_next;     /* analysis: the value being read is that of "kind" */
	bool is_key;        /* a collection used as a mapping key ("? [a, b]") */
};

struct ywalk {
	struct scanner *sc;
	const char *p;
	size_t len;
	struct rbuf *out;      /* NULL: analysis */
	struct rbuf path, rep, tmp, val;
	struct yframe *st;
	size_t depth, alloc;
	struct offsets secrets;    /* character indexes of mappings with "kind: Secret" */
	struct named {             /* mappings whose pair name is secret, by start */
		size_t start;
		struct name_verdict v;
	} *named;
	size_t nnamed, anamed, named_next;
	size_t ci, bi;         /* character index -> byte offset cursor */
	size_t base;           /* bytes skipped before libyaml's index 0 (a BOM) */
	size_t copied;         /* bytes before this have been written */
	uint64_t line;         /* line of p[copied] */
	struct textctx gap;
	size_t label_depth;    /* inside a flow sequence that is our label: its nesting */
	int error;
};

static size_t utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		return 2;
	if ((c & 0xF0) == 0xE0)
		return 3;
	if ((c & 0xF8) == 0xF0)
		return 4;
	return 1;
}

/* libyaml's marks count characters: the byte offset of character index ci. */
static size_t byte_at(struct ywalk *w, size_t ci)
{
	if (ci < w->ci) {
		w->ci = 0;
		w->bi = w->base;
	}
	while (w->ci < ci && w->bi < w->len) {
		w->bi += utf8_len((unsigned char)w->p[w->bi]);
		w->ci++;
	}
	return MIN(w->bi, w->len);
}

static int push(struct ywalk *w, bool map, bool flow, size_t start)
{
	struct yframe *parent, *f;
	bool is_key;

	if (w->depth == w->alloc) {
		size_t n = w->alloc ? w->alloc * 2 : 16;
		struct yframe *v = realloc(w->st, n * sizeof(*v));

		if (!v)
			return -1;
		w->st = v;
		w->alloc = n;
	}
	parent = w->depth ? &w->st[w->depth - 1] : NULL;
	is_key = parent && parent->n.map && parent->expect_key;
	if (is_key) {
		parent->n.key_len = 0; /* a key ("? [a, b]"): no key before it names it */
		w->path.len = parent->n.path_len;
	}
	f = &w->st[w->depth++];
	if (node_enter(&f->n, parent ? &parent->n : NULL, &w->path, map, start,
		       w->out ? &w->secrets : NULL))
		return -1;
	if (map && w->out) { /* its pair's name, when its value comes first */
		while (w->named_next < w->nnamed && w->named[w->named_next].start < start)
			w->named_next++;
		if (w->named_next < w->nnamed && w->named[w->named_next].start == start)
			f->n.pair = w->named[w->named_next].v;
	}
	f->expect_key = map;
	f->flow = flow || (parent && parent->flow);
	f->kind_next = false;
	f->is_key = is_key;
	return 0;
}

/* Analysis: the value of a pair's name key, for the pair's value that may come before it. */
static int note_named(struct ywalk *w, const struct yframe *f, const yaml_event_t *ev)
{
	struct name_verdict v;

	if (!f || !f->n.map || !(f->n.key_role & KR_NAME))
		return 0;
	v = node_name_verdict(w->sc, (const char *)ev->data.scalar.value, ev->data.scalar.length);
	if (v.cls == NC_NONE)
		return 0;
	if (w->nnamed == w->anamed) {
		size_t n = w->anamed ? w->anamed * 2 : 16;
		struct named *nv = realloc(w->named, n * sizeof(*nv));

		if (!nv)
			return -1;
		w->named = nv;
		w->anamed = n;
	}
	w->named[w->nnamed].start = f->n.start;
	w->named[w->nnamed++].v = v;
	return 0;
}

static int cmp_named(const void *a, const void *b)
{
	size_t x = ((const struct named *)a)->start, y = ((const struct named *)b)->start;

	return x < y ? -1 : x > y;
}

static void pop(struct ywalk *w)
{
	struct yframe *f = &w->st[--w->depth];

	w->path.len = f->n.path_len;
	if (w->depth && w->st[w->depth - 1].n.map) {
		struct yframe *parent = &w->st[w->depth - 1];

		parent->expect_key = !f->is_key;
		if (f->is_key) { /* a complex key: its value is judged by no key name */
			parent->n.key_len = 0;
		}
	}
}

/*
 * Redact the bytes between scalars (indicators, anchors, comments) up to
 * end. Values are never here, so "name: value" is looked for only in
 * comments; token patterns and PII everywhere.
 */
static int gap(struct ywalk *w, size_t end)
{
	const char *p = w->p;
	size_t pos = w->copied;

	while (pos < end) {
		const char *nl = memchr(p + pos, '\n', end - pos);
		size_t le = nl ? (size_t)(nl - p) : end, hash = pos;

		while (hash < le && !(p[hash] == '#' && (hash == pos || p[hash - 1] == ' ' ||
							   p[hash - 1] == '\t')))
			hash++;
		if (scan_record(w->sc, &w->gap, p + pos, hash - pos, w->out, w->line, SR_NO_ASSIGN) ||
		    (hash < le && scan_record(w->sc, &w->gap, p + hash, le - hash, w->out, w->line, 0)))
			return -1;
		if (nl) {
			rbuf_addch(w->out, '\n');
			w->line++;
		}
		pos = le + (nl != NULL);
	}
	w->copied = end;
	return w->out->oom ? -1 : 0;
}

/* A plain scalar that would change meaning or break unquoted. */
static bool needs_quotes(const char *s, size_t n, bool flow)
{
	if (!n)
		return false;
	if (strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || s[0] == ' ' || s[n - 1] == ' ' || s[n - 1] == ':')
		return true;
	for (size_t i = 0; i + 1 < n; i++)
		if ((s[i] == ':' && s[i + 1] == ' ') || (s[i] == ' ' && s[i + 1] == '#'))
			return true;
	if (flow)
		for (size_t i = 0; i < n; i++)
			if (strchr(",[]{}", s[i]))
				return true;
	return false;
}

/*
 * Write s quoted. Double quotes escape what would not read back as itself:
 * '"', '\\', control characters, and the line breaks NEL, LS and PS.
 */
static void put_quoted(struct rbuf *out, const char *s, size_t n, bool single)
{
	static const char hex[] = "0123456789abcdef";

	rbuf_addch(out, single ? '\'' : '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (single) {
			if (c == '\'')
				rbuf_addch(out, '\'');
			rbuf_addch(out, (char)c);
		} else if (c == '"' || c == '\\') {
			rbuf_addch(out, '\\');
			rbuf_addch(out, (char)c);
		} else if (c == '\n' || c == '\t' || c == '\r') {
			rbuf_addch(out, '\\');
			rbuf_addch(out, c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
		} else if (c < 0x20 || c == 0x7f) {
			rbuf_add(out, "\\x", 2);
			rbuf_addch(out, hex[c >> 4]);
			rbuf_addch(out, hex[c & 15]);
		} else if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) {
			rbuf_add(out, "\\N", 2);
			i++;
		} else if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
			   ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
			rbuf_add(out, (unsigned char)s[i + 2] == 0xa8 ? "\\L" : "\\P", 2);
			i += 2;
		} else {
			rbuf_addch(out, (char)c);
		}
	}
	rbuf_addch(out, single ? '\'' : '"');
}

/* Can s be written single-quoted (no line breaks or control characters to escape)? */
static bool single_quotable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return !mem_find(s, n, "\xc2\x85", 2) && !mem_find(s, n, "\xe2\x80\xa8", 3) &&
	       !mem_find(s, n, "\xe2\x80\xa9", 3);
}

/* Skip a scalar's properties ("!!str", "&anchor") to where its value starts. */
static size_t skip_properties(const char *p, size_t s, size_t e)
{
	while (s < e && (p[s] == '!' || p[s] == '&')) {
		while (s < e && !is_space((unsigned char)p[s]))
			s++;
		while (s < e && is_space((unsigned char)p[s]))
			s++;
	}
	return s;
}

/*
 * Redact a scalar's text into w->tmp: a value's lines as text, a key's as
 * names are (in a key "name=value" is no assignment, as between values).
 */
static int scan_text(struct ywalk *w, const char *s, size_t n, bool key, bool fixed, uint64_t line)
{
	struct textctx tc = { .fmt = F_TEXT, .embedded = true, .fixed_line = fixed };
	size_t pos = 0;

	rbuf_reset(&w->tmp);
	if (!key)
		return scan_lines(w->sc, &tc, s, n, &w->tmp, &line);
	while (pos < n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t le = nl ? (size_t)(nl - s) : n;

		if (scan_record(w->sc, &tc, s + pos, le - pos, &w->tmp, line, SR_NO_ASSIGN))
			return -1;
		if (nl) {
			rbuf_addch(&w->tmp, '\n');
			line += !fixed;
		}
		pos = le + (nl != NULL);
	}
	return w->tmp.oom ? -1 : 0;
}

static bool binary_tag(const yaml_event_t *ev)
{
	const char *t = (const char *)ev->data.scalar.tag;

	return t && !strcmp(t, "tag:yaml.org,2002:binary");
}

/*
 * A !!binary value that was redacted is no base64 any more: its tag
 * ("!!binary", "!<tag:yaml.org,2002:binary>") goes from the properties
 * written at [at, at + n) of out, and the label stays a string.
 */
static void drop_tag(struct rbuf *out, size_t at, size_t n)
{
	char *p = out->buf + at;

	for (size_t k = 0; k < n; k++) {
		size_t e = k;

		if (p[k] != '!' || (k && !is_space((unsigned char)p[k - 1])))
			continue;
		while (e < n && !is_space((unsigned char)p[e]))
			e++;
		if (!((e - k == 8 && !memcmp(p + k, "!!binary", 8)) ||
		      (e - k == 27 && !memcmp(p + k, "!<tag:yaml.org,2002:binary>", 27))))
			continue;
		while (e < n && (p[e] == ' ' || p[e] == '\t'))
			e++;
		memmove(p + k, p + e, out->len - (at + e));
		out->len -= e - k;
		return;
	}
}

/*
 * A scalar, a mapping's key or a value, redacted within its own extent (what
 * is found in a key never runs into the ':' after it). A value is judged by
 * its key first; a key only as text.
 */
static int scalar(struct ywalk *w, const yaml_event_t *ev, bool key)
{
	struct scanner *sc = w->sc;
	struct yframe *f = w->depth ? &w->st[w->depth - 1] : NULL;
	const char *v;
	size_t vlen = ev->data.scalar.length;
	size_t bs = byte_at(w, ev->start_mark.index), be = byte_at(w, ev->end_mark.index);
	yaml_scalar_style_t style = ev->data.scalar.style;
	uint64_t line = ev->start_mark.line + 1;
	size_t ps, props, props_len, vstart;
	int r = -1;

	if (be < bs || be > w->len)
		return -1;
	/* libyaml's copy of the value has no room past its end for PCRE2's JIT: ours has */
	rbuf_reset(&w->val);
	rbuf_add(&w->val, ev->data.scalar.value, vlen);
	rbuf_grow(&w->val, 1);
	if (w->val.oom)
		return -1;
	v = w->val.buf;
	ps = bs;
	bs = skip_properties(w->p, bs, be);
	if (gap(w, ps))
		return -1;
	props = w->out->len; /* a "!!binary" there goes with a value that changes */
	if (gap(w, bs))
		return -1;
	props_len = w->out->len - props;
	rbuf_reset(&w->rep);
	if (!key && f)
		node_note(sc, &f->n, v, vlen);
	/* "~" is YAML's null, as "null" is: no value to judge */
	if (!key && !(style == YAML_PLAIN_SCALAR_STYLE && vlen == 1 && v[0] == '~'))
		r = node_value(sc, f ? &f->n : NULL, &w->path, v, vlen, &w->rep, line);
	if (sc->error)
		return -1;
	vstart = w->out->len;
	if (r >= 0 && style == YAML_PLAIN_SCALAR_STYLE && w->rep.len == be - bs &&
	    !memcmp(w->rep.buf, w->p + bs, be - bs)) {
		/* judged but left as it was ("c=\"" of a Cookie): no quotes to add */
		rbuf_add(w->out, w->p + bs, be - bs);
	} else if (r >= 0) {
		bool block = style == YAML_LITERAL_SCALAR_STYLE || style == YAML_FOLDED_SCALAR_STYLE;

		put_quoted(w->out, w->rep.buf, w->rep.len, style == YAML_SINGLE_QUOTED_SCALAR_STYLE);
		if (block && be > bs && w->p[be - 1] == '\n')
			rbuf_addch(w->out, '\n');
	} else if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		/*
		 * Its value, not its source: the closing quote is no part of
		 * a secret, and an escape ("\"", "''") is not cut in two.
		 * Unchanged, the source stays; else the value is quoted again.
		 */
		if (scan_text(w, v, vlen, key, true, line))
			return -1;
		if (w->tmp.len == vlen && (!vlen || !memcmp(w->tmp.buf, v, vlen)))
			rbuf_add(w->out, w->p + bs, be - bs);
		else
			put_quoted(w->out, w->tmp.buf, w->tmp.len,
				   style == YAML_SINGLE_QUOTED_SCALAR_STYLE &&
					   single_quotable(w->tmp.buf, w->tmp.len));
	} else {
		if (scan_text(w, w->p + bs, be - bs, key, false, line))
			return -1;
		if (style == YAML_PLAIN_SCALAR_STYLE && be > bs &&
		    (w->tmp.len != be - bs || memcmp(w->tmp.buf, w->p + bs, be - bs)) &&
		    needs_quotes(w->tmp.buf, w->tmp.len, f && f->flow))
			put_quoted(w->out, w->tmp.buf, w->tmp.len, false);
		else
			rbuf_add(w->out, w->tmp.buf, w->tmp.len);
	}
	if (!w->out->oom && binary_tag(ev) &&
	    (w->out->len - vstart != be - bs || memcmp(w->out->buf + vstart, w->p + bs, be - bs)))
		drop_tag(w->out, props, props_len);
	w->line += count_newlines(w->p + bs, be - bs);
	w->copied = be;
	return w->out->oom ? -1 : 0;
}

/*
 * Our label as a plain value ("[REDACTED:x]", which text redaction may
 * leave unquoted) reads as a flow sequence: it stays as it is, a value
 * like any other, so that a second pass changes nothing.
 */
static bool in_label(struct ywalk *w, const yaml_event_t *ev)
{
	struct yframe *f = w->depth ? &w->st[w->depth - 1] : NULL;

	if (!w->label_depth) {
		size_t b;

		if (ev->type != YAML_SEQUENCE_START_EVENT ||
		    ev->data.sequence_start.style != YAML_FLOW_SEQUENCE_STYLE)
			return false;
		b = byte_at(w, ev->start_mark.index);
		if (b >= w->len || !label_len(w->p + b, w->len - b))
			return false;
		if (f && !f->n.map) /* a label is no flag's value either */
			f->n.next.cls = NC_NONE;
	}
	if (ev->type == YAML_SEQUENCE_START_EVENT || ev->type == YAML_MAPPING_START_EVENT)
		w->label_depth++;
	else if (ev->type == YAML_SEQUENCE_END_EVENT || ev->type == YAML_MAPPING_END_EVENT)
		w->label_depth--;
	if (!w->label_depth && f) {
		f->kind_next = false;
		if (f->n.map)
			f->expect_key = !f->expect_key;
	}
	return true;
}

static int on_event(struct ywalk *w, const yaml_event_t *ev)
{
	struct yframe *f = w->depth ? &w->st[w->depth - 1] : NULL;

	if (in_label(w, ev))
		return 0;
	switch (ev->type) {
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		bool flow = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE :
				  ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;

		if (f)
			f->kind_next = false;
		return push(w, map, flow, ev->start_mark.index);
	}
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (w->depth)
			pop(w);
		return 0;
	case YAML_ALIAS_EVENT:
		if (f && f->n.map)
			f->expect_key = !f->expect_key;
		else if (f) /* an alias is no flag's value */
			f->n.next.cls = NC_NONE;
		return 0;
	case YAML_SCALAR_EVENT:
		if (f && f->n.map && f->expect_key) {
			const char *k = (const char *)ev->data.scalar.value;
			size_t n = ev->data.scalar.length;

			node_set_key(&f->n, &w->path, k, n);
			f->expect_key = false;
			f->kind_next = n == 4 && !memcmp(k, "kind", 4);
			if (w->path.oom || (w->out && scalar(w, ev, true)))
				return -1;
			return 0;
		}
		if (!w->out) {
			if (f && f->kind_next && ev->data.scalar.length == 6 &&
			    !memcmp(ev->data.scalar.value, "Secret", 6))
				w->error |= offsets_add(&w->secrets, f->n.start);
			w->error |= note_named(w, f, ev);
		} else if (scalar(w, ev, false)) {
			return -1;
		}
		if (f) {
			f->kind_next = false;
			if (f->n.map)
				f->expect_key = true;
		}
		return 0;
	default:
		return 0;
	}
}

/* One pass over the stream: 1 parsed, 0 libyaml refused it, -1 internal error. */
static int run(struct ywalk *w)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int rc = 1;

	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)w->p, w->len);
	w->depth = 0;
	w->label_depth = 0;
	w->path.len = 0;
	for (;;) {
		bool end;

		if (!yaml_parser_parse(&parser, &ev)) {
			rc = 0;
			break;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		if (on_event(w, &ev) || w->error)
			rc = -1;
		yaml_event_delete(&ev);
		if (end || rc < 0)
			break;
	}
	yaml_parser_delete(&parser);
	return rc;
}

int yaml_redact_doc(struct scanner *sc, const char *p, size_t len, struct rbuf *out)
{
	struct ywalk w = { .sc = sc, .p = p, .len = len };
	int rc;

	if (!len)
		return 1; /* an empty stream: nothing to say */
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		w.base = 3; /* libyaml counts from after the BOM */
	rbuf_grow(&w.path, 64);
	if (w.path.oom)
		return -1;
	rc = run(&w);
	if (rc > 0) {
		size_t mark = out->len;

		if (w.nnamed) /* found in the order the names came, looked up in that of the mappings */
			qsort(w.named, w.nnamed, sizeof(*w.named), cmp_named);
		w.out = out;
		w.ci = 0;
		w.bi = w.base;
		w.line = 1;
		w.gap.fmt = F_TEXT;
		w.gap.embedded = true;
		rc = pii_prescan(sc, p, len) ? -1 : run(&w);
		if (rc > 0)
			rc = gap(&w, len) ? -1 : 1;
		pii_prescan_end(sc);
		if (rc == 0) {
			out->len = mark;
			rc = -1; /* it parsed a moment ago */
		}
	}
	rbuf_release(&w.path);
	rbuf_release(&w.rep);
	rbuf_release(&w.tmp);
	rbuf_release(&w.val);
	free(w.st);
	free(w.named);
	offsets_release(&w.secrets);
	return rc;
}
