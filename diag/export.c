// SPDX-License-Identifier: MIT
/* export.c - what collect and seal share: engine, recipients, signing key, output, ledger */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/error.h"
#include "diag/exit.h"
#include "diag/export.h"
#include "diag/fsutil.h"
#include "diag/ledger.h"
#include "diag/site.h"
#include "diag/util.h"

#define CONFIG_MAX (1 << 20)

/* ---------------------------------------------------------------- options */

int export_opt(struct export_opts *o, int c, const char *arg)
{
	const char **once = NULL;

	switch (c) {
	case 'r':
		ALLOC_GROW(o->recipients, o->nrecipients + 1, o->recipients_alloc);
		o->recipients[o->nrecipients++] = arg;
		return 1;
	case 'R':
		ALLOC_GROW(o->recipient_files, o->nrecipient_files + 1, o->recipient_files_alloc);
		o->recipient_files[o->nrecipient_files++] = arg;
		return 1;
	case EXPORT_OPT_SIGN:
		once = &o->sign_key;
		break;
	case EXPORT_OPT_PASSFILE:
		once = &o->passphrase_file;
		break;
	case EXPORT_OPT_SPLIT:
		if (o->split) {
			error("option '--split' given twice");
			return DIAG_EXIT_USAGE;
		}
		if (parse_size(arg, &o->split) < 0 || !o->split) {
			error("invalid part size '%s' (e.g. 650M, 4G)", arg);
			return DIAG_EXIT_USAGE;
		}
		return 1;
	case EXPORT_OPT_LEVEL:
		if (arg[0] < '1' || arg[0] > '9' || arg[1]) {
			error("invalid compression level '%s': 1 (fastest) to 9 (smallest)", arg);
			return DIAG_EXIT_USAGE;
		}
		o->level = arg[0] - '0';
		return 1;
	default:
		return 0;
	}
	if (*once) {
		error("option '%s' given twice", c == EXPORT_OPT_SIGN ? "--sign" : "--passphrase-file");
		return DIAG_EXIT_USAGE;
	}
	*once = arg;
	return 1;
}

bool export_opts_given(const struct export_opts *o)
{
	return o->nrecipients || o->nrecipient_files || o->sign_key || o->passphrase_file ||
		o->split || o->level;
}

void export_opts_release(struct export_opts *o)
{
	free(o->recipients);
	free(o->recipient_files);
	memset(o, 0, sizeof(*o));
}

/* ----------------------------------------------------------------- engine */

static void digest(struct manifest_digest *d, const char *name, const char *text, size_t len)
{
	free(d->name);
	d->name = xstrdup(name);
	crypto_hash_sha256(d->sha256, (const unsigned char *)text, len);
}

int export_engine_open(struct export_engine *e, const char *policy_path, const char *root,
		       struct manifest_digest *policy_digest)
{
	struct redact_config cfg = { 0 };
	struct redact_err rerr = { 0 };

	memset(e, 0, sizeof(*e));
	if (!policy_path) {
		digest(policy_digest, "built-in", "", 0);
	} else {
		struct strbuf text = STRBUF_INIT;
		const char *base = strrchr(policy_path, '/');

		if (fs_read_file(policy_path, &text, 16 << 20) < 0)
			return DIAG_EXIT_IO;
		if (redact_policy_parse(&e->policy, text.buf, text.len, policy_path, &rerr) < 0) {
			if (rerr.line)
				error("'%s':%d:%d: %s", policy_path, rerr.line, rerr.column, rerr.msg);
			else
				error("'%s': %s", policy_path, rerr.msg);
			strbuf_release(&text);
			return DIAG_EXIT_INPUT;
		}
		/* the manifest names no host paths: the base name only */
		digest(policy_digest, base && base[1] ? base + 1 : policy_path, text.buf, text.len);
		strbuf_release(&text);
	}
	if (site_open(&e->site, true) < 0)
		return DIAG_EXIT_IO;
	e->domains = site_internal_domains(root ? root : "/");
	e->users = site_usernames(root ? root : "/");
	cfg.policy = e->policy;
	cfg.site_key = site_key(e->site);
	cfg.internal_domains = (const char *const *)e->domains;
	cfg.usernames = (const char *const *)e->users;
	cfg.on_pseudonym = site_record_pseudonym;
	cfg.pseudonym_ctx = e->site;
	cfg.threads = redact_default_threads(); /* large files on several cores */
	if (redact_engine_new(&e->engine, &cfg, &rerr) < 0) {
		error("cannot set up redaction: %s", rerr.msg);
		return DIAG_EXIT_INPUT;
	}
	return 0;
}

void export_engine_close(struct export_engine *e)
{
	redact_engine_free(e->engine);
	redact_policy_free(e->policy);
	strv_free(e->domains);
	strv_free(e->users);
	if (e->site)
		site_close(e->site);
	memset(e, 0, sizeof(*e));
}

