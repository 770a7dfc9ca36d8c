// SPDX-License-Identifier: MIT
/*
 * test_redact.c - the engine's API: streams, reports, failures, threads, and
 * seeded property loops (no planted secret survives; redacting twice
 * changes nothing more). Per-rule behaviour is in tests/redact/ (data).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <yaml.h>

#include "diag/common.h"
#include "diag/strbuf.h"
#include "redact/redact.h"

static const unsigned char key[32] = "unit-test-site-key-0123456789abc";

static struct redact_engine *engine_with(const char *policy_yaml)
{
	struct redact_policy *pol = NULL;
	struct redact_engine *e;
	struct redact_config cfg = { .site_key = key };
	struct redact_err err;

	if (policy_yaml) {
		if (redact_policy_parse(&pol, policy_yaml, strlen(policy_yaml), "test.yaml", &err))
			fail_msg("policy: %d:%d: %s", err.line, err.column, err.msg);
		cfg.policy = pol;
	}
	if (redact_engine_new(&e, &cfg, &err))
		fail_msg("engine: %s", err.msg);
	redact_policy_free(pol); /* the engine keeps what it needs */
	return e;
}

static int sink(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

/* Redact in, fed in chunks chosen by *seed (0: all at once); the report is copied to rep. */
static void redact_buf(const struct redact_engine *e, const char *path, const char *in, size_t len,
		       unsigned *seed, struct strbuf *out, struct redact_report *rep)
{
	struct redact_stream *s = redact_stream_new(e, path, sink, out);
	struct redact_err err;

	assert_non_null(s);
	for (size_t off = 0; off < len;) {
		size_t n = seed ? 1 + (size_t)rand_r(seed) % 97 : len;

		n = MIN(n, len - off);
		if (redact_stream_write(s, in + off, n, &err))
			fail_msg("write: %s", err.msg);
		off += n;
	}
	if (redact_stream_finish(s, &err))
		fail_msg("finish: %s", err.msg);
	if (rep) {
		const struct redact_report *r = redact_stream_report(s);

		rep->binary = r->binary;
		rep->bytes_in = r->bytes_in;
		rep->bytes_out = r->bytes_out;
		rep->lines = r->lines;
		rep->format = r->format;
	}
	redact_stream_free(s);
}

static void builds_the_engine_and_lists_rules_with_unique_ids(void **state)
{
	struct redact_engine *e = engine_with("builtin: {high-entropy: on, email: off}\n"
					      "rules: [{id: mine, literals: [Bluebird]}]\n");
	size_t n;
	const struct redact_rule_info *info = redact_engine_rules(e, &n);
	bool saw_mine = false;

	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++)
			assert_string_not_equal(info[i].id, info[j].id);
		if (!strcmp(info[i].id, "high-entropy"))
			assert_true(info[i].enabled);
		if (!strcmp(info[i].id, "email")) {
			assert_false(info[i].enabled);
			assert_string_equal(info[i].kind, "pii");
		}
		if (!strcmp(info[i].id, "mine")) {
			saw_mine = true;
			assert_string_equal(info[i].kind, "policy");
		}
		assert_non_null(info[i].summary);
	}
	assert_true(saw_mine);
	redact_engine_free(e);
}

static const char *const samples[][2] = {
	{ "var/log/app.log",
	  "2024-03-01 password=Tr0ub4dor&3 user=app\nkey -----BEGIN RSA PRIVATE KEY-----\n"
	  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
	  "-----END RSA PRIVATE KEY-----\n{\"token\":\"abc\",\"n\":1}\nlast line without newline" },
	{ "etc/app/.env", "A=1\nSECRET=\"multi\nline\nvalue\"\nB=2\n" },
	{ "etc/app/config.yaml", "# c\na:\n  password: x\n  list: [1, 2]\n  key: |\n    multi\n" },
	{ "etc/app/settings.json", "{\n  \"password\": \"x\",\n  \"n\": [1, 2, {\"token\": 3}]\n}\n" },
	{ "home/u/.netrc", "machine h login u\npassword\ns3cr3t\n" },
	{ "x.properties", "a.password=one\\\n  two\nb=c\n" },
	{ NULL, "{\"sniffed\": \"json\", \"password\": \"x\"}" },
	{ NULL, "---\nkind: Secret\ndata:\n  a: YWJj\n" },
};

static void output_does_not_depend_on_chunking(void **state)
{
	struct redact_engine *e = engine_with(NULL);

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct strbuf whole = STRBUF_INIT;
		const char *path = samples[i][0], *in = samples[i][1];

		redact_buf(e, path, in, strlen(in), NULL, &whole, NULL);
		assert_null(strstr(whole.buf, "s3cr3t"));
		for (unsigned seed = 1; seed <= 40; seed++) {
			struct strbuf part = STRBUF_INIT;
			unsigned s = seed;

			redact_buf(e, path, in, strlen(in), &s, &part, NULL);
			if (strcmp(whole.buf, part.buf))
				fail_msg("sample %zu, seed %u:\n%s\n--- vs ---\n%s", i, seed, whole.buf,
					 part.buf);
			strbuf_release(&part);
		}
		strbuf_release(&whole);
	}
	redact_engine_free(e);
}

static void formats_follow_the_path_and_the_content(void **state)
{
	static const struct {
		const char *path, *in, *format;
	} cases[] = {
		{ "a.yaml", "a: 1\n", "yaml" },       { "a.yml", "a: 1\n", "yaml" },
		{ "a.json", "{}\n", "json" },         { "a.jsonl", "{}\n", "jsonl" },
		{ ".env", "A=1\n", "env" },           { "x/app.env", "A=1\n", "env" },
		{ "a.ini", "[s]\n", "ini" },          { "a.properties", "a=b\n", "properties" },
		{ ".netrc", "machine x\n", "netrc" }, { ".pgpass", "# h:p:d:u:pw\n", "pgpass" },
		{ "a.json", "{not json\n", "text" },  { "syslog", "text\n", "text" },
		{ NULL, "[1, 2]\n", "json" },         { NULL, "apiVersion: v1\n", "yaml" },
		{ NULL, "plain\n", "text" },          { "a.yaml", "a: b: c\n", "text" },
	};
	struct redact_engine *e = engine_with(NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf out = STRBUF_INIT;
		struct redact_report r;

		redact_buf(e, cases[i].path, cases[i].in, strlen(cases[i].in), NULL, &out, &r);
		if (strcmp(r.format, cases[i].format))
			fail_msg("%s: format %s, want %s", cases[i].path ? cases[i].path : "(none)",
				 r.format, cases[i].format);
		assert_string_equal(out.buf, cases[i].in);
		assert_int_equal(r.bytes_out, strlen(cases[i].in));
		strbuf_release(&out);
	}
	redact_engine_free(e);
}

