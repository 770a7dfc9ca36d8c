// SPDX-License-Identifier: MIT
/*
 * cmd_open.c - diag open: verify, decrypt, check every hash, extract
 *
 * The files appear in DIR only when everything checked out (bundle_read()
 * extracts into a new directory beside DIR and renames it at the end).
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

static int cmd_open_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_read_options o = { 0 };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	char **id_files = NULL, size[32];
	const char *bundle = NULL, *dir = NULL;
	size_t nid = 0, id_alloc = 0;
	int c, ret = DIAG_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "-i:o:h", opts, NULL)) != -1) {
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
		case 'o':
			if (dir)
				goto usage;
			dir = optarg;
			break;
		case 'h':
			free(id_files);
			return cmd_usage(&cmd_open, 1);
		default:
			goto usage;
		}
	}
	if (optind < argc && !bundle)
		bundle = argv[optind++];
	if (!bundle || optind < argc || !nid || !dir || !*dir)
		goto usage;
	o.extract_dir = dir;
	ret = bundle_read_keyed(bundle, id_files, nid, &o, &res);
	if (ret)
		goto out;
	note("opened '%s': %llu files, %s, every hash checked, into '%s'", res.name,
	     (unsigned long long)res.files_checked,
	     format_size(res.bytes_checked, size, sizeof(size)), dir);
	if (res.manifest->nfailures)
		note("the manifest lists %zu failed collectors or files: see 'diag list'",
		     res.manifest->nfailures);
	ret = DIAG_EXIT_OK;
out:
	bundle_read_result_release(&res);
	free(id_files);
	return ret;
usage:
	free(id_files);
	return cmd_usage(&cmd_open, 0);
}

const struct diag_cmd cmd_open = {
	.name = "open",
	.fn = cmd_open_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "verify, decrypt and extract a bundle (needs the vendor's key)",
	.usage = "diag open BUNDLE -i IDENTITY -o DIR",
	.help =
		"  -i, --identity FILE   an age identity file (as age-keygen writes it); repeatable\n"
		"  -o, --output DIR      where to extract: a new or empty directory\n"
		"\n"
		"Checks everything 'diag verify -i' checks, and writes the files (and\n"
		"manifest.json) into DIR only if all of it checks out. Hostile content\n"
		"(absolute or '..' paths, links, devices, duplicates, sizes or files the\n"
		"manifest does not declare) is refused.\n",
};
