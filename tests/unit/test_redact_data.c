// SPDX-License-Identifier: MIT
/*
 * test_redact_data.c - the redaction corpus as data: tests/redact/NAME.test
 *
 * Each case is one cmocka test. The format (see tests/redact/README):
 *
 *   === what the case shows
 *   path: etc/app/config.yaml     optional: the logical path (format, scopes)
 *   noeol                         optional: in and out lack the final newline
 *   not-idempotent                optional: redacting out again may change it
 *   pii                           optional: with the PII rules (off otherwise)
 *   --- policy                    optional: a policy for this case
 *   ...
 *   --- in
 *   ...
 *   --- out                       expected output; {{pii:KIND:VALUE}} stands
 *   ...                           for the pseudonym of VALUE under the test key
 *                                 ({{pii\:KIND:VALUE}}: with its ':' escaped, as in .pgpass)
 *   --- report                    optional: "RULE COUNT LINE,LINE..." for every rule that fired
 *   --- error                     instead of in/out: the policy must be rejected
 *   ...                           with an error containing this "LINE:COLUMN: message"
 *
 * Every case is also run with its input fed one byte at a time and in
 * chunks of 7, and, unless marked not-idempotent, its expected output must
 * come out of the engine unchanged (redacting twice changes nothing more).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diag/strbuf.h"
#include "redact/redact.h"
#include "../../redact/pii.h"

#define DATA_DIR "../redact"

static const unsigned char test_key[32] = "diag-test-key-0123456789abcdefgh";

struct tcase {
	char *file, *name, *title;
	int line;
	char *path;
	bool noeol, not_idempotent, pii, has_in, has_out, has_report, has_error, has_policy;
	struct strbuf policy, in, out, report, error;
};

static struct tcase *cases;
static size_t ncases, acases;

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb, len);
}

static struct strbuf *section(struct tcase *c, const char *name)
{
	if (!strcmp(name, "policy"))
		return c->has_policy = true, &c->policy;
	if (!strcmp(name, "in"))
		return c->has_in = true, &c->in;
	if (!strcmp(name, "out"))
		return c->has_out = true, &c->out;
	if (!strcmp(name, "report"))
		return c->has_report = true, &c->report;
	if (!strcmp(name, "error"))
		return c->has_error = true, &c->error;
	return NULL;
}

/* Blank lines that end a section separate cases: they are not part of it. */
static void trim_section(struct strbuf *sb)
{
	while (sb->len >= 2 && sb->buf[sb->len - 1] == '\n' && sb->buf[sb->len - 2] == '\n')
		strbuf_setlen(sb, sb->len - 1);
	if (sb->len == 1 && sb->buf[0] == '\n')
		strbuf_setlen(sb, 0);
}

static void finish_case(struct tcase *c)
{
	trim_section(&c->policy);
	trim_section(&c->in);
	trim_section(&c->out);
	trim_section(&c->report);
	trim_section(&c->error);
	if (c->noeol) {
		if (c->in.len && c->in.buf[c->in.len - 1] == '\n')
			strbuf_setlen(&c->in, c->in.len - 1);
		if (c->out.len && c->out.buf[c->out.len - 1] == '\n')
			strbuf_setlen(&c->out, c->out.len - 1);
	}
}