static void binary_input_passes_nothing_and_says_binary(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	char bin[10000];
	struct strbuf out = STRBUF_INIT;
	struct redact_report r;

	memset(bin, 'A', sizeof(bin));
	memcpy(bin, "password=x\n", 11);
	bin[100] = '\0';
	redact_buf(e, "a.log", bin, sizeof(bin), NULL, &out, &r);
	assert_true(r.binary);
	assert_string_equal(r.format, "binary");
	assert_int_equal(out.len, 0);
	assert_int_equal(r.bytes_in, sizeof(bin));
	/* UTF-16 and mostly control bytes too */
	redact_buf(e, "a.log", "\xff\xfep\0a\0s\0s\0", 10, NULL, &out, &r);
	assert_true(r.binary);
	redact_buf(e, "a.log", "\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10 ab", 13, NULL, &out, &r);
	assert_true(r.binary);
	assert_int_equal(out.len, 0);
	strbuf_release(&out);
	redact_engine_free(e);
}

static int failing_sink(void *ctx, const void *buf, size_t len)
{
	(*(int *)ctx)++;
	return -1;
}

static void a_failing_sink_fails_the_stream_for_good(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	int calls = 0;
	struct redact_stream *s = redact_stream_new(e, "a.log", failing_sink, &calls);
	struct redact_err err;
	char line[200];
	int rc = 0;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (int i = 0; i < 2000 && !rc; i++) /* enough output to flush */
		rc = redact_stream_write(s, line, sizeof(line), &err);
	if (!rc)
		rc = redact_stream_finish(s, &err);
	assert_int_equal(rc, -1);
	assert_int_equal(calls, 1);
	assert_non_null(strstr(err.msg, "output"));
	assert_int_equal(redact_stream_write(s, "a", 1, &err), -1);
	assert_int_equal(redact_stream_finish(s, &err), -1);
	assert_null(redact_stream_report(s));
	redact_stream_free(s);
	redact_engine_free(e);
}

static void the_report_has_counts_and_the_first_distinct_lines(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct redact_stream *s = redact_stream_new(e, "a.log", sink, &out);
	const struct redact_report *r;
	struct redact_err err;

	for (int i = 1; i <= 1500; i++)
		strbuf_addf(&in, "%s\n", i % 2 ? "password=a1 secret=b2" : "nothing here");
	strbuf_addstr(&in, "token=c3"); /* line 1501, no newline */
	assert_int_equal(redact_stream_write(s, in.buf, in.len, &err), 0);
	assert_null(redact_stream_report(s));
	assert_int_equal(redact_stream_finish(s, &err), 0);
	r = redact_stream_report(s);
	assert_int_equal(r->lines, 1501);
	assert_int_equal(r->nrules, 3);
	assert_string_equal(r->rules[0].rule, "password"); /* sorted by id */
	assert_string_equal(r->rules[1].rule, "secret");
	assert_string_equal(r->rules[2].rule, "token");
	assert_int_equal(r->rules[0].count, 750);
	assert_int_equal(r->rules[0].nlines, 750);
	assert_int_equal(r->rules[0].lines[0], 1);
	assert_int_equal(r->rules[0].lines[749], 1499);
	assert_int_equal(r->rules[2].count, 1);
	assert_int_equal(r->rules[2].lines[0], 1501);
	assert_int_equal(r->bytes_in, in.len);
	assert_int_equal(r->bytes_out, out.len);
	redact_stream_free(s);
	strbuf_release(&in);
	strbuf_reset(&out);

	/* more than REDACT_MAX_LINES lines: the count is exact, the lines stop */
	for (int i = 0; i < REDACT_MAX_LINES + 500; i++)
		strbuf_addstr(&in, "password=x1 and password=x2\n");
	s = redact_stream_new(e, "a.log", sink, &out);
	assert_int_equal(redact_stream_write(s, in.buf, in.len, &err), 0);
	assert_int_equal(redact_stream_finish(s, &err), 0);
	r = redact_stream_report(s);
	assert_int_equal(r->rules[0].count, 2 * (REDACT_MAX_LINES + 500));
	assert_int_equal(r->rules[0].nlines, REDACT_MAX_LINES);
	assert_int_equal(r->rules[0].lines[REDACT_MAX_LINES - 1], REDACT_MAX_LINES);
	redact_stream_free(s);
	strbuf_release(&in);
	strbuf_release(&out);
	redact_engine_free(e);
}

static void a_long_line_is_cut_at_a_separator_one_without_fails(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct redact_stream *s;
	struct redact_err err;
	int rc;

	while (in.len < 3 * REDACT_LINE_MAX)
		strbuf_addstr(&in, "filler password=s3cr3tvalue ");
	strbuf_addch(&in, '\n');
	redact_buf(e, "a.log", in.buf, in.len, NULL, &out, NULL);
	assert_null(strstr(out.buf, "s3cr3tvalue"));
	assert_non_null(strstr(out.buf, "password=[REDACTED:password] filler"));
	assert_int_equal(out.buf[out.len - 1], '\n');
	assert_null(memchr(out.buf, '\n', out.len - 1)); /* still one line */

	strbuf_reset(&in);
	strbuf_reset(&out);
	while (in.len < 2 * REDACT_LINE_MAX)
		strbuf_addstr(&in, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	s = redact_stream_new(e, "a.log", sink, &out);
	rc = redact_stream_write(s, in.buf, in.len, &err);
	if (!rc)
		rc = redact_stream_finish(s, &err);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err.msg, "separator"));
	redact_stream_free(s);
	strbuf_release(&in);
	strbuf_release(&out);
	redact_engine_free(e);
}

