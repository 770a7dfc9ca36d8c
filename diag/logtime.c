// SPDX-License-Identifier: MIT
/*
 * logtime.c - log timestamp recognisers and the streaming time-window filter
 *
 * Every recogniser reads a bounded prefix of one line and never allocates.
 * The filter keeps at most LOGTIME_HEAD_BYTES of the current line (enough to
 * decide its fate) and, until the first timestamp is seen, at most
 * LOGTIME_PROBE_BYTES of the stream's beginning.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "diag/logtime.h"
#include "diag/strbuf.h"
#include "diag/util.h"

struct cursor {
	const char *p, *end;
};

static bool at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static int peek(const struct cursor *c)
{
	return at_end(c) ? -1 : (unsigned char)*c->p;
}

static bool eat(struct cursor *c, char ch)
{
	if (peek(c) != (unsigned char)ch)
		return false;
	c->p++;
	return true;
}

/* Exactly n digits. */
static bool num(struct cursor *c, int n, int *out)
{
	int v = 0;

	if (c->end - c->p < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)c->p[i]))
			return false;
		v = v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	*out = v;
	return true;
}

/* One or two digits (syslog days, 12-hour clocks). */
static bool num12(struct cursor *c, int *out)
{
	if (!num(c, 2, out))
		return num(c, 1, out);
	return true;
}

static int month_of(struct cursor *c)
{
	static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";

	if (c->end - c->p < 3)
		return 0;
	for (int m = 0; m < 12; m++)
		if (tolower((unsigned char)c->p[0]) == names[3 * m] &&
		    tolower((unsigned char)c->p[1]) == names[3 * m + 1] &&
		    tolower((unsigned char)c->p[2]) == names[3 * m + 2]) {
			c->p += 3;
			return m + 1;
		}
	return 0;
}

static bool weekday(struct cursor *c)
{
	static const char *const names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

	if (c->end - c->p < 3)
		return false;
	for (int d = 0; d < 7; d++)
		if (!strncasecmp(c->p, names[d], 3)) {
			c->p += 3;
			return true;
		}
	return false;
}

struct civil {
	int y, mo, d, h, mi, s;
	int zone;      /* seconds east of UTC */
	bool has_zone;
};

static bool civil_valid(const struct civil *t)
{
	return t->y >= 1970 && t->y <= 9999 && t->mo >= 1 && t->mo <= 12 && t->d >= 1 &&
		t->d <= 31 && t->h >= 0 && t->h <= 23 && t->mi >= 0 && t->mi <= 59 && t->s >= 0 &&
		t->s <= 60;
}

/* Local time, cached per hour: mktime() is too slow to call for every line. */
static int64_t local_epoch(const struct civil *t)
{
	static __thread int cy = -1, cmo, cd, ch;
	static __thread int64_t cbase;

	if (t->y != cy || t->mo != cmo || t->d != cd || t->h != ch) {
		struct tm tm = { 0 };

		tm.tm_year = t->y - 1900;
		tm.tm_mon = t->mo - 1;
		tm.tm_mday = t->d;
		tm.tm_hour = t->h;
		tm.tm_isdst = -1;
		cbase = (int64_t)mktime(&tm);
		cy = t->y, cmo = t->mo, cd = t->d, ch = t->h;
	}
	return cbase + t->mi * 60 + t->s;
}

static int64_t civil_epoch(const struct civil *t)
{
	if (!t->has_zone)
		return local_epoch(t);
	return days_from_civil(t->y, t->mo, t->d) * 86400 + t->h * 3600 + t->mi * 60 + t->s -
		t->zone;
}

static void skip_fraction(struct cursor *c)
{
	if ((peek(c) == '.' || peek(c) == ',') && c->p + 1 < c->end && isdigit((unsigned char)c->p[1])) {
		c->p++;
		while (isdigit(peek(c)))
			c->p++;
	}
}

/* HH:MM:SS with optional fraction. */
static bool clock_time(struct cursor *c, struct civil *t)
{
	if (!num(c, 2, &t->h) || !eat(c, ':') || !num(c, 2, &t->mi) || !eat(c, ':') ||
	    !num(c, 2, &t->s))
		return false;
	skip_fraction(c);
	return true;
}