static void parse_file(const char *dir, const char *file)
{
	char path[1024];
	size_t len;
	char *text, *p, *end;
	struct tcase *c = NULL;
	struct strbuf *sec = NULL;
	int lineno = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	text = read_all(path, &len);
	if (!text) {
		fprintf(stderr, "cannot read %s\n", path);
		exit(1);
	}
	for (p = text, end = text + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (n > 4 && !memcmp(p, "=== ", 4)) {
			if (c)
				finish_case(c);
			if (ncases == acases) {
				acases = acases ? acases * 2 : 64;
				cases = realloc(cases, acases * sizeof(*cases));
			}
			c = &cases[ncases++];
			memset(c, 0, sizeof(*c));
			strbuf_init(&c->policy, 0);
			strbuf_init(&c->in, 0);
			strbuf_init(&c->out, 0);
			strbuf_init(&c->report, 0);
			strbuf_init(&c->error, 0);
			c->file = strdup(file);
			c->name = strndup(p + 4, n - 4);
			c->title = malloc(strlen(file) + n + 8);
			snprintf(c->title, strlen(file) + n + 8, "%s: %.*s", file, (int)(n - 4), p + 4);
			c->line = lineno;
			sec = NULL;
		} else if (c && n > 4 && !memcmp(p, "--- ", 4) && strspn(p + 4, "abcdefghijklmnopqrstuvwxyz") == n - 4) {
			char name[32];

			snprintf(name, sizeof(name), "%.*s", (int)(n - 4), p + 4);
			sec = section(c, name);
			if (!sec) {
				fprintf(stderr, "%s:%d: unknown section '%s'\n", path, lineno, name);
				exit(1);
			}
		} else if (c && sec) {
			strbuf_add(sec, p, n);
			strbuf_addch(sec, '\n');
		} else if (c && n > 6 && !memcmp(p, "path: ", 6)) {
			c->path = strndup(p + 6, n - 6);
		} else if (c && n == 5 && !memcmp(p, "noeol", 5)) {
			c->noeol = true;
		} else if (c && n == 14 && !memcmp(p, "not-idempotent", 14)) {
			c->not_idempotent = true;
		} else if (c && n == 3 && !memcmp(p, "pii", 3)) {
			c->pii = true;
		} else if (n && p[0] != '#') {
			fprintf(stderr, "%s:%d: unexpected line outside a section\n", path, lineno);
			exit(1);
		}
		p += n + 1;
	}
	if (c)
		finish_case(c);
	free(text);
}

/* Replace {{pii:KIND:VALUE}} by the pseudonym of VALUE ({{pii\:KIND:VALUE}}: colons escaped). */
static void expand(const struct strbuf *in, struct strbuf *out)
{
	const char *p = in->buf, *end = in->buf + in->len;

	while (p < end) {
		const char *open = strstr(p, "{{pii");
		const char *colon, *close;
		char tok[PSEUDO_MAX];
		int kind = -1, n;
		bool escaped;

		if (!open || open >= end) {
			strbuf_add(out, p, (size_t)(end - p));
			return;
		}
		strbuf_add(out, p, (size_t)(open - p));
		escaped = open[5] == '\\';
		if (escaped)
			open++;
		assert_int_equal(open[5], ':');
		colon = strchr(open + 6, ':');
		close = colon ? strstr(colon, "}}") : NULL;
		assert_non_null(close);
		for (int k = 0; k < PII_KIND_COUNT; k++)
			if (strlen(pii_kind_name(k)) == (size_t)(colon - open - 6) &&
			    !memcmp(pii_kind_name(k), open + 6, (size_t)(colon - open - 6)))
				kind = k;
		if (kind < 0)
			fail_msg("unknown PII kind in %.*s", (int)(close - open + 2), open);
		n = pseudo_token(test_key, (enum pii_kind)kind, colon + 1, (size_t)(close - colon - 1), tok,
				 sizeof(tok));
		assert_true(n > 0);
		for (int i = 0; i < n; i++) {
			if (escaped && tok[i] == ':')
				strbuf_addch(out, '\\');
			strbuf_addch(out, tok[i]);
		}
		p = close + 2;
	}
}

