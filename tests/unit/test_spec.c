// SPDX-License-Identifier: MIT
/* test_spec.c - the YAML collection spec: samples, defaults, and every error's wording */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "diag/collectors.h"
#include "diag/fsutil.h"
#include "diag/spec.h"
#include "diag/strbuf.h"

/* Parse yaml expecting failure; return what was printed on stderr (static buffer). */
static const char *parse_error(const char *yaml)
{
	static char msg[2048];
	char path[] = "/tmp/diag-test-spec-XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	struct spec *spec;
	ssize_t n;

	assert_true(fd >= 0 && saved >= 0);
	fflush(stderr);
	dup2(fd, 2);
	spec = spec_parse(yaml, strlen(yaml), "x.yaml");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, msg, sizeof(msg) - 1, 0);
	close(fd);
	unlink(path);
	msg[n > 0 ? n : 0] = '\0';
	if (spec) {
		spec_free(spec);
		fail_msg("parsed, but should not have:\n%s", yaml);
	}
	return msg;
}

static void expect_error(const char *yaml, const char *want)
{
	const char *got = parse_error(yaml);

	if (!strstr(got, want))
		fail_msg("error for\n%s\nwas: %swanted: %s", yaml, got, want);
}

static void every_sample_parses(void **state)
{
	static const char *const samples[] = {
		"../../samples/linux-host.yaml",
		"../../samples/nginx-postgres.yaml",
		"../../samples/kubernetes.yaml",
	};

	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct spec *spec = spec_load(samples[i]);

		if (!spec)
			fail_msg("%s does not parse", samples[i]);
		assert_true(spec->nentries > 5);
		for (size_t j = 0; j < spec->nentries; j++) {
			assert_non_null(spec->entries[j].name);
			assert_non_null(spec->entries[j].description);
		}
		spec_free(spec);
	}
}

static void the_builtin_spec_is_the_linux_host_sample(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct spec *spec;

	assert_int_equal(fs_read_file("../../samples/linux-host.yaml", &sb, 1 << 20), 0);
	if (strcmp(sb.buf, spec_default_text))
		fail_msg("diag/default_spec.c is stale: run sh tests/tools/embed-default-spec.sh");
	spec = spec_default();
	assert_string_equal(spec->source, "built-in");
	assert_string_equal(spec->text, sb.buf);
	assert_int_equal(spec->settings.last, 7 * 86400);
	spec_free(spec);
	strbuf_release(&sb);
}

static void parses_every_key_of_every_kind(void **state)
{
	static const char yaml[] =
		"version: 1\n"
		"description: test spec\n"
		"settings:\n"
		"  max_file_size: 1M\n"
		"  max_total_size: 10M\n"
		"  max_output: 2K\n"
		"  timeout: 1500ms\n"
		"  grace: 1s\n"
		"  last: 2d\n"
		"  prefix: {file: f, command: c, system: s}\n"
		"collect:\n"
		"  - name: logs\n"
		"    description: the logs\n"
		"    file: [/var/log, \"/srv/*/log\"]\n"
		"    include: \"*.log\"\n"
		"    exclude: [\"*.gz\", /var/log/journal]\n"
		"    time_window: yes\n"
		"    max_depth: 3\n"
		"    max_file_size: 5M\n"
		"  - name: echo\n"
		"    description: echo things\n"
		"    command: [echo, hello world]\n"
		"    timeout: 2s\n"
		"    max_output: 1K\n"
		"    env: {A: b, EMPTY: \"\"}\n"
		"    pass_env: [HOME]\n"
		"    window_args: [--since, \"@{since_epoch}\"]\n"
		"    optional: true\n"
		"  - system: memory\n"
		"  - name: mem2\n"
		"    description: memory again\n"
		"    system: memory\n";
	struct spec *spec = spec_parse(yaml, sizeof(yaml) - 1, "t.yaml");
	const struct spec_entry *e;

	assert_non_null(spec);
	assert_string_equal(spec->description, "test spec");
	assert_int_equal(spec->settings.max_file_size, 1 << 20);
	assert_int_equal(spec->settings.max_total_size, 10 << 20);
	assert_int_equal(spec->settings.max_output, 2048);
	assert_int_equal(spec->settings.timeout_ms, 1500);
	assert_int_equal(spec->settings.grace_ms, 1000);
	assert_int_equal(spec->settings.last, 2 * 86400);
	assert_string_equal(spec->settings.prefix[SPEC_FILE], "f");
	assert_string_equal(spec->settings.prefix[SPEC_SYSTEM], "s");
	assert_int_equal(spec->nentries, 4);
	e = &spec->entries[0];
	assert_int_equal(e->kind, SPEC_FILE);
	assert_int_equal(e->line, 12);
	assert_int_equal(e->npaths, 2);
	assert_string_equal(e->paths[1], "/srv/*/log");
	assert_int_equal(e->ninclude, 1);
	assert_int_equal(e->nexclude, 2);
	assert_true(e->time_window);
	assert_int_equal(e->max_depth, 3);
	assert_int_equal(e->max_file_size, 5 << 20);
	e = &spec->entries[1];
	assert_int_equal(e->kind, SPEC_COMMAND);
	assert_int_equal(e->argc, 2);
	assert_string_equal(e->argv[1], "hello world");
	assert_null(e->argv[2]);
	assert_string_equal(e->env[0], "A=b");
	assert_string_equal(e->env[1], "EMPTY=");
	assert_string_equal(e->pass_env[0], "HOME");
	assert_string_equal(e->window_args[1], "@{since_epoch}");
	assert_int_equal(e->timeout_ms, 2000);
	assert_true(e->optional);
	e = &spec->entries[2];
	assert_string_equal(e->name, "memory");
	assert_string_equal(e->fact, "memory");
	assert_non_null(e->description);
	assert_string_equal(spec->entries[3].description, "memory again");
	spec_free(spec);
}

