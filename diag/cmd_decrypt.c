// SPDX-License-Identifier: MIT
/* cmd_decrypt.c - diag decrypt: decrypt an age file, like age -d */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/age_cli.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"

static int feed(void *d, const void *buf, size_t len, struct age_err *err)
{
	return age_decryptor_update(d, buf, len, err);
}

static bool is_stdin(const char *path)
{
	return path && !strcmp(path, "-");
}

static int cmd_decrypt_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_passphrase_source pass;
	struct age_decryptor *d = NULL;
	struct age_output out;
	struct age_err err;
	const char **id_files = NULL, *pass_file = NULL, *out_path = NULL, *in = NULL;
	size_t nid = 0, id_alloc = 0;
	int c, fd = -1, ret = DIAG_EXIT_USAGE;
	bool stdin_used;

	while ((c = getopt_long(argc, argv, "+i:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			ALLOC_GROW(id_files, nid + 1, id_alloc);
			id_files[nid++] = optarg;
			break;
		case 'P':
			if (pass_file)
				goto usage;
			pass_file = optarg;
			break;
		case 'o':
			if (out_path)
				goto usage;
			out_path = optarg;
			break;
		case 'h':
			free(id_files);
			return cmd_usage(&cmd_decrypt, 1);
		default:
			goto usage;
		}
	}
	if (argc - optind > 1)
		goto usage;
	in = argc > optind ? argv[optind] : NULL;
	stdin_used = !in || is_stdin(in);
	for (size_t i = 0; i < nid; i++) {
		if (is_stdin(id_files[i]) && stdin_used) {
			error("standard input cannot be both the input and an identity file");
			goto usage;
		}
		stdin_used = stdin_used || is_stdin(id_files[i]);
	}
	if (is_stdin(pass_file) && stdin_used) {
		error("standard input cannot be both the passphrase file and another input");
		goto usage;
	}

	age_passphrase_source_for(&pass, pass_file);
	for (size_t i = 0; i < nid; i++) {
		if (age_identities_read_file(&ids, id_files[i], &pass, &err) < 0) {
			ret = age_report(&err, is_stdin(id_files[i]) ? NULL : id_files[i], NULL);
			goto out;
		}
	}
	/* Without identities the file must be passphrase-encrypted, as with age -d. */
	if (!nid)
		age_identities_add(&ids, age_identity_passphrase(&pass, 0));

	fd = age_input_open(in);
	if (fd < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	if (age_output_open(&out, out_path, 0600, 0) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	/* With -o, the file appears only once the last chunk and the end of input are checked. */
	d = age_decryptor_new(&ids, 0, age_output_write, &out);
	if (age_pump(fd, feed, d, &err) < 0 || age_decryptor_finish(d, &err) < 0) {
		age_output_abort(&out);
		ret = age_report(&err, !in || is_stdin(in) ? NULL : in, &out);
		goto out;
	}
	ret = age_output_commit(&out) < 0 ? DIAG_EXIT_IO : DIAG_EXIT_OK;
out:
	age_decryptor_free(d);
	age_identities_release(&ids);
	if (fd > 0)
		close(fd);
	free(id_files);
	return ret;
usage:
	free(id_files);
	return cmd_usage(&cmd_decrypt, 0);
}

const struct diag_cmd cmd_decrypt = {
	.name = "decrypt",
	.fn = cmd_decrypt_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "decrypt an age file (binary or armored), as age -d does",
	.usage = "diag decrypt [-i IDENTITY_FILE]... [--passphrase-file FILE] [-o OUT] [IN]",
	.help =
	"  -i, --identity FILE       an identity file (age-keygen format, or one encrypted\n"
	"                            with a passphrase); may be repeated. Without -i the\n"
	"                            file must be encrypted with a passphrase\n"
	"  --passphrase-file FILE    read the passphrase (of the file, or with -i of the\n"
	"                            encrypted identity files) from FILE, not the terminal\n"
	"  -o, --output OUT          write the plaintext to OUT, which appears only once\n"
	"                            the whole file has been authenticated; default stdout\n"
	"  IN                        the age file; default standard input\n"
	"\nExit status: 0 ok, 2 usage, 4 I/O error, 5 not an age file, malformed,\n"
	"no identity matches, wrong passphrase, damaged or truncated.\n",
};
