// SPDX-License-Identifier: MIT
/*
 * cmd_collect.c - diag collect: gather, redact, seal
 *
 * The collectors (collect_run) hand raw bytes to the bundle writer's sink,
 * which redacts them and passes them to the seal back end (or, with
 * --dry-run, to nothing: the reviewer's table is printed instead).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "diag/bundle.h"
#include "diag/cmd.h"
#include "diag/collect.h"
#include "diag/error.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/util.h"

struct collect_args {
	const char **paths;
	size_t npaths, paths_alloc;
	const char *spec, *policy, *output, *root, *since, *last;
	const char **recipients, **recipient_files;
	size_t nrecipients, recipients_alloc, nrecipient_files, recipient_files_alloc;
	uint64_t max_file, max_total;
	int level;
	bool dry_run;
};

static void args_release(struct collect_args *a)
{
	free(a->paths);
	free(a->recipients);
	free(a->recipient_files);
}

/* The base name of a file given on the command line: the manifest names no host paths. */
static char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return xstrdup(s && s[1] ? s + 1 : path);
}

static void digest(struct manifest_digest *d, const char *name, const char *text, size_t len)
{
	free(d->name);
	d->name = xstrdup(name);
	crypto_hash_sha256(d->sha256, (const unsigned char *)text, len);
}

/* Recipients from -r, -R, or those built in; each is said out loud. */
static int load_recipients(const struct collect_args *a, struct age_recipients *rcpts,
			   struct manifest *m)
{
	struct age_err err;
	char msg[512];

	for (size_t i = 0; i < a->nrecipients; i++) {
		struct age_recipient *r = age_recipient_parse(a->recipients[i],
							      strlen(a->recipients[i]), &err);

		if (!r) {
			error("invalid recipient '%s': %s", a->recipients[i], err.msg);
			return age_err_exit_code(&err);
		}
		age_recipients_add(rcpts, r);
	}
	for (size_t i = 0; i < a->nrecipient_files; i++) {
		if (age_recipients_read_file(rcpts, a->recipient_files[i], &err) < 0) {
			error("%s", age_err_format(&err, a->recipient_files[i], msg, sizeof(msg)));
			return age_err_exit_code(&err);
		}
	}
	if (!rcpts->nr && *DIAG_VENDOR_RECIPIENTS) {
		const char *s = DIAG_VENDOR_RECIPIENTS;

		while (*s) {
			size_t n = strcspn(s, " ,\t\n");

			if (n) {
				struct age_recipient *r = age_recipient_parse(s, n, &err);

				if (!r)
					BUG("invalid built-in recipient '%.*s'", (int)n, s);
				age_recipients_add(rcpts, r);
			}
			s += n + !!s[n];
		}
	}
	if (!rcpts->nr) {
		if (a->dry_run)
			return 0;
		error("no recipient: give the vendor's age public key with -r age1... or -R FILE");
		return DIAG_EXIT_USAGE;
	}
	for (size_t i = 0; i < rcpts->nr; i++) {
		char *enc = age_recipient_encode(rcpts->v[i]);
		bool dup = false;

		if (!enc) {
			error("a passphrase cannot seal a bundle: give age X25519 recipients");
			return DIAG_EXIT_USAGE;
		}
		for (size_t j = 0; j < m->nrecipients; j++)
			dup = dup || !strcmp(m->recipients[j], enc);
		if (dup) {
			free(enc);
			continue;
		}
		m->recipients = xrealloc(m->recipients, (m->nrecipients + 1) * sizeof(char *));
		m->recipients[m->nrecipients++] = enc;
	}
	return 0;
}

/* Say whom the bundle is sealed to, before collecting anything. */
static void say_recipients(const struct collect_args *a, const struct manifest *m)
{
	bool builtin = !a->nrecipients && !a->nrecipient_files;

	for (size_t i = 0; i < m->nrecipients && !a->dry_run; i++)
		note("sealing to %s%s", m->recipients[i], builtin ? " (built in)" : "");
}

/* "host-" and 12 hex digits: HMAC of the host name under the site key. */
static char *host_pseudonym(struct site *site)
{
	char name[256] = "", hex[65];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	struct strbuf msg = STRBUF_INIT;
	char *token;

	if (gethostname(name, sizeof(name) - 1) < 0 || !*name)
		return xstrdup("unknown");
	strbuf_addstr(&msg, "diag host name\n");
	strbuf_addstr(&msg, name);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg.buf, msg.len, site_key(site));
	strbuf_release(&msg);
	token = xasprintf("host-%.12s", hex_encode(mac, 6, hex));
	site_record_pseudonym(site, "host", token, name, strlen(name));
	return token;
}