/* Z, +HH:MM, +HHMM, +HH, " UTC", " GMT", " +0000": optional. */
static void zone(struct cursor *c, struct civil *t)
{
	struct cursor save = *c;
	int oh, om = 0, sign;

	if (eat(c, 'Z') || eat(c, 'z')) {
		t->has_zone = true;
		t->zone = 0;
		return;
	}
	if (eat(c, ' ')) {
		if (c->end - c->p >= 3 && (!strncmp(c->p, "UTC", 3) || !strncmp(c->p, "GMT", 3)) &&
		    (c->end - c->p == 3 || !isalpha((unsigned char)c->p[3]))) {
			c->p += 3;
			t->has_zone = true;
			t->zone = 0;
			return;
		}
	}
	if (peek(c) == '+' || peek(c) == '-') {
		sign = *c->p++ == '-' ? -1 : 1;
		if (num(c, 2, &oh)) {
			struct cursor m = *c;

			if (!(eat(&m, ':') && num(&m, 2, &om)) && !num(&m, 2, &om))
				om = 0, m = *c;
			if (oh <= 23 && om <= 59) {
				*c = m;
				t->has_zone = true;
				t->zone = sign * (oh * 3600 + om * 60);
				return;
			}
		}
	}
	*c = save;
}

/* YYYY-MM-DD[T ]HH:MM:SS[.frac][zone], also with '/' between date parts. */
static bool iso(struct cursor *c, struct civil *t)
{
	int sep;

	if (!num(c, 4, &t->y))
		return false;
	sep = peek(c);
	if (sep != '-' && sep != '/')
		return false;
	c->p++;
	if (!num(c, 2, &t->mo) || !eat(c, (char)sep) || !num(c, 2, &t->d))
		return false;
	if (!eat(c, 'T') && !eat(c, ' ') && !eat(c, 't'))
		return false;
	if (!clock_time(c, t))
		return false;
	zone(c, t);
	return true;
}

/* DD-Mon-YYYY HH:MM:SS[.frac] (Tomcat, Oracle). */
static bool tomcat(struct cursor *c, struct civil *t)
{
	if (!num(c, 2, &t->d) || !eat(c, '-') || !(t->mo = month_of(c)) || !eat(c, '-') ||
	    !num(c, 4, &t->y) || !eat(c, ' '))
		return false;
	if (!clock_time(c, t))
		return false;
	zone(c, t);
	return true;
}

/* Mon dd HH:MM:SS (RFC 3164; day space-padded). */
static bool syslog3164(struct cursor *c, struct civil *t)
{
	if (!(t->mo = month_of(c)) || !eat(c, ' '))
		return false;
	eat(c, ' ');
	if (!num12(c, &t->d) || !eat(c, ' '))
		return false;
	return clock_time(c, t);
}

/* Www Mon dd HH:MM:SS[.frac] YYYY (Apache error log, ctime). */
static bool ctime_like(struct cursor *c, struct civil *t)
{
	if (!weekday(c) || !eat(c, ' ') || !(t->mo = month_of(c)) || !eat(c, ' '))
		return false;
	eat(c, ' ');
	if (!num12(c, &t->d) || !eat(c, ' ') || !clock_time(c, t) || !eat(c, ' '))
		return false;
	return num(c, 4, &t->y);
}

/* Mon dd, YYYY h:MM:SS AM (java.util.logging). */
static bool java(struct cursor *c, struct civil *t)
{
	int pm;

	if (!(t->mo = month_of(c)) || !eat(c, ' ') || !num12(c, &t->d) || !eat(c, ',') ||
	    !eat(c, ' ') || !num(c, 4, &t->y) || !eat(c, ' ') || !num12(c, &t->h) || !eat(c, ':') ||
	    !num(c, 2, &t->mi) || !eat(c, ':') || !num(c, 2, &t->s) || !eat(c, ' '))
		return false;
	if (c->end - c->p < 2 || toupper((unsigned char)c->p[1]) != 'M')
		return false;
	pm = toupper((unsigned char)c->p[0]);
	if ((pm != 'A' && pm != 'P') || t->h < 1 || t->h > 12)
		return false;
	c->p += 2;
	t->h = t->h % 12 + (pm == 'P' ? 12 : 0);
	return true;
}

