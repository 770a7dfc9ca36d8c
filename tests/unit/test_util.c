// SPDX-License-Identifier: MIT
/* test_util.c - parsers and formatters in diag/util.c, strbuf */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/strbuf.h"
#include "diag/util.h"

static void parses_sizes_with_binary_units(void **state)
{
	uint64_t v;

	assert_int_equal(parse_size("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_size("650M", &v), 0);
	assert_int_equal(v, 650ULL << 20);
	assert_int_equal(parse_size("4G", &v), 0);
	assert_int_equal(v, 4ULL << 30);
	assert_int_equal(parse_size("512KiB", &v), 0);
	assert_int_equal(v, 512ULL << 10);
	assert_int_equal(parse_size("100b", &v), -1);
	assert_int_equal(parse_size("", &v), -1);
	assert_int_equal(parse_size("M", &v), -1);
	assert_int_equal(parse_size("12Q", &v), -1);
	assert_int_equal(parse_size("-1", &v), -1);
	assert_int_equal(parse_size("99999999999999999999", &v), -1);
	assert_int_equal(parse_size("17179869184T", &v), -1);
}

static void parses_durations(void **state)
{
	int64_t v;

	assert_int_equal(parse_duration("48h", &v), 0);
	assert_int_equal(v, 48 * 3600);
	assert_int_equal(parse_duration("1h30m", &v), 0);
	assert_int_equal(v, 5400);
	assert_int_equal(parse_duration("7d", &v), 0);
	assert_int_equal(v, 7 * 86400);
	assert_int_equal(parse_duration("90", &v), -1);
	assert_int_equal(parse_duration("", &v), -1);
	assert_int_equal(parse_duration("h", &v), -1);
	assert_int_equal(parse_duration("5y", &v), -1);
}

static void parses_rfc3339_with_offsets_and_fractions(void **state)
{
	int64_t v;

	assert_int_equal(parse_rfc3339("1970-01-01T00:00:00Z", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_rfc3339("2024-03-01T00:00:00Z", &v), 0);
	assert_int_equal(v, 1709251200);
	assert_int_equal(parse_rfc3339("2024-03-01T02:00:00.123+02:00", &v), 0);
	assert_int_equal(v, 1709251200);
	assert_int_equal(parse_rfc3339("2024-03-01", &v), 0);
	assert_int_equal(v, 1709251200);
	assert_int_equal(parse_rfc3339("2024-02-30T00:00:00Z", &v), -1);
	assert_int_equal(parse_rfc3339("2024-03-01T00:00:00", &v), -1);
	assert_int_equal(parse_rfc3339("2024-03-01T25:00:00Z", &v), -1);
	assert_int_equal(parse_rfc3339("2024-03-01T00:00:00Zjunk", &v), -1);
}

static void formats_rfc3339_and_sizes(void **state)
{
	char buf[64];

	assert_string_equal(format_rfc3339(1709251200, buf, sizeof(buf)), "2024-03-01T00:00:00Z");
	assert_string_equal(format_size(0, buf, sizeof(buf)), "0 B");
	assert_string_equal(format_size(1536, buf, sizeof(buf)), "1.5 KiB");
	assert_string_equal(format_size(5ULL << 30, buf, sizeof(buf)), "5.0 GiB");
}

static void hex_round_trips_and_rejects_bad_digits(void **state)
{
	unsigned char in[3] = { 0x00, 0xab, 0xff }, out[3];
	char hex[7];

	assert_string_equal(hex_encode(in, 3, hex), "00abff");
	assert_int_equal(hex_decode("00ABff", out, 3), 0);
	assert_memory_equal(in, out, 3);
	assert_int_equal(hex_decode("00abfg", out, 3), -1);
	assert_int_equal(hex_decode("00abff00", out, 3), -1);
}

static void strbuf_grows_and_stays_terminated(void **state)
{
	static char want[8192];
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;

	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++) {
		strbuf_addf(&sb, "%d,", i);
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%d,", i);
	}
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_string_equal(sb.buf, want); /* every growth (copy, wipe, free) kept it all */
	strbuf_remove(&sb, 0, 2);
	assert_true(!strncmp(sb.buf, "1,2,", 4));
	strbuf_release(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
}

/* In a child: descriptors 0-2 closed, then protected. Exit status 0 if all is as promised. */
static int protected_child(void)
{
	struct rlimit rl;
	int fd;

	close(0);
	close(1);
	close(2);
	diag_protect_process();
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		return 1;
	if (getrlimit(RLIMIT_CORE, &rl) < 0 || rl.rlim_cur != 0 || rl.rlim_max != 0)
		return 2;
	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return 3;
	fd = open("/dev/null", O_RDONLY);
	return fd > 2 ? 0 : 4;
}

static void protects_against_core_dumps_and_closed_std_fds(void **state)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(protected_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_sizes_with_binary_units),
		cmocka_unit_test(parses_durations),
		cmocka_unit_test(parses_rfc3339_with_offsets_and_fractions),
		cmocka_unit_test(formats_rfc3339_and_sizes),
		cmocka_unit_test(hex_round_trips_and_rejects_bad_digits),
		cmocka_unit_test(strbuf_grows_and_stays_terminated),
		cmocka_unit_test(protects_against_core_dumps_and_closed_std_fds),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
