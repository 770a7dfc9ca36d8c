// SPDX-License-Identifier: MIT
/*
 * test_export.c - whom bundles are sealed to: options, the recipients built
 * in, the configuration file; and the options collect and seal share
 *
 * export.c is compiled here with recipients built in (as a vendor's
 * `make VENDOR_RECIPIENTS=...` would), which `make test`'s own build has not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#define BUILTIN "age10zg2us4m05mwf2a6rsdufu033m8tvvcldrgsz0xf43pfgymcfp8q076ztf"
#define OTHER "age1wcckx3g30tf09j0svtg9qaa2e66q8l4wsmyczp4jq0de80rnndssfkxwnl"
#define THIRD "age1rseagf303y80l8u2tmq732yjt2pfzfgxzzcuel4223vsetdne38qml20h8"
#undef DIAG_VENDOR_RECIPIENTS
#define DIAG_VENDOR_RECIPIENTS BUILTIN
#include "../../diag/export.c" /* sic: with recipients built in */
#include "testlib.h"

static int setup(void **state)
{
	snprintf(test_dir, sizeof(test_dir), "/tmp/diag-test-export.XXXXXX");
	if (sodium_init() < 0 || !mkdtemp(test_dir))
		return -1;
	snprintf(capture_file, sizeof(capture_file), "%s/capture", test_dir);
	setenv("DIAG_STATE_DIR", T("state"), 1);
	(void)sh;
	return 0;
}

static int teardown(void **state)
{
	return fs_remove_tree(test_dir);
}

static void write_config(const char *text, mode_t mode)
{
	int fd;

	mkdir(T("conf"), 0700);
	unlink(T("conf/recipients"));
	fd = open(T("conf/recipients"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, text, strlen(text)), 0);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
	setenv("DIAG_CONFIG", T("conf"), 1);
}

/* Resolve the recipients for o into m; the exit code. */
static int resolve(const struct export_opts *o, struct manifest *m)
{
	struct export x = EXPORT_INIT;
	int ret = load_recipients(&x, o, m);

	if (!ret)
		assert_int_equal(x.rcpts.nr, m->nrecipients);
	export_release(&x);
	return ret;
}

static void defaults_are_the_built_in_recipients_then_the_configuration_file(void **state)
{
	struct export_opts o = { 0 };
	struct manifest *m = manifest_new();

	/* the file repeats the built-in one: said once, sealed to once */
	write_config("# vendor\n" OTHER "\n\n" BUILTIN "\n" THIRD "\n", 0644);
	capture_start();
	assert_int_equal(resolve(&o, m), 0);
	capture_expect("sealing to " OTHER " (from '");
	assert_int_equal(m->nrecipients, 3);
	assert_string_equal(m->recipients[0], BUILTIN);
	assert_string_equal(m->recipients[1], OTHER);
	assert_string_equal(m->recipients[2], THIRD);
	manifest_free(m);

	/* without a file, the built-in ones alone */
	setenv("DIAG_CONFIG", T("nowhere"), 1);
	m = manifest_new();
	capture_start();
	assert_int_equal(resolve(&o, m), 0);
	capture_expect("sealing to " BUILTIN " (built in)");
	assert_int_equal(m->nrecipients, 1);
	manifest_free(m);
}

static void recipients_given_replace_the_defaults(void **state)
{
	struct export_opts o = { 0 };
	struct manifest *m = manifest_new();

	write_config(THIRD "\n", 0600);
	assert_int_equal(export_opt(&o, 'r', OTHER), 1);
	capture_start();
	assert_int_equal(resolve(&o, m), 0);
	capture_expect("sealing to " OTHER "\n");
	assert_int_equal(m->nrecipients, 1);
	assert_string_equal(m->recipients[0], OTHER);
	manifest_free(m);
	export_opts_release(&o);
}

static void a_configuration_file_others_may_change_is_refused(void **state)
{
	struct export_opts o = { 0 };
	struct manifest *m = manifest_new();

	write_config(OTHER "\n", 0620);
	capture_start();
	assert_int_equal(resolve(&o, m), DIAG_EXIT_INPUT);
	capture_expect("other users can change it (mode 0620)");
	write_config(OTHER "\n", 0602);
	capture_start();
	assert_int_equal(resolve(&o, m), DIAG_EXIT_INPUT);
	capture_expect("other users can change it (mode 0602)");
	/* a directory where the file should be */
	unlink(T("conf/recipients"));
	assert_int_equal(mkdir(T("conf/recipients"), 0700), 0);
	capture_start();
	assert_int_equal(resolve(&o, m), DIAG_EXIT_INPUT);
	capture_expect("is not a regular file");
	rmdir(T("conf/recipients"));
	if (geteuid() == 0) {
		write_config(OTHER "\n", 0644);
		assert_int_equal(chown(T("conf/recipients"), 65534, 65534), 0);
		capture_start();
		assert_int_equal(resolve(&o, m), DIAG_EXIT_INPUT);
		capture_expect("belongs to another user (uid 65534)");
	}
	/* the built-in one came first; the run stops all the same */
	assert_int_equal(m->nrecipients, 1);
	manifest_free(m);
}

static void a_configuration_file_with_a_bad_line_names_it(void **state)
{
	struct export_opts o = { 0 };
	struct manifest *m = manifest_new();

	write_config(OTHER "\n# fine\n\nage1nope\n", 0644);
	capture_start();
	assert_int_equal(resolve(&o, m), DIAG_EXIT_INPUT);
	capture_expect("conf/recipients:4:");
	write_config("# nothing but comments\n", 0644);
	capture_start();
	assert_int_equal(resolve(&o, m), DIAG_EXIT_INPUT);
	capture_expect("conf/recipients");
	manifest_free(m);
}

static void options_shared_by_collect_and_seal_are_checked(void **state)
{
	struct export_opts o = { 0 };

	assert_int_equal(export_opt(&o, 'x', "y"), 0);
	assert_false(export_opts_given(&o));
	assert_int_equal(export_opt(&o, EXPORT_OPT_SIGN, "k.key"), 1);
	capture_start();
	assert_int_equal(export_opt(&o, EXPORT_OPT_SIGN, "k.key"), DIAG_EXIT_USAGE);
	capture_expect("option '--sign' given twice");
	assert_int_equal(export_opt(&o, EXPORT_OPT_SPLIT, "650M"), 1);
	assert_int_equal(o.split, 650ull << 20);
	capture_start();
	assert_int_equal(export_opt(&o, EXPORT_OPT_SPLIT, "1M"), DIAG_EXIT_USAGE);
	capture_expect("'--split' given twice");
	o.split = 0;
	capture_start();
	assert_int_equal(export_opt(&o, EXPORT_OPT_SPLIT, "0"), DIAG_EXIT_USAGE);
	capture_expect("invalid part size '0'");
	capture_start();
	assert_int_equal(export_opt(&o, EXPORT_OPT_LEVEL, "10"), DIAG_EXIT_USAGE);
	capture_expect("invalid compression level");
	assert_int_equal(export_opt(&o, EXPORT_OPT_LEVEL, "9"), 1);
	assert_true(export_opts_given(&o));
	export_opts_release(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_the_built_in_recipients_then_the_configuration_file),
		cmocka_unit_test(recipients_given_replace_the_defaults),
		cmocka_unit_test(a_configuration_file_others_may_change_is_refused),
		cmocka_unit_test(a_configuration_file_with_a_bad_line_names_it),
		cmocka_unit_test(options_shared_by_collect_and_seal_are_checked),
	};

	return cmocka_run_group_tests_name("export", tests, setup, teardown);
}
