// SPDX-License-Identifier: MIT
/*
 * cmd_list.c - diag list: what a bundle holds, for a reviewer, without a key
 *
 * Reads only the bundle's first members (the manifest and its signature),
 * so it works on a pipe and does not need the payload at all. A review
 * stage (collect --stage) lists the same way: what sealing it now would
 * record, the reviewer's changes marked.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag/bundle.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/stage.h"
#include "diag/util.h"

static int list_stage(const char *dir, bool json)
{
	struct stage st = STAGE_INIT;
	struct manifest *p;
	struct strbuf sb = STRBUF_INIT;
	char *name;
	int ret = stage_open(&st, dir, NULL, STAGE_HASH);

	if (ret) {
		stage_release(&st);
		return ret;
	}
	p = stage_preview(&st, diag_now());
	if (json) {
		manifest_serialize(p, &sb, true);
		fwrite(sb.buf, 1, sb.len, stdout);
	} else {
		name = xasprintf("%s (a review stage, not sealed yet: 'diag seal' redacts changed and "
				 "added files again)", dir);
		bundle_print_listing(stdout, name, p, NULL);
		free(name);
	}
	strbuf_release(&sb);
	manifest_free(p);
	stage_release(&st);
	return 0;
}

static int list_bundle(const char *bundle, bool json)
{
	struct bundle_read_options o = { 0 };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	char id[MINISIGN_KEY_ID_HEX], *sig = NULL;
	int ret = 0;

	o.manifest_only = true;
	if (bundle_read_path(bundle, &o, &res) < 0) {
		ret = res.exit_code;
		goto out;
	}
	if (json) {
		fwrite(res.manifest_text.buf, 1, res.manifest_text.len, stdout);
		goto out;
	}
	if (res.has_sig)
		sig = xasprintf("by key %s (not checked here: 'diag verify --signer PUB' checks it)",
				minisign_key_id_hex(res.sig.key_id, id));
	bundle_print_listing(stdout, res.name, res.manifest, sig ? sig : "no");
out:
	free(sig);
	bundle_read_result_release(&res);
	return ret;
}

static int cmd_list_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL;
	struct stat st;
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
	if (strcmp(bundle, "-") && stat(bundle, &st) == 0 && S_ISDIR(st.st_mode))
		ret = list_stage(bundle, json);
	else
		ret = list_bundle(bundle, json);
	if (!ret && (fflush(stdout) || ferror(stdout))) {
		error_errno("cannot write the listing");
		ret = DIAG_EXIT_IO;
	}
	return ret;
}

const struct diag_cmd cmd_list = {
	.name = "list",
	.fn = cmd_list_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "show what a bundle or a review stage holds and what was redacted, without a key",
	.usage = "diag list BUNDLE [--json]",
	.help =
		"  BUNDLE       a bundle, any of its media parts (or their .sha256), '-' for\n"
		"               the standard input, or a review stage (collect --stage DIR)\n"
		"  -j, --json   print the manifest (manifest.json) as it is in the bundle; for\n"
		"               a stage, the manifest sealing it now would record\n"
		"\n"
		"Reads only the manifest and its signature, the bundle's first members: works\n"
		"on a pipe ('-') and needs no key. 'diag verify' checks the rest.\n",
};
