// SPDX-License-Identifier: MIT
/* test_logtime.c - timestamp recognisers and the --since/--last content filter */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "diag/logtime.h"
#include "diag/strbuf.h"
#include "diag/util.h"

static int64_t ts(const char *rfc3339)
{
	int64_t v;

	assert_int_equal(parse_rfc3339(rfc3339, &v), 0);
	return v;
}

static void expect_time(const char *line, int64_t ref, const char *want, const char *fmt)
{
	int64_t got = 0;
	const char *format = NULL;

	if (logtime_parse_line(line, strlen(line), ref, &got, &format) != 1)
		fail_msg("not recognised: %s", line);
	assert_string_equal(format, fmt);
	if (got != ts(want))
		fail_msg("%s: got %lld, want %s (%lld)", line, (long long)got, want, (long long)ts(want));
}

static void recognises_iso_and_rfc3339_variants(void **state)
{
	int64_t ref = ts("2024-06-01T00:00:00Z");

	expect_time("2024-03-01T12:00:00Z hello", ref, "2024-03-01T12:00:00Z", "iso8601");
	expect_time("2024-03-01T14:00:00.123456+02:00 host app: x", ref, "2024-03-01T12:00:00Z",
		    "iso8601");
	expect_time("2024-03-01T12:00:00+0000 host systemd[1]: short-iso", ref,
		    "2024-03-01T12:00:00Z", "iso8601");
	/* Python logging, log4j: no zone, local time (TZ=UTC in these tests) */
	expect_time("2024-03-01 12:00:00,123 - root - ERROR - boom", ref, "2024-03-01T12:00:00Z",
		    "iso8601");
	expect_time("[2024-03-01 12:00:00,123] ERROR [main] c.e.App", ref, "2024-03-01T12:00:00Z",
		    "iso8601");
	/* Go log, nginx error log */
	expect_time("2024/03/01 12:00:00 [error] 12#12: *1 connect() failed", ref,
		    "2024-03-01T12:00:00Z", "iso8601");
	/* PostgreSQL */
	expect_time("2024-03-01 12:00:00.123 UTC [1234] LOG:  checkpoint", ref,
		    "2024-03-01T12:00:00Z", "iso8601");
}

static void recognises_syslog_formats_and_infers_the_year(void **state)
{
	int64_t ref = ts("2024-06-01T00:00:00Z");

	expect_time("Mar  1 12:00:00 host sshd[1]: Accepted", ref, "2024-03-01T12:00:00Z", "syslog");
	expect_time("<34>Mar 11 12:00:00 host su: x", ref, "2024-03-11T12:00:00Z", "syslog");
	expect_time("<165>1 2024-03-01T12:00:00.003Z host app - ID47 - msg", ref,
		    "2024-03-01T12:00:00Z", "iso8601");
	/* a file written on 2 January: December lines are from the previous year */
	ref = ts("2024-01-02T10:00:00Z");
	expect_time("Dec 31 23:59:59 host kernel: late", ref, "2023-12-31T23:59:59Z", "syslog");
	expect_time("Jan  2 09:00:00 host kernel: early", ref, "2024-01-02T09:00:00Z", "syslog");
	/* 29 February in a file from a leap year, and one from the year after */
	expect_time("Feb 29 12:00:00 host x: leap", ts("2024-03-01T00:00:00Z"), "2024-02-29T12:00:00Z",
		    "syslog");
	expect_time("Feb 29 12:00:00 host x: leap", ts("2025-01-01T00:00:00Z"), "2024-02-29T12:00:00Z",
		    "syslog");
}

