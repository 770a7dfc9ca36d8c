// SPDX-License-Identifier: MIT
/*
 * cmd_keygen.c - diag keygen: make an age identity (as age-keygen does),
 * print the recipients of an identity file (as age-keygen -y does), or make
 * the site's minisign signing key pair (as minisign -G does)
 *
 * Each kind of key is a mode: the options select one, and run[] maps it to
 * the function that makes it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/age_cli.h"
#include "diag/cmd.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/minisign.h"
#include "diag/util.h"

enum keygen_mode {
	KEYGEN_AGE,       /* a new X25519 identity */
	KEYGEN_RECIPIENT, /* -y: the recipients of an identity file */
	KEYGEN_SIGN,      /* --sign: a minisign key pair */
	KEYGEN_NR_MODES,
};

/*
 * --work-factor for a signing key: log2 of scrypt's N, as for age. The
 * limits that libsodium maps to N = 2^wf, r = 8, p = 1; 20 gives minisign's
 * own (opslimit 33554432, memlimit 1 GiB).
 */
#define SIGN_WORK_FACTOR_MIN 10
#define SIGN_WORK_FACTOR_MAX 20

struct keygen_opts {
	enum keygen_mode mode;
	bool mode_set;
	const char *out;       /* -o */
	const char *in;        /* -y's FILE */
	bool passphrase;       /* --passphrase: encrypt the new identity */
	const char *pass_file; /* --passphrase-file */
	int work_factor;       /* --work-factor, 0 if not given */
	bool unencrypted;      /* --unencrypted: a signing key without a password */
};

/* The identity file as age-keygen writes it, in locked memory (sodium_free() it). */
static char *identity_text(const struct age_identity *id, size_t *len)
{
	struct age_recipient *r = age_identity_to_recipient(id);
	char *pub = age_recipient_encode(r), *secret = age_identity_encode(id);
	size_t size = 256;
	char *text = sodium_malloc(size), created[32];
	int n;

	if (!text)
		die(DIAG_EXIT_IO, "out of locked memory");
	format_rfc3339(diag_now(), created, sizeof(created));
	n = snprintf(text, size, "# created: %s\n# public key: %s\n%s\n", created, pub, secret);
	if (n < 0 || (size_t)n >= size)
		BUG("identity text does not fit");
	*len = (size_t)n;
	sodium_free(secret);
	free(pub);
	age_recipient_free(r);
	return text;
}

/* Write text to o, encrypted with a passphrase (armored) when opts->passphrase. */
static int write_identity(const struct keygen_opts *opts, struct age_output *o,
			  const char *text, size_t len)
{
	struct age_recipients rcpts = AGE_RECIPIENTS_INIT;
	struct age_passphrase_source src;
	struct age_encryptor *e = NULL;
	struct age_err err = { .code = AGE_ERR_IO };
	char *pass;
	int ret = 0;

	if (!opts->passphrase) {
		if (age_output_write(o, text, len) < 0)
			return age_report(&err, NULL, o);
		return 0;
	}
	age_passphrase_source_for(&src, opts->pass_file);
	if (src.get(src.ctx, "passphrase for the new identity", true, &pass, &err) < 0)
		return age_report_passphrase(&err, opts->pass_file);
	age_recipients_add(&rcpts, age_recipient_passphrase(pass, opts->work_factor ? opts->work_factor
							    : AGE_SCRYPT_DEFAULT_WORK_FACTOR));
	sodium_free(pass);
	e = age_encryptor_new(&rcpts, AGE_ARMOR, age_output_write, o, &err);
	if (!e || age_encryptor_update(e, text, len, &err) < 0 || age_encryptor_finish(e, &err) < 0)
		ret = age_report(&err, NULL, o);
	age_encryptor_free(e);
	age_recipients_release(&rcpts);
	return ret;
}