static void a_large_json_document_is_redacted_line_by_line(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct redact_report r;

	strbuf_addstr(&in, "[\n");
	/* a pair's value before its name (ECS), judged by the name later on its line */
	strbuf_addstr(&in, "  {\"value\": \"EcsLinePw1\", \"name\": \"DB_PASSWORD\"}, "
			   "{\"value\": \"30\", \"name\": \"TIMEOUT\"},\n");
	while (in.len < REDACT_DOC_MAX + 1000)
		strbuf_addstr(&in, "  {\"password\": \"s3cr3tvalue\", \"n\": 1, \"msg\": \"a \\\"q\\\"\"},\n");
	strbuf_addstr(&in, "  {}\n]\n");
	redact_buf(e, "big.json", in.buf, in.len, NULL, &out, &r);
	assert_null(strstr(out.buf, "s3cr3tvalue"));
	assert_non_null(strstr(out.buf, "  {\"value\": \"[REDACTED:password]\", \"name\": "
				"\"DB_PASSWORD\"}, {\"value\": \"30\", \"name\": \"TIMEOUT\"},\n"));
	assert_non_null(strstr(out.buf, "{\"password\": \"[REDACTED:password]\", \"n\": 1, "
				"\"msg\": \"a \\\"q\\\"\"},\n"));
	assert_string_equal(r.format, "json");
	strbuf_release(&in);
	strbuf_release(&out);
	redact_engine_free(e);
}

static void a_large_pretty_printed_json_pairs_names_and_values_over_lines(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct redact_report r;

	/* kubectl get -o json: a member a line, an env list's name and value on two */
	strbuf_addstr(&in, "{\n  \"items\": [\n");
	for (int i = 0; in.len < REDACT_DOC_MAX + 4096; i++)
		strbuf_addf(&in, "    {\n      \"name\": \"DB_PASSWORD\",\n      \"value\": \"PrettyPw%d\"\n"
			    "    },\n    {\n      \"value\": \"PrettyPwB%d\",\n      \"name\": \"API_TOKEN\"\n"
			    "    },\n    {\n      \"name\": \"LOG_LEVEL\",\n      \"value\": \"debug%d\"\n    },\n"
			    "    {\n      \"name\": \"DB_PASSWORD\",\n      \"other\": 1,\n"
			    "      \"value\": \"NotKept%d\"\n    },\n", i, i, i, i);
	strbuf_addstr(&in, "    {}\n  ]\n}\n");
	redact_buf(e, "k8s/all.json", in.buf, in.len, NULL, &out, &r);
	assert_string_equal(r.format, "json");
	assert_null(strstr(out.buf, "PrettyPw"));
	assert_non_null(strstr(out.buf, "\"name\": \"DB_PASSWORD\",\n      \"value\": \"[REDACTED:password]\"\n"));
	assert_non_null(strstr(out.buf, "\"value\": \"[REDACTED:api-token]\",\n      \"name\": \"API_TOKEN\"\n") ||
			strstr(out.buf, "\"value\": \"[REDACTED:token]\",\n      \"name\": \"API_TOKEN\"\n"));
	/* a name lends itself to a value in its object, other members between them */
	assert_non_null(strstr(out.buf, "\"value\": \"debug7\"\n"));
	assert_null(strstr(out.buf, "NotKept"));
	strbuf_release(&in);
	strbuf_release(&out);
	redact_engine_free(e);
}

static void a_huge_yaml_list_of_secrets_loses_its_data(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct redact_report r;

	/* kubectl sorts keys: data comes before kind, and the list is too big to parse */
	strbuf_addstr(&in, "apiVersion: v1\nitems:\n");
	for (int i = 0; in.len < REDACT_DOC_MAX + 4096; i++)
		strbuf_addf(&in, "- apiVersion: v1\n  data:\n    user: dXNlcg==\n"
			    "    password: czNjcjN0dmFsdWUxMjM0NQ==\n  kind: Secret\n"
			    "  metadata:\n    name: s%d\n", i);
	redact_buf(e, "secrets.yaml", in.buf, in.len, NULL, &out, &r);
	assert_string_equal(r.format, "yaml");
	assert_null(strstr(out.buf, "czNjcjN0dmFsdWUxMjM0NQ=="));
	assert_null(strstr(out.buf, "dXNlcg=="));
	assert_non_null(strstr(out.buf, "  data:\n    user: \"[REDACTED:kubernetes-secret]\"\n"
				"    password: \"[REDACTED:kubernetes-secret]\"\n  kind: Secret\n"));
	strbuf_release(&in);
	strbuf_release(&out);
	redact_engine_free(e);
}

struct seen {
	char kind[32], token[320], original[320];
	int calls;
};

static void remember(void *ctx, const char *kind, const char *token, const char *original,
		     size_t len)
{
	struct seen *s = ctx;

	s->calls++;
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	snprintf(s->token, sizeof(s->token), "%s", token);
	snprintf(s->original, sizeof(s->original), "%.*s", (int)len, original);
}

static void pseudonyms_are_reported_once_per_stream(void **state)
{
	struct redact_config cfg = { .site_key = key, .on_pseudonym = remember };
	struct seen seen;
	struct redact_engine *e;
	struct redact_err err;
	struct strbuf out = STRBUF_INIT;
	const char *in = "mail bob.smith@globex.com\nagain bob.smith@globex.com\n";

	memset(&seen, 0, sizeof(seen));
	cfg.pseudonym_ctx = &seen;
	assert_int_equal(redact_engine_new(&e, &cfg, &err), 0);
	redact_buf(e, "a.log", in, strlen(in), NULL, &out, NULL);
	assert_int_equal(seen.calls, 1);
	assert_string_equal(seen.kind, "email");
	assert_string_equal(seen.original, "bob.smith@globex.com");
	assert_non_null(strstr(out.buf, seen.token));
	assert_null(strstr(out.buf, "bob.smith"));
	strbuf_release(&out);
	redact_engine_free(e);
}

/* ---- threads: the same output and report as one thread ---- */

