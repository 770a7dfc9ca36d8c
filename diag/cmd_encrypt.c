// SPDX-License-Identifier: MIT
/* cmd_encrypt.c - diag encrypt: encrypt to age recipients or a passphrase, like age -e */
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/age_cli.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"

/* The passphrase recipient: asked twice on the terminal, or read from pass_file. */
static int add_passphrase(struct age_recipients *rcpts, const char *pass_file, int work_factor)
{
	struct age_passphrase_source src;
	struct age_err err;
	char *pass;

	age_passphrase_source_for(&src, pass_file);
	if (src.get(src.ctx, "passphrase", true, &pass, &err) < 0)
		return age_report_passphrase(&err, pass_file);
	age_recipients_add(rcpts, age_recipient_passphrase(pass, work_factor));
	sodium_free(pass);
	return 0;
}

static mode_t default_mode(void)
{
	mode_t mask = umask(0);

	umask(mask);
	return 0666 & ~mask;
}

static int cmd_encrypt_fn(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "work-factor", required_argument, NULL, 'W' },
		{ "armor", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct age_recipients rcpts = AGE_RECIPIENTS_INIT;
	struct age_encryptor *e = NULL;
	struct age_output out;
	struct age_err err;
	const char *pass_file = NULL, *out_path = NULL, *in = NULL;
	bool passphrase = false, armor = false, keys = false;
	int c, fd = -1, work_factor = 0, ret = DIAG_EXIT_USAGE;

	while ((c = getopt_long(argc, argv, "+r:R:pao:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': {
			struct age_recipient *r = age_recipient_parse(optarg, strlen(optarg), &err);

			if (!r && !strncmp(optarg, "AGE-SECRET-KEY-", 15)) {
				/* Never echo a secret key; and take it off the process list. */
				sodium_memzero(optarg, strlen(optarg));
				error("invalid recipient: %s", err.msg);
				goto usage;
			}
			if (!r) {
				error("invalid recipient '%s': %s", optarg, err.msg);
				goto usage;
			}
			age_recipients_add(&rcpts, r);
			keys = true;
			break;
		}
		case 'R':
			if (age_recipients_read_file(&rcpts, optarg, &err) < 0) {
				ret = age_report(&err, strcmp(optarg, "-") ? optarg : NULL, NULL);
				goto out;
			}
			keys = true;
			break;
		case 'p':
			passphrase = true;
			break;
		case 'P':
			if (pass_file)
				goto usage;
			pass_file = optarg;
			passphrase = true;
			break;
		case 'W':
			if (work_factor || (work_factor = age_parse_work_factor_arg(optarg)) < 0)
				goto usage;
			break;
		case 'a':
			armor = true;
			break;
		case 'o':
			if (out_path)
				goto usage;
			out_path = optarg;
			break;
		case 'h':
			age_recipients_release(&rcpts);
			return cmd_usage(&cmd_encrypt, 1);
		default:
			goto usage;
		}
	}
	if (argc - optind > 1)
		goto usage;
	in = argc > optind ? argv[optind] : NULL;
	if (keys && passphrase) {
		error("a passphrase cannot be combined with recipients (-r, -R)");
		goto usage;
	}
	if (!keys && !passphrase) {
		error("no recipients: give -r, -R, -p or --passphrase-file");
		goto usage;
	}
	if (work_factor && !passphrase) {
		error("--work-factor applies to a passphrase only");
		goto usage;
	}
	if (pass_file && !strcmp(pass_file, "-") && (!in || !strcmp(in, "-"))) {
		error("standard input cannot be both the passphrase file and the input");
		goto usage;
	}

	if (age_output_open(&out, out_path, default_mode(), 0) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	if (!armor && age_output_is_tty(&out)) {
		atomic_file_abort(&out.af);
		error("refusing to write binary ciphertext to a terminal; use -a or -o FILE");
		goto usage;
	}
	fd = age_input_open(in);
	if (fd < 0) {
		age_output_abort(&out);
		ret = DIAG_EXIT_IO;
		goto out;
	}
	if (passphrase &&
	    (ret = add_passphrase(&rcpts, pass_file, work_factor ? work_factor
				   : AGE_SCRYPT_DEFAULT_WORK_FACTOR)) != 0) {
		age_output_abort(&out);
		goto out;
	}
	e = age_encryptor_new(&rcpts, armor ? AGE_ARMOR : 0, age_output_write, &out, &err);
	if (!e || age_pump_encrypt(fd, e, &err) < 0 || age_encryptor_finish(e, &err) < 0) {
		age_output_abort(&out);
		ret = age_report(&err, !in || !strcmp(in, "-") ? NULL : in, &out);
		goto out;
	}
	ret = age_output_commit(&out) < 0 ? DIAG_EXIT_IO : DIAG_EXIT_OK;
out:
	age_encryptor_free(e);
	age_recipients_release(&rcpts);
	if (fd > 0)
		close(fd);
	return ret;
usage:
	age_recipients_release(&rcpts);
	return cmd_usage(&cmd_encrypt, 0);
}

const struct diag_cmd cmd_encrypt = {
	.name = "encrypt",
	.fn = cmd_encrypt_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "encrypt to age recipients or a passphrase, as age -e does",
	.usage = "diag encrypt [-a] [-o OUT] [-r RECIPIENT]... [-R RECIPIENTS_FILE]... [IN]\n"
		 "diag encrypt [-a] [-o OUT] -p [--passphrase-file FILE] [--work-factor N] [IN]",
	.help =
	"  -r, --recipient RECIPIENT     encrypt to this age public key (age1...); may be\n"
	"                                repeated\n"
	"  -R, --recipients-file FILE    encrypt to every recipient in FILE (one per line,\n"
	"                                '#' comments); may be repeated\n"
	"  -p, --passphrase              encrypt with a passphrase, asked twice on the\n"
	"                                terminal (alone: not with -r or -R)\n"
	"  --passphrase-file FILE        the passphrase is the first line of FILE (implies -p)\n"
	"  --work-factor N               scrypt work factor log2(N) for -p, 1 to 22; default 18\n"
	"  -a, --armor                   write ASCII armor (PEM) instead of binary\n"
	"  -o, --output OUT              write to OUT, which appears only once complete;\n"
	"                                default stdout (binary output is refused on a\n"
	"                                terminal)\n"
	"  IN                            the file to encrypt; default standard input\n",
};