static int keygen_age(const struct keygen_opts *opts)
{
	struct age_identity *id = age_identity_generate();
	struct age_recipient *r = age_identity_to_recipient(id);
	char *pub = age_recipient_encode(r), *text;
	struct age_output out;
	size_t len;
	int ret;

	/* A key file is created 0600 and never replaces an existing file. */
	if (age_output_open(&out, opts->out, 0600, AF_NO_CLOBBER) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	text = identity_text(id, &len);
	ret = write_identity(opts, &out, text, len);
	sodium_free(text);
	if (ret) {
		age_output_abort(&out);
		goto out;
	}
	if (age_output_commit(&out) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	if (opts->out && strcmp(opts->out, "-"))
		printf("%s\n", pub);
	else if (!isatty(1) && diag_verbosity >= 0)
		fprintf(stderr, "Public key: %s\n", pub);
out:
	free(pub);
	age_recipient_free(r);
	age_identity_free(id);
	return ret;
}

static int keygen_recipient(const struct keygen_opts *opts)
{
	struct age_identities ids = AGE_IDENTITIES_INIT;
	struct age_passphrase_source src;
	struct age_err err;
	int ret = 0;

	age_passphrase_source_for(&src, opts->pass_file);
	if (age_identities_read_file(&ids, opts->in, &src, &err) < 0) {
		ret = age_report(&err, strcmp(opts->in, "-") ? opts->in : NULL, NULL);
		goto out;
	}
	for (size_t i = 0; i < ids.nr; i++) {
		struct age_recipient *r = age_identity_to_recipient(ids.v[i]);
		char *pub = age_recipient_encode(r);

		printf("%s\n", pub);
		free(pub);
		age_recipient_free(r);
	}
	if (fflush(stdout) != 0) {
		error_errno("cannot write to standard output");
		ret = DIAG_EXIT_IO;
	}
out:
	age_identities_release(&ids);
	return ret;
}

/* NAME.key and NAME.pub, minisign's formats: keys `minisign -S` and `-V` take as they are. */
static int keygen_sign(const struct keygen_opts *opts)
{
	struct minisign_keygen_opts ko = { opts->unencrypted, opts->pass_file, 0, 0 };
	struct minisign_pubkey pk;
	char *sec = xasprintf("%s.key", opts->out), *pub = xasprintf("%s.pub", opts->out);
	char id[MINISIGN_KEY_ID_HEX], b64[MINISIGN_PUBKEY_BASE64];
	int r, ret = DIAG_EXIT_OK;

	if (opts->work_factor) {
		ko.opslimit = (uint64_t)32 << opts->work_factor;
		ko.memlimit = (uint64_t)1024 << opts->work_factor;
	}
	r = minisign_keygen(pub, sec, &ko, &pk);
	if (r) {
		ret = r == MINISIGN_ERR_IO ? DIAG_EXIT_IO : DIAG_EXIT_CRYPTO;
		goto out;
	}
	printf("%s\n", minisign_pubkey_base64(&pk, b64));
	note("wrote '%s' (the secret key: it stays on this site) and '%s' (key %s, for whoever "
	     "checks the bundles)", sec, pub, minisign_key_id_hex(pk.key_id, id));
	if (fflush(stdout) != 0) {
		error_errno("cannot write to standard output");
		ret = DIAG_EXIT_IO;
	}
out:
	free(sec);
	free(pub);
	return ret;
}

static int (*const run[KEYGEN_NR_MODES])(const struct keygen_opts *) = {
	[KEYGEN_AGE] = keygen_age,
	[KEYGEN_RECIPIENT] = keygen_recipient,
	[KEYGEN_SIGN] = keygen_sign,
};

static int set_mode(struct keygen_opts *opts, enum keygen_mode mode)
{
	if (opts->mode_set && opts->mode != mode)
		return error("conflicting modes");
	opts->mode = mode;
	opts->mode_set = true;
	return 0;
}

static int cmd_keygen_fn(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "work-factor", required_argument, NULL, 'W' },
		{ "sign", no_argument, NULL, 'S' },
		{ "unencrypted", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct keygen_opts opts = { KEYGEN_AGE, false, NULL, NULL, false, NULL, 0, false };
	const char *work_factor = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+o:yh", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (opts.out)
				goto usage;
			opts.out = optarg;
			break;
		case 'y':
			if (set_mode(&opts, KEYGEN_RECIPIENT) < 0)
				goto usage;
			break;
		case 'p':
			opts.passphrase = true;
			break;
		case 'P':
			if (opts.pass_file)
				goto usage;
			opts.pass_file = optarg;
			break;
		case 'W':
			if (work_factor)
				goto usage;
			work_factor = optarg;
			break;
		case 'S':
			if (set_mode(&opts, KEYGEN_SIGN) < 0)
				goto usage;
			break;
		case 'U':
			opts.unencrypted = true;
			break;
		case 'h':
			return cmd_usage(&cmd_keygen, 1);
		default:
			goto usage;
		}
	}
	if (work_factor && opts.mode == KEYGEN_SIGN) {
		char *end;
		long wf = strtol(work_factor, &end, 10);

		if (*end || end == work_factor || wf < SIGN_WORK_FACTOR_MIN || wf > SIGN_WORK_FACTOR_MAX) {
			error("invalid work factor '%s' for a signing key: %d to %d", work_factor,
			      SIGN_WORK_FACTOR_MIN, SIGN_WORK_FACTOR_MAX);
			goto usage;
		}
		opts.work_factor = (int)wf;
	} else if (work_factor && (opts.work_factor = age_parse_work_factor_arg(work_factor)) < 0) {
		goto usage;
	}
	if (opts.unencrypted && opts.mode != KEYGEN_SIGN)
		goto usage;
	switch (opts.mode) {
	case KEYGEN_SIGN:
		if (argc != optind || !opts.out || opts.passphrase ||
		    (opts.unencrypted && (opts.pass_file || opts.work_factor))) {
			if (!opts.out)
				error("--sign writes two files, NAME.key and NAME.pub: give -o NAME");
			goto usage;
		}
		break;
	case KEYGEN_AGE:
		/* --passphrase-file alone means: encrypt the new identity with it. */
		opts.passphrase = opts.passphrase || opts.pass_file;
		if (argc != optind || (opts.work_factor && !opts.passphrase))
			goto usage;
		if (opts.pass_file && !strcmp(opts.pass_file, "-") && !opts.out) {
			error("standard input holds the passphrase: give -o FILE");
			goto usage;
		}
		break;
	case KEYGEN_RECIPIENT:
		if (argc - optind != 1 || opts.out || opts.passphrase || opts.work_factor)
			goto usage;
		opts.in = argv[optind];
		if (opts.pass_file && !strcmp(opts.pass_file, "-") && !strcmp(opts.in, "-")) {
			error("standard input cannot be both the passphrase file and the identity file");
			goto usage;
		}
		break;
	case KEYGEN_NR_MODES:
		BUG("no keygen mode");
	}
	return run[opts.mode](&opts);
usage:
	return cmd_usage(&cmd_keygen, 0);
}

