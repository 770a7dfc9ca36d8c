// SPDX-License-Identifier: MIT
/* listing.c - the reviewer's table of a manifest (diag list, diag collect --dry-run) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/bundle.h"
#include "diag/util.h"

static void print_redactions(struct strbuf *sb, const struct manifest_count *c, size_t n)
{
	if (!n) {
		strbuf_addstr(sb, "-");
		return;
	}
	for (size_t i = 0; i < n; i++)
		strbuf_addf(sb, "%s%s %llu", i ? ", " : "", c[i].rule, (unsigned long long)c[i].count);
}

/* Flags a reviewer must see next to a file. */
static void print_flags(struct strbuf *sb, const struct manifest_file *f)
{
	if (f->truncated)
		strbuf_addstr(sb, " [truncated]");
	if (f->time_filtered)
		strbuf_addstr(sb, " [time-filtered]");
	if (f->has_exit && f->timed_out)
		strbuf_addstr(sb, " [timed out]");
	else if (f->has_exit && f->exit_status)
		strbuf_addf(sb, " [exit %d]", f->exit_status);
	if (f->error)
		strbuf_addf(sb, " [error: %s]", f->error);
	if (f->note)
		strbuf_addf(sb, " [%s]", f->note);
	if (f->review == MANIFEST_REVIEW_CHANGED)
		strbuf_addstr(sb, " [changed by the reviewer]");
	else if (f->review == MANIFEST_REVIEW_ADDED)
		strbuf_addstr(sb, " [added by the reviewer]");
}

/* What the reviewer did before sealing, in one line, and the files removed. */
static void print_review(FILE *out, const struct manifest *m, bool removed)
{
	char when[32], size[32], hash[65];
	size_t changed = 0, added = 0;

	if (!m->reviewed)
		return;
	if (!removed) {
		for (size_t i = 0; i < m->nfiles; i++) {
			changed += m->files[i].review == MANIFEST_REVIEW_CHANGED;
			added += m->files[i].review == MANIFEST_REVIEW_ADDED;
		}
		fprintf(out, "Reviewed:   sealed from a review stage at %s: %zu changed, %zu added, "
			"%zu removed\n", format_rfc3339(m->sealed, when, sizeof(when)), changed, added,
			m->nremoved);
		return;
	}
	if (!m->nremoved)
		return;
	fprintf(out, "\nRemoved by the reviewer (%zu):\n", m->nremoved);
	for (size_t i = 0; i < m->nremoved; i++)
		fprintf(out, "  %10s  %s  (sha256 %.16s...)\n",
			format_size(m->removed[i].size, size, sizeof(size)), m->removed[i].path,
			hex_encode(m->removed[i].sha256, 32, hash));
}

static void print_failures(FILE *out, const char *title, const struct manifest_failure *v, size_t n)
{
	if (!n)
		return;
	fprintf(out, "\n%s (%zu):\n", title, n);
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "  %s: ", v[i].collector);
		if (v[i].path)
			fprintf(out, "%s: ", v[i].path);
		else if (v[i].source && *v[i].source)
			fprintf(out, "%s: ", v[i].source);
		fprintf(out, "%s", v[i].reason);
		if (v[i].duration_ms)
			fprintf(out, " (after %.1f s)", (double)v[i].duration_ms / 1000);
		fputc('\n', out);
	}
}

void bundle_print_listing(FILE *out, const char *name, const struct manifest *m,
			  const char *signature)
{
	struct manifest_totals t;
	char a[32], b[32], size[32];
	struct manifest_file *merged = xcalloc(1, sizeof(*merged));

	manifest_totals(m, &t);
	fprintf(out, "Bundle:     %s\n", name);
	fprintf(out, "Created:    %s by %s on host %s\n", format_rfc3339(m->created, a, sizeof(a)),
	       m->tool, *m->host ? m->host : "(unknown)");
	if (m->has_window)
		fprintf(out, "Window:     %s to %s\n", format_rfc3339(m->since, a, sizeof(a)),
		       format_rfc3339(m->until, b, sizeof(b)));
	else
		fprintf(out, "Window:     none (logs are whole)\n");
	hex_encode(m->spec.sha256, 6, a);
	hex_encode(m->policy.sha256, 6, b);
	fprintf(out, "Spec:       %s (sha256 %s...), policy %s (sha256 %s...)\n", m->spec.name, a,
	       m->policy.name, b);
	for (size_t i = 0; i < m->nrecipients; i++)
		fprintf(out, "%s %s\n", i ? "           " : "Sealed to: ", m->recipients[i]);
	if (signature)
		fprintf(out, "Signed:     %s\n", signature);
	if (m->has_payload) {
		char hash[65];

		fprintf(out, "Payload:    %s encrypted, sha256 %s\n",
		       format_size(m->payload_size, size, sizeof(size)),
		       hex_encode(m->payload_sha256, 32, hash));
	}
	print_review(out, m, false);
	if (m->file_cap || m->budget)
		fprintf(out, "Limits:     %s per file, %s in all\n",
		       m->file_cap ? format_size(m->file_cap, a, sizeof(a)) : "no limit",
		       m->budget ? format_size(m->budget, b, sizeof(b)) : "no limit");

	for (size_t i = 0; i < m->nfiles; i++) {
		const struct manifest_file *f = &m->files[i];
		struct strbuf red = STRBUF_INIT, flags = STRBUF_INIT;

		/* A heading for each run of files from the same entry and description. */
		if (!i || strcmp(f->collector, f[-1].collector) || strcmp(f->description, f[-1].description))
			fprintf(out, "\n%s (%s)%s%s\n", f->collector, f->kind, *f->description ? ": " : "",
			       f->description);
		for (size_t j = 0; j < f->nredactions; j++)
			manifest_file_count(merged, f->redactions[j].rule, f->redactions[j].count);
		print_redactions(&red, f->redactions, f->nredactions);
		print_flags(&flags, f);
		fprintf(out, "  %10s  %s  (redacted: %s)%s\n", format_size(f->size, size, sizeof(size)),
		       f->path, red.buf, flags.buf);
		strbuf_release(&red);
		strbuf_release(&flags);
	}
	{
		struct strbuf red = STRBUF_INIT;

		print_redactions(&red, merged->redactions, merged->nredactions);
		fprintf(out, "\nTotal: %llu files, %s, %llu redactions (%s)\n", (unsigned long long)t.files,
		       format_size(t.bytes, size, sizeof(size)), (unsigned long long)t.redactions,
		       red.buf);
		strbuf_release(&red);
	}
	print_review(out, m, true);
	print_failures(out, "Failed", m->failures, m->nfailures);
	print_failures(out, "Not collected", m->skipped, m->nskipped);
	manifest_file_release(merged);
	free(merged);
}