/* Every pseudonym recorded, one "kind token original" line each (callers may get repeats). */
static void record_line(void *ctx, const char *kind, const char *token, const char *original,
			size_t len)
{
	strbuf_addf(ctx, "%s\t%s\t%.*s\n", kind, token, (int)len, original);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct lines of sb, sorted, into out. */
static void distinct_lines(const struct strbuf *sb, struct strbuf *out)
{
	char *copy = xstrdup(sb->len ? sb->buf : ""), **v = NULL, *nl;
	size_t n = 0, alloc = 0;

	for (char *l = copy; *l; l = nl + 1) {
		nl = strchr(l, '\n'); /* record_line() ends each with one */
		*nl = '\0';
		ALLOC_GROW(v, n + 1, alloc);
		v[n++] = l;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	strbuf_reset(out);
	for (size_t i = 0; i < n; i++)
		if (!i || strcmp(v[i], v[i - 1]))
			strbuf_addf(out, "%s\n", v[i]);
	free(v);
	free(copy);
}

/* Redact in on s, written step bytes at a time; out gets the output then the report as text. */
static void redact_on(struct redact_stream *s, const char *path, const char *in, size_t len,
		      size_t step, struct strbuf *out)
{
	const struct redact_report *r;
	struct redact_err err;

	for (size_t off = 0; off < len; off += step)
		if (redact_stream_write(s, in + off, MIN(step, len - off), &err))
			fail_msg("%s: write: %s", path, err.msg);
	if (redact_stream_finish(s, &err))
		fail_msg("%s: finish: %s", path, err.msg);
	r = redact_stream_report(s);
	strbuf_addf(out, "\n--- %s binary %d in %llu out %llu lines %llu\n", r->format, r->binary,
		    (unsigned long long)r->bytes_in, (unsigned long long)r->bytes_out,
		    (unsigned long long)r->lines);
	for (size_t i = 0; i < r->nrules; i++) {
		strbuf_addf(out, "%s %llu:", r->rules[i].rule, (unsigned long long)r->rules[i].count);
		for (size_t k = 0; k < r->rules[i].nlines; k++)
			strbuf_addf(out, " %u", r->rules[i].lines[k]);
		strbuf_addch(out, '\n');
	}
}

/* The same on a new stream of e. */
static void redact_with_report(const struct redact_engine *e, const char *path, const char *in,
			       size_t len, size_t step, struct strbuf *out)
{
	struct redact_stream *s = redact_stream_new(e, path, sink, out);

	assert_non_null(s);
	redact_on(s, path, in, len, step, out);
	redact_stream_free(s);
}

/* n lines of a mixed log: multi-line constructs everywhere, so chunks start inside them. */
static void mixed_log(struct strbuf *sb, const char *path, int n)
{
	static const char *const lines[] = {
		"2024-03-01T10:00:00Z GET /api?token=ghp_9fK2mQ8xL4pR7tV1wB3nC6hJ0gE5uZaYdXsW from 10.1.2.3",
		"Mar  1 10:00:01 web01 sshd[42]: Accepted password for jdoe from 192.168.4.7 port 22",
		"2024-03-01 user=alice email=alice.jones@globex.com password=Tr0ub4dor&3 ok",
		"key -----BEGIN RSA PRIVATE KEY-----",
		"MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
		"yT5Ff5mQ3xA9pL2kR7vB1nC6hJ0gE5uZaYdXsWqEr2Ty6Ui8Op4As1Df3Gh5Jk7",
		"-----END RSA PRIVATE KEY-----",
		"java.lang.IllegalStateException: db01.corp.example refused bob@corp.example",
		"\tat com.example.orders.Repo.save(Repo.java:120)",
		"\tat com.example.orders.Service.place(Service.java:88) ~[orders-1.2.jar:1.2]",
		"password: |",
		"  first line of a secret block",
		"  second line of it",
		"{\"ts\":\"2024-03-01\",\"user\":\"jdoe\",\"ip\":\"10.9.8.7\",\"authorization\":\"Bearer abcDEF123456789xyz\"}",
		"[database]",
		"password = hunter2hunter2",
		"SECRET=\"multi",
		"line value",
		"\"",
		"a.password=one\\",
		"  two",
		"machine h.corp.example login jdoe",
		"password s3cr3tpass",
		"card 4111 1111 1111 1111 phone +1 415 555 0100 mac 00:1a:2b:3c:4d:5e",
		"Mar 11 10:22:04 web01 app[1]: -----BEGIN PRIVATE KEY-----",
		"Mar 11 10:22:04 web01 app[1]: MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj",
		"Mar 11 10:22:05 web01 app[12]: dGVzdA==",
		"Mar 11 10:22:05 web01 app[1]: -----END PRIVATE KEY-----",
		"{\"log\":\"-----BEGIN PRIVATE KEY-----\\n\",\"stream\":\"stdout\"}",
		"{\"log\":\"MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\n\",\"stream\":\"stdout\"}",
		"{\"log\":\"-----END PRIVATE KEY-----\\n\",\"stream\":\"stdout\"}",
		"",
		"  \"client_secret\":",
		"    \"Cl1entS3cretValue\",",
		"2024-03-01T10:00:00Z stdout P connecting with passw",
		"2024-03-01T10:00:00Z stdout P ord=CriSplitPw9 and",
		"2024-03-01T10:00:00Z stdout F  more",
		"  - value: YamlPw1234",
		"    name: DB_PASSWORD",
	};
	unsigned seed = 7;

	(void)path;
	for (int i = 0; i < n; i++) {
		size_t k = (size_t)rand_r(&seed) % (sizeof(lines) / sizeof(lines[0]));

		/* a multi-line construct comes whole most of the time, cut short sometimes */
		strbuf_addf(sb, "%s\n", lines[k]);
		if (k == 3 || k == 10 || k == 16 || k == 19 || k == 24 || k == 28 || k == 32 ||
		    k == 34 || k == 37)
			for (size_t j = k + 1; j < sizeof(lines) / sizeof(lines[0]) && rand_r(&seed) % 8;
			     j++) {
				strbuf_addf(sb, "%s\n", lines[j]);
				if (j == 6 || j == 12 || j == 18 || j == 20 || j == 27 || j == 30 || j == 33 ||
				    j == 36 || j == 38)
					break;
			}
	}
	strbuf_addstr(sb, "the last line has no newline 10.0.0.1");
}

static struct redact_engine *engine_threads(unsigned threads, size_t chunk, struct strbuf *rec)
{
	static const char *const domains[] = { "corp.example", NULL };
	static const char *const users[] = { "jdoe", NULL };
	struct redact_config cfg = {
		.site_key = key, .internal_domains = domains, .usernames = users,
		.on_pseudonym = record_line, .pseudonym_ctx = rec,
		.threads = threads, .chunk_size = chunk,
	};
	struct redact_engine *e;
	struct redact_err err;

	if (redact_engine_new(&e, &cfg, &err))
		fail_msg("engine: %s", err.msg);
	return e;
}

static void threads_give_the_output_and_report_of_one_thread(void **state)
{
	static const char *const paths[] = {
		"var/log/app.log", "etc/app/app.ini", "etc/app/.env", "etc/app/x.properties",
		"home/u/.netrc", "var/log/app.jsonl", NULL,
	};
	static const size_t chunks[] = { 1, 13, 100, 700, 4096 };
	static const size_t steps[] = { 7, 1000, 1 << 20 };
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	struct strbuf rec1 = STRBUF_INIT, recn = STRBUF_INIT, d1 = STRBUF_INIT, dn = STRBUF_INIT;
	struct redact_engine *one = engine_threads(1, 0, &rec1);

	for (size_t p = 0; p < sizeof(paths) / sizeof(paths[0]); p++) {
		const char *path = paths[p];

		strbuf_reset(&in);
		mixed_log(&in, path, 1500);
		strbuf_reset(&want);
		strbuf_reset(&rec1);
		redact_with_report(one, path, in.buf, in.len, in.len, &want);
		distinct_lines(&rec1, &d1);
		assert_true(d1.len > 0);
		for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			for (unsigned t = 2; t <= 3; t++) {
				struct redact_engine *e = engine_threads(t, chunks[c], &recn);
				size_t step = steps[(c + t) % (sizeof(steps) / sizeof(steps[0]))];

				strbuf_reset(&got);
				strbuf_reset(&recn);
				redact_with_report(e, path, in.buf, in.len, step, &got);
				if (got.len != want.len || memcmp(got.buf, want.buf, want.len))
					fail_msg("%s, %u threads, chunks of %zu: not the output of one thread",
						 path ? path : "(sniffed)", t, chunks[c]);
				distinct_lines(&recn, &dn);
				if (strcmp(dn.buf, d1.buf))
					fail_msg("%s, %u threads, chunks of %zu: other pseudonyms recorded",
						 path ? path : "(sniffed)", t, chunks[c]);
				redact_engine_free(e);
			}
		}
	}
	redact_engine_free(one);
	strbuf_release(&in);
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&rec1);
	strbuf_release(&recn);
	strbuf_release(&d1);
	strbuf_release(&dn);
}