const struct diag_cmd cmd_keygen = {
	.name = "keygen",
	.fn = cmd_keygen_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "make an age identity or a minisign signing key pair, or print a recipient",
	.usage = "diag keygen [-o FILE] [--passphrase] [--passphrase-file FILE] [--work-factor N]\n"
		 "diag keygen -y [--passphrase-file FILE] FILE\n"
		 "diag keygen --sign -o NAME [--passphrase-file FILE | --unencrypted] [--work-factor N]",
	.help =
	"  -o, --output FILE         write the new identity to FILE (created 0600, never\n"
	"                            overwritten) and print its recipient (age1...) on\n"
	"                            stdout; without -o the identity goes to stdout and,\n"
	"                            when stdout is not a terminal, 'Public key: age1...'\n"
	"                            to stderr, as age-keygen does\n"
	"  --passphrase              encrypt the new identity with a passphrase (asked\n"
	"                            twice on the terminal): an armored age file that\n"
	"                            age -d -i and diag decrypt -i accept\n"
	"  --passphrase-file FILE    the passphrase is the first line of FILE (implies\n"
	"                            --passphrase; with -y, for an encrypted FILE)\n"
	"  --work-factor N           scrypt work factor log2(N), 1 to 22; default 18\n"
	"  -y FILE                   print the recipient of each identity in FILE (an\n"
	"                            identity file, encrypted or not; '-' for stdin)\n"
	"\n"
	"  --sign -o NAME            make the site's signing key pair, as minisign -G\n"
	"                            does: NAME.key (secret, 0600, encrypted with a\n"
	"                            password asked twice on the terminal) and NAME.pub;\n"
	"                            print the public key line (as minisign -P takes it)\n"
	"  --passphrase-file FILE    with --sign, the password is the first line of FILE\n"
	"  --unencrypted             with --sign, no password (minisign -W)\n"
	"  --work-factor N           with --sign, scrypt's log2(N), 10 to 20; default 20\n"
	"                            (minisign's own, 1 GiB); lower is weaker, for tests\n",
};
