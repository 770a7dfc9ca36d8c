// SPDX-License-Identifier: MIT
/* test_ledger.c - the export ledger: format, hash chain, damage reports, concurrent appends */
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "diag/fsutil.h"
#include "diag/ledger.h"
#include "diag/strbuf.h"
#include "diag/util.h"

static char dir[] = "/tmp/diag-test-ledger.XXXXXX";
static char path[256];
static const char *const two[] = { "age1vendor", "age1site" };

static int setup(void **state)
{
	if (sodium_init() < 0 || !mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/ledger.jsonl", dir);
	return 0;
}

static int teardown(void **state)
{
	return fs_remove_tree(dir);
}

static int fresh(void **state)
{
	unlink(path);
	return 0;
}

static struct ledger_record sample(const char *bundle)
{
	struct ledger_record r = { 0 };

	r.time = 1795406706; /* 2026-11-23T04:05:06Z */
	r.bundle = bundle;
	r.parts = 1;
	memset(r.sha256, 0xab, 32);
	memset(r.manifest_sha256, 0x01, 32);
	r.recipients = two;
	r.nr_recipients = 2;
	r.signer = "C5EEADC960C855FB";
	r.files = 12;
	r.bytes = 1048576;
	r.user = "alice";
	return r;
}

static void append_n(int n)
{
	for (int i = 0; i < n; i++) {
		char name[32];
		struct ledger_record r;

		snprintf(name, sizeof(name), "b%d.diag", i + 1);
		r = sample(name);
		assert_int_equal(ledger_append(path, &r, NULL), 0);
	}
}

static void slurp(struct strbuf *sb)
{
	strbuf_reset(sb);
	assert_int_equal(fs_read_file(path, sb, 1 << 24), 0);
}

static void spit(const struct strbuf *sb)
{
	int fd = open(path, O_WRONLY | O_TRUNC);

	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, sb->buf, sb->len), 0);
	close(fd);
}

/* Replace the first occurrence of from by to in the ledger file. */
static void edit(const char *from, const char *to)
{
	struct strbuf sb = STRBUF_INIT;
	char *at;
	size_t off;

	slurp(&sb);
	at = strstr(sb.buf, from);
	assert_non_null(at);
	off = (size_t)(at - sb.buf);
	strbuf_remove(&sb, off, strlen(from));
	{
		struct strbuf out = STRBUF_INIT;

		strbuf_add(&out, sb.buf, off);
		strbuf_addstr(&out, to);
		strbuf_add(&out, sb.buf + off, sb.len - off);
		spit(&out);
		strbuf_release(&out);
	}
	strbuf_release(&sb);
}

static void read_ok(struct ledger *l, size_t records)
{
	*l = (struct ledger)LEDGER_INIT;
	assert_int_equal(ledger_read(l, path), 0);
	for (size_t i = 0; i < l->nr_problems; i++)
		print_error("line %zu: %s\n", l->problems[i].line, l->problems[i].msg);
	assert_int_equal(l->nr_problems, 0);
	assert_int_equal(l->nr, records);
}

/* The one problem read reports must be on line, and mention needle. */
static void read_expect(size_t line, const char *needle)
{
	struct ledger l = LEDGER_INIT;
	size_t i;

	assert_int_equal(ledger_read(&l, path), 0);
	for (i = 0; i < l.nr_problems; i++)
		if (l.problems[i].line == line && strstr(l.problems[i].msg, needle))
			break;
	if (i == l.nr_problems) {
		for (i = 0; i < l.nr_problems; i++)
			print_error("line %zu: %s\n", l.problems[i].line, l.problems[i].msg);
		fail_msg("no problem on line %zu mentioning \"%s\"", line, needle);
	}
	ledger_release(&l);
}

