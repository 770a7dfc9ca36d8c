// SPDX-License-Identifier: MIT
/* test_command.c - the command collector: timeouts, caps, stderr, exit codes, hygiene */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/collect.h"
#include "diag/util.h"
#include "fake_sink.h"

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run(const char *yaml, struct collect_options *opts, struct fake_sink *fs,
	       struct collect_summary *sum)
{
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct spec *spec = spec_parse(yaml, strlen(yaml), "test.yaml");
	int r;

	if (!spec)
		fail_msg("spec does not parse:\n%s", yaml);
	if (opts)
		o = *opts;
	fake_sink_init(fs);
	r = collect_run(spec, &o, &fs->sink, sum);
	spec_free(spec);
	return r;
}

static struct fake_rec *item(struct fake_sink *fs, const char *path)
{
	struct fake_rec *r = fake_find(fs, path);

	if (!r)
		fail_msg("no record for '%s'", path);
	if (r->kind != FAKE_ITEM)
		fail_msg("'%s' is not an item: %s", path, r->reason ? r->reason : "?");
	assert_true(r->ended);
	return r;
}

/* Live (not zombie) processes in process group pgid. */
static int live_members(long pgid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[300], buf[512], *rp, state;
		long pgrp;
		FILE *f;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) &&
		    sscanf(rp + 2, "%c %*d %ld", &state, &pgrp) == 2 && pgrp == pgid && state != 'Z')
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}

/*
 * The process group printed first by a command ("echo $$") has no live
 * process once collect_run() returns: SIGKILL was sent, so allow the kernel
 * a moment to finish them (orphans are reaped by init, not by us).
 */
static void assert_group_gone(const char *out)
{
	long pgid = strtol(out, NULL, 10);
	int i;

	assert_true(pgid > 1);
	for (i = 0; i < 50 && live_members(pgid); i++)
		usleep(20000);
	if (live_members(pgid))
		fail_msg("process group %ld outlived collect_run()", pgid);
}

static void captures_stdout_stderr_and_the_exit_status(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;
	struct fake_rec *r;

	assert_int_equal(run("collect:\n  - name: mixed\n    description: out, err, exit 3\n"
			     "    command: [sh, -c, 'echo out; echo err >&2; echo more; exit 3']\n",
			     NULL, &fs, &sum), 0);
	r = item(&fs, "commands/mixed.txt");
	assert_string_equal(r->data.buf, "out\nmore\n");
	assert_string_equal(r->stderr_text, "err\n");
	assert_int_equal(r->exit_status, 3);
	assert_false(r->timed_out);
	assert_false(r->truncated);
	assert_null(r->error);
	assert_string_equal(r->note, "exit status 3");
	assert_string_equal(r->source, "sh -c echo out; echo err >&2; echo more; exit 3");
	assert_string_equal(r->collector, "command");
	assert_int_equal(sum.failures, 0); /* a non-zero exit is recorded, not a failure */
	fake_sink_release(&fs);
}

static void kills_a_hung_command_and_its_children_at_the_timeout(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;
	struct fake_rec *r;
	double t0 = now_seconds(), took;

	assert_int_equal(run("settings:\n  grace: 300ms\ncollect:\n"
			     "  - name: hang\n    description: hangs\n"
			     "    command: [sh, -c, 'echo $$; sleep 30 & sleep 30; echo never']\n"
			     "    timeout: 300ms\n"
			     "  - name: after\n    description: still runs\n    command: [echo, next]\n",
			     NULL, &fs, &sum), 0);
	took = now_seconds() - t0;
	r = item(&fs, "commands/hang.txt");
	assert_true(r->timed_out);
	assert_int_equal(r->exit_status, -1);
	assert_non_null(strstr(r->note, "timed out after 0.3s"));
	assert_null(strstr(r->data.buf, "never"));
	assert_group_gone(r->data.buf);
	assert_string_equal(item(&fs, "commands/after.txt")->data.buf, "next\n");
	assert_int_equal(fs.nfailed, 1);
	assert_string_equal(fs.failed_names[0], "hang");
	assert_non_null(strstr(fs.failed_reasons[0], "timed out"));
	assert_int_equal(sum.collectors_failed, 1);
	if (took > 2.5)
		fail_msg("took %.2fs", took);
	fake_sink_release(&fs);
}

static void sigkills_a_command_that_ignores_sigterm(void **state)
{
	struct fake_sink fs;
	struct fake_rec *r;
	double t0 = now_seconds(), took;

	assert_int_equal(run("settings:\n  grace: 200ms\ncollect:\n"
			     "  - name: stubborn\n    description: ignores TERM\n"
			     "    command: [sh, -c, 'trap \"\" TERM; echo $$; while :; do sleep 1; done']\n"
			     "    timeout: 200ms\n",
			     NULL, &fs, NULL), 0);
	took = now_seconds() - t0;
	r = item(&fs, "commands/stubborn.txt");
	assert_true(r->timed_out);
	assert_group_gone(r->data.buf);
	if (took > 2.5)
		fail_msg("took %.2fs", took);
	fake_sink_release(&fs);
}