/* ------------------------------------------------------------- recipients */

/* Add r (taken) unless m lists it already; say so, with where it came from. */
static int add_recipient(struct export *x, struct manifest *m, struct age_recipient *r,
			 const char *origin)
{
	char *enc = age_recipient_encode(r);

	if (!enc) {
		age_recipient_free(r);
		error("a passphrase cannot seal a bundle: give age X25519 recipients");
		return DIAG_EXIT_USAGE;
	}
	for (size_t j = 0; j < m->nrecipients; j++) {
		if (!strcmp(m->recipients[j], enc)) {
			free(enc);
			age_recipient_free(r);
			return 0;
		}
	}
	age_recipients_add(&x->rcpts, r);
	note("sealing to %s%s", enc, origin);
	m->recipients = xrealloc(m->recipients, (m->nrecipients + 1) * sizeof(char *));
	m->recipients[m->nrecipients++] = enc;
	return 0;
}

/* Move every recipient of l to x (said as coming from origin). */
static int add_all(struct export *x, struct manifest *m, struct age_recipients *l,
		   const char *origin)
{
	int ret = 0;

	for (size_t i = 0; i < l->nr; i++) {
		if (!ret)
			ret = add_recipient(x, m, l->v[i], origin);
		else
			age_recipient_free(l->v[i]);
		l->v[i] = NULL;
	}
	l->nr = 0;
	age_recipients_release(l);
	return ret;
}

/* The recipients built in at compile time (make VENDOR_RECIPIENTS="age1... age1..."). */
static int builtin_recipients(struct export *x, struct manifest *m)
{
	struct age_recipients l = AGE_RECIPIENTS_INIT;
	const char *s = DIAG_VENDOR_RECIPIENTS;
	struct age_err err;

	while (*s) {
		size_t n = strcspn(s, " ,\t\n");

		if (n) {
			struct age_recipient *r = age_recipient_parse(s, n, &err);

			if (!r) {
				age_recipients_release(&l);
				error("the recipient built into diag, '%.*s', is invalid: %s", (int)n, s,
				      err.msg);
				return DIAG_EXIT_INPUT;
			}
			age_recipients_add(&l, r);
		}
		s += n + !!s[n];
	}
	return add_all(x, m, &l, " (built in)");
}

/*
 * The configuration file's recipients, if it exists. It says where collected
 * data goes: refuse one that someone else could have changed.
 */
static int config_recipients(struct export *x, struct manifest *m)
{
	const char *dir = getenv("DIAG_CONFIG");
	struct age_recipients l = AGE_RECIPIENTS_INIT;
	struct strbuf text = STRBUF_INIT;
	struct age_err err;
	struct stat st;
	char *path, *origin, msg[512];
	int fd, ret = DIAG_EXIT_INPUT;

	path = xasprintf("%s/%s", dir && *dir ? dir : EXPORT_CONFIG_DIR, EXPORT_RECIPIENTS_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT) {
		free(path);
		return 0;
	}
	if (fd < 0) {
		error_errno("cannot read the configuration file '%s'", path);
		ret = DIAG_EXIT_IO;
		goto out;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		error("the configuration file '%s' is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		error("refusing the configuration file '%s': other users can change it (mode %04o), "
		      "and it says where collected data goes", path, (unsigned)(st.st_mode & 07777));
		goto out;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		error("refusing the configuration file '%s': it belongs to another user (uid %u)", path,
		      (unsigned)st.st_uid);
		goto out;
	}
	if (fs_read_fd(fd, &text, CONFIG_MAX) < 0) {
		error_errno("cannot read the configuration file '%s'", path);
		ret = errno == EFBIG ? DIAG_EXIT_INPUT : DIAG_EXIT_IO;
		goto out;
	}
	if (age_recipients_parse(&l, text.buf, text.len, &err) < 0) {
		error("%s", age_err_format(&err, path, msg, sizeof(msg)));
		age_recipients_release(&l);
		goto out;
	}
	origin = xasprintf(" (from '%s')", path);
	ret = add_all(x, m, &l, origin);
	free(origin);
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&text);
	free(path);
	return ret;
}