static void a_record_is_one_json_line_in_the_documented_format(void **state)
{
	struct ledger_record r = sample("/srv/out/site.diag");
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	uint64_t seq = 0;

	assert_int_equal(ledger_append(path, &r, &seq), 0);
	assert_int_equal(seq, 1);
	slurp(&sb);
	assert_string_equal(sb.buf,
		"{\"v\":1,\"seq\":1,\"time\":\"2026-11-23T04:05:06Z\",\"user\":\"alice\","
		"\"bundle\":\"/srv/out/site.diag\",\"parts\":1,"
		"\"sha256\":\"abababababababababababababababababababababababababababababababab\","
		"\"manifest_sha256\":\"0101010101010101010101010101010101010101010101010101010101010101\","
		"\"recipients\":[\"age1vendor\",\"age1site\"],\"signer\":\"C5EEADC960C855FB\","
		"\"files\":12,\"bytes\":1048576,"
		"\"prev\":\"0000000000000000000000000000000000000000000000000000000000000000\"}\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	strbuf_release(&sb);
}

static void records_read_back_with_every_field_and_chain(void **state)
{
	struct ledger l;
	struct ledger_record r = sample("split.diag");
	unsigned char h[32];
	char hex[65];

	r.parts = 3;
	r.signer = NULL;
	r.nr_recipients = 1;
	r.bytes = 5ULL << 40; /* beyond 32 bits, exact */
	assert_int_equal(ledger_append(path, &r, NULL), 0);
	append_n(1);
	read_ok(&l, 2);
	assert_int_equal(l.lines, 2);
	assert_int_equal(l.entries[0].seq, 1);
	assert_int_equal(l.entries[0].time, 1795406706);
	assert_string_equal(l.entries[0].user, "alice");
	assert_null(l.entries[0].sudo_user);
	assert_string_equal(l.entries[0].bundle, "split.diag");
	assert_int_equal(l.entries[0].parts, 3);
	assert_string_equal(l.entries[0].sha256, "abababababababababababababababababababababababababababababababab");
	assert_int_equal(l.entries[0].nr_recipients, 1);
	assert_string_equal(l.entries[0].recipients[0], "age1vendor");
	assert_null(l.entries[0].signer);
	assert_int_equal(l.entries[0].files, 12);
	assert_int_equal(l.entries[0].bytes, 5ULL << 40);
	assert_string_equal(l.entries[1].signer, "C5EEADC960C855FB");
	assert_int_equal(l.entries[1].seq, 2);
	/* Record 2 links to record 1's bytes; the head is record 2's hash. */
	crypto_hash_sha256(h, (const unsigned char *)l.entries[0].line, strlen(l.entries[0].line));
	assert_string_equal(l.entries[1].prev, hex_encode(h, 32, hex));
	crypto_hash_sha256(h, (const unsigned char *)l.entries[1].line, strlen(l.entries[1].line));
	assert_string_equal(l.head, hex_encode(h, 32, hex));
	ledger_release(&l);
}

static void the_default_user_is_the_operators_login_name(void **state)
{
	struct ledger_record r = sample("x.diag");
	struct ledger l;
	char *login = getenv("USER");

	r.user = NULL;
	r.time = 0; /* now */
	assert_int_equal(ledger_append(path, &r, NULL), 0);
	read_ok(&l, 1);
	assert_true(strlen(l.entries[0].user) > 0);
	if (login && getuid() != 0)
		assert_string_equal(l.entries[0].user, login);
	assert_true(l.entries[0].time > 1700000000);
	ledger_release(&l);
}

static void a_missing_ledger_is_empty(void **state)
{
	struct ledger l;

	read_ok(&l, 0);
	assert_int_equal(l.lines, 0);
	assert_string_equal(l.head, "0000000000000000000000000000000000000000000000000000000000000000");
	ledger_release(&l);
}

static void a_changed_line_breaks_the_link_of_the_next(void **state)
{
	append_n(3);
	edit("\"b2.diag\"", "\"b9.diag\"");
	read_expect(3, "hash chain broken: it does not follow line 2");
}

static void a_removed_line_is_detected_with_its_number(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *l2, *l3;

	append_n(3);
	slurp(&sb);
	l2 = strchr(sb.buf, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	strbuf_remove(&sb, (size_t)(l2 - sb.buf), (size_t)(l3 - l2));
	spit(&sb);
	read_expect(2, "record number 3 where 2 was expected");
	/* Removing the first line, even with the next one renumbered: it does not start the chain. */
	fresh(state);
	append_n(2);
	slurp(&sb);
	strbuf_remove(&sb, 0, (size_t)(strchr(sb.buf, '\n') + 1 - sb.buf));
	spit(&sb);
	read_expect(1, "record number 2 where 1 was expected");
	edit("\"seq\":2", "\"seq\":1");
	read_expect(1, "the first record does not start the chain");
	strbuf_release(&sb);
}

static void corrupt_lines_are_reported_never_skipped(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct ledger l = LEDGER_INIT;

	append_n(2);
	slurp(&sb);
	strbuf_addstr(&sb, "garbage\n");
	spit(&sb);
	read_expect(3, "not a valid record: not a JSON object");
	/* A new record after the garbage: it chains onto it and is fine itself. */
	append_n(1);
	assert_int_equal(ledger_read(&l, path), 0);
	assert_int_equal(l.nr, 3);
	assert_int_equal(l.nr_problems, 1);
	assert_int_equal(l.problems[0].line, 3);
	assert_int_equal(l.entries[2].seq, 4);
	ledger_release(&l);
	strbuf_release(&sb);
}

static void an_interrupted_write_stays_apart_from_the_next_record(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct ledger l = LEDGER_INIT;

	append_n(1);
	slurp(&sb);
	strbuf_addstr(&sb, "{\"v\":1,\"seq\":2,\"ti");
	spit(&sb);
	read_expect(2, "incomplete line at the end");
	append_n(1);
	assert_int_equal(ledger_read(&l, path), 0);
	assert_int_equal(l.lines, 3);
	assert_int_equal(l.nr, 2);
	assert_int_equal(l.entries[1].seq, 3);
	assert_int_equal(l.nr_problems, 1);
	assert_int_equal(l.problems[0].line, 2);
	assert_non_null(strstr(l.problems[0].msg, "not a JSON object"));
	ledger_release(&l);
	strbuf_release(&sb);
}

static void refuses_records_it_cannot_write_and_leaves_the_file_alone(void **state)
{
	struct ledger_record r = sample("y.diag");
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;
	const char *const empty[] = { "" };

	append_n(1);
	slurp(&before);
	r.signer = "c5eeadc960c855fb";
	assert_int_equal(ledger_append(path, &r, NULL), -1);
	r = sample("y.diag");
	r.nr_recipients = 0;
	assert_int_equal(ledger_append(path, &r, NULL), -1);
	r.recipients = empty;
	r.nr_recipients = 1;
	assert_int_equal(ledger_append(path, &r, NULL), -1);
	r = sample("");
	assert_int_equal(ledger_append(path, &r, NULL), -1);
	slurp(&after);
	assert_string_equal(before.buf, after.buf);
	strbuf_release(&before);
	strbuf_release(&after);
}

static void never_follows_a_symlink(void **state)
{
	char target[300];

	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	unlink(target);
	assert_int_equal(symlink(target, path), 0);
	{
		struct ledger_record r = sample("z.diag");

		assert_int_equal(ledger_append(path, &r, NULL), -1);
	}
	assert_int_equal(access(target, F_OK), -1);
}

static void concurrent_appends_from_many_processes_stay_whole(void **state)
{
	enum { PROCS = 6, EACH = 20 };
	struct ledger l;
	pid_t pids[PROCS];

	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			for (int i = 0; i < EACH; i++) {
				struct ledger_record r = sample("concurrent.diag");

				if (ledger_append(path, &r, NULL) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		int status;

		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_int_equal(status, 0);
	}
	read_ok(&l, PROCS * EACH);
	for (size_t i = 0; i < l.nr; i++)
		assert_int_equal(l.entries[i].seq, i + 1);
	ledger_release(&l);
}

static void the_line_parser_is_strict(void **state)
{
	static const char good[] =
		"{\"v\":1,\"seq\":1,\"time\":\"2026-11-23T04:05:06Z\",\"user\":\"alice\",\"bundle\":\"b\","
		"\"parts\":1,\"sha256\":\"%s\",\"manifest_sha256\":\"%s\",\"recipients\":[\"age1x\"],"
		"\"signer\":%s,\"files\":1,\"bytes\":2,\"prev\":\"%s\"%s}";
	static const char *const h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	static const struct {
		const char *sha, *signer, *extra, *why;
	} cases[] = {
		{ NULL, "null", "", NULL },
		{ NULL, "\"C5EEADC960C855FB\"", ",\"sudo_user\":\"bob\"", NULL },
		{ NULL, "\"c5eeadc960c855fb\"", "", "\"signer\" is neither null nor a minisign key id" },
		{ NULL, "17", "", "\"signer\" is neither null" },
		{ "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", "null", "",
		  "\"sha256\" is not a SHA-256 in lower-case hex" },
		{ "abc", "null", "", "\"sha256\" is not a SHA-256" },
		{ NULL, "null", ",\"extra\":1", "unknown member \"extra\"" },
		{ NULL, "null", ",\"files\":3", "member \"files\" appears twice" },
		{ NULL, "null", ",\"sudo_user\":\"\"", "\"sudo_user\" is not a non-empty string" },
	};
	struct strbuf line = STRBUF_INIT, why = STRBUF_INIT;
	struct ledger_entry e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strbuf_reset(&line);
		strbuf_reset(&why);
		strbuf_addf(&line, good, cases[i].sha ? cases[i].sha : h, h, cases[i].signer, h, cases[i].extra);
		if (!cases[i].why) {
			assert_int_equal(ledger_parse_line(&e, line.buf, line.len, &why), 0);
			ledger_entry_release(&e);
			continue;
		}
		assert_int_equal(ledger_parse_line(&e, line.buf, line.len, &why), -1);
		if (!strstr(why.buf, cases[i].why))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, why.buf, cases[i].why);
	}
	/* Whole-line failures. */
	static const struct {
		const char *line, *why;
	} bad[] = {
		{ "", "empty line" },
		{ "[]", "not a JSON object" },
		{ "{\"v\":1} trailing", "not a JSON object" },
		{ "{\"v\":2}", "\"v\" is not 1" },
		{ "{\"v\":1}", "member \"seq\" is missing" },
		{ "{\"v\":1,\"seq\":0}", "\"seq\" is not a record number" },
		{ "{\"v\":1,\"seq\":1.5}", "\"seq\" is not a record number" },
		{ "{\"v\":1,\"seq\":-1}", "\"seq\" is not a record number" },
		{ "{\"v\":1,\"seq\":1,\"time\":\"yesterday\"}", "\"time\" is not an RFC 3339 time" },
		{ "{\"v\":1,\"seq\":1,\"files\":1e300}", "\"files\" is not a whole number" },
		{ "{\"v\":1,\"seq\":1,\"parts\":1000}", "\"parts\" is not a number of parts" },
		{ "{\"v\":1,\"recipients\":[]}", "\"recipients\" is not a non-empty list" },
		{ "{\"v\":1,\"recipients\":[\"a\",7]}", "\"recipients\" holds something" },
		{ "{\"v\":1,\"recipients\":\"age1x\"}", "\"recipients\" is not a non-empty list" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&why);
		assert_int_equal(ledger_parse_line(&e, bad[i].line, strlen(bad[i].line), &why), -1);
		if (!strstr(why.buf, bad[i].why))
			fail_msg("\"%s\": \"%s\" lacks \"%s\"", bad[i].line, why.buf, bad[i].why);
	}
	strbuf_release(&line);
	strbuf_release(&why);
}

static void diag_ledger_lists_what_the_api_appended(void **state)
{
	const char *diag = getenv("DIAG");
	char cmd[1024];

	if (!diag)
		skip();
	append_n(2);
	snprintf(cmd, sizeof(cmd),
		 "DIAG_STATE_DIR=%s %s ledger --json | python3 -c 'import json,sys; r=json.load(sys.stdin); "
		 "assert [x[\"bundle\"] for x in r] == [\"b1.diag\", \"b2.diag\"], r' && "
		 "DIAG_STATE_DIR=%s %s ledger | grep -q '^2 records; hash chain intact; head '",
		 dir, diag, dir, diag);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(a_record_is_one_json_line_in_the_documented_format, fresh),
		cmocka_unit_test_setup(records_read_back_with_every_field_and_chain, fresh),
		cmocka_unit_test_setup(the_default_user_is_the_operators_login_name, fresh),
		cmocka_unit_test_setup(a_missing_ledger_is_empty, fresh),
		cmocka_unit_test_setup(a_changed_line_breaks_the_link_of_the_next, fresh),
		cmocka_unit_test_setup(a_removed_line_is_detected_with_its_number, fresh),
		cmocka_unit_test_setup(corrupt_lines_are_reported_never_skipped, fresh),
		cmocka_unit_test_setup(an_interrupted_write_stays_apart_from_the_next_record, fresh),
		cmocka_unit_test_setup(refuses_records_it_cannot_write_and_leaves_the_file_alone, fresh),
		cmocka_unit_test_setup(never_follows_a_symlink, fresh),
		cmocka_unit_test_setup(concurrent_appends_from_many_processes_stay_whole, fresh),
		cmocka_unit_test(the_line_parser_is_strict),
		cmocka_unit_test_setup(diag_ledger_lists_what_the_api_appended, fresh),
	};

	return cmocka_run_group_tests_name("ledger", tests, setup, teardown);
}
