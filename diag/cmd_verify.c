// SPDX-License-Identifier: MIT
/*
 * cmd_verify.c - diag verify: check a bundle, with or without the key, and
 * who signed it
 *
 * On damaged media it says where the damage is: which media part (from the
 * parts' .sha256), and with a key which age chunks, where they lie and
 * which files they hold, and what `diag open --salvage` can still recover.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/bundle.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/split.h"
#include "diag/util.h"

/* After a failure with a key: every damaged chunk, and what salvage would recover. */
static void damage_report(struct bundle_input *in, struct bundle_read_options *o)
{
	struct bundle_salvage_result sr;

	if (bundle_salvage(in, o, &sr) < 0 || !sr.chunks_damaged)
		return;
	error("'%s': %llu of %llu payload chunks are damaged; 'diag open --salvage' recovers %llu "
	      "of %llu files", o->name, (unsigned long long)sr.chunks_damaged,
	      (unsigned long long)sr.chunks, (unsigned long long)sr.files_recovered,
	      (unsigned long long)(sr.files_recovered + sr.files_lost));
}

/* What the signature says, once everything checked out. */
static void print_signature(const char *name, const struct bundle_read_result *res)
{
	char id[MINISIGN_KEY_ID_HEX], when[32];
	int64_t t = res->has_sig ? bundle_sig_timestamp(res->sig.trusted_comment) : 0;

	if (!res->has_sig)
		printf("%s: not signed: nothing proves who made it\n", name);
	else if (!res->sig_verified)
		printf("%s: signed by key %s, not checked (give --signer PUB)\n", name,
		       minisign_key_id_hex(res->sig.key_id, id));
	else
		printf("%s: signature OK: manifest.json signed by key %s%s%s\n", name,
		       minisign_key_id_hex(res->sig.key_id, id), t ? " at " : "",
		       t ? format_rfc3339(t, when, sizeof(when)) : "");
}

static int cmd_verify_fn(int argc, char **argv)
{
	enum { OPT_SIGNER = 256 };
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "signer", required_argument, NULL, OPT_SIGNER },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct bundle_read_options o = { 0 };
	struct bundle_read_result res = BUNDLE_READ_RESULT_INIT;
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct minisign_pubkey signer;
	struct bundle_input in = { .fd = -1 };
	char **id_files = NULL, size[32];
	const char *bundle = NULL, *signer_file = NULL;
	size_t nid = 0, id_alloc = 0;
	int c, damaged_parts = 0, ret = DIAG_EXIT_USAGE;

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
		case OPT_SIGNER:
			if (signer_file)
				goto usage;
			signer_file = optarg;
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
	if (signer_file && (ret = bundle_load_signer(&signer, signer_file)))
		goto out;
	if ((ret = bundle_load_identities(&ids, id_files, nid)))
		goto out;
	if ((ret = bundle_input_open(&in, bundle, 0)))
		goto out;
	/* Media parts first: the .sha256 names a damaged part without any key. */
	if (in.split && in.split->sums_path && (damaged_parts = split_verify(in.split)) < 0)
		damaged_parts = 0;
	o.name = in.name;
	o.ids = nid ? &ids : NULL;
	o.signer = signer_file ? &signer : NULL;
	o.signer_name = signer_file;
	o.input = &in;
	if (bundle_read(&in.src, &o, &res) < 0) {
		ret = res.exit_code;
		if (o.ids && in.seekable && res.manifest && ret == DIAG_EXIT_CRYPTO &&
		    (!o.signer || res.sig_verified))
			damage_report(&in, &o);
		goto out;
	}
	if (damaged_parts) {
		/* the bundle checked out, but its .sha256 does not: say so */
		error("'%s': the bundle checks out, but %d media parts do not match '%s'", in.name,
		      damaged_parts, in.split->sums_path);
		ret = DIAG_EXIT_CRYPTO;
		goto out;
	}
	print_signature(in.name, &res);
	if (in.split)
		printf("%s: %zu media parts%s\n", in.name, in.split->nr,
		       in.split->sums_path ? ", each matching its SHA-256" : " (no .sha256 to check)");
	if (nid)
		printf("%s: OK: %llu files (%s) decrypted, every hash matches the manifest\n", in.name,
		       (unsigned long long)res.files_checked,
		       format_size(res.bytes_checked, size, sizeof(size)));
	else
		printf("%s: OK: structure, manifest and payload hash (%zu files listed; give -i to "
		       "decrypt and check each file against the manifest)\n", in.name,
		       res.manifest->nfiles);
	ret = DIAG_EXIT_OK;
out:
	bundle_input_close(&in);
	bundle_read_result_release(&res);
	age_identities_release(&ids);
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
	.summary = "check a bundle: its structure without a key, every file with one, its signer",
	.usage = "diag verify BUNDLE [-i IDENTITY] [--signer PUB]",
	.help =
		"  BUNDLE                a bundle, or any of its media parts or their .sha256\n"
		"  -i, --identity FILE   an age identity file; repeatable. With it, every\n"
		"                        chunk is decrypted and every file's hash checked\n"
		"      --signer PUB      the bundle must be signed by this minisign public key\n"
		"                        (a .pub file, or the key line itself)\n"
		"\n"
		"Without a key: the tar structure, the manifest (exactly as diag wrote it),\n"
		"its signature, the age header and framing, and payload.age's SHA-256\n"
		"against the manifest; media parts against their .sha256. With a key: also\n"
		"every chunk, the compressed stream, the files' names, types, sizes and\n"
		"hashes, and the manifest sealed inside the payload. On damaged media it\n"
		"names the damaged parts, chunks and files.\n",
};
