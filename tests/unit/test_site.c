// SPDX-License-Identifier: MIT
/* test_site.c - the site key, the pseudonym map and host facts (diag/site.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/strbuf.h"

#define ROOT "../fixtures/pii/root-site"

static char statedir[] = "/tmp/diag-test-site.XXXXXX";

static int setup(void **state)
{
	memcpy(statedir, "/tmp/diag-test-site.XXXXXX", sizeof(statedir));
	if (!mkdtemp(statedir))
		return -1;
	setenv("DIAG_STATE_DIR", statedir, 1);
	return 0;
}

static int teardown(void **state)
{
	return fs_remove_tree(statedir);
}

static char *state_path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", statedir, name);
	return buf;
}

static void write_file(const char *name, const void *data, size_t len, mode_t mode)
{
	int fd = open(state_path(name), O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

static void creates_a_private_key_on_first_use_and_reuses_it(void **state)
{
	struct site *a, *b;
	unsigned char first[32];
	struct stat st;

	assert_int_equal(site_open(&a, true), 0);
	assert_int_equal(stat(state_path("site.key"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 32);
	memcpy(first, site_key(a), 32);
	site_close(a);
	assert_int_equal(site_open(&b, false), 0);
	assert_memory_equal(site_key(b), first, 32);
	site_close(b);
}

static void a_missing_key_is_an_error_without_create(void **state)
{
	struct site *s = NULL;

	assert_int_equal(site_open(&s, false), -1);
	assert_int_not_equal(access(state_path("site.key"), F_OK), 0);
}

static void refuses_a_key_of_the_wrong_size(void **state)
{
	struct site *s;

	write_file("site.key", "short", 5, 0600);
	assert_int_equal(site_open(&s, true), -1);
}

static void refuses_a_key_other_users_can_read(void **state)
{
	unsigned char k[32] = { 1 };
	struct site *s;

	write_file("site.key", k, 32, 0640);
	assert_int_equal(site_open(&s, false), -1);
	assert_int_equal(chmod(state_path("site.key"), 0600), 0);
	assert_int_equal(site_open(&s, false), 0);
	assert_memory_equal(site_key(s), k, 32);
	site_close(s);
}

static void refuses_key_and_map_files_of_another_user(void **state)
{
	unsigned char k[32] = { 3 };
	struct strbuf out = STRBUF_INIT;
	struct site *s;

	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	write_file("site.key", k, 32, 0600);
	assert_int_equal(chown(state_path("site.key"), 65534, 65534), 0);
	assert_int_equal(site_open(&s, false), -1);
	assert_int_equal(chown(state_path("site.key"), 0, 0), 0);
	assert_int_equal(site_open(&s, false), 0);
	write_file("pseudonyms.map", "# x\n", 4, 0600);
	assert_int_equal(chown(state_path("pseudonyms.map"), 65534, 65534), 0);
	assert_int_equal(site_lookup(s, "240.0.0.1", &out, NULL), -1);
	site_record_pseudonym(s, "ipv4", "240.0.0.3", "10.0.0.3", 8);
	assert_int_equal(site_flush(s), -1);
	site_close(s);
	strbuf_release(&out);
}

static void refuses_a_symlinked_key(void **state)
{
	unsigned char k[32] = { 2 };
	struct site *s;

	char target[4096];

	write_file("real.key", k, 32, 0600);
	snprintf(target, sizeof(target), "%s", state_path("real.key"));
	assert_int_equal(symlink(target, state_path("site.key")), 0);
	assert_int_equal(site_open(&s, false), -1);
}

static void processes_racing_to_create_the_key_share_one(void **state)
{
	enum { N = 6 };
	int fds[N][2];
	pid_t pids[N];
	unsigned char keys[N][32];

	for (int i = 0; i < N; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			struct site *s;

			if (site_open(&s, true) < 0)
				_exit(1);
			if (write(fds[i][1], site_key(s), 32) != 32)
				_exit(1);
			_exit(0);
		}
		close(fds[i][1]);
	}
	for (int i = 0; i < N; i++) {
		int status;

		assert_int_equal(read(fds[i][0], keys[i], 32), 32);
		close(fds[i][0]);
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_memory_equal(keys[i], keys[0], 32);
	}
}

static int count_lines_with(const char *needle)
{
	struct strbuf sb = STRBUF_INIT;
	int n = 0;

	if (fs_read_file(state_path("pseudonyms.map"), &sb, 8 << 20) < 0)
		return -1;
	for (const char *p = sb.buf; (p = strstr(p, needle)); p++)
		n++;
	strbuf_release(&sb);
	return n;
}

static void looks_up_recorded_values_with_any_bytes(void **state)
{
	static const char weird[] = "a\tb\nc\\d\0e\xff";
	struct strbuf out = STRBUF_INIT;
	struct site *s;
	char *kind;
	struct stat st;

	assert_int_equal(site_open(&s, true), 0);
	site_record_pseudonym(s, "email", "user-1a2b3c4d@x.example", "jane@corp.example", 17);
	site_record_pseudonym(s, "hostname", "h0.example", weird, sizeof(weird) - 1);
	/* Unflushed entries are found too. */
	assert_int_equal(site_lookup(s, "h0.example", &out, &kind), 1);
	assert_int_equal(out.len, sizeof(weird) - 1);
	assert_memory_equal(out.buf, weird, sizeof(weird) - 1);
	assert_string_equal(kind, "hostname");
	free(kind);
	assert_int_equal(site_flush(s), 0);
	site_close(s);

	assert_int_equal(stat(state_path("pseudonyms.map"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_lines_with("\n"), 3); /* header + 2 */
	assert_int_equal(count_lines_with("a\\x09b\\x0ac\\x5cd\\x00e\\xff"), 1);

	assert_int_equal(site_open(&s, false), 0);
	strbuf_reset(&out);
	assert_int_equal(site_lookup(s, "user-1a2b3c4d@x.example", &out, &kind), 1);
	assert_string_equal(out.buf, "jane@corp.example");
	assert_string_equal(kind, "email");
	free(kind);
	strbuf_reset(&out);
	assert_int_equal(site_lookup(s, "240.0.0.1", &out, &kind), 0);
	assert_null(kind);
	assert_int_equal(out.len, 0);
	site_close(s);
	strbuf_release(&out);
}

/* Many values: lines go to the map as they come (memory stays flat), each once. */
static void writes_the_map_as_it_goes_each_line_once(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct site *s;
	char tok[32], val[32];
	int n = 40000;

	assert_int_equal(site_open(&s, true), 0);
	for (int i = 0; i < n; i++) {
		snprintf(tok, sizeof(tok), "240.%d.%d.%d", 9 + i / 65536, i / 256 % 256, i % 256);
		snprintf(val, sizeof(val), "10.%d.%d.%d", 9 + i / 65536, i / 256 % 256, i % 256);
		site_record_pseudonym(s, "ipv4", tok, val, strlen(val));
		if (i == n / 2)
			/* flushed early already, while the run goes on */
			assert_true(count_lines_with("\tipv4\t") >= 16384);
	}
	/* values seen again after their line was written are not written again */
	site_record_pseudonym(s, "ipv4", "240.9.0.1", "10.9.0.1", 8);
	site_record_pseudonym(s, "ipv4", "240.9.0.2", "10.9.0.99", 9); /* a new value */
	/* an early-flushed value is found, from the map */
	assert_int_equal(site_lookup(s, "240.9.0.7", &out, NULL), 1);
	assert_string_equal(out.buf, "10.9.0.7");
	assert_int_equal(site_flush(s), 0);
	site_close(s);
	/* another run records values the map (over 64 KiB now) holds: none is written again */
	assert_int_equal(site_open(&s, true), 0);
	for (int i = 0; i < n; i += 3) {
		snprintf(tok, sizeof(tok), "240.%d.%d.%d", 9 + i / 65536, i / 256 % 256, i % 256);
		snprintf(val, sizeof(val), "10.%d.%d.%d", 9 + i / 65536, i / 256 % 256, i % 256);
		site_record_pseudonym(s, "ipv4", tok, val, strlen(val));
	}
	assert_int_equal(site_flush(s), 0);
	site_close(s);
	assert_int_equal(count_lines_with("\tipv4\t"), n + 1);
	assert_int_equal(count_lines_with("240.9.0.1\tipv4\t10.9.0.1\n"), 1);
	assert_int_equal(count_lines_with("240.9.155.15\tipv4\t10.9.155.15\n"), 1);
	assert_int_equal(count_lines_with("# diag pseudonym map"), 1);
	strbuf_release(&out);
}

static void writes_each_entry_once_across_flushes_and_processes(void **state)
{
	struct site *a, *b;

	assert_int_equal(site_open(&a, true), 0);
	assert_int_equal(site_open(&b, true), 0);
	site_record_pseudonym(a, "ipv4", "240.1.2.3", "10.0.0.1", 8);
	site_record_pseudonym(a, "ipv4", "240.1.2.3", "10.0.0.1", 8);
	assert_int_equal(site_flush(a), 0);
	assert_int_equal(site_flush(a), 0);
	site_record_pseudonym(b, "ipv4", "240.1.2.3", "10.0.0.1", 8);
	site_record_pseudonym(b, "ipv4", "240.1.2.4", "10.0.0.2", 8);
	assert_int_equal(site_flush(b), 0);
	assert_int_equal(count_lines_with("240.1.2.3\t"), 1);
	assert_int_equal(count_lines_with("240.1.2.4\t"), 1);
	site_close(a);
	site_close(b);
}

static void reports_every_value_behind_a_colliding_token(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct site *s;
	char *kind;

	assert_int_equal(site_open(&s, true), 0);
	site_record_pseudonym(s, "ipv4", "240.9.9.9", "10.0.0.1", 8);
	site_record_pseudonym(s, "ipv4", "240.9.9.9", "192.168.0.1", 11);
	assert_int_equal(site_flush(s), 0);
	assert_int_equal(site_lookup(s, "240.9.9.9", &out, &kind), 2);
	assert_string_equal(out.buf, "10.0.0.1\n192.168.0.1");
	free(kind);
	site_close(s);
	strbuf_release(&out);
}

struct thread_arg {
	struct site *site;
	int id;
};

static void *record_many(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < 500; i++) {
		char tok[32], orig[48];

		/* Half the entries are shared by all threads. */
		snprintf(tok, sizeof(tok), "tok-%d", i % 2 ? i : a->id * 1000 + i);
		snprintf(orig, sizeof(orig), "orig-%s", tok);
		site_record_pseudonym(a->site, "username", tok, orig, strlen(orig));
	}
	return NULL;
}

