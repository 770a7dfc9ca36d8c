// SPDX-License-Identifier: MIT
/* age_cli.c - inputs, outputs, passphrases and messages for the age commands */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/age_cli.h"
#include "diag/error.h"
#include "diag/exit.h"

/* Large reads: the cost per call stays small next to the cipher. */
#define PUMP_BLOCK (1 << 20)

int age_output_open(struct age_output *o, const char *path, mode_t mode, unsigned af_flags)
{
	memset(o, 0, sizeof(*o));
	if (!path)
		path = "-";
	o->name = strcmp(path, "-") ? path : "standard output";
	return atomic_file_open(&o->af, path, mode, af_flags);
}

int age_output_write(void *ctx, const void *buf, size_t len)
{
	struct age_output *o = ctx;

	if (fs_write_all(o->af.fd, buf, len) < 0) {
		o->write_errno = errno;
		return -1;
	}
	return 0;
}

int age_output_commit(struct age_output *o)
{
	return atomic_file_commit(&o->af);
}

void age_output_abort(struct age_output *o)
{
	atomic_file_abort(&o->af);
}

bool age_output_is_tty(const struct age_output *o)
{
	return !o->af.tmp && isatty(o->af.fd);
}

int age_pump(int fd, int (*feed)(void *obj, const void *buf, size_t len, struct age_err *err),
	     void *obj, struct age_err *err)
{
	unsigned char *buf = xmalloc(PUMP_BLOCK);
	int ret = 0;

	for (;;) {
		ssize_t n = fs_read_full(fd, buf, PUMP_BLOCK);

		if (n < 0) {
			ret = age_err_set(err, AGE_ERR_IO, "cannot read: %s", strerror(errno));
			break;
		}
		if (n && (ret = feed(obj, buf, (size_t)n, err)) < 0)
			break;
		if (n < PUMP_BLOCK)
			break;
	}
	/* The input may be plaintext. */
	sodium_memzero(buf, PUMP_BLOCK);
	free(buf);
	return ret;
}

int age_pump_encrypt(int fd, struct age_encryptor *e, struct age_err *err)
{
	for (;;) {
		size_t room;
		unsigned char *buf = age_encryptor_buffer(e, &room, err);
		ssize_t n;

		if (!buf)
			return -1;
		n = fs_read_full(fd, buf, room);
		if (n < 0)
			return age_err_set(err, AGE_ERR_IO, "cannot read: %s", strerror(errno));
		if (age_encryptor_commit(e, (size_t)n, err) < 0)
			return -1;
		if ((size_t)n < room)
			return 0;
	}
}

int age_input_open(const char *path)
{
	int fd;

	if (!path || !strcmp(path, "-"))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_errno("cannot open '%s'", path);
	return fd;
}

void age_passphrase_source_for(struct age_passphrase_source *src, const char *file)
{
	if (file)
		age_passphrase_from_file(src, file);
	else
		age_passphrase_from_tty(src);
}

int age_report(const struct age_err *err, const char *name, const struct age_output *o)
{
	char msg[512];

	if (o && o->write_errno) {
		errno = o->write_errno;
		error_errno("cannot write '%s'", o->name);
		return DIAG_EXIT_IO;
	}
	error("%s", age_err_format(err, name, msg, sizeof(msg)));
	return age_err_exit_code(err);
}

int age_parse_work_factor_arg(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || v > AGE_SCRYPT_MAX_WORK_FACTOR)
		return error("invalid work factor '%s': expected 1 to %d", s, AGE_SCRYPT_MAX_WORK_FACTOR);
	return (int)v;
}

int age_report_passphrase(const struct age_err *err, const char *pass_file)
{
	if (pass_file && strcmp(pass_file, "-"))
		return age_report(err, pass_file, NULL);
	error("%s", err->msg);
	return age_err_exit_code(err);
}