#define ENTRY "collect:\n  - name: x\n    description: d\n"

static void system_entries_take_a_description_in_any_key_order(void **state)
{
	static const char yaml[] =
		"collect:\n"
		"  - system: os\n    description: mine, after the fact\n"
		"  - description: mine, before it\n    system: cpu\n"
		"  - system: memory\n";
	struct spec *spec = spec_parse(yaml, sizeof(yaml) - 1, "x.yaml");

	/* the implied description is not made and then dropped: LeakSanitizer checks it */
	assert_non_null(spec);
	assert_string_equal(spec->entries[0].description, "mine, after the fact");
	assert_string_equal(spec->entries[1].description, "mine, before it");
	assert_string_equal(spec->entries[2].description, collector_system_fact("memory")->description);
	spec_free(spec);
}

static void errors_name_the_line_column_and_suggest_a_fix(void **state)
{
	expect_error(ENTRY "    command: [sleep, \"1\"]\n    tiemout: 5s\n",
		     "diag: 'x.yaml':5:5: unknown key 'tiemout' in command entry (did you mean 'timeout'?)");
	expect_error(ENTRY "    file: /etc\n    timeout: 5s\n",
		     "'x.yaml':5:5: key 'timeout' belongs in a command entry, not in a file entry");
	expect_error("collect:\n  - system: memroy\n",
		     "'x.yaml':2:13: unknown system fact 'memroy' (did you mean 'memory'?)");
	expect_error("setings:\n  timeout: 1s\ncollect: []\n",
		     "'x.yaml':1:1: unknown key 'setings' in the spec (did you mean 'settings'?)");
	expect_error("settings:\n  max_file_sise: 1M\n" ENTRY "    file: /x\n",
		     "'x.yaml':2:3: unknown key 'max_file_sise' in settings (did you mean 'max_file_size'?)");
	expect_error("collect:\n  - name: x\n    description: d\n    file: /a\n  - name: x\n"
		     "    description: e\n    file: /b\n",
		     "'x.yaml':5:5: entry name 'x' is already used on line 2");
}

static void rejects_malformed_entries(void **state)
{
	expect_error(ENTRY "    command: nginx -T\n", "'x.yaml':4:14: command must be a list (argv)");
	expect_error(ENTRY "    command: []\n", "command is an empty list");
	expect_error(ENTRY "    file: var/log\n", "file path 'var/log' must be absolute and normalised");
	expect_error(ENTRY "    file: /var/../etc\n", "must be absolute and normalised");
	expect_error(ENTRY "    file: /var/log/\n", "must be absolute and normalised");
	expect_error(ENTRY "    file: /a\n    command: [b]\n",
		     "'x.yaml':5:5: an entry has exactly one of 'file', 'command', 'system': "
		     "this one has 'file' and 'command'");
	expect_error(ENTRY, "'x.yaml':2:5: entry has none of 'file', 'command', 'system'");
	expect_error("collect:\n  - name: x\n    file: /a\n", "file entry 'x' has no 'description'");
	expect_error("collect:\n  - description: y\n    file: /a\n", "file entry has no 'name'");
	expect_error("collect:\n  - name: ../x\n    description: y\n    file: /a\n",
		     "name '../x' must be 1-64 letters");
	expect_error(ENTRY "    command: [a]\n    timeout: 5\n", "timeout: '5' is not a duration");
	expect_error(ENTRY "    command: [a]\n    timeout: 0s\n", "is not a duration");
	expect_error(ENTRY "    command: [a]\n    max_output: 12Q\n", "'12Q' is not a positive size");
	expect_error(ENTRY "    command: [a]\n    optional: maybe\n", "optional must be true or false");
	expect_error(ENTRY "    command: [a]\n    env: {1BAD: x}\n",
		     "'1BAD' is not a valid environment variable name");
	expect_error(ENTRY "    command: [a]\n    window_args: [\"--since={yesterday}\"]\n",
		     "unknown placeholder in '--since={yesterday}'");
	expect_error(ENTRY "    file: /a\n    max_depth: 99\n", "max_depth must be a number from 0 to 64");
	expect_error(ENTRY "    file: /a\n    file: /b\n", "duplicate key 'file' in a collect entry");
	expect_error(ENTRY "    file: [/a, [/b]]\n", "file must be a string");
}