static int sink(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

/* Redact in (fed in chunks of step bytes, 0 = all at once); the report into rep if not NULL. */
static void run(const struct redact_engine *e, const char *path, const char *in, size_t len,
		size_t step, struct strbuf *out, struct strbuf *rep)
{
	struct redact_stream *s = redact_stream_new(e, path, sink, out);
	const struct redact_report *r;
	struct redact_err err;

	assert_non_null(s);
	for (size_t off = 0; off < len;) {
		size_t n = step ? MIN(step, len - off) : len;

		if (redact_stream_write(s, in + off, n, &err))
			fail_msg("write failed: %s", err.msg);
		off += n;
	}
	if (redact_stream_finish(s, &err))
		fail_msg("finish failed: %s", err.msg);
	r = redact_stream_report(s);
	for (size_t i = 0; rep && i < r->nrules; i++) {
		strbuf_addf(rep, "%s %llu ", r->rules[i].rule, (unsigned long long)r->rules[i].count);
		for (size_t l = 0; l < r->rules[i].nlines; l++)
			strbuf_addf(rep, "%s%u", l ? "," : "", r->rules[i].lines[l]);
		strbuf_addch(rep, '\n');
	}
	redact_stream_free(s);
}

static void same(const struct tcase *c, const char *what, const struct strbuf *want,
		 const struct strbuf *got)
{
	size_t i = 0;

	if (want->len == got->len && !memcmp(want->buf, got->buf, got->len))
		return;
	while (i < want->len && i < got->len && want->buf[i] == got->buf[i])
		i++;
	fprintf(stderr, "%s:%d: %s: %s differs at byte %zu\n--- expected\n%s--- got\n%s---\n",
		c->file, c->line, c->name, what, i, want->buf, got->buf);
	fail();
}

static void run_case(void **state)
{
	const struct tcase *c = *state;
	struct redact_policy *policy = NULL;
	struct redact_engine *engine;
	struct redact_config cfg = { .site_key = test_key };
	struct redact_err err;
	struct strbuf want = STRBUF_INIT, got = STRBUF_INIT, rep = STRBUF_INIT;
	static const char *const domains[] = { "corp.example", NULL };
	static const char *const users[] = { "jdoe", NULL };

	struct strbuf ptext = STRBUF_INIT;

	/* Without "pii", the PII rules are off: these cases are about the rest. */
	strbuf_add(&ptext, c->policy.buf, c->policy.len);
	if (!c->pii && !strstr(ptext.buf, "builtin:"))
		strbuf_addstr(&ptext, "\nbuiltin: {email: off, ipv4: off, ipv6: off, mac: off, "
			      "phone: off, card: off, ssn: off, iban: off, hostname: off, "
			      "username: off}\n");
	if ((c->has_policy || ptext.len) &&
	    redact_policy_parse(&policy, ptext.buf, ptext.len, "policy.yaml", &err)) {
		char msg[700];

		char *expected = strndup(c->error.buf, c->error.len ? c->error.len - 1 : 0);

		snprintf(msg, sizeof(msg), "%d:%d: %s", err.line, err.column, err.msg);
		if (!c->has_error)
			fail_msg("%s:%d: policy rejected: %s", c->file, c->line, msg);
		if (!strstr(msg, expected))
			fail_msg("%s:%d: error '%s' does not contain '%s'", c->file, c->line, msg,
				 expected);
		free(expected);
		strbuf_release(&ptext);
		return;
	}
	strbuf_release(&ptext);
	if (c->has_error)
		fail_msg("%s:%d: the policy was accepted", c->file, c->line);
	assert_true(c->has_in && c->has_out);
	cfg.policy = policy;
	cfg.internal_domains = domains;
	cfg.usernames = users;
	if (redact_engine_new(&engine, &cfg, &err))
		fail_msg("%s:%d: engine: %s", c->file, c->line, err.msg);
	expand(&c->out, &want);

	run(engine, c->path, c->in.buf, c->in.len, 0, &got, &rep);
	same(c, "output", &want, &got);
	if (c->has_report)
		same(c, "report", &c->report, &rep);
	for (size_t step = 1; step <= 7; step += 6) {
		strbuf_reset(&got);
		run(engine, c->path, c->in.buf, c->in.len, step, &got, NULL);
		same(c, step == 1 ? "output fed byte by byte" : "output fed by 7 bytes", &want, &got);
	}
	if (!c->not_idempotent) {
		strbuf_reset(&got);
		run(engine, c->path, want.buf, want.len, 0, &got, NULL);
		same(c, "output redacted again", &want, &got);
	}
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&rep);
	redact_engine_free(engine);
	redact_policy_free(policy);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	DIR *d = opendir(DATA_DIR);
	struct dirent *de;
	char **files = NULL;
	size_t nfiles = 0;
	struct CMUnitTest *tests;
	int rc;

	if (!d) {
		perror(DATA_DIR);
		return 1;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (n > 5 && !strcmp(de->d_name + n - 5, ".test")) {
			files = realloc(files, (nfiles + 1) * sizeof(*files));
			files[nfiles++] = strdup(de->d_name);
		}
	}
	closedir(d);
	qsort(files, nfiles, sizeof(*files), cmp_name);
	for (size_t i = 0; i < nfiles; i++)
		parse_file(DATA_DIR, files[i]);
	tests = calloc(ncases, sizeof(*tests));
	for (size_t i = 0; i < ncases; i++) {
		tests[i].name = cases[i].title;
		tests[i].test_func = run_case;
		tests[i].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("redact_data", tests, ncases, NULL, NULL);
	for (size_t i = 0; i < ncases; i++) {
		struct tcase *c = &cases[i];

		free(c->file);
		free(c->name);
		free(c->title);
		free(c->path);
		strbuf_release(&c->policy);
		strbuf_release(&c->in);
		strbuf_release(&c->out);
		strbuf_release(&c->report);
		strbuf_release(&c->error);
	}
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(cases);
	free(tests);
	return rc;
}
