// SPDX-License-Identifier: MIT
/*
 * cmd_list.c - diag list: what a bundle holds, for a reviewer, without a key
 *
 * Reads only the bundle's first member (the manifest), so it works on a pipe
 * and does not need the payload at all.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/bundle.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"

static int cmd_list_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_read_options o = { 0 };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	const char *bundle = NULL;
	bool json = false;
	int c, ret;

	/* "-": operands come back in order as option 1, so options may follow them */
	while ((c = getopt_long(argc, argv, "-jh", opts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (bundle)
				return cmd_usage(&cmd_list, 0);
			bundle = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cmd_usage(&cmd_list, 1);
		default:
			return cmd_usage(&cmd_list, 0);
		}
	}
	if (optind < argc && !bundle)
		bundle = argv[optind++];
	if (!bundle || optind < argc)
		return cmd_usage(&cmd_list, 0);
	o.manifest_only = true;
	if (bundle_read_path(bundle, &o, &res) < 0) {
		ret = res.exit_code;
		goto out;
	}
	if (json)
		fwrite(res.manifest_text.buf, 1, res.manifest_text.len, stdout);
	else
		bundle_print_listing(stdout, res.name, res.manifest);
	ret = fflush(stdout) || ferror(stdout) ? error_errno("cannot write the listing"),
		DIAG_EXIT_IO : DIAG_EXIT_OK;
out:
	bundle_read_result_release(&res);
	return ret;
}

const struct diag_cmd cmd_list = {
	.name = "list",
	.fn = cmd_list_fn,
	.flags = 0,
	.summary = "show what a bundle holds and what was redacted, without a key",
	.usage = "diag list BUNDLE [--json]",
	.help =
		"  -j, --json   print the manifest (manifest.json) as it is in the bundle\n"
		"\n"
		"Reads only the manifest, the bundle's first member: works on a pipe ('-')\n"
		"and needs no key. 'diag verify' checks the rest.\n",
};