static void threads_cut_long_lines_where_one_thread_does(void **state)
{
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT, rec = STRBUF_INIT;
	struct redact_engine *one = engine_threads(1, 0, &rec), *two = engine_threads(2, 4096, &rec);

	for (int i = 0; i < 3000; i++)
		strbuf_addstr(&in, "short line password=abc123xyz from 10.0.0.1\n");
	while (in.len < 3 * REDACT_LINE_MAX)
		strbuf_addstr(&in, "filler password=s3cr3tvalue user jdoe ");
	strbuf_addstr(&in, "\nand after it, bob@corp.example\n");
	for (size_t step = 65536; step <= in.len; step *= 64) {
		strbuf_reset(&want);
		strbuf_reset(&got);
		redact_with_report(one, "a.log", in.buf, in.len, step, &want);
		redact_with_report(two, "a.log", in.buf, in.len, step, &got);
		assert_true(got.len == want.len && !memcmp(got.buf, want.buf, want.len));
	}
	redact_engine_free(one);
	redact_engine_free(two);
	strbuf_release(&in);
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&rec);
}

/*
 * A YAML file too large to parse is read as lines, in chunks: a chunk that
 * starts under keys (a key path the policy names) is redacted again from
 * where the one before it ended, and its values go as with one thread.
 */
static void threads_keep_yaml_key_paths_across_chunks(void **state)
{
	static const char policy[] = "rules:\n  - {id: keys, keys: ['spec.*.env']}\n";
	struct redact_policy *pol;
	struct redact_engine *one, *two;
	struct redact_config cfg = { .site_key = key, .threads = 1 };
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT;
	struct redact_err err;
	const char *at;

	/* Over 8 MiB redacted twice, on threads: far too slow under valgrind (ASan runs it). */
	if (getenv("VALGRIND") && !strcmp(getenv("VALGRIND"), "1"))
		skip();
	if (redact_policy_parse(&pol, policy, strlen(policy), "test.yaml", &err))
		fail_msg("policy: %s", err.msg);
	cfg.policy = pol;
	assert_int_equal(redact_engine_new(&one, &cfg, &err), 0);
	cfg.threads = 2;
	cfg.chunk_size = 4096;
	assert_int_equal(redact_engine_new(&two, &cfg, &err), 0);
	redact_policy_free(pol);
	for (int i = 0; in.len <= REDACT_DOC_MAX; i++)
		strbuf_addf(&in, "spec:\n  web%d:\n    image: web:%d\n    env:\n      - plain-value-%d\n"
			    "      - name: X\n        value: v%d\n    port: %d\n",
			    i, i, i, i, 8000 + i % 1000);
	redact_with_report(one, "deploy.yaml", in.buf, in.len, 1 << 20, &want);
	redact_with_report(two, "deploy.yaml", in.buf, in.len, 1 << 20, &got);
	assert_true(got.len == want.len && !memcmp(got.buf, want.buf, want.len));
	assert_null(strstr(want.buf, "plain-value-"));
	assert_null(strstr(want.buf, "value: v"));
	at = strstr(want.buf, "  web77:\n");
	assert_non_null(at);
	assert_true(!strncmp(at, "  web77:\n    image: web:77\n    env:\n      - \"[REDACTED:keys]\"\n", 57));
	redact_engine_free(one);
	redact_engine_free(two);
	strbuf_release(&in);
	strbuf_release(&want);
	strbuf_release(&got);
}

