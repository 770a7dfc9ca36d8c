/* SPDX-License-Identifier: MIT */
/*
 * pii.h - personal and site data: detection, validation, pseudonyms
 * (internal to libredact; used by the engine)
 *
 * pii.c finds candidate spans with PCRE2 (JIT) and keeps only those that
 * pass validation (Luhn for cards, mod-97 for IBANs, SSN ranges, IPv4 that is
 * not a version string, ...). pseudo.c turns a value into a token of the same
 * shape, deterministic under the site key.
 */
#ifndef REDACT_PII_H
#define REDACT_PII_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum pii_kind {
	PII_EMAIL,
	PII_IPV4,
	PII_IPV6,
	PII_MAC,
	PII_PHONE,
	PII_CARD,
	PII_SSN,
	PII_IBAN,
	PII_HOSTNAME, /* under an internal suffix */
	PII_USERNAME, /* known user, or by context ("user X", "for X") */
	PII_KIND_COUNT
};

/* Stable rule ids used in reports and tokens: "email", "ipv4", ... */
const char *pii_kind_name(enum pii_kind kind);

struct pii_match {
	size_t start, end; /* byte offsets into the scanned text, end exclusive */
	enum pii_kind kind;
};

struct pii_options {
	const char *const *internal_domains; /* NULL-terminated or NULL */
	const char *const *usernames;        /* NULL-terminated or NULL */
	uint32_t enabled;                    /* bit (1 << kind) set = detect that kind */
};

struct pii_scanner;  /* compiled, immutable, shared by threads */
struct pii_scratch;  /* per-thread match data */

/* 0, or -1 with a message in err (errlen bytes). */
int pii_scanner_new(struct pii_scanner **out, const struct pii_options *opts, char *err, size_t errlen);
void pii_scanner_free(struct pii_scanner *sc);
struct pii_scratch *pii_scratch_new(const struct pii_scanner *sc);
void pii_scratch_free(struct pii_scratch *scr);

/*
 * Find PII in text[0, len), which is one record (no need to end in a newline).
 * Writes up to max non-overlapping matches, in order, into out and returns
 * how many; -1 on an internal error (the caller fails closed).
 */
int pii_scan(const struct pii_scanner *sc, struct pii_scratch *scr, const char *text, size_t len,
	     struct pii_match *out, size_t max);

#define PSEUDO_MAX 320
/*
 * The pseudonym of value (of the given kind) under the 32-byte site key,
 * NUL-terminated in out (PSEUDO_MAX bytes). Same key and value give the same
 * token; tokens keep the value's shape (an IPv4 stays an IPv4 in a reserved
 * range, subnets stay together; an e-mail stays an e-mail; a hostname keeps
 * its depth and public suffix; a MAC stays a MAC). Returns the length, or -1.
 */
int pseudo_token(const unsigned char key[32], enum pii_kind kind, const char *value, size_t len,
		 char *out, size_t outlen);

/* Validators, exposed for tests. */
bool pii_luhn_ok(const char *digits, size_t len);   /* ignores spaces and dashes */
bool pii_iban_ok(const char *s, size_t len);        /* mod-97, ignores spaces */
bool pii_ssn_ok(const char *s, size_t len);         /* AAA-GG-SSSS in valid ranges */

#endif