static int load_recipients(struct export *x, const struct export_opts *o, struct manifest *m)
{
	struct age_err err;
	char msg[512];
	int ret;

	for (size_t i = 0; i < o->nrecipients; i++) {
		struct age_recipient *r = age_recipient_parse(o->recipients[i],
							      strlen(o->recipients[i]), &err);

		if (!r) {
			error("invalid recipient '%s': %s", o->recipients[i], err.msg);
			return age_err_exit_code(&err);
		}
		ret = add_recipient(x, m, r, "");
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < o->nrecipient_files; i++) {
		struct age_recipients l = AGE_RECIPIENTS_INIT;
		char *origin;

		if (age_recipients_read_file(&l, o->recipient_files[i], &err) < 0) {
			age_recipients_release(&l);
			error("%s", age_err_format(&err, o->recipient_files[i], msg, sizeof(msg)));
			return age_err_exit_code(&err);
		}
		origin = xasprintf(" (from '%s')", o->recipient_files[i]);
		ret = add_all(x, m, &l, origin);
		free(origin);
		if (ret)
			return ret;
	}
	if (!o->nrecipients && !o->nrecipient_files) {
		ret = builtin_recipients(x, m);
		if (!ret)
			ret = config_recipients(x, m);
		if (ret)
			return ret;
	}
	if (!x->rcpts.nr) {
		error("no recipient: give the vendor's age public key with -r age1... or -R FILE, or "
		      "list it in %s/%s", getenv("DIAG_CONFIG") && *getenv("DIAG_CONFIG") ?
		      getenv("DIAG_CONFIG") : EXPORT_CONFIG_DIR, EXPORT_RECIPIENTS_FILE);
		return DIAG_EXIT_USAGE;
	}
	return 0;
}

/* ----------------------------------------------------------------- export */

int export_prepare(struct export *x, const struct export_opts *o, struct manifest *m)
{
	int ret = load_recipients(x, o, m);

	if (ret)
		return ret;
	if (o->sign_key) {
		struct minisign_pubkey pk;
		int r = minisign_seckey_load(&x->signer, o->sign_key, o->passphrase_file);

		if (r)
			return r == MINISIGN_ERR_IO ? DIAG_EXIT_IO : DIAG_EXIT_CRYPTO;
		minisign_seckey_pubkey(x->signer, &pk);
		minisign_key_id_hex(pk.key_id, x->signer_id);
		note("signing the manifest with key %s ('%s')", x->signer_id, o->sign_key);
	} else if (o->passphrase_file) {
		error("--passphrase-file is the password of the --sign key: give --sign too");
		return DIAG_EXIT_USAGE;
	}
	x->ledger = ledger_path(true);
	return x->ledger ? 0 : DIAG_EXIT_IO;
}

struct bundle_backend *export_backend(struct export *x, const struct export_opts *o,
				      const char *output)
{
	struct bundle_seal_options so = { 0 };
	struct bundle_backend *be;

	if (o->split) {
		x->sink = bundle_sink_split(output, o->split);
		if (!x->sink)
			return NULL;
	}
	so.output = output;
	so.sink = x->sink;
	so.recipients = &x->rcpts;
	so.level = o->level;
	so.signer = x->signer;
	so.result = &x->result;
	be = bundle_seal_new(&so);
	if (!be && x->sink) {
		x->sink->free(x->sink);
		x->sink = NULL;
	}
	return be;
}

int export_record(struct export *x, const char *output, const struct manifest *m)
{
	struct ledger_record rec = { 0 };
	struct manifest_totals t;
	char hex[65], *path;
	uint64_t seq;
	int ret = 0;

	if (!strcmp(output, "-")) {
		path = xstrdup("(standard output)");
	} else if (output[0] == '/') {
		path = xstrdup(output);
	} else {
		char *cwd = getcwd(NULL, 0);

		path = cwd ? xasprintf("%s/%s", cwd, output) : xstrdup(output);
		free(cwd);
	}
	manifest_totals(m, &t);
	rec.bundle = path;
	rec.parts = x->result.parts;
	memcpy(rec.sha256, x->result.sha256, 32);
	memcpy(rec.manifest_sha256, x->result.manifest_sha256, 32);
	rec.recipients = (const char *const *)m->recipients;
	rec.nr_recipients = m->nrecipients;
	rec.signer = x->result.is_signed ? x->result.signer : NULL;
	rec.files = t.files;
	rec.bytes = t.bytes;
	hex_encode(x->result.sha256, 32, hex);
	if (ledger_append(x->ledger, &rec, &seq) < 0) {
		error("the bundle '%s' (sha256 %s) was written, but it is NOT recorded in the export "
		      "ledger '%s': record it by hand, or remove the bundle", output, hex, x->ledger);
		ret = DIAG_EXIT_IO;
	} else {
		note("recorded in the export ledger as #%llu: sha256 %s%s%s", (unsigned long long)seq,
		     hex, rec.signer ? ", signed by key " : ", unsigned",
		     rec.signer ? rec.signer : "");
	}
	free(path);
	return ret;
}

void export_release(struct export *x)
{
	age_recipients_release(&x->rcpts);
	minisign_seckey_free(x->signer);
	if (x->sink)
		x->sink->free(x->sink);
	free(x->ledger);
	memset(x, 0, sizeof(*x));
}
