// SPDX-License-Identifier: MIT
/*
 * fuzz_redact.c - the redaction engine on raw bytes
 *
 * The first byte picks the logical path (and so the format), the second a
 * chunk size; the rest is the input. Beyond not crashing, two properties
 * are checked: chunking never changes the output, and the output of a second
 * pass equals the first (redacting twice changes nothing more). A policy
 * pattern that matches the shape of pseudonyms (hex digits) would match them
 * on a second pass: the one here cannot.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/strbuf.h"
#include "redact/redact.h"

static struct redact_engine *engine;

static const char *const paths[] = {
	"var/log/app.log", "etc/app/config.yaml", "etc/app/settings.json", "var/log/app.jsonl",
	"etc/app/.env", "etc/app/app.ini", "etc/app/app.properties", "home/u/.netrc",
	"home/u/.pgpass", NULL, "charts/x/values.yml", "scoped/notes.txt",
	"etc/app/web.config", "etc/app/server.xml", "etc/nginx/app.conf",
};

/*
 * First bytes 0xfe down (no seed of the corpus started so) pick paths the
 * table had no room for without moving the others: a CSV and a TSV file,
 * whose secret columns a reader of their own finds, files whose readers go
 * by their names (shell history, fetchmail, run-control), and files of
 * secrets by their names.
 */
static const char *const late_paths[] = {
	"srv/export/users.csv", "srv/export/users.tsv", "root/.bash_history", "root/.fetchmailrc",
	"etc/foo.rc", "etc/ppp/chap-secrets", "etc/ipsec.secrets", "etc/exim4/passwd.client",
	"etc/rsyncd.secrets", "etc/pgbouncer/userlist.txt", "etc/apache2/.htdigest",
	"etc/chrony/chrony.keys", "run/secrets/db_password",
};
#define NLATE (sizeof(late_paths) / sizeof(late_paths[0]))

static const char policy[] =
	"builtin: {high-entropy: on, phone: {paths: ['scoped/**']}}\n"
	"allow: [AKIAIOSFODNN7EXAMPLE]\n"
	"rules:\n"
	"  - {id: tkt, pattern: 'TKT-([0-9A-F]{4,})', group: 1, keywords: [TKT-]}\n"
	"  - {id: every, pattern: '(?:xq)+z'}\n" /* no hex: pseudonyms must not match it */
	"  - {id: names, literals: [Bluebird, xy], ignore_case: true}\n"
	"  - {id: keys, keys: [customer_ref, 'spec.*.env', 'a.**.b']}\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const unsigned char key[32] = "fuzz-site-key-0123456789abcdefgh";
	static const char *const domains[] = { "corp.example", NULL };
	static const char *const users[] = { "jdoe", NULL };
	struct redact_config cfg = { .site_key = key, .internal_domains = domains, .usernames = users };
	struct redact_policy *pol;
	struct redact_err err;

	if (redact_policy_parse(&pol, policy, strlen(policy), "fuzz", &err) ||
	    (cfg.policy = pol, redact_engine_new(&engine, &cfg, &err))) {
		fprintf(stderr, "fuzz_redact: %s\n", err.msg);
		abort();
	}
	redact_policy_free(pol);
	return 0;
}

static int sink(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

/*
 * 0 done (out filled), 1 the engine refused the input (fail closed), 2 it
 * was binary (nothing passed on).
 */
static int run(const char *path, const uint8_t *p, size_t n, size_t step, struct strbuf *out)
{
	const struct redact_report *r;
	struct redact_stream *s = redact_stream_new(engine, path, sink, out);
	struct redact_err err;
	int rc = 0;

	if (!s)
		abort();
	for (size_t off = 0; off < n && !rc; off += step)
		rc = redact_stream_write(s, p + off, n - off < step ? n - off : step, &err);
	if (!rc)
		rc = redact_stream_finish(s, &err);
	r = rc ? NULL : redact_stream_report(s);
	if (!rc && !r)
		abort();
	if (r && r->binary && out->len)
		abort(); /* binary input must pass nothing on */
	rc = rc ? 1 : r->binary ? 2 : 0;
	redact_stream_free(s);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	const char *path;
	size_t step;

	if (size < 2)
		return 0;
	path = data[0] <= 0xfe && data[0] > 0xfe - NLATE ? late_paths[0xfe - data[0]] :
							     paths[data[0] % (sizeof(paths) / sizeof(paths[0]))];
	step = 1 + data[1] % 64;
	data += 2;
	size -= 2;
	if (!run(path, data, size, size ? size : 1, &a)) {
		if (run(path, data, size, step, &b) || a.len != b.len || memcmp(a.buf, b.buf, a.len)) {
			fprintf(stderr, "chunks of %zu changed the output\n", step);
			abort();
		}
		/*
		 * A second pass finds nothing more to replace (unless what came
		 * out now looks binary: a late NUL moved into the first 8000 bytes).
		 */
		if (!run(path, (const uint8_t *)a.buf, a.len, a.len ? a.len : 1, &c) &&
		    (c.len != a.len || memcmp(a.buf, c.buf, a.len))) {
			size_t i = 0;

			while (i < a.len && i < c.len && a.buf[i] == c.buf[i])
				i++;
			fprintf(stderr, "not idempotent at byte %zu:\n%.*s\n--- then\n%.*s\n", i,
				(int)MIN(a.len - MIN(i, a.len), 200), a.buf + MIN(i, a.len),
				(int)MIN(c.len - MIN(i, c.len), 200), c.buf + MIN(i, c.len));
			abort();
		}
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
	return 0;
}