static void kills_what_a_command_leaves_behind(void **state)
{
	struct fake_sink fs;
	struct fake_rec *r;
	double t0 = now_seconds(), took;

	/* the shell exits at once; its background child keeps stdout open */
	assert_int_equal(run("collect:\n  - name: daemon\n    description: forks and exits\n"
			     "    command: [sh, -c, 'echo $$; sleep 30 & echo started']\n"
			     "    timeout: 20s\n",
			     NULL, &fs, NULL), 0);
	took = now_seconds() - t0;
	r = item(&fs, "commands/daemon.txt");
	assert_false(r->timed_out);
	assert_int_equal(r->exit_status, 0);
	assert_non_null(strstr(r->data.buf, "started\n"));
	assert_non_null(strstr(r->note, "left processes running"));
	assert_group_gone(r->data.buf);
	if (took > 2.5)
		fail_msg("took %.2fs", took);
	fake_sink_release(&fs);
}

static void caps_output_and_drains_the_rest(void **state)
{
	struct fake_sink fs;
	struct fake_rec *r;

	assert_int_equal(run("collect:\n  - name: spew\n    description: lots of output\n"
			     "    command: [sh, -c, 'head -c 1000000 /dev/zero | tr \"\\\\0\" x; "
			     "head -c 200000 /dev/zero >&2; echo done >&2']\n"
			     "    max_output: 10K\n",
			     NULL, &fs, NULL), 0);
	r = item(&fs, "commands/spew.txt");
	assert_true(r->truncated);
	assert_int_equal(r->data.len, 10240);
	assert_int_equal(r->source_bytes, 1000000);
	assert_int_equal(r->exit_status, 0); /* drained: the writer never got SIGPIPE */
	assert_non_null(strstr(r->note, "output cut at 10240 of 1000000 bytes"));
	assert_non_null(strstr(r->note, "standard error cut at 64 KiB"));
	fake_sink_release(&fs);
}

static void records_missing_programs(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;
	struct fake_rec *r;

	assert_int_equal(run("collect:\n"
			     "  - name: missing\n    description: d\n    command: [no-such-program-xyz, -v]\n"
			     "  - name: optional\n    description: d\n    command: [no-such-program-xyz]\n"
			     "    optional: true\n"
			     "  - name: notexec\n    description: d\n    command: [/etc/passwd]\n"
			     "  - name: ok\n    description: d\n    command: [true]\n",
			     NULL, &fs, &sum), 0);
	r = fake_find(&fs, "commands/missing.txt");
	assert_int_equal(r->kind, FAKE_FAILED);
	assert_string_equal(r->reason, "'no-such-program-xyz': command not found");
	r = fake_find(&fs, "commands/optional.txt");
	assert_int_equal(r->kind, FAKE_SKIPPED);
	assert_string_equal(r->reason, "'no-such-program-xyz' is not installed");
	r = fake_find(&fs, "commands/notexec.txt");
	assert_int_equal(r->kind, FAKE_FAILED);
	assert_non_null(strstr(r->reason, "Permission denied"));
	assert_int_equal(item(&fs, "commands/ok.txt")->exit_status, 0);
	assert_int_equal(sum.failures, 2);
	assert_int_equal(sum.skipped, 1);
	fake_sink_release(&fs);
}

static void reports_a_program_execve_refuses(void **state)
{
	char path[] = "/tmp/diag-test-noexec-XXXXXX", *yaml;
	int fd = mkstemp(path);
	struct fake_sink fs;
	struct fake_rec *r;

	/* executable by its mode, but no known format and no "#!": ENOEXEC */
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x7f" "ELF\x01\x02", 6), 6);
	assert_int_equal(fchmod(fd, 0755), 0);
	close(fd);
	yaml = xasprintf("collect:\n  - name: bad\n    description: d\n    command: [%s]\n"
			 "  - name: ok\n    description: d\n    command: [echo, fine]\n", path);
	assert_int_equal(run(yaml, NULL, &fs, NULL), 0);
	r = item(&fs, "commands/bad.txt");
	assert_string_equal(r->error, strerror(ENOEXEC));
	assert_non_null(strstr(r->note, "cannot execute"));
	assert_string_equal(item(&fs, "commands/ok.txt")->data.buf, "fine\n");
	fake_sink_release(&fs);
	unlink(path);
	free(yaml);
}