static int load_policy(const char *path, struct redact_policy **policy, struct manifest *m)
{
	struct strbuf text = STRBUF_INIT;
	struct redact_err err = { 0 };
	char *name;

	if (!path) {
		digest(&m->policy, "built-in", "", 0);
		return 0;
	}
	if (fs_read_file(path, &text, 16 << 20) < 0)
		return DIAG_EXIT_IO;
	if (redact_policy_parse(policy, text.buf, text.len, path, &err) < 0) {
		if (err.line)
			error("'%s':%d:%d: %s", path, err.line, err.column, err.msg);
		else
			error("'%s': %s", path, err.msg);
		strbuf_release(&text);
		return DIAG_EXIT_INPUT;
	}
	name = base_name(path);
	digest(&m->policy, name, text.buf, text.len);
	free(name);
	strbuf_release(&text);
	return 0;
}

static int parse_args(int argc, char **argv, struct collect_args *a)
{
	enum { OPT_SINCE = 256, OPT_LAST, OPT_MAX_FILE, OPT_MAX_TOTAL, OPT_ROOT, OPT_DRY_RUN,
	       OPT_LEVEL };
	static const struct option opts[] = {
		{ "spec", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "last", required_argument, NULL, OPT_LAST },
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "output", required_argument, NULL, 'o' },
		{ "max-file", required_argument, NULL, OPT_MAX_FILE },
		{ "max-total", required_argument, NULL, OPT_MAX_TOTAL },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "level", required_argument, NULL, OPT_LEVEL },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "-s:p:r:R:o:h", opts, NULL)) != -1) {
		const char **once = NULL;

		switch (c) {
		case 1:
			ALLOC_GROW(a->paths, a->npaths + 1, a->paths_alloc);
			a->paths[a->npaths++] = optarg;
			break;
		case 's': once = &a->spec; break;
		case 'p': once = &a->policy; break;
		case 'o': once = &a->output; break;
		case OPT_SINCE: once = &a->since; break;
		case OPT_LAST: once = &a->last; break;
		case OPT_ROOT: once = &a->root; break;
		case 'r':
			ALLOC_GROW(a->recipients, a->nrecipients + 1, a->recipients_alloc);
			a->recipients[a->nrecipients++] = optarg;
			break;
		case 'R':
			ALLOC_GROW(a->recipient_files, a->nrecipient_files + 1, a->recipient_files_alloc);
			a->recipient_files[a->nrecipient_files++] = optarg;
			break;
		case OPT_MAX_FILE:
		case OPT_MAX_TOTAL:
		{
			uint64_t *v = c == OPT_MAX_FILE ? &a->max_file : &a->max_total;

			if (parse_size(optarg, v) < 0 || !*v) {
				error("invalid size '%s' (e.g. 64M, 2G)", optarg);
				return DIAG_EXIT_USAGE;
			}
			break;
		}
		case OPT_DRY_RUN:
			a->dry_run = true;
			break;
		case OPT_LEVEL:
			if (optarg[0] < '1' || optarg[0] > '9' || optarg[1]) {
				error("invalid compression level '%s': 1 (fastest) to 9 (smallest)", optarg);
				return DIAG_EXIT_USAGE;
			}
			a->level = optarg[0] - '0';
			break;
		case 'h':
			return -1;
		default:
			return DIAG_EXIT_USAGE;
		}
		if (once) {
			if (*once) {
				error("option '%s' given twice", argv[optind - 1]);
				return DIAG_EXIT_USAGE;
			}
			*once = optarg;
		}
	}
	for (; optind < argc; optind++) {
		ALLOC_GROW(a->paths, a->npaths + 1, a->paths_alloc);
		a->paths[a->npaths++] = argv[optind];
	}
	if (a->since && a->last) {
		error("--since and --last cannot be used together");
		return DIAG_EXIT_USAGE;
	}
	if (a->output && !strcmp(a->output, "-") && isatty(1)) {
		error("not writing a bundle to a terminal: redirect the standard output, or give a file");
		return DIAG_EXIT_USAGE;
	}
	if (a->output && a->dry_run) {
		error("--dry-run writes no bundle: -o makes no sense with it");
		return DIAG_EXIT_USAGE;
	}
	return 0;
}