static void a_threaded_stream_fails_and_frees_cleanly(void **state)
{
	struct strbuf rec = STRBUF_INIT, in = STRBUF_INIT, out = STRBUF_INIT;
	struct redact_engine *e = engine_threads(3, 64, &rec);
	struct redact_stream *s;
	struct redact_err err;
	int calls = 0, rc = 0;

	mixed_log(&in, "a.log", 3000);
	s = redact_stream_new(e, "a.log", failing_sink, &calls);
	for (size_t off = 0; off < in.len && !rc; off += 4096)
		rc = redact_stream_write(s, in.buf + off, MIN((size_t)4096, in.len - off), &err);
	if (!rc)
		rc = redact_stream_finish(s, &err);
	assert_int_equal(rc, -1);
	assert_int_equal(calls, 1);
	redact_stream_free(s);
	/* freed half-way: the helper threads are stopped and joined */
	s = redact_stream_new(e, "a.log", sink, &out);
	assert_int_equal(redact_stream_write(s, in.buf, in.len / 2, &err), 0);
	redact_stream_free(s);
	redact_engine_free(e);
	strbuf_release(&rec);
	strbuf_release(&in);
	strbuf_release(&out);
}

/*
 * One stream reset for file after file redacts each as a new stream would,
 * whatever the file before it did: a document, lines on threads, binary
 * bytes, a failure, or input left half-way. The pseudonyms it keeps from one
 * file to the next are recorded once: together, the same as new streams'.
 */
static void a_reset_stream_redacts_each_file_as_a_new_one(void **state)
{
	static const char yaml[] = "db:\n  host: db01.corp.example\n  password: hunter2hunter2\n";
	static const char json[] = "{\"user\": \"jdoe\", \"ip\": \"10.1.2.3\", \"token\": \"abc\"}\n";
	static const char binary[] = "\x7f" "ELF\0\0\x01 password=hunter2 10.0.0.1";
	static const char *const paths[] = { "var/log/a.log", "etc/app.ini", "home/u/.netrc", NULL };
	struct strbuf log = STRBUF_INIT, want = STRBUF_INIT, got = STRBUF_INIT, dead = STRBUF_INIT;
	struct strbuf rec1 = STRBUF_INIT, recn = STRBUF_INIT, d1 = STRBUF_INIT, dn = STRBUF_INIT;

	mixed_log(&log, "a.log", 1500);
	for (unsigned t = 1; t <= 3; t += 2) {
		struct redact_engine *fresh = engine_threads(t, 64, &rec1), *e = engine_threads(t, 64, &recn);
		struct redact_stream *s = redact_stream_new(e, "first.yaml", sink, &dead);
		struct redact_err err;
		int calls = 0;

		strbuf_reset(&rec1);
		strbuf_reset(&recn);
		for (int round = 0; round < 2; round++) {
			const struct {
				const char *path, *in;
				size_t len;
			} files[] = {
				{ "etc/app.yaml", yaml, sizeof(yaml) - 1 },
				{ paths[round], log.buf, log.len },
				{ "x.bin", binary, sizeof(binary) - 1 },
				{ "data.json", json, sizeof(json) - 1 },
				{ paths[2 + round], log.buf, log.len / 3 },
				{ NULL, json, sizeof(json) - 1 },
			};

			for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
				strbuf_reset(&want);
				strbuf_reset(&got);
				redact_with_report(fresh, files[f].path, files[f].in, files[f].len, 4096, &want);
				redact_stream_reset(s, files[f].path, sink, &got);
				redact_on(s, files[f].path, files[f].in, files[f].len, 4096, &got);
				if (got.len != want.len || memcmp(got.buf, want.buf, want.len))
					fail_msg("%u threads, round %d, file %zu (%s): not what a new stream gives",
						 t, round, f, files[f].path ? files[f].path : "(sniffed)");
			}
			/* a file that fails, then one left half-way */
			redact_stream_reset(s, "broken.log", failing_sink, &calls);
			if (!redact_stream_write(s, log.buf, log.len, &err))
				assert_int_equal(redact_stream_finish(s, &err), -1);
			redact_stream_reset(s, "half.log", sink, &dead);
			assert_int_equal(redact_stream_write(s, log.buf, log.len / 2, &err), 0);
		}
		distinct_lines(&rec1, &d1);
		distinct_lines(&recn, &dn);
		assert_true(d1.len > 0);
		assert_string_equal(dn.buf, d1.buf);
		redact_stream_free(s);
		redact_engine_free(fresh);
		redact_engine_free(e);
	}
	strbuf_release(&log);
	strbuf_release(&want);
	strbuf_release(&got);
	strbuf_release(&dead);
	strbuf_release(&rec1);
	strbuf_release(&recn);
	strbuf_release(&d1);
	strbuf_release(&dn);
}

