/* SPDX-License-Identifier: MIT */
/*
 * export.h - what `diag collect` and `diag seal` share to make a bundle
 * that leaves the site: the redaction engine and the site's state, whom the
 * bundle is sealed to (options, the configuration file, the recipients
 * built in), the signing key, the output (one file or media parts), and
 * the export ledger's record of it.
 *
 * Recipients. -r and -R, when given, are the only ones. Otherwise the
 * defaults: those built in at compile time (make VENDOR_RECIPIENTS=...),
 * then those of the configuration file $DIAG_CONFIG/recipients
 * (/etc/diag/recipients when DIAG_CONFIG is not set), one age recipient per
 * line as `age -R` reads it. That file decides where collected data goes,
 * so it is refused unless it is a regular file that only its owner (root or
 * the user running diag) can change. Whom a bundle is sealed to is always
 * said on stderr (unless -q), with where each recipient came from.
 *
 * Every function prints what went wrong and returns an exit code (exit.h),
 * 0 on success.
 */
#ifndef DIAG_EXPORT_H
#define DIAG_EXPORT_H

#include "diag/age.h"
#include "diag/bundle.h"
#include "diag/manifest.h"
#include "diag/minisign.h"
#include "redact/redact.h"

#define EXPORT_CONFIG_DIR "/etc/diag"
#define EXPORT_RECIPIENTS_FILE "recipients"

/* The command line of collect and seal, as far as sealing goes. Borrowed strings. */
struct export_opts {
	const char **recipients;      /* -r */
	size_t nrecipients, recipients_alloc;
	const char **recipient_files; /* -R */
	size_t nrecipient_files, recipient_files_alloc;
	const char *sign_key;         /* --sign KEY: a minisign secret key file */
	const char *passphrase_file;  /* --passphrase-file: the signing key's password */
	uint64_t split;               /* --split SIZE; 0: one file */
	int level;                    /* --level; 0: the default */
};

/*
 * Handle one of the options above (getopt's c and optarg): 1 if it was
 * one, 0 if not, or an exit code (2) after printing why it is invalid.
 * The long options, with these values, are EXPORT_LONG_OPTIONS.
 */
enum { EXPORT_OPT_SIGN = 512, EXPORT_OPT_PASSFILE, EXPORT_OPT_SPLIT, EXPORT_OPT_LEVEL };
#define EXPORT_LONG_OPTIONS \
	{ "recipient", required_argument, NULL, 'r' }, \
	{ "recipients-file", required_argument, NULL, 'R' }, \
	{ "sign", required_argument, NULL, EXPORT_OPT_SIGN }, \
	{ "passphrase-file", required_argument, NULL, EXPORT_OPT_PASSFILE }, \
	{ "split", required_argument, NULL, EXPORT_OPT_SPLIT }, \
	{ "level", required_argument, NULL, EXPORT_OPT_LEVEL }
int export_opt(struct export_opts *o, int c, const char *arg);
/* Is any option of export_opts given (for commands where they make no sense)? */
bool export_opts_given(const struct export_opts *o);
void export_opts_release(struct export_opts *o);

/* The redaction engine as collect runs it, and the site state it needs. */
struct export_engine {
	struct site *site;
	struct redact_policy *policy;
	struct redact_engine *engine;
	char **domains, **users;
};

/*
 * Open the site's state (creating it), load the policy (NULL: the built-in
 * rules; its name and SHA-256 go to *policy_digest), read the host's
 * internal domains and users under root ("/" when NULL), and make the
 * engine.
 */
int export_engine_open(struct export_engine *e, const char *policy_path, const char *root,
		       struct manifest_digest *policy_digest);
void export_engine_close(struct export_engine *e);

/* A bundle being exported. */
struct export {
	struct age_recipients rcpts;
	struct minisign_seckey *signer;
	char signer_id[MINISIGN_KEY_ID_HEX];
	struct bundle_sink *sink;          /* the split sink, or NULL for one file */
	struct bundle_seal_result result;
	char *ledger;                      /* the ledger's path */
};
#define EXPORT_INIT { AGE_RECIPIENTS_INIT, NULL, "", NULL, { { 0 }, 0, { 0 }, 0, false, "" }, NULL }

/*
 * Before anything is collected: the recipients (into x->rcpts and
 * m->recipients, each said on stderr), the signing key (its password asked
 * now), and the ledger's path (the state directory is created).
 */
int export_prepare(struct export *x, const struct export_opts *o, struct manifest *m);

/* The seal back end writing output (a file, "-", or parts with --split). NULL after an error. */
struct bundle_backend *export_backend(struct export *x, const struct export_opts *o,
				      const char *output);

/*
 * After the bundle was committed: say what was written, and append it to
 * the export ledger. A failure to append is loud (the bundle exists, but
 * is not on record) and gives DIAG_EXIT_IO.
 */
int export_record(struct export *x, const char *output, const struct manifest *m);

void export_release(struct export *x);

#endif
