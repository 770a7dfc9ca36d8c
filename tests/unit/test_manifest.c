// SPDX-License-Identifier: MIT
/* test_manifest.c - build, serialise and strictly parse manifest.json (diag/manifest.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/fsutil.h"
#include "diag/manifest.h"

#define FIXTURES "../fixtures/bundle/"

static const char recipient[] = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

static void add_file(struct manifest *m, const char *path, uint64_t size, uint64_t offset)
{
	struct manifest_file f = { 0 };

	f.path = strdup(path);
	f.size = size;
	memset(f.sha256, 0xab, 32);
	f.collector = strdup("logs");
	f.kind = strdup("file");
	f.source = strdup("/var/log/x");
	f.description = strdup("A \"quoted\"\tlog\n");
	f.mtime = 1700000000;
	f.source_size = size + 10;
	f.duration_ms = 3;
	f.has_offset = true;
	f.offset = offset;
	f.compressed_size = 100;
	manifest_file_count(&f, "email", 2);
	manifest_file_count(&f, "aws-access-key", 1);
	manifest_file_count(&f, "email", 1);
	manifest_add_file(m, &f);
}

/* A manifest like the one a sealed bundle carries. */
static struct manifest *sample(void)
{
	struct manifest *m = manifest_new();
	struct manifest_failure fl = { 0 };

	m->created = 1763870706;
	free(m->tool);
	m->tool = strdup("diag 9.9.9");
	free(m->host);
	m->host = strdup("host-0123456789ab");
	m->has_window = true;
	m->since = 1763697906;
	m->until = 1763870706;
	free(m->spec.name);
	m->spec.name = strdup("built-in");
	free(m->policy.name);
	m->policy.name = strdup("policy.yaml");
	m->recipients = calloc(1, sizeof(char *));
	m->recipients[0] = strdup(recipient);
	m->nrecipients = 1;
	m->file_cap = 64 << 20;
	add_file(m, "files/var/log/syslog", 1234, 10);
	add_file(m, "commands/ps", 0, 110);
	m->files[1].has_exit = true;
	m->files[1].exit_status = -1;
	m->files[1].timed_out = true;
	m->files[1].error = strdup("killed after 10 s");
	fl.collector = strdup("journal");
	fl.reason = strdup("timed out after 30 s");
	fl.duration_ms = 30000;
	manifest_add_failure(m, &fl);
	memset(&fl, 0, sizeof(fl));
	fl.collector = strdup("logs");
	fl.path = strdup("files/etc/shadow");
	fl.source = strdup("/etc/shadow");
	fl.reason = strdup("a secret store: never collected");
	manifest_add_skipped(m, &fl);
	m->files[0].note = strdup("grew by 12 bytes during the read");
	m->has_payload = true;
	m->payload_size = 4096;
	m->payload_compressed_size = 3000;
	memset(m->payload_sha256, 0x11, 32);
	return m;
}

static void serialises_to_the_golden_text(void **state)
{
	struct manifest *m = sample();
	struct strbuf got = STRBUF_INIT, want = STRBUF_INIT;

	manifest_serialize(m, &got, true);
	assert_int_equal(fs_read_file(FIXTURES "manifest-golden.json", &want, 1 << 20), 0);
	assert_string_equal(got.buf, want.buf);
	strbuf_release(&got);
	strbuf_release(&want);
	manifest_free(m);
}

static void round_trips_byte_for_byte(void **state)
{
	struct manifest *m = sample(), *back;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

	manifest_serialize(m, &a, true);
	assert_int_equal(manifest_parse_canonical(&back, a.buf, a.len, "test"), 0);
	manifest_serialize(back, &b, true);
	assert_string_equal(a.buf, b.buf);
	assert_int_equal(back->nfiles, 2);
	assert_string_equal(back->files[0].redactions[0].rule, "aws-access-key");
	assert_int_equal(back->files[0].redactions[1].count, 3);
	assert_true(back->files[1].timed_out);
	assert_int_equal(back->files[1].exit_status, -1);
	assert_true(back->has_payload);
	manifest_free(back);
	strbuf_release(&b);

	/* the sealed copy leaves the payload out, and still parses */
	manifest_serialize(m, &b, false);
	assert_null(strstr(b.buf, "\"payload\""));
	assert_int_equal(manifest_parse_canonical(&back, b.buf, b.len, "test"), 0);
	assert_false(back->has_payload);
	manifest_free(back);
	strbuf_release(&a);
	strbuf_release(&b);
	manifest_free(m);
}

static void checks_paths_before_adding_them(void **state)
{
	struct manifest *m = manifest_new();

	add_file(m, "files/a/b", 1, 10);
	assert_null(manifest_path_check(m, "files/a/c"));
	assert_non_null(manifest_path_check(m, "files/a/b"));     /* duplicate */
	assert_non_null(manifest_path_check(m, "files/a"));       /* a directory of files/a/b */
	assert_non_null(manifest_path_check(m, "files/a/b/c"));   /* inside the file files/a/b */
	assert_non_null(manifest_path_check(m, "/etc/passwd"));
	assert_non_null(manifest_path_check(m, "files/../x"));
	assert_non_null(manifest_path_check(m, "files/./x"));
	assert_non_null(manifest_path_check(m, "files//x"));
	assert_non_null(manifest_path_check(m, "files/x/"));
	assert_non_null(manifest_path_check(m, ""));
	assert_non_null(manifest_path_check(m, "manifest.json"));
	assert_non_null(manifest_path_check(m, "a\nb"));
	assert_non_null(manifest_path_check(m, "a\\b"));
	assert_non_null(manifest_path_check(m, "bad\xff"));
	assert_null(manifest_path_check(m, "files/caf\xc3\xa9"));
	assert_null(manifest_path_check(m, "files/manifest.json"));
	manifest_free(m);
}