/* Lmmdd HH:MM:SS.uuuuuu (klog/glog: Kubernetes components). */
static bool klog(struct cursor *c, struct civil *t)
{
	if (peek(c) <= 0 || !strchr("IWEF", peek(c))) /* strchr() finds a NUL too */
		return false;
	c->p++;
	if (!num(c, 2, &t->mo) || !num(c, 2, &t->d) || !eat(c, ' '))
		return false;
	return clock_time(c, t);
}

/* Formats without a year: the latest year that does not put t after ref (+1 day of skew). */
static int64_t infer_year(struct civil *t, int64_t ref)
{
	time_t r = (time_t)ref;
	struct tm tm;
	int64_t v;

	if (!localtime_r(&r, &tm))
		return 0;
	t->y = tm.tm_year + 1900;
	if (t->mo == 2 && t->d == 29 && !(t->y % 4 == 0 && (t->y % 100 != 0 || t->y % 400 == 0)))
		t->y--;
	v = civil_epoch(t);
	if (v > ref + 86400) {
		t->y--;
		v = civil_epoch(t);
	}
	return v;
}

/* dd/Mon/YYYY:HH:MM:SS +zzzz] anywhere in the first 512 bytes (access logs). */
static bool access_log(const char *line, size_t len, struct civil *t)
{
	const char *end = line + MIN(len, 512);

	for (const char *b = memchr(line, '[', (size_t)(end - line)); b;
	     b = memchr(b + 1, '[', (size_t)(end - b - 1))) {
		struct cursor c = { b + 1, line + len };

		memset(t, 0, sizeof(*t));
		if (num(&c, 2, &t->d) && eat(&c, '/') && (t->mo = month_of(&c)) && eat(&c, '/') &&
		    num(&c, 4, &t->y) && eat(&c, ':') && clock_time(&c, t)) {
			if (eat(&c, ' '))
				zone(&c, t);
			if (peek(&c) == ']')
				return true;
		}
		if (b + 1 >= end)
			break;
	}
	return false;
}

/* Epoch seconds, milliseconds, micro- or nanoseconds, with an optional fraction. */
static bool epoch_number(struct cursor *c, int64_t *out)
{
	uint64_t v = 0; /* 19 digits overflow int64_t, never uint64_t */
	int n = 0;

	while (isdigit(peek(c)) && n < 19) {
		v = v * 10 + (uint64_t)(*c->p++ - '0');
		n++;
	}
	if (n < 9 || isdigit(peek(c)))
		return false;
	while (v > 100000000000ULL) /* beyond year 5138 in seconds: a finer unit */
		v /= 1000;
	*out = (int64_t)v;
	return true;
}

/* A JSON line: the first time-like field, as an ISO string or an epoch number. */
static bool json_time(const char *line, size_t len, int64_t *out)
{
	static const char *const keys[] = {
		"\"time\"", "\"timestamp\"", "\"ts\"", "\"@timestamp\"", "\"t\"", "\"date\"",
		"\"datetime\"", "\"time_local\"", "\"asctime\"", NULL,
	};

	for (size_t k = 0; keys[k]; k++) {
		const char *hit = memmem(line, len, keys[k], strlen(keys[k]));
		struct cursor c;
		struct civil t = { 0 };

		if (!hit)
			continue;
		c.p = hit + strlen(keys[k]);
		c.end = line + len;
		while (peek(&c) == ' ' || peek(&c) == '\t')
			c.p++;
		if (!eat(&c, ':'))
			continue;
		while (peek(&c) == ' ' || peek(&c) == '\t')
			c.p++;
		if (eat(&c, '"')) {
			if (iso(&c, &t) && civil_valid(&t)) {
				*out = civil_epoch(&t);
				return true;
			}
			continue;
		}
		if (epoch_number(&c, out))
			return true;
	}
	return false;
}

/* logfmt: time=... or ts=... at the start or after a space, within the first 256 bytes. */
static bool logfmt(const char *line, size_t len, struct civil *t)
{
	static const char *const keys[] = { "time=", "ts=", "t=", NULL };
	size_t lim = MIN(len, 256);

	for (size_t k = 0; keys[k]; k++) {
		size_t kl = strlen(keys[k]);

		for (const char *hit = memmem(line, lim, keys[k], kl); hit;
		     hit = memmem(hit + 1, lim - (size_t)(hit + 1 - line), keys[k], kl)) {
			struct cursor c = { hit + kl, line + len };

			if (hit != line && hit[-1] != ' ')
				continue;
			eat(&c, '"');
			memset(t, 0, sizeof(*t));
			if (iso(&c, t))
				return true;
			if (hit + 1 >= line + lim)
				break;
		}
	}
	return false;
}

