/* SPDX-License-Identifier: MIT */
/*
 * pii.h - personal and site data: detection, validation, pseudonyms
 * (internal to libredact; used by the engine)
 *
 * pii.c finds candidate spans (hand-written scanners for fixed shapes and
 * syslog headers, PCRE2 with JIT for context such as "for user X") and keeps
 * only those that pass validation (Luhn for cards, mod-97 for IBANs, SSN
 * ranges, IPv4 that is not a version string, ...). pseudo.c turns a value
 * into a token of the same shape, deterministic under the site key.
 * Thread safety: a scanner is immutable once built and shared; each thread
 * has its own scratch; pseudo_token() is pure.
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
/*
 * "<kind>-<8 hex>": the token of a value too long for its kind's shape
 * (pseudo.c), which no detector takes again.
 */
bool pii_fallback_token(const char *s, size_t len);

struct pii_match {
	size_t start, end; /* byte offsets into the scanned text, end exclusive */
	enum pii_kind kind;
};

#define PII_ALL ((1u << PII_KIND_COUNT) - 1)

/*
 * internal_domains: names under these (and the names themselves) are host
 * names to pseudonymise, on top of the private-use TLDs that are always
 * internal (.internal .lan .intra .intranet .corp .home.arpa .localdomain,
 * and .local with at least three labels). A bare name ("web01") matches
 * itself and the names under it. usernames: known user names, pseudonymised wherever they
 * stand as a word. Both lists are copied; matching ignores case.
 */
struct pii_options {
	const char *const *internal_domains; /* NULL-terminated or NULL */
	const char *const *usernames;        /* NULL-terminated or NULL */
	uint32_t enabled;                    /* bit (1 << kind) set = detect that kind; PII_ALL */
};

struct pii_scanner;  /* compiled, immutable, shared by threads */
struct pii_scratch;  /* per-thread match data */

/* 0, or -1 with a message in err (errlen bytes). opts NULL: every kind, no lists. */
int pii_scanner_new(struct pii_scanner **out, const struct pii_options *opts, char *err, size_t errlen);
void pii_scanner_free(struct pii_scanner *sc);
struct pii_scratch *pii_scratch_new(const struct pii_scanner *sc);
void pii_scratch_free(struct pii_scratch *scr);

/*
 * Find PII in text[0, len), which is one record (no need to end in a newline).
 * Writes up to max non-overlapping matches, in order, into out and returns
 * how many; -1 on an internal error or out of memory (the caller fails
 * closed). When it returns max there may be more: scan again from
 * out[max - 1].end. Context counts within the record only ("sudo: X : ...
 * PWD=/home/X" finds X twice), so the result depends on nothing else.
 * Tokens made by pseudo_token() are never found again.
 */
int pii_scan(const struct pii_scanner *sc, struct pii_scratch *scr, const char *text, size_t len,
	     struct pii_match *out, size_t max);
/*
 * The same for a whole structured document (a JSON line, a YAML file),
 * whose values stand for different things: a name found by its context
 * ("user": "orders") is found there only, not at every other occurrence of
 * the word in the document ("service": "orders").
 */
int pii_scan_doc(const struct pii_scanner *sc, struct pii_scratch *scr, const char *text, size_t len,
		 struct pii_match *out, size_t max);

#define PSEUDO_MAX 320
/*
 * The pseudonym of value (of the given kind) under the 32-byte site key,
 * NUL-terminated in out (PSEUDO_MAX bytes). Same key and value give the same
 * token; tokens keep the value's shape (an IPv4 stays an IPv4 in a reserved
 * range, subnets stay together; an e-mail stays an e-mail; a hostname keeps
 * its depth and public suffix; a MAC stays a MAC). Returns the length, or -1
 * if outlen is too small. A value that does not parse as its kind gets
 * "<kind>-<8 hex>". Formats (h = keyed-hash hex digit, d = keyed-hash digit):
 *   ipv4      240-254.x.y.z: first octet -> 240 + (hash mod 15), the other 24
 *             bits prefix-preserving (a keyed bit-by-bit permutation,
 *             Crypto-PAn style, per first octet): same /8, /16, /24 stay so;
 *             an octet 0 or 255 is kept and no other octet becomes one, so
 *             x.y.z.0 and x.y.z.255 stay the network and broadcast of the
 *             hosts' /24 (x.y.0.0 of their /16)
 *   ipv6      2001:db8:hhhh:ssss:hhhh:hhhh:hhhh:hhhh: the /48 hashed, the
 *             16-bit subnet id prefix-preserving, the interface id hashed;
 *             ::ffff:a.b.c.d maps its IPv4 part
 *   mac       0e:d1:hh:hh:hh:hh (locally administered, unicast), in the
 *             value's separator (: - or Cisco dots) and letter case
 *   email     user-hhhhhhhh@DOMAIN: DOMAIN kept for big public mail
 *             providers, else pseudonymised as a host name; %40 kept
 *   hostname  each label before the public suffix -> hhhhhhhhh ('h' + 8
 *             hex, hashed with its parents, so siblings share parents), the
 *             public suffix kept (com, co.uk, internal, lan...)
 *   username  user-hhhhhhhh
 *   phone     separators, '+' and country code (or a trunk prefix) kept;
 *             the national number's first three digits 000 (never
 *             assigned), the rest d from the national number alone, so one
 *             number written two ways ("+1 415-555-0132", "(415) 555-0132")
 *             keeps the same last digits
 *   card      separators kept; 0000 then d, last digit making Luhn fail
 *   ssn       separators kept; area 000 (never issued), then d
 *   iban      country kept, check digits 00 or 01 (never valid), rest h/d
 *             in the value's letter/digit pattern
 */
int pseudo_token(const unsigned char key[32], enum pii_kind kind, const char *value, size_t len,
		 char *out, size_t outlen);

/*
 * The site key with what every token derives from it (the address subkeys),
 * computed once: pseudo_token_k() then makes the same tokens as
 * pseudo_token() without deriving them again. Key material: keep it in
 * sodium_malloc()'ed memory and wipe it.
 */
struct pseudo_key {
	unsigned char key[32];
	unsigned char ipv4_sub[16]; /* the IPv4 permutation's SipHash key */
	unsigned char ipv6_sub[16]; /* the IPv6 subnet permutation's SipHash key */
};
void pseudo_key_init(struct pseudo_key *pk, const unsigned char key[32]);
int pseudo_token_k(const struct pseudo_key *pk, enum pii_kind kind, const char *value, size_t len,
		   char *out, size_t outlen);

/* Shared by pii.c and pseudo.c: length of the public suffix ending name
 * (com, co.uk, internal, home.arpa, any two-letter ccTLD), 0 if unknown. */
size_t pii_public_suffix(const char *name, size_t len);
/* Length (1-3) of the E.164 country code that digits start with. */
int pii_phone_cc_length(const char *digits);
/* s[0, len) equals the string b / one of the NULL-terminated list, ignoring ASCII case. */
bool pii_eq_nocase(const char *s, size_t len, const char *b);
bool pii_in_list(const char *s, size_t len, const char *const *list);

/* Validators, exposed for tests. */
bool pii_luhn_ok(const char *digits, size_t len);   /* ignores spaces and dashes */
bool pii_iban_ok(const char *s, size_t len);        /* mod-97, ignores spaces */
bool pii_ssn_ok(const char *s, size_t len);         /* AAA-GG-SSSS in valid ranges */

#endif