static void runs_with_a_clean_environment_and_no_inherited_fds(void **state)
{
	struct fake_sink fs;
	int leak = open("/etc/hostname", O_RDONLY); /* not CLOEXEC: must not reach the child */

	assert_true(leak >= 0);
	setenv("DIAG_TEST_SECRET", "CANARY-ENV", 1);
	setenv("DIAG_TEST_PASSED", "passed-through", 1);
	assert_int_equal(run("collect:\n"
			     "  - name: env\n    description: d\n    command: [env]\n"
			     "    env: {EXTRA: one}\n    pass_env: [DIAG_TEST_PASSED, DIAG_TEST_UNSET]\n"
			     "  - name: fds\n    description: d\n    command: [ls, /proc/self/fd]\n"
			     "  - name: stdin\n    description: d\n    command: [readlink, /proc/self/fd/0]\n"
			     "  - name: argv\n    description: no shell\n    command: [echo, '$HOME', '*', ';', 'a b']\n",
			     NULL, &fs, NULL), 0);
	assert_string_equal(item(&fs, "commands/env.txt")->data.buf,
			    "EXTRA=one\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
			    "LC_ALL=C\nDIAG_TEST_PASSED=passed-through\n");
	/* 0, 1, 2 and the directory ls itself opens */
	assert_string_equal(item(&fs, "commands/fds.txt")->data.buf, "0\n1\n2\n3\n");
	assert_string_equal(item(&fs, "commands/stdin.txt")->data.buf, "/dev/null\n");
	assert_string_equal(item(&fs, "commands/argv.txt")->data.buf, "$HOME * ; a b\n");
	close(leak);
	unsetenv("DIAG_TEST_SECRET");
	unsetenv("DIAG_TEST_PASSED");
	fake_sink_release(&fs);
}

static int64_t fixed_clock(void *ctx)
{
	return 1709294400; /* 2024-03-01T12:00:00Z */
}

static void appends_window_args_only_with_a_window(void **state)
{
	static const char yaml[] =
		"collect:\n  - name: w\n    description: d\n    command: [echo, logs]\n"
		"    window_args: ['--since={since}', '@{since_epoch}', '{since_age}', '{until}', 'x{until_epoch}y']\n";
	struct collect_options o = COLLECT_OPTIONS_INIT;
	struct fake_sink fs;

	assert_int_equal(run(yaml, NULL, &fs, NULL), 0);
	assert_string_equal(item(&fs, "commands/w.txt")->data.buf, "logs\n");
	fake_sink_release(&fs);
	o.clock = fixed_clock;
	o.since = 1709294400 - 48 * 3600;
	assert_int_equal(run(yaml, &o, &fs, NULL), 0);
	assert_string_equal(item(&fs, "commands/w.txt")->data.buf,
			    "logs --since=2024-02-28T12:00:00Z @1709121600 172800s "
			    "2024-03-01T12:00:00Z x1709294400y\n");
	fake_sink_release(&fs);
}

static void a_sink_error_stops_the_command_and_the_run(void **state)
{
	struct fake_sink fs;
	struct collect_summary sum;
	struct spec *spec;
	struct collect_options o = COLLECT_OPTIONS_INIT;
	const char yaml[] = "collect:\n  - name: spew\n    description: d\n    command: [yes]\n"
			    "  - name: next\n    description: d\n    command: [echo, no]\n";
	double t0 = now_seconds();

	spec = spec_parse(yaml, sizeof(yaml) - 1, "t.yaml");
	assert_non_null(spec);
	fake_sink_init(&fs);
	fs.fail_writes_after = 3;
	assert_int_equal(collect_run(spec, &o, &fs.sink, &sum), -1);
	assert_null(fake_find(&fs, "commands/next.txt"));
	assert_true(now_seconds() - t0 < 2.0);
	fake_sink_release(&fs);
	spec_free(spec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(captures_stdout_stderr_and_the_exit_status),
		cmocka_unit_test(kills_a_hung_command_and_its_children_at_the_timeout),
		cmocka_unit_test(sigkills_a_command_that_ignores_sigterm),
		cmocka_unit_test(kills_what_a_command_leaves_behind),
		cmocka_unit_test(caps_output_and_drains_the_rest),
		cmocka_unit_test(records_missing_programs),
		cmocka_unit_test(reports_a_program_execve_refuses),
		cmocka_unit_test(runs_with_a_clean_environment_and_no_inherited_fds),
		cmocka_unit_test(appends_window_args_only_with_a_window),
		cmocka_unit_test(a_sink_error_stops_the_command_and_the_run),
	};

	setenv("TZ", "UTC", 1);
	setenv("DIAG_STATE_DIR", "/nonexistent/diag-test-state", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
