// SPDX-License-Identifier: MIT
/*
 * cmd_open.c - diag open: verify, decrypt, check every hash, extract; or,
 * with --salvage, recover what damaged media still hold
 *
 * The files appear in DIR only when everything checked out (bundle_read()
 * extracts into a new directory beside DIR and renames it at the end). A
 * salvage makes DIR appear with every file it could recover, and exits 1
 * when some were lost.
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

static int salvage(const char *bundle, char **id_files, size_t nid, struct bundle_read_options *o)
{
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct bundle_salvage_result sr;
	struct bundle_input in;
	int ret = bundle_load_identities(&ids, id_files, nid);

	if (ret) {
		age_identities_release(&ids);
		return ret;
	}
	ret = bundle_input_open(&in, bundle, BUNDLE_INPUT_LENIENT);
	if (!ret && !in.seekable) {
		error("'%s': salvage needs a file or media parts, not a pipe", in.name);
		ret = DIAG_EXIT_USAGE;
	}
	if (!ret) {
		o->name = in.name;
		o->ids = &ids;
		if (bundle_salvage(&in, o, &sr) < 0)
			ret = sr.exit_code ? sr.exit_code : DIAG_EXIT_CRYPTO;
		else if (sr.files_lost)
			ret = DIAG_EXIT_PARTIAL;
		o->ids = NULL;
		o->name = NULL;
	}
	bundle_input_close(&in);
	age_identities_release(&ids);
	return ret;
}

static int cmd_open_fn(int argc, char **argv)
{
	enum { OPT_SIGNER = 256, OPT_SALVAGE };
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "signer", required_argument, NULL, OPT_SIGNER },
		{ "salvage", no_argument, NULL, OPT_SALVAGE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_read_options o = { 0 };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct minisign_pubkey signer;
	char **id_files = NULL, size[32], id[MINISIGN_KEY_ID_HEX];
	const char *bundle = NULL, *dir = NULL, *signer_file = NULL;
	size_t nid = 0, id_alloc = 0;
	bool salvaging = false;
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
		case OPT_SIGNER:
			if (signer_file)
				goto usage;
			signer_file = optarg;
			break;
		case OPT_SALVAGE:
			salvaging = true;
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
	if (signer_file) {
		if ((ret = bundle_load_signer(&signer, signer_file)))
			goto out;
		o.signer = &signer;
		o.signer_name = signer_file;
	}
	o.extract_dir = dir;
	if (salvaging) {
		ret = salvage(bundle, id_files, nid, &o);
		goto out;
	}
	ret = bundle_read_keyed(bundle, id_files, nid, &o, &res);
	if (ret)
		goto out;
	note("opened '%s': %llu files, %s, every hash checked, into '%s'", res.name,
	     (unsigned long long)res.files_checked,
	     format_size(res.bytes_checked, size, sizeof(size)), dir);
	if (res.sig_verified)
		note("signed by key %s ('%s'): checked", minisign_key_id_hex(res.sig.key_id, id),
		     signer_file);
	else if (res.has_sig)
		note("signed by key %s, not checked: give --signer PUB to prove who made it",
		     minisign_key_id_hex(res.sig.key_id, id));
	else
		note("not signed: nothing proves who made it (only that it is whole)");
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
	.usage = "diag open BUNDLE -i IDENTITY -o DIR [--signer PUB] [--salvage]",
	.help =
		"  BUNDLE                a bundle, or any of its media parts or their .sha256\n"
		"  -i, --identity FILE   an age identity file (as age-keygen writes it); repeatable\n"
		"  -o, --output DIR      where to extract: a new or empty directory\n"
		"      --signer PUB      the bundle must be signed by this minisign public key\n"
		"      --salvage         damaged media: recover every file the damage did not\n"
		"                        touch, list the lost ones, exit 1 if any was lost\n"
		"\n"
		"Checks everything 'diag verify -i' checks, and writes the files (and\n"
		"manifest.json) into DIR only if all of it checks out. Hostile content\n"
		"(absolute or '..' paths, links, devices, duplicates, sizes or files the\n"
		"manifest does not declare) is refused.\n",
};
