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
#include "diag/export.h"
#include "diag/exit.h"
#include "diag/fsutil.h"
#include "diag/site.h"
#include "diag/util.h"

struct collect_args {
	const char **paths;
	size_t npaths, paths_alloc;
	const char *spec, *policy, *output, *root, *since, *last, *stage;
	struct export_opts x;
	uint64_t max_file, max_total;
	bool dry_run;
};

static void args_release(struct collect_args *a)
{
	free(a->paths);
	export_opts_release(&a->x);
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

static int parse_args(int argc, char **argv, struct collect_args *a)
{
	enum { OPT_SINCE = 256, OPT_LAST, OPT_MAX_FILE, OPT_MAX_TOTAL, OPT_ROOT, OPT_DRY_RUN,
	       OPT_STAGE };
	static const struct option opts[] = {
		{ "spec", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "last", required_argument, NULL, OPT_LAST },
		{ "output", required_argument, NULL, 'o' },
		{ "max-file", required_argument, NULL, OPT_MAX_FILE },
		{ "max-total", required_argument, NULL, OPT_MAX_TOTAL },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "stage", required_argument, NULL, OPT_STAGE },
		EXPORT_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "-s:p:r:R:o:h", opts, NULL)) != -1) {
		const char **once = NULL;

		r = export_opt(&a->x, c, optarg);
		if (r > 1)
			return r;
		if (r == 1)
			continue;
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
		case OPT_STAGE: once = &a->stage; break;
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
	if ((a->dry_run || a->stage) && (a->output || export_opts_given(&a->x))) {
		error("%s seals nothing: -o, -r, -R, --sign, --split and --level make no sense with it",
		      a->dry_run ? "--dry-run" : "--stage");
		return DIAG_EXIT_USAGE;
	}
	if (a->dry_run && a->stage) {
		error("--dry-run and --stage cannot be used together");
		return DIAG_EXIT_USAGE;
	}
	if (a->x.split && a->output && !strcmp(a->output, "-")) {
		error("--split writes files: it cannot write to the standard output");
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
	struct export x = EXPORT_INIT;
	struct export_engine e = { 0 };
	struct spec *specs[2] = { NULL, NULL };
	struct collect_options copts = COLLECT_OPTIONS_INIT;
	struct collect_summary sum;
	struct bundle_backend *be = NULL;
	struct bundle_writer *w = NULL;
	struct manifest *m = manifest_new();
	char *output = NULL, when[32], size[32];
	const char *skip[3] = { NULL, NULL, NULL };
	bool sealing;
	int64_t since = 0;
	size_t nspecs = 0;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret) {
		ret = ret < 0 ? cmd_usage(&cmd_collect, 1) : cmd_usage(&cmd_collect, 0);
		goto out;
	}
	sealing = !a.dry_run && !a.stage;
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
	if (sealing && (ret = export_prepare(&x, &a.x, m)))
		goto out;
	ret = load_specs(&a, specs, &nspecs, m, since != 0);
	if (ret)
		goto out;
	ret = export_engine_open(&e, a.policy, a.root, &m->policy);
	if (ret)
		goto out;
	free(m->host);
	m->host = host_pseudonym(e.site);
	m->file_cap = a.max_file ? a.max_file : specs[0]->settings.max_file_size;
	m->budget = a.max_total ? a.max_total : specs[0]->settings.max_total_size;

	if (a.dry_run) {
		be = bundle_null_new();
	} else if (a.stage) {
		be = bundle_stage_new(a.stage, site_key(e.site), &skip[1]);
	} else {
		output = a.output ? xstrdup(a.output) :
			xasprintf("diag-%s-%s.diag", m->host, format_rfc3339(m->created, when, sizeof(when)));
		for (char *c = output; !a.output && *c; c++)
			if (*c == ':')
				*c = '-';
		be = export_backend(&x, &a.x, output);
	}
	if (!be) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	w = bundle_writer_new(m, e.engine, be, isatty(2) && diag_verbosity >= 0);
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
	if (site_flush(e.site) < 0 || bundle_writer_finish(w) < 0) {
		ret = DIAG_EXIT_IO;
		goto out;
	}
	ret = m->nfailures ? DIAG_EXIT_PARTIAL : DIAG_EXIT_OK;
	if (a.dry_run) {
		bundle_print_listing(stdout, "(dry run: nothing written)", m, NULL);
	} else {
		struct manifest_totals t;

		manifest_totals(m, &t);
		note("%s '%s': %llu files, %s, %llu redactions, %llu failed", a.stage ? "staged in" :
		     "wrote", a.stage ? a.stage : output, (unsigned long long)t.files,
		     format_size(t.bytes, size, sizeof(size)), (unsigned long long)t.redactions,
		     (unsigned long long)t.failures);
		if (a.stage)
			note("review the files there ('diag list %s'), then seal them with 'diag seal %s'",
			     a.stage, a.stage);
		else if (export_record(&x, output, m))
			ret = DIAG_EXIT_IO;
	}
out:
	bundle_writer_free(w);
	if (be)
		be->free(be);
	export_engine_close(&e);
	export_release(&x);
	for (size_t i = 0; i < nspecs; i++)
		spec_free(specs[i]);
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
		 "[-r RECIPIENT]... [-R FILE]... [-o OUT.diag] [--sign KEY] [--split SIZE] [--dry-run]\n"
		 "diag collect [PATH ...] [-s SPEC] [-p POLICY] [--since TIME | --last DURATION] "
		 "--stage DIR",
	.help =
		"  PATH                    a file or directory to collect (recursively)\n"
		"  -s, --spec SPEC         what to collect (YAML); with no PATH and no spec,\n"
		"                          the built-in spec for a Linux host\n"
		"  -p, --policy POLICY     the redaction policy (YAML); default: built-in rules\n"
		"      --since TIME        keep log entries from TIME (RFC 3339) on\n"
		"      --last DURATION     keep log entries from the last DURATION (48h, 7d)\n"
		"  -r, --recipient AGE1..  seal to this age public key; repeatable (the vendor's,\n"
		"                          and the site's own for its auditors); without -r and\n"
		"                          -R: the recipients built in and in the configuration\n"
		"                          file $DIAG_CONFIG/recipients (/etc/diag/recipients)\n"
		"  -R, --recipients-file F seal to every recipient in file F; repeatable\n"
		"  -o, --output OUT.diag   the bundle (default diag-HOST-TIME.diag), never\n"
		"                          overwritten; '-' for the standard output\n"
		"      --sign KEY          sign manifest.json with this minisign secret key (made\n"
		"                          by 'diag keygen --sign' or 'minisign -G')\n"
		"      --passphrase-file F the password of the --sign key (default: asked)\n"
		"      --split SIZE        write OUT.diag.001, .002, ... of SIZE bytes (650M, 4G)\n"
		"                          and OUT.diag.sha256, for removable media\n"
		"      --stage DIR         seal nothing: write the redacted files and manifest.json\n"
		"                          into DIR (new or empty) for review; then 'diag seal DIR'\n"
		"      --max-file SIZE     per-file cap: keep the newest SIZE bytes (default 64M)\n"
		"      --max-total SIZE    budget for the whole bundle, before compression (2G)\n"
		"      --level N           compression: 1 (fastest) to 9 (smallest), default 4\n"
		"      --root DIR          read the spec's host paths under DIR (a copied tree);\n"
		"                          its commands are not run\n"
		"      --dry-run           collect and redact, write nothing, print what the\n"
		"                          bundle would hold\n"
		"\n"
		"Every byte is redacted before it is hashed, compressed and encrypted; nothing\n"
		"unredacted or unencrypted is written to disk. Every bundle is recorded in the\n"
		"export ledger ('diag ledger'). Exit status 1: the bundle was written but some\n"
		"collectors or files failed (see 'diag list'); 4 also when the bundle was\n"
		"written but could not be recorded in the ledger.\n",
};