int logtime_parse_line(const char *line, size_t len, int64_t ref, int64_t *out,
		       const char **format)
{
	struct cursor c = { line, line + MIN(len, LOGTIME_HEAD_BYTES) };
	struct cursor start;
	struct civil t = { 0 };
	const char *fmt = NULL;
	bool yearless = false;

	len = (size_t)(c.end - c.p);
	while (peek(&c) == ' ' || peek(&c) == '\t')
		c.p++;
	if (peek(&c) == '{') {
		if (json_time(c.p, (size_t)(c.end - c.p), out)) {
			*format = "json";
			return 1;
		}
		return 0;
	}
	if (peek(&c) == '<') { /* syslog PRI, then an RFC 5424 version */
		struct cursor s = c;
		int n = 0;

		s.p++;
		while (isdigit(peek(&s)) && n < 3)
			s.p++, n++;
		if (n && eat(&s, '>')) {
			c = s;
			if (isdigit(peek(&s)) && (s.p++, eat(&s, ' ')))
				c = s;
		}
	}
	eat(&c, '[');
	start = c;
	if (iso(&c, &t)) {
		fmt = "iso8601";
	} else if (c = start, memset(&t, 0, sizeof(t)), tomcat(&c, &t)) {
		fmt = "tomcat";
	} else if (c = start, memset(&t, 0, sizeof(t)), ctime_like(&c, &t)) {
		fmt = "ctime";
	} else if (c = start, memset(&t, 0, sizeof(t)), java(&c, &t)) {
		fmt = "java";
	} else if (c = start, memset(&t, 0, sizeof(t)), syslog3164(&c, &t)) {
		fmt = "syslog";
		yearless = true;
	} else if (c = start, memset(&t, 0, sizeof(t)), klog(&c, &t)) {
		fmt = "klog";
		yearless = true;
	} else if (memset(&t, 0, sizeof(t)), access_log(line, len, &t)) {
		fmt = "access-log";
	} else if (logfmt(line, len, &t)) {
		fmt = "logfmt";
	} else {
		return 0;
	}
	if (yearless) {
		t.y = 2000; /* a leap year, for validation only */
		if (!civil_valid(&t))
			return 0;
		*out = infer_year(&t, ref);
	} else {
		if (!civil_valid(&t))
			return 0;
		*out = civil_epoch(&t);
	}
	*format = fmt;
	return 1;
}

enum filter_mode {
	PROBING,     /* no timestamp seen yet: the beginning is held in probe */
	FILTERING,
	PASSTHROUGH, /* no timestamps in the probe: everything is kept */
};

struct logtime_filter {
	int64_t since, until, ref;
	logtime_emit_fn emit;
	void *emit_ctx;
	enum filter_mode mode;
	char head[LOGTIME_HEAD_BYTES];
	size_t head_len;
	bool line_decided;   /* the head of the current line was processed */
	bool line_keep;      /* fate of the rest of the current line */
	bool entry_keep;     /* fate of the current entry (for continuations) */
	struct strbuf probe;
	uint64_t probe_lines;
	bool failed;
	struct logtime_stats st;
};

struct logtime_filter *logtime_filter_new(int64_t since, int64_t until, int64_t ref,
					  logtime_emit_fn emit, void *emit_ctx)
{
	struct logtime_filter *f = xcalloc(1, sizeof(*f));

	f->since = since;
	f->until = until;
	f->ref = ref;
	f->emit = emit;
	f->emit_ctx = emit_ctx;
	f->mode = PROBING;
	strbuf_init(&f->probe, 0);
	return f;
}

static int out(struct logtime_filter *f, const void *buf, size_t len)
{
	if (!len || f->failed)
		return f->failed ? -1 : 0;
	f->st.bytes_kept += len;
	if (f->emit(f->emit_ctx, buf, len) < 0) {
		f->failed = true;
		return -1;
	}
	return 0;
}