static void recognises_access_logs_json_and_application_formats(void **state)
{
	int64_t ref = ts("2024-06-01T00:00:00Z");

	expect_time("192.0.2.1 - - [10/Oct/2023:13:55:36 -0700] \"GET / HTTP/1.1\" 200 2326", ref,
		    "2023-10-10T20:55:36Z", "access-log");
	expect_time("[Fri Mar 01 12:00:00.123456 2024] [core:error] [pid 1] AH00037", ref,
		    "2024-03-01T12:00:00Z", "ctime");
	expect_time("{\"level\":\"info\",\"ts\":1709294400.123,\"msg\":\"zap\"}", ref,
		    "2024-03-01T12:00:00Z", "json");
	expect_time("{\"time\": \"2024-03-01T12:00:00Z\", \"msg\": \"x\"}", ref,
		    "2024-03-01T12:00:00Z", "json");
	expect_time("{\"@timestamp\":\"2024-03-01T13:00:00+01:00\"}", ref, "2024-03-01T12:00:00Z",
		    "json");
	expect_time("{\"timestamp\":1709294400000}", ref, "2024-03-01T12:00:00Z", "json");
	expect_time("{\"ts\":1709294400000000000}", ref, "2024-03-01T12:00:00Z", "json");
	/* 19 digits beyond INT64_MAX: read without overflowing (UBSan checks it) */
	expect_time("{\"ts\":9999999999999999999}", ref, "2286-11-20T17:46:39Z", "json");
	expect_time("Mar 01, 2024 12:00:00 PM org.apache.catalina.startup.Catalina start", ref,
		    "2024-03-01T12:00:00Z", "java");
	expect_time("Mar 01, 2024 12:30:00 AM org.x.Y run", ref, "2024-03-01T00:30:00Z", "java");
	expect_time("01-Mar-2024 12:00:00.123 INFO [main] org.apache.catalina", ref,
		    "2024-03-01T12:00:00Z", "tomcat");
	expect_time("I0301 12:00:00.123456       1 controller.go:42] synced", ref,
		    "2024-03-01T12:00:00Z", "klog");
	expect_time("time=\"2024-03-01T12:00:00Z\" level=info msg=logrus", ref,
		    "2024-03-01T12:00:00Z", "logfmt");
	expect_time("level=info ts=2024-03-01T12:00:00.1Z caller=main.go:1", ref,
		    "2024-03-01T12:00:00Z", "logfmt");
}

static void rejects_lines_without_a_timestamp(void **state)
{
	static const char *const lines[] = {
		"\tat com.example.App.run(App.java:10)",
		"java.lang.IllegalStateException: 2024-03-01 is not a date here",
		"# generated on 2024-03-01 12:00:00",
		"",
		"2024-13-01 12:00:00 month 13",
		"2024-03-01 25:00:00 hour 25",
		"Foo  1 12:00:00 not a month",
		"{\"msg\": \"no time field\"}",
		"{\"ts\": 12}",
		"1709294400 bare epoch at the start",
		"[12345.678901] dmesg uptime is not wall time",
	};
	int64_t v;
	const char *fmt;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		if (logtime_parse_line(lines[i], strlen(lines[i]), 0, &v, &fmt))
			fail_msg("recognised: %s (as %s)", lines[i], fmt);
	/* a NUL byte is not a klog severity letter */
	assert_int_equal(logtime_parse_line("\0" "0301 12:00:00.123456 x", 23, 0, &v, &fmt), 0);
}

static int emit_to(void *ctx, const void *buf, size_t len)
{
	strbuf_add(ctx, buf, len);
	return 0;
}

/* Run the filter over text in chunks of step bytes (0: all at once). */
static void run_filter(const char *text, int64_t since, int64_t until, int64_t ref, size_t step,
		       struct strbuf *out, struct logtime_stats *st)
{
	struct logtime_filter *f = logtime_filter_new(since, until, ref, emit_to, out);
	size_t len = strlen(text);

	strbuf_reset(out);
	for (size_t off = 0; off < len;) {
		size_t n = step ? MIN(step, len - off) : len;

		assert_int_equal(logtime_filter_write(f, text + off, n), 0);
		off += n;
	}
	assert_int_equal(logtime_filter_finish(f), 0);
	logtime_filter_stats(f, st);
	logtime_filter_free(f);
}

static const char java_log[] =
	"2024-02-28 08:00:00,123 ERROR [main] App - old failure\n"
	"java.lang.IllegalStateException: old\n"
	"\tat com.example.App.run(App.java:10)\n"
	"2024-03-01 09:30:00,456 ERROR [main] App - new failure\n"
	"java.lang.IllegalStateException: new\n"
	"\tat com.example.App.run(App.java:12)\n"
	"2024-03-01 09:31:00,000 INFO [main] App - recovered";

static void keeps_continuation_lines_with_their_entry(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct logtime_stats st;
	static const size_t steps[] = { 0, 1, 3, 7, 64 };

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		run_filter(java_log, ts("2024-03-01T00:00:00Z"), 0, 0, steps[i], &out, &st);
		assert_string_equal(out.buf,
				    "2024-03-01 09:30:00,456 ERROR [main] App - new failure\n"
				    "java.lang.IllegalStateException: new\n"
				    "\tat com.example.App.run(App.java:12)\n"
				    "2024-03-01 09:31:00,000 INFO [main] App - recovered");
		assert_int_equal(st.entries, 3);
		assert_int_equal(st.entries_kept, 2);
		assert_int_equal(st.lines, 7);
		assert_int_equal(st.lines_kept, 4);
		assert_false(st.unrecognised);
		assert_string_equal(st.format, "iso8601");
	}
	strbuf_release(&out);
}

