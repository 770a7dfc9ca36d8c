// SPDX-License-Identifier: MIT
/*
 * bundle_sign.c - the trusted comment of a bundle's signature
 *
 * The signature (manifest.json.minisig) is minisign's, over manifest.json,
 * which holds the payload's SHA-256: it covers the whole bundle. Its trusted
 * comment repeats what a person checking it with stock minisign wants to
 * see (whose host, when, which manifest and payload), so that
 * `tar -xf b.diag && minisign -V -p site.pub -m manifest.json` says it all.
 * diag checks that those fields agree with the manifest they sign.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/bundle.h"
#include "diag/util.h"

/* s with tabs and control characters as '?': a field a comment may hold. */
static void add_field_value(struct strbuf *out, const char *s)
{
	for (; *s; s++)
		strbuf_addch(out, (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

void bundle_sig_comment(struct strbuf *out, const struct manifest *m,
			const unsigned char manifest_sha256[32], int64_t now)
{
	char hex[65], when[32];

	strbuf_addf(out, "timestamp:%" PRId64 "\tfile:%s\thashed\tdiag-bundle:%d\thost:", now,
		    MANIFEST_NAME, MANIFEST_VERSION);
	add_field_value(out, m->host);
	strbuf_addf(out, "\tcreated:%s\tfiles:%zu", format_rfc3339(m->created, when, sizeof(when)),
		    m->nfiles);
	strbuf_addf(out, "\tmanifest-sha256:%s", hex_encode(manifest_sha256, 32, hex));
	if (m->has_payload)
		strbuf_addf(out, "\tpayload-sha256:%s", hex_encode(m->payload_sha256, 32, hex));
}

/*
 * The value of the field key in comment (tab-separated "key:value" fields):
 * *val and *len, and 1; 0 if there is no such field; -1 if there are several.
 */
static int field(const char *comment, const char *key, const char **val, size_t *len)
{
	size_t klen = strlen(key);
	int found = 0;

	for (const char *p = comment; *p; ) {
		size_t n = strcspn(p, "\t");

		if (n > klen && !memcmp(p, key, klen) && p[klen] == ':') {
			if (found++)
				return -1;
			*val = p + klen + 1;
			*len = n - klen - 1;
		}
		p += n + (p[n] == '\t');
	}
	return found;
}

/* Does field key, if present, say exactly want? */
static bool agrees(const char *comment, const char *key, const char *want)
{
	const char *v;
	size_t len;
	int r = field(comment, key, &v, &len);

	return r == 0 || (r == 1 && len == strlen(want) && !memcmp(v, want, len));
}

const char *bundle_sig_check_comment(const char *comment, const struct manifest *m,
				     const unsigned char manifest_sha256[32])
{
	struct strbuf want = STRBUF_INIT;
	char hex[65], when[32], n[24];
	const char *why = NULL;

	add_field_value(&want, m->host);
	snprintf(n, sizeof(n), "%zu", m->nfiles);
	if (!agrees(comment, "manifest-sha256", hex_encode(manifest_sha256, 32, hex)))
		why = "it names another manifest (manifest-sha256)";
	else if (!agrees(comment, "payload-sha256",
			 m->has_payload ? hex_encode(m->payload_sha256, 32, hex) : ""))
		why = "it names another payload (payload-sha256)";
	else if (!agrees(comment, "host", want.buf))
		why = "it names another host";
	else if (!agrees(comment, "created", format_rfc3339(m->created, when, sizeof(when))))
		why = "it names another creation time";
	else if (!agrees(comment, "files", n))
		why = "it names another number of files";
	strbuf_release(&want);
	return why;
}

int64_t bundle_sig_timestamp(const char *comment)
{
	const char *v;
	size_t len;
	int64_t t = 0;

	if (field(comment, "timestamp", &v, &len) != 1 || !len || len > 12)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		t = t * 10 + (v[i] - '0');
	}
	return t;
}