static bool in_window(const struct logtime_filter *f, int64_t t)
{
	return (!f->since || t >= f->since) && (!f->until || t <= f->until);
}

static int give_up_probing(struct logtime_filter *f)
{
	int r;

	f->mode = PASSTHROUGH;
	f->line_keep = true;
	f->line_decided = false;
	f->head_len = 0;
	f->st.unrecognised = true;
	f->st.lines_kept += f->probe_lines;
	r = out(f, f->probe.buf, f->probe.len);
	strbuf_release(&f->probe);
	return r;
}

/* Bytes of the current line after its head has been decided. */
static int line_bytes(struct logtime_filter *f, const char *buf, size_t len)
{
	if (f->mode == PROBING) {
		strbuf_add(&f->probe, buf, len);
		if (f->probe.len > LOGTIME_PROBE_BYTES)
			return give_up_probing(f);
		return 0;
	}
	return f->line_keep ? out(f, buf, len) : 0;
}

static int decide_line(struct logtime_filter *f)
{
	size_t n = f->head_len;
	const char *fmt;
	int64_t t;
	bool has_ts;

	if (n && f->head[n - 1] == '\n')
		n--;
	has_ts = logtime_parse_line(f->head, n, f->ref, &t, &fmt) == 1;
	f->line_decided = true;
	if (has_ts) {
		f->st.entries++;
		if (!f->st.format)
			f->st.format = fmt;
		f->entry_keep = in_window(f, t);
		f->st.entries_kept += f->entry_keep;
	}
	if (f->mode == PROBING) {
		if (!has_ts)
			return line_bytes(f, f->head, f->head_len);
		f->mode = FILTERING;
		if (f->entry_keep) {
			f->st.lines_kept += f->probe_lines;
			if (out(f, f->probe.buf, f->probe.len) < 0)
				return -1;
		}
		strbuf_release(&f->probe);
	}
	f->line_keep = f->mode == PASSTHROUGH || f->entry_keep;
	return line_bytes(f, f->head, f->head_len);
}

static void end_line(struct logtime_filter *f)
{
	f->st.lines++;
	if (f->mode == PROBING)
		f->probe_lines++;
	else
		f->st.lines_kept += f->line_keep;
	f->line_decided = false;
	f->head_len = 0;
}

int logtime_filter_write(struct logtime_filter *f, const void *data, size_t len)
{
	const char *buf = data;

	if (f->failed)
		return -1;
	f->st.bytes_in += len;
	while (len) {
		if (f->mode == PASSTHROUGH) {
			for (const char *p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))); p++)
				f->st.lines++, f->st.lines_kept++;
			return out(f, buf, len);
		}
		if (!f->line_decided) {
			size_t take = MIN(len, LOGTIME_HEAD_BYTES - f->head_len);
			const char *nl = memchr(buf, '\n', take);

			if (nl)
				take = (size_t)(nl - buf) + 1;
			memcpy(f->head + f->head_len, buf, take);
			f->head_len += take;
			buf += take;
			len -= take;
			if (nl || f->head_len == LOGTIME_HEAD_BYTES) {
				if (decide_line(f) < 0)
					return -1;
				if (nl)
					end_line(f);
			}
		} else {
			const char *nl = memchr(buf, '\n', len);
			size_t seg = nl ? (size_t)(nl - buf) + 1 : len;

			if (line_bytes(f, buf, seg) < 0)
				return -1;
			buf += seg;
			len -= seg;
			if (nl)
				end_line(f);
		}
	}
	return 0;
}

int logtime_filter_finish(struct logtime_filter *f)
{
	if (f->failed)
		return -1;
	if (f->head_len && !f->line_decided && decide_line(f) < 0)
		return -1;
	if (f->head_len || f->line_decided)
		end_line(f);
	if (f->mode == PROBING)
		return give_up_probing(f);
	return 0;
}

void logtime_filter_stats(const struct logtime_filter *f, struct logtime_stats *st)
{
	*st = f->st;
}

void logtime_filter_free(struct logtime_filter *f)
{
	if (!f)
		return;
	strbuf_release(&f->probe);
	sodium_memzero(f, sizeof(*f));
	free(f);
}