static void paths_are_excluded_by_glob(void **state)
{
	struct redact_engine *e = engine_with("exclude: ['*.p12', 'etc/shadow', 'var/**/secret*', "
					      "'/root/.ssh/id_*', 'a/[bc]/?.log']\n");
	static const struct {
		const char *path;
		bool excluded;
	} cases[] = {
		{ "keys/site.p12", true },     { "site.p12.txt", false },
		{ "etc/shadow", true },        { "files/etc/shadow", true },
		{ "etc/shadow-", false },      { "var/lib/x/secret.txt", true },
		{ "var/secret", true },        { "/root/.ssh/id_rsa", true },
		{ "root/.ssh/known_hosts", false }, { "a/b/1.log", true },
		{ "a/d/1.log", false },        { "a/b/12.log", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (redact_path_excluded(e, cases[i].path) != cases[i].excluded)
			fail_msg("%s: excluded should be %d", cases[i].path, cases[i].excluded);
	assert_false(redact_path_excluded(e, NULL));
	redact_engine_free(e);
}

/* ---- threads: one engine, a stream per thread ---- */

struct job {
	const struct redact_engine *e;
	const char *in;
	struct strbuf out;
};

static void *thread_main(void *arg)
{
	struct job *j = arg;

	for (int i = 0; i < 20; i++) {
		strbuf_reset(&j->out);
		redact_buf(j->e, "var/log/app.jsonl", j->in, strlen(j->in), NULL, &j->out, NULL);
	}
	return NULL;
}

static void streams_on_one_engine_run_in_parallel(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf in = STRBUF_INIT, want = STRBUF_INIT;
	struct job jobs[4];
	pthread_t t[4];

	for (int i = 0; i < 300; i++)
		strbuf_addf(&in, "{\"i\":%d,\"password\":\"p%d\",\"from\":\"10.1.%d.%d\",\"url\":"
			    "\"postgres://u:pw%d@db/x\"}\nuser%d@globex.com token=t%dxyz\n",
			    i, i, i % 200, i % 250, i, i, i);
	redact_buf(e, "var/log/app.jsonl", in.buf, in.len, NULL, &want, NULL);
	for (int i = 0; i < 4; i++) {
		jobs[i].e = e;
		jobs[i].in = in.buf;
		strbuf_init(&jobs[i].out, 0);
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_string_equal(jobs[i].out.buf, want.buf);
		strbuf_release(&jobs[i].out);
	}
	strbuf_release(&in);
	strbuf_release(&want);
	redact_engine_free(e);
}

/* ---- property loops ---- */

static unsigned next(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void rnd(unsigned *s, char *out, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[next(s) % k];
	out[n] = '\0';
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

struct planted {
	char v[16][256];
	size_t n;
};

/* A secret of a random kind; what must not survive goes into p. */
static void secret(unsigned *s, char *out, size_t outlen, struct planted *p, bool json_safe)
{
	char a[64], b[64], c[64];
	const char *pw_alpha = json_safe ? ALNUM "!*+=_~.-" : ALNUM "!*+=_~.-";

	switch (next(s) % 9) {
	case 0:
		rnd(s, a, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
		snprintf(out, outlen, "AKIA%s", a);
		break;
	case 1:
		rnd(s, a, 36, ALNUM);
		snprintf(out, outlen, "ghp_%s", a);
		break;
	case 2:
		rnd(s, a, 20, ALNUM);
		snprintf(out, outlen, "glpat-%s", a);
		break;
	case 3:
		rnd(s, a, 24, ALNUM);
		snprintf(out, outlen, "sk_live_%s", a);
		break;
	case 4:
		rnd(s, a, 11, "0123456789");
		rnd(s, b, 13, "0123456789");
		rnd(s, c, 24, ALNUM);
		snprintf(out, outlen, "xoxb-%s-%s-%s", a, b, c);
		break;
	case 5:
		rnd(s, a, 20, ALNUM "-_");
		rnd(s, b, 30, ALNUM "-_");
		rnd(s, c, 43, ALNUM "-_");
		snprintf(out, outlen, "eyJ%s.eyJ%s.%s", a, b, c);
		break;
	case 6: /* a password: only under a key that says so */
		rnd(s, a, 1, ALNUM);
		rnd(s, b, 10 + next(s) % 10, pw_alpha);
		snprintf(out, outlen, "password=%s%s", a, b);
		snprintf(p->v[p->n++], sizeof(p->v[0]), "%s%s", a, b);
		return;
	case 7:
		rnd(s, a, 14, ALNUM "!*~");
		snprintf(out, outlen, "postgres://svc:%s@db:5432/x", a);
		snprintf(p->v[p->n++], sizeof(p->v[0]), "%s", a);
		return;
	default:
		rnd(s, a, 32, ALNUM);
		snprintf(out, outlen, "Authorization: Bearer %s", a);
		snprintf(p->v[p->n++], sizeof(p->v[0]), "%s", a);
		return;
	}
	snprintf(p->v[p->n++], sizeof(p->v[0]), "%s", out);
}

static const char *const words[] = {
	"started", "job", "request", "completed", "in", "ms", "user", "cache", "hit", "miss",
	"connect", "to", "db", "ok", "retry", "3f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f", "v2.14.3",
	"sha256:2ca3e1ce202b8c15c005a0d98b905ca15bc4c1b8227732ec9a8a0311791c0430",
	"3039797a4150f4f72aeed0f9be269da943f6f0d9", "12.345s", "/usr/lib/x.so", "token_type=bearer",
};

/* One random document in one of several formats; its path in *path. */
static void document(unsigned *s, struct strbuf *doc, const char **path, struct planted *p)
{
	char sec[256];
	int lines = 1 + (int)(next(s) % 12), fmt = (int)(next(s) % 4);

	p->n = 0;
	strbuf_reset(doc);
	*path = fmt == 0 ? "var/log/app.log" : fmt == 1 ? "var/log/app.jsonl" :
		fmt == 2 ? "etc/app/config.yaml" : "etc/app/.env";
	for (int l = 0; l < lines && p->n < 14; l++) {
		const char *w1 = words[next(s) % (sizeof(words) / sizeof(words[0]))];
		const char *w2 = words[next(s) % (sizeof(words) / sizeof(words[0]))];

		secret(s, sec, sizeof(sec), p, fmt == 1);
		switch (fmt) {
		case 0:
			strbuf_addf(doc, "2024-03-01 %s %s %s %s\n", w1, sec, w2,
				    next(s) % 2 ? "end" : "");
			break;
		case 1:
			strbuf_addf(doc, "{\"l\":%d,\"msg\":\"%s %s\",\"w\":\"%s\"}\n", l, w1, sec, w2);
			break;
		case 2:
			strbuf_addf(doc, "k%d:\n  note: \"%s\"\n  value: \"%s\"\n", l, w1, sec);
			break;
		default:
			strbuf_addf(doc, "# %s\nK%d=\"%s\"\n", w2, l, sec);
			break;
		}
	}
}

static void no_planted_secret_survives_and_twice_is_once(void **state)
{
	struct redact_engine *e = engine_with(NULL);
	struct strbuf doc = STRBUF_INIT, once = STRBUF_INIT, twice = STRBUF_INIT;
	struct planted p;

	for (unsigned seed = 1; seed <= 400; seed++) {
		unsigned s = seed * 2654435761u;
		const char *path;

		document(&s, &doc, &path, &p);
		strbuf_reset(&once);
		strbuf_reset(&twice);
		redact_buf(e, path, doc.buf, doc.len, &s, &once, NULL);
		for (size_t i = 0; i < p.n; i++)
			if (strstr(once.buf, p.v[i]))
				fail_msg("seed %u (%s): '%s' survived in\n%s\n--- from\n%s", seed, path,
					 p.v[i], once.buf, doc.buf);
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i]) > 8 && strstr(doc.buf, words[i]) &&
			    !strstr(once.buf, words[i]))
				fail_msg("seed %u (%s): decoy '%s' destroyed in\n%s", seed, path,
					 words[i], once.buf);
		redact_buf(e, path, once.buf, once.len, NULL, &twice, NULL);
		if (strcmp(once.buf, twice.buf))
			fail_msg("seed %u (%s): redacting twice changed\n%s\n--- into\n%s", seed, path,
				 once.buf, twice.buf);
	}
	strbuf_release(&doc);
	strbuf_release(&once);
	strbuf_release(&twice);
	redact_engine_free(e);
}

static void random_bytes_never_break_the_stream(void **state)
{
	struct redact_engine *e = engine_with("rules: [{id: p, pattern: 'a+b'}]\n");
	static const char *const paths[] = { "a.log", "a.json", "a.yaml", "a.env", ".netrc", NULL };
	static const char alphabet[] = "{}[]:,\"'\\\n\r\t -=#|>&@/abcPASSWORD0123456789";
	char buf[600];

	for (unsigned seed = 1; seed <= 300; seed++) {
		unsigned s = seed;
		struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
		size_t n = next(&s) % sizeof(buf);
		const char *path = paths[next(&s) % 6];

		for (size_t i = 0; i < n; i++)
			buf[i] = alphabet[next(&s) % (sizeof(alphabet) - 1)];
		redact_buf(e, path, buf, n, NULL, &out, NULL);
		redact_buf(e, path, buf, n, &s, &again, NULL);
		if (out.len != again.len || memcmp(out.buf, again.buf, out.len))
			fail_msg("seed %u: chunking changed the output", seed);
		strbuf_release(&out);
		strbuf_release(&again);
	}
	redact_engine_free(e);
}

/*
 * The shape of a YAML (or JSON) stream: its events, with mapping keys
 * spelled out and every other scalar reduced to "S". Two documents with the
 * same skeleton differ only in their values.
 */
static bool skeleton(const char *text, size_t len, struct strbuf *out)
{
	yaml_parser_t p;
	yaml_event_t ev;
	bool ok = true;
	int depth = 0;
	bool key_next[256] = { false }, is_map[256] = { false };

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&p, &ev)) {
			ok = false;
			break;
		}
		strbuf_addf(out, "%d", ev.type);
		if (ev.type == YAML_MAPPING_START_EVENT || ev.type == YAML_SEQUENCE_START_EVENT) {
			if (depth && is_map[depth])
				key_next[depth] = !key_next[depth];
			depth++;
			is_map[depth] = ev.type == YAML_MAPPING_START_EVENT;
			key_next[depth] = is_map[depth];
		} else if (ev.type == YAML_MAPPING_END_EVENT || ev.type == YAML_SEQUENCE_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_SCALAR_EVENT) {
			if (depth && is_map[depth] && key_next[depth])
				strbuf_addf(out, "<%s>", (const char *)ev.data.scalar.value);
			else
				strbuf_addstr(out, "S");
			if (depth && is_map[depth])
				key_next[depth] = !key_next[depth];
		}
		strbuf_addch(out, ' ');
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return ok;
}