static void threads_record_concurrently_without_losing_entries(void **state)
{
	enum { T = 4 };
	pthread_t th[T];
	struct thread_arg args[T];
	struct site *s;

	assert_int_equal(site_open(&s, true), 0);
	for (int i = 0; i < T; i++) {
		args[i] = (struct thread_arg){ s, i + 1 };
		assert_int_equal(pthread_create(&th[i], NULL, record_many, &args[i]), 0);
	}
	for (int i = 0; i < T; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(site_flush(s), 0);
	site_close(s);
	/* 250 shared odd entries + 250 even entries per thread, + the header. */
	assert_int_equal(count_lines_with("\n"), 250 + T * 250 + 1);
}

static void a_torn_last_line_is_ignored_and_ended(void **state)
{
	static const char map[] = "# header\n240.0.0.1\tipv4\t10.0.0.1\n240.0.0.2\tipv4\t10.0";
	struct strbuf out = STRBUF_INIT;
	struct site *s;

	assert_int_equal(site_open(&s, true), 0);
	write_file("pseudonyms.map", map, sizeof(map) - 1, 0600);
	assert_int_equal(site_lookup(s, "240.0.0.2", &out, NULL), 0);
	assert_int_equal(site_lookup(s, "240.0.0.1", &out, NULL), 1);
	site_record_pseudonym(s, "ipv4", "240.0.0.3", "10.0.0.3", 8);
	assert_int_equal(site_flush(s), 0);
	strbuf_reset(&out);
	assert_int_equal(site_lookup(s, "240.0.0.3", &out, NULL), 1);
	assert_string_equal(out.buf, "10.0.0.3");
	assert_int_equal(count_lines_with("10.0\n240.0.0.3\tipv4\t10.0.0.3\n"), 1);
	site_close(s);
	strbuf_release(&out);
}

static void an_entry_with_an_empty_value_is_looked_up_safely(void **state)
{
	/* A hand-edited map: an empty original, then the same token again, then another. */
	static const char map[] = "240.0.0.1\tipv4\t\n240.0.0.1\tipv4\t\n240.0.0.1\thostname\tx\n";
	struct strbuf out = STRBUF_INIT;
	struct site *s;

	assert_int_equal(site_open(&s, true), 0);
	write_file("pseudonyms.map", map, sizeof(map) - 1, 0600);
	assert_int_equal(site_lookup(s, "240.0.0.1", &out, NULL), 2);
	assert_string_equal(out.buf, "\nx");
	site_close(s);
	strbuf_release(&out);
}

static void refuses_a_map_other_users_can_read(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct site *s;

	assert_int_equal(site_open(&s, true), 0);
	write_file("pseudonyms.map", "# x\n", 4, 0644);
	assert_int_equal(site_lookup(s, "240.0.0.1", &out, NULL), -1);
	site_record_pseudonym(s, "ipv4", "240.0.0.3", "10.0.0.3", 8);
	assert_int_equal(site_flush(s), -1);
	site_close(s);
}

static int strv_len(char **v)
{
	int n = 0;

	while (v[n])
		n++;
	return n;
}

static void finds_internal_domains_under_a_root(void **state)
{
	static const char *const want[] = {
		"web01.corp.example-hospital.org", "corp.example-hospital.org", "web01",
		"lab.example-hospital.org", "example-hospital.org",
		"db-primary.corp.example-hospital.org", "db-primary", "ldap1",
		"packages.vendor.example",
	};
	char **v = site_internal_domains(ROOT);

	assert_int_equal(strv_len(v), ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(v[i], want[i]);
	strv_free(v);
}

static void finds_people_not_system_accounts_in_passwd(void **state)
{
	char **v = site_usernames(ROOT);

	assert_int_equal(strv_len(v), 3);
	assert_string_equal(v[0], "jdoe");
	assert_string_equal(v[1], "mschmidt42");
	assert_string_equal(v[2], "a.nguyen");
	strv_free(v);
}

static void missing_files_give_empty_lists(void **state)
{
	char **d = site_internal_domains("/nonexistent-root");
	char **u = site_usernames("/nonexistent-root");

	assert_non_null(d);
	assert_null(d[0]);
	assert_null(u[0]);
	strv_free(d);
	strv_free(u);
}

static void special_files_in_the_root_are_not_read(void **state)
{
	char *root = xstrdup("/tmp/diag-test-site-root.XXXXXX"), *etc, *hosts, *passwd;
	char **d, **u;

	assert_non_null(mkdtemp(root));
	etc = xasprintf("%s/etc", root);
	hosts = xasprintf("%s/etc/hosts", root);
	passwd = xasprintf("%s/etc/passwd", root);
	assert_int_equal(mkdir(etc, 0755), 0);
	/* a FIFO with no writer would block an open() for ever */
	assert_int_equal(mkfifo(hosts, 0644), 0);
	assert_int_equal(mkfifo(passwd, 0644), 0);
	alarm(10);
	d = site_internal_domains(root);
	u = site_usernames(root);
	alarm(0);
	assert_null(d[0]);
	assert_null(u[0]);
	strv_free(d);
	strv_free(u);
	assert_int_equal(fs_remove_tree(root), 0);
	free(root);
	free(etc);
	free(hosts);
	free(passwd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(creates_a_private_key_on_first_use_and_reuses_it, setup, teardown),
		cmocka_unit_test_setup_teardown(a_missing_key_is_an_error_without_create, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_a_key_of_the_wrong_size, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_a_key_other_users_can_read, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_key_and_map_files_of_another_user, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_a_symlinked_key, setup, teardown),
		cmocka_unit_test_setup_teardown(processes_racing_to_create_the_key_share_one, setup, teardown),
		cmocka_unit_test_setup_teardown(looks_up_recorded_values_with_any_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(writes_the_map_as_it_goes_each_line_once, setup, teardown),
		cmocka_unit_test_setup_teardown(writes_each_entry_once_across_flushes_and_processes, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_every_value_behind_a_colliding_token, setup, teardown),
		cmocka_unit_test_setup_teardown(threads_record_concurrently_without_losing_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(a_torn_last_line_is_ignored_and_ended, setup, teardown),
		cmocka_unit_test_setup_teardown(an_entry_with_an_empty_value_is_looked_up_safely, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_a_map_other_users_can_read, setup, teardown),
		cmocka_unit_test(finds_internal_domains_under_a_root),
		cmocka_unit_test(finds_people_not_system_accounts_in_passwd),
		cmocka_unit_test(missing_files_give_empty_lists),
		cmocka_unit_test(special_files_in_the_root_are_not_read),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