static void applies_the_upper_bound_too(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct logtime_stats st;

	run_filter(java_log, 0, ts("2024-03-01T09:30:30Z"), 0, 0, &out, &st);
	assert_string_equal(out.buf,
			    "2024-02-28 08:00:00,123 ERROR [main] App - old failure\n"
			    "java.lang.IllegalStateException: old\n"
			    "\tat com.example.App.run(App.java:10)\n"
			    "2024-03-01 09:30:00,456 ERROR [main] App - new failure\n"
			    "java.lang.IllegalStateException: new\n"
			    "\tat com.example.App.run(App.java:12)\n");
	strbuf_release(&out);
}

static void keeps_files_without_timestamps_whole(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct logtime_stats st;
	const char *text = "no timestamps here\njust text\nnot even at the end";

	run_filter(text, ts("2024-03-01T00:00:00Z"), 0, 0, 5, &out, &st);
	assert_string_equal(out.buf, text);
	assert_true(st.unrecognised);
	strbuf_release(&out);
}

static void lines_before_the_first_entry_follow_it(void **state)
{
	struct strbuf out = STRBUF_INIT;
	struct logtime_stats st;

	/* a file that starts mid stack trace (cut by rotation) */
	run_filter("\tat a.b(C.java:1)\n2024-02-01T00:00:00Z old\n2024-03-02T00:00:00Z new\n",
		   ts("2024-03-01T00:00:00Z"), 0, 0, 0, &out, &st);
	assert_string_equal(out.buf, "2024-03-02T00:00:00Z new\n");
	run_filter("\tat a.b(C.java:1)\n2024-03-02T00:00:00Z new\n", ts("2024-03-01T00:00:00Z"), 0, 0,
		   0, &out, &st);
	assert_string_equal(out.buf, "\tat a.b(C.java:1)\n2024-03-02T00:00:00Z new\n");
	strbuf_release(&out);
}

static void handles_lines_longer_than_its_buffer(void **state)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT, want = STRBUF_INIT;
	struct logtime_stats st;

	strbuf_addstr(&in, "2024-02-01T00:00:00Z old ");
	for (int i = 0; i < 3 * LOGTIME_HEAD_BYTES; i++)
		strbuf_addch(&in, 'a');
	strbuf_addstr(&in, "\n2024-03-02T00:00:00Z new ");
	strbuf_addstr(&want, "2024-03-02T00:00:00Z new ");
	for (int i = 0; i < 3 * LOGTIME_HEAD_BYTES; i++) {
		strbuf_addch(&in, 'b');
		strbuf_addch(&want, 'b');
	}
	strbuf_addstr(&in, "\n");
	strbuf_addstr(&want, "\n");
	run_filter(in.buf, ts("2024-03-01T00:00:00Z"), 0, 0, 1000, &out, &st);
	assert_string_equal(out.buf, want.buf);
	strbuf_release(&in);
	strbuf_release(&out);
	strbuf_release(&want);
}

static void gives_up_on_a_long_beginning_without_timestamps(void **state)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct logtime_stats st;

	while (in.len <= LOGTIME_PROBE_BYTES)
		strbuf_addstr(&in, "header line without any time in it\n");
	strbuf_addstr(&in, "2020-01-01T00:00:00Z far too late to matter\n");
	run_filter(in.buf, ts("2024-03-01T00:00:00Z"), 0, 0, 4096, &out, &st);
	assert_true(st.unrecognised);
	assert_int_equal(out.len, in.len);
	strbuf_release(&in);
	strbuf_release(&out);
}

static int fail_emit(void *ctx, const void *buf, size_t len)
{
	return -1;
}

static void reports_an_emit_failure(void **state)
{
	struct logtime_filter *f = logtime_filter_new(0, 0, 0, fail_emit, NULL);

	assert_int_equal(logtime_filter_write(f, "2024-03-01T00:00:00Z x\n", 23), -1);
	assert_int_equal(logtime_filter_write(f, "more\n", 5), -1);
	logtime_filter_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recognises_iso_and_rfc3339_variants),
		cmocka_unit_test(recognises_syslog_formats_and_infers_the_year),
		cmocka_unit_test(recognises_access_logs_json_and_application_formats),
		cmocka_unit_test(rejects_lines_without_a_timestamp),
		cmocka_unit_test(keeps_continuation_lines_with_their_entry),
		cmocka_unit_test(applies_the_upper_bound_too),
		cmocka_unit_test(keeps_files_without_timestamps_whole),
		cmocka_unit_test(lines_before_the_first_entry_follow_it),
		cmocka_unit_test(handles_lines_longer_than_its_buffer),
		cmocka_unit_test(gives_up_on_a_long_beginning_without_timestamps),
		cmocka_unit_test(reports_an_emit_failure),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