static void cleans_strings_into_utf8(void **state)
{
	char *s = manifest_clean_string("ok\xff\xc3(\0z", 7);

	assert_string_equal(s, "ok\xef\xbf\xbd\xef\xbf\xbd(\xef\xbf\xbdz");
	free(s);
	assert_true(utf8_valid("\xe2\x82\xac", 3));
	assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
}

/* Serialise the sample, replace 'from' by 'to' once, and parse canonically. */
static int parse_edited(const char *from, const char *to)
{
	struct manifest *m = sample(), *back = NULL;
	struct strbuf sb = STRBUF_INIT, ed = STRBUF_INIT;
	char *at;
	int ret;

	manifest_serialize(m, &sb, true);
	at = strstr(sb.buf, from);
	assert_non_null(at);
	strbuf_add(&ed, sb.buf, (size_t)(at - sb.buf));
	strbuf_addstr(&ed, to);
	strbuf_addstr(&ed, at + strlen(from));
	ret = manifest_parse_canonical(&back, ed.buf, ed.len, "test");
	manifest_free(back);
	manifest_free(m);
	strbuf_release(&sb);
	strbuf_release(&ed);
	return ret;
}

static void refuses_anything_it_would_not_write(void **state)
{
	assert_int_equal(parse_edited("\"version\": 1", "\"version\": 1"), 0);
	assert_int_equal(parse_edited("\"version\": 1", "\"version\": 2"), -1);
	assert_int_equal(parse_edited("\"version\": 1", "\"version\": 1.0"), -1);
	assert_int_equal(parse_edited("\"version\": 1", "\"version\":1"), -1);   /* whitespace */
	assert_int_equal(parse_edited("\"version\": 1", "\"version\": 1, \"extra\": 1"), -1);
	assert_int_equal(parse_edited("\"version\": 1", "\"version\": 1, \"version\": 1"), -1);
	assert_int_equal(parse_edited("\"size\": 1234", "\"size\": -1"), -1);
	assert_int_equal(parse_edited("\"size\": 1234", "\"size\": 1e3"), -1);
	assert_int_equal(parse_edited("\"size\": 1234", "\"size\": 9007199254740993"), -1);
	assert_int_equal(parse_edited("\"size\": 1234", "\"size\": \"1234\""), -1);
	assert_int_equal(parse_edited("\"size\": 1234", "\"size\": 1235"), -1);  /* totals */
	assert_int_equal(parse_edited("abababab", "ABABABAB"), -1);
	assert_int_equal(parse_edited("files/var/log/syslog", "../var/log/syslog"), -1);
	assert_int_equal(parse_edited("files/var/log/syslog", "/var/log/syslog"), -1);
	assert_int_equal(parse_edited("files/var/log/syslog", "commands/ps"), -1);
	assert_int_equal(parse_edited("files/var/log/syslog", "commands/ps/x"), -1);
	assert_int_equal(parse_edited("files/var/log/syslog", "manifest.json"), -1);
	assert_int_equal(parse_edited("\"offset\": 110", "\"offset\": 111"), -1);
	assert_int_equal(parse_edited("\"created\": \"2025-11-23T04:05:06Z\"",
				      "\"created\": \"2025-11-23T06:05:06+02:00\""), -1);
	assert_int_equal(parse_edited("{\"aws-access-key\": 1, \"email\": 3}",
				      "{\"email\": 3, \"aws-access-key\": 1}"), -1);
	assert_int_equal(parse_edited("\"email\": 3", "\"email\": 0"), -1);
	assert_int_equal(parse_edited(recipient, "age1notarecipient"), -1);
	assert_int_equal(parse_edited("\"format\": \"diag-bundle\"", "\"format\": \"other\""), -1);
	assert_int_equal(parse_edited("\"host\": \"host", "\"host\": \"\\u0000host"), -1);
	assert_int_equal(parse_edited("\n}\n", "\n}\n{}"), -1);
	assert_int_equal(parse_edited("\"exit_status\": -1", "\"exit_status\": 256"), -1);
	assert_int_equal(parse_edited("\"reason\": \"timed", "\"reason\": \"\\ud800timed"), -1);
	assert_int_equal(parse_edited("\"since\": \"2025-11-21", "\"since\": \"2025-11-29"), -1);
}

/* Run parse_edited() with stderr captured into msg. */
static int parse_edited_msg(const char *from, const char *to, char *msg, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2), ret;
	size_t n;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	ret = parse_edited(from, to);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(msg, 1, len - 1, tmp);
	msg[n] = '\0';
	fclose(tmp);
	return ret;
}

static void names_the_field_it_refuses(void **state)
{
	char msg[512];

	assert_int_equal(parse_edited_msg("\"sha256\": \"abab", "\"sha256\": \"zzab", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "diag: test: files[0].sha256: not a SHA-256 digest in lower-case hex\n");
	assert_int_equal(parse_edited_msg("\"path\": \"commands/ps\"", "\"path\": \"files/var/log/syslog\"",
					  msg, sizeof(msg)), -1);
	assert_string_equal(msg, "diag: test: files[1].path: 'files/var/log/syslog': duplicate path\n");
	assert_int_equal(parse_edited_msg("\"version\": 1", "\"version\":  1", msg, sizeof(msg)), -1);
	assert_string_equal(msg, "diag: test: not as diag writes it (altered near byte 42)\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(serialises_to_the_golden_text),
		cmocka_unit_test(round_trips_byte_for_byte),
		cmocka_unit_test(checks_paths_before_adding_them),
		cmocka_unit_test(cleans_strings_into_utf8),
		cmocka_unit_test(refuses_anything_it_would_not_write),
		cmocka_unit_test(names_the_field_it_refuses),
	};
	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