static void yaml_and_json_fixtures_keep_their_structure(void **state)
{
	static const char *const files[] = {
		"etc/app/config.yaml", "k8s/secret.yaml", "etc/app/settings.json",
		"var/log/app/app.jsonl",
	};
	static const char *const domains[] = { "acme.internal", NULL };
	struct redact_config cfg = { .site_key = key, .internal_domains = domains };
	struct redact_engine *e;
	struct redact_err err;

	assert_int_equal(redact_engine_new(&e, &cfg, &err), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[256];
		FILE *f;
		struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
		char buf[4096];
		size_t n;

		snprintf(path, sizeof(path), "../fixtures/redact/root/%s", files[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&in, buf, n);
		fclose(f);
		redact_buf(e, files[i], in.buf, in.len, NULL, &out, NULL);
		assert_true(strcmp(in.buf, out.buf) != 0); /* something was redacted */
		if (!strstr(files[i], ".jsonl")) {
			assert_true(skeleton(in.buf, in.len, &a));
			if (!skeleton(out.buf, out.len, &b) || strcmp(a.buf, b.buf))
				fail_msg("%s changed shape:\n%s\n--- into\n%s", files[i], in.buf, out.buf);
		} else { /* line by line */
			const char *p = in.buf, *q = out.buf;

			while (*p) {
				size_t lp = strcspn(p, "\n"), lq = strcspn(q, "\n");

				strbuf_reset(&a);
				strbuf_reset(&b);
				assert_true(skeleton(p, lp, &a));
				if (!skeleton(q, lq, &b) || strcmp(a.buf, b.buf))
					fail_msg("%s: %.*s\nchanged shape into\n%.*s", files[i], (int)lp, p,
						 (int)lq, q);
				p += lp + !!p[lp];
				q += lq + !!q[lq];
			}
			assert_int_equal(*q, '\0');
		}
		strbuf_release(&in);
		strbuf_release(&out);
		strbuf_release(&a);
		strbuf_release(&b);
	}
	redact_engine_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(builds_the_engine_and_lists_rules_with_unique_ids),
		cmocka_unit_test(output_does_not_depend_on_chunking),
		cmocka_unit_test(formats_follow_the_path_and_the_content),
		cmocka_unit_test(binary_input_passes_nothing_and_says_binary),
		cmocka_unit_test(a_failing_sink_fails_the_stream_for_good),
		cmocka_unit_test(the_report_has_counts_and_the_first_distinct_lines),
		cmocka_unit_test(a_long_line_is_cut_at_a_separator_one_without_fails),
		cmocka_unit_test(a_large_json_document_is_redacted_line_by_line),
		cmocka_unit_test(a_large_pretty_printed_json_pairs_names_and_values_over_lines),
		cmocka_unit_test(a_huge_yaml_list_of_secrets_loses_its_data),
		cmocka_unit_test(pseudonyms_are_reported_once_per_stream),
		cmocka_unit_test(paths_are_excluded_by_glob),
		cmocka_unit_test(streams_on_one_engine_run_in_parallel),
		cmocka_unit_test(threads_give_the_output_and_report_of_one_thread),
		cmocka_unit_test(threads_cut_long_lines_where_one_thread_does),
		cmocka_unit_test(threads_keep_yaml_key_paths_across_chunks),
		cmocka_unit_test(a_reset_stream_redacts_each_file_as_a_new_one),
		cmocka_unit_test(a_threaded_stream_fails_and_frees_cleanly),
		cmocka_unit_test(no_planted_secret_survives_and_twice_is_once),
		cmocka_unit_test(random_bytes_never_break_the_stream),
		cmocka_unit_test(yaml_and_json_fixtures_keep_their_structure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