static void rejects_malformed_documents(void **state)
{
	expect_error("", "'x.yaml': the spec is empty");
	expect_error("- a\n- b\n", "'x.yaml':1:1: the spec must be a mapping");
	expect_error("collect: [\n", "'x.yaml':2:1: invalid YAML");
	expect_error("version: 2\n" ENTRY "    file: /a\n", "unsupported spec version '2'");
	expect_error("collect: []\n", "'collect' is empty");
	expect_error("description: x\n", "the spec has no 'collect' list");
	expect_error(ENTRY "    file: /a\n---\ncollect: []\n", "a spec is one YAML document");
	expect_error("settings:\n  prefix: {file: same, command: same}\n" ENTRY "    file: /a\n",
		     "prefixes for file and command must differ");
	expect_error("settings:\n  prefix: {file: a/b}\n" ENTRY "    file: /a\n",
		     "prefix 'a/b' must be one path component");
	expect_error("collect: [&a {name: x, description: d, file: /a}, *a]\n",
		     "entry name 'x' is already used");
}

static void reports_the_first_duplicate_or_odd_key_even_in_huge_mappings(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	expect_error("settings: {b: 1, a: 2, b: 3, a: 4}\ncollect: []\n",
		     "'x.yaml':1:24: duplicate key 'b' in settings");
	expect_error("settings: {a: 1, [x]: 2, a: 3}\ncollect: []\n",
		     "'x.yaml':1:18: keys in settings must be strings");
	expect_error("settings: {a: 1, a: 2, [x]: 3}\ncollect: []\n",
		     "'x.yaml':1:18: duplicate key 'a' in settings");
	/* 50000 keys: comparing every pair took tens of seconds; the duplicate is the last key */
	strbuf_addstr(&sb, "settings: {");
	for (int i = 0; i < 50000; i++)
		strbuf_addf(&sb, "%x: 1,", i);
	strbuf_addstr(&sb, "5: 1}\ncollect: []\n");
	expect_error(sb.buf, "duplicate key '5' in settings");
	strbuf_release(&sb);
}

static void builds_a_spec_from_command_line_paths(void **state)
{
	const char *paths[] = { "/var/log/", "rel/../dir/./x", "/a \"quoted\" path" };
	char cwd[4096], *want;
	struct spec *spec = spec_from_paths(paths, 3, true);

	assert_non_null(spec);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(spec->nentries, 3);
	assert_string_equal(spec->entries[0].paths[0], "/var/log");
	assert_string_equal(spec->entries[0].name, "path-1");
	want = xasprintf("%s/dir/x", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(spec->entries[1].paths[0], want);
	assert_string_equal(spec->entries[1].description, "rel/../dir/./x");
	assert_string_equal(spec->entries[2].paths[0], "/a \"quoted\" path");
	assert_true(spec->entries[2].time_window);
	free(want);
	spec_free(spec);
}

static void parses_timeouts(void **state)
{
	int64_t ms;

	assert_int_equal(spec_parse_timeout("500ms", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(spec_parse_timeout("2m", &ms), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(spec_parse_timeout("0ms", &ms), -1);
	assert_int_equal(spec_parse_timeout("ms", &ms), -1);
	assert_int_equal(spec_parse_timeout("1.5s", &ms), -1);
	assert_int_equal(spec_parse_timeout("-5ms", &ms), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_sample_parses),
		cmocka_unit_test(the_builtin_spec_is_the_linux_host_sample),
		cmocka_unit_test(parses_every_key_of_every_kind),
		cmocka_unit_test(system_entries_take_a_description_in_any_key_order),
		cmocka_unit_test(errors_name_the_line_column_and_suggest_a_fix),
		cmocka_unit_test(rejects_malformed_entries),
		cmocka_unit_test(rejects_malformed_documents),
		cmocka_unit_test(reports_the_first_duplicate_or_odd_key_even_in_huge_mappings),
		cmocka_unit_test(builds_a_spec_from_command_line_paths),
		cmocka_unit_test(parses_timeouts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