/* The specs to run: -s and/or the PATHs, or the built-in default. */
static int load_specs(const struct collect_args *a, struct spec **specs, size_t *n,
		      struct manifest *m, bool window)
{
	struct strbuf all = STRBUF_INIT, name = STRBUF_INIT;

	*n = 0;
	if (a->spec) {
		struct spec *s = spec_load(a->spec);
		char *base;

		if (!s)
			return DIAG_EXIT_INPUT;
		specs[(*n)++] = s;
		base = base_name(a->spec);
		strbuf_addstr(&name, base);
		free(base);
		strbuf_add(&all, s->text, s->text_len);
	}
	if (a->npaths) {
		struct spec *s = spec_from_paths(a->paths, a->npaths, window);

		if (!s) {
			strbuf_release(&all);
			strbuf_release(&name);
			return DIAG_EXIT_USAGE;
		}
		specs[(*n)++] = s;
		strbuf_addstr(&name, name.len ? " + command line" : "command line");
		strbuf_add(&all, s->text, s->text_len);
	}
	if (!*n) {
		specs[(*n)++] = spec_default();
		strbuf_addstr(&name, "built-in");
		strbuf_add(&all, specs[0]->text, specs[0]->text_len);
	}
	digest(&m->spec, name.buf, all.buf, all.len);
	strbuf_release(&all);
	strbuf_release(&name);
	return 0;
}

