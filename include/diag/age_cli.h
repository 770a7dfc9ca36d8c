/* SPDX-License-Identifier: MIT */
/*
 * age_cli.h - what the commands that read and write age files share
 *
 * For diag/cmd_*.c: reading an input in large blocks, writing an output
 * atomically (or to stdout), choosing where a passphrase comes from, and
 * turning a struct age_err into the one-line message and the exit code.
 */
#ifndef DIAG_AGE_CLI_H
#define DIAG_AGE_CLI_H

#include "diag/age.h"
#include "diag/fsutil.h"

/*
 * An output: a file written atomically (temporary file, renamed into place
 * by age_output_commit() only), or the standard output for NULL or "-".
 * write() is an age_write_fn for ctx = the struct age_output.
 */
struct age_output {
	struct atomic_file af;
	const char *name; /* for messages: the path, or "standard output" */
	int write_errno;  /* set when a write failed */
};

/* Open out. mode is the final file's mode. -1 after printing an error. */
int age_output_open(struct age_output *o, const char *path, mode_t mode, unsigned af_flags) WARN_UNUSED;
int age_output_write(void *ctx, const void *buf, size_t len);
/* Put the output in place (fsync, rename). -1 after printing an error. */
int age_output_commit(struct age_output *o) WARN_UNUSED;
/* Remove the temporary file: nothing half-written is left. */
void age_output_abort(struct age_output *o);
bool age_output_is_tty(const struct age_output *o);

/*
 * Read fd to its end in large blocks, passing each to feed(obj, ...). -1 if
 * feed fails (err is its error) or reading fails (AGE_ERR_IO).
 */
int age_pump(int fd, int (*feed)(void *obj, const void *buf, size_t len, struct age_err *err),
	     void *obj, struct age_err *err) WARN_UNUSED;

/*
 * Read fd to its end straight into e (age_encryptor_buffer), in large
 * blocks. -1 if reading fails (AGE_ERR_IO) or e does.
 */
int age_pump_encrypt(int fd, struct age_encryptor *e, struct age_err *err) WARN_UNUSED;

/* Open path for reading (NULL or "-": standard input, fd 0). -1 after printing an error. */
int age_input_open(const char *path);

/* The passphrase source for --passphrase-file FILE, or the terminal when file is NULL. */
void age_passphrase_source_for(struct age_passphrase_source *src, const char *file);

/* --work-factor N: 1 to AGE_SCRYPT_MAX_WORK_FACTOR, or -1 after printing an error. */
int age_parse_work_factor_arg(const char *s);

/*
 * Print err as one line naming the file (NULL: standard input), or, when the
 * output o (may be NULL) failed, the write error naming the output. Returns
 * the exit code (4 for I/O, 5 for the rest).
 */
int age_report(const struct age_err *err, const char *name, const struct age_output *o);
/* The same for an error getting a passphrase from pass_file, or the terminal when NULL. */
int age_report_passphrase(const struct age_err *err, const char *pass_file);

#endif
