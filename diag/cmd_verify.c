// SPDX-License-Identifier: MIT
/*
 * cmd_verify.c - diag verify: check a bundle, with or without the key
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/bundle.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/util.h"

static int cmd_verify_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_read_options o = { 0 };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	char **id_files = NULL, size[32];
	const char *bundle = NULL;
	size_t nid = 0, id_alloc = 0;
	int c, ret = DIAG_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "-i:h", opts, NULL)) != -1) {
		switch (c) {
		case 1:
			if (bundle)
				goto usage;
			bundle = optarg;
			break;
		case 'i':
			ALLOC_GROW(id_files, nid + 1, id_alloc);
			id_files[nid++] = optarg;
			break;
		case 'h':
			free(id_files);
			return cmd_usage(&cmd_verify, 1);
		default:
			goto usage;
		}
	}
	if (optind < argc && !bundle)
		bundle = argv[optind++];
	if (!bundle || optind < argc)
		goto usage;
	ret = bundle_read_keyed(bundle, id_files, nid, &o, &res);
	if (ret)
		goto out;
	if (nid)
		printf("%s: OK: %llu files (%s) decrypted, every hash matches the manifest\n", res.name,
		       (unsigned long long)res.files_checked,
		       format_size(res.bytes_checked, size, sizeof(size)));
	else
		printf("%s: OK: structure, manifest and payload hash (%zu files listed; give -i to "
		       "decrypt and check each file against the manifest)\n", res.name,
		       res.manifest->nfiles);
	ret = DIAG_EXIT_OK;
out:
	bundle_read_result_release(&res);
	free(id_files);
	return ret;
usage:
	free(id_files);
	return cmd_usage(&cmd_verify, 0);
}

const struct diag_cmd cmd_verify = {
	.name = "verify",
	.fn = cmd_verify_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "check a bundle: its structure without a key, every file with one",
	.usage = "diag verify BUNDLE [-i IDENTITY]",
	.help =
		"  -i, --identity FILE   an age identity file; repeatable. With it, every\n"
		"                        chunk is decrypted and every file's hash checked\n"
		"\n"
		"Without a key: the tar structure, the manifest (exactly as diag wrote it),\n"
		"the age header and framing, and payload.age's SHA-256 against the manifest.\n"
		"With a key: also every chunk, the compressed stream, the files' names,\n"
		"types, sizes and hashes, and the manifest sealed inside the payload.\n",
};