static int cmd_collect_fn(int argc, char **argv)
{
	struct collect_args a = { 0 };
	struct age_recipients rcpts = AGE_RECIPIENTS_INIT;
	struct redact_policy *policy = NULL;
	struct redact_engine *engine = NULL;
	struct redact_config cfg = { 0 };
	struct redact_err rerr = { 0 };
	struct spec *specs[2] = { NULL, NULL };
	struct collect_options copts = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct bundle_backend *be = NULL;
	struct bundle_writer *w = NULL;
	struct site *site = NULL;
	struct manifest *m = manifest_new();
	char **domains = NULL, **users = NULL, *output = NULL, when[32], size[32];
	const char *skip[2] = { NULL, NULL };
	int64_t since = 0;
	size_t nspecs = 0;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret) {
		ret = ret < 0 ? cmd_usage(&cmd_collect, 1) : cmd_usage(&cmd_collect, 0);
		goto out;
	}
	if (a.since && parse_rfc3339(a.since, &since) < 0) {
		error("invalid time '%s': expected RFC 3339, e.g. 2026-11-21T08:00:00Z", a.since);
		ret = DIAG_EXIT_USAGE;
		goto out;
	}
	if (a.last) {
		int64_t d;

		if (parse_duration(a.last, &d) < 0 || !d) {
			error("invalid duration '%s': expected e.g. 48h, 7d, 1h30m", a.last);
			ret = DIAG_EXIT_USAGE;
			goto out;
		}
		since = m->created - d;
	}
	/* The window ends now; entries written while diag runs are kept (until = 0). */
	ret = load_recipients(&a, &rcpts, m);
	if (ret)
		goto out;
	ret = load_specs(&a, specs, &nspecs, m, since != 0);
	if (ret)
		goto out;
	ret = load_policy(a.policy, &policy, m);
	if (ret)
		goto out;
	if (site_open(&site, true) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	free(m->host);
	m->host = host_pseudonym(site);
	domains = site_internal_domains(a.root ? a.root : "/");
	users = site_usernames(a.root ? a.root : "/");
	cfg.policy = policy;
	cfg.site_key = site_key(site);
	cfg.internal_domains = (const char *const *)domains;
	cfg.usernames = (const char *const *)users;
	cfg.on_pseudonym = site_record_pseudonym;
	cfg.pseudonym_ctx = site;
	if (redact_engine_new(&engine, &cfg, &rerr) < 0) {
		error("cannot set up redaction: %s", rerr.msg);
		ret = DIAG_EXIT_INPUT;
		goto out;
	}
	m->file_cap = a.max_file ? a.max_file : specs[0]->settings.max_file_size;
	m->budget = a.max_total ? a.max_total : specs[0]->settings.max_total_size;

	if (a.dry_run) {
		be = bundle_null_new();
	} else {
		struct bundle_seal_options so = { 0 };

		output = a.output ? xstrdup(a.output) :
			xasprintf("diag-%s-%s.diag", m->host, format_rfc3339(m->created, when, sizeof(when)));
		for (char *c = output; !a.output && *c; c++)
			if (*c == ':')
				*c = '-';
		so.output = output;
		so.recipients = &rcpts;
		so.level = a.level;
		be = bundle_seal_new(&so);
		if (!be) {
			ret = DIAG_EXIT_IO;
			goto out;
		}
	}
	say_recipients(&a, m);
	w = bundle_writer_new(m, engine, be, isatty(2) && diag_verbosity >= 0);
	skip[0] = output;
	copts.root = a.root;
	copts.since = since;
	copts.max_file_size = a.max_file;
	copts.max_total_size = a.max_total;
	copts.skip_paths = skip;
	for (size_t i = 0; i < nspecs; i++) {
		if (collect_run(specs[i], &copts, bundle_writer_sink(w), &sum) < 0) {
			error("collection stopped: nothing was written");
			ret = DIAG_EXIT_IO;
			goto out;
		}
		if (sum.since && !m->has_window) {
			m->has_window = true;
			m->since = sum.since;
			m->until = sum.until ? sum.until : m->created;
		}
	}
	/* The pseudonyms first: the vendor's questions need them answered. */
	if (site_flush(site) < 0 || bundle_writer_finish(w) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	if (a.dry_run) {
		bundle_print_listing(stdout, "(dry run: nothing written)", m);
	} else {
		struct manifest_totals t;

		manifest_totals(m, &t);
		note("wrote '%s': %llu files, %s, %llu redactions, %llu failed", output,
		     (unsigned long long)t.files, format_size(t.bytes, size, sizeof(size)),
		     (unsigned long long)t.redactions, (unsigned long long)t.failures);
	}
	ret = m->nfailures ? DIAG_EXIT_PARTIAL : DIAG_EXIT_OK;
out:
	bundle_writer_free(w);
	if (be)
		be->free(be);
	redact_engine_free(engine);
	redact_policy_free(policy);
	strv_free(domains);
	strv_free(users);
	if (site)
		site_close(site);
	for (size_t i = 0; i < nspecs; i++)
		spec_free(specs[i]);
	age_recipients_release(&rcpts);
	manifest_free(m);
	free(output);
	args_release(&a);
	return ret;
}

const struct diag_cmd cmd_collect = {
	.name = "collect",
	.fn = cmd_collect_fn,
	.flags = CMD_NEED_SODIUM,
	.summary = "collect logs, configuration and system state; redact; seal to the vendor",
	.usage = "diag collect [PATH ...] [-s SPEC] [-p POLICY] [--since TIME | --last DURATION] "
		 "[-r RECIPIENT]... [-R FILE]... [-o OUT.diag] [--dry-run]",
	.help =
		"  PATH                    a file or directory to collect (recursively)\n"
		"  -s, --spec SPEC         what to collect (YAML); with no PATH and no spec,\n"
		"                          the built-in spec for a Linux host\n"
		"  -p, --policy POLICY     the redaction policy (YAML); default: built-in rules\n"
		"      --since TIME        keep log entries from TIME (RFC 3339) on\n"
		"      --last DURATION     keep log entries from the last DURATION (48h, 7d)\n"
		"  -r, --recipient AGE1..  seal to this age public key; repeatable (the vendor's,\n"
		"                          and the site's own for its auditors)\n"
		"  -R, --recipients-file F seal to every recipient in file F; repeatable\n"
		"  -o, --output OUT.diag   the bundle (default diag-HOST-TIME.diag), never\n"
		"                          overwritten; '-' for the standard output\n"
		"      --max-file SIZE     per-file cap: keep the newest SIZE bytes (default 64M)\n"
		"      --max-total SIZE    budget for the whole bundle, before compression (2G)\n"
		"      --level N           compression: 1 (fastest) to 9 (smallest), default 4\n"
		"      --root DIR          read the spec's host paths under DIR (a copied tree)\n"
		"      --dry-run           collect and redact, write nothing, print what the\n"
		"                          bundle would hold\n"
		"\n"
		"Every byte is redacted before it is hashed, compressed and encrypted; nothing\n"
		"unredacted or unencrypted is written to disk. Exit status 1: the bundle was\n"
		"written but some collectors or files failed (see 'diag list').\n",
};
