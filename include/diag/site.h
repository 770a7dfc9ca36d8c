/* SPDX-License-Identifier: MIT */
/*
 * site.h - the site's own secret state, and facts about the host for redaction
 *
 * Lives in diag_state_dir() (DIAG_STATE_DIR): site.key, 32 random bytes
 * created 0600 on first use, which keys every pseudonym and never leaves the
 * site; and the pseudonym map (token -> original value, 0600), which lets
 * the site's staff answer the vendor's questions with `diag lookup TOKEN`.
 */
#ifndef DIAG_SITE_H
#define DIAG_SITE_H

#include "diag/common.h"
#include "diag/strbuf.h"

struct site;

/*
 * Open the state: load site.key, creating it (and the directory) when
 * create is true and it does not exist yet. -1 after printing an error.
 */
int site_open(struct site **out, bool create) WARN_UNUSED;
/* The 32-byte pseudonym key (sodium_malloc'ed, owned by the site). */
const unsigned char *site_key(const struct site *site);
/*
 * Remember token -> original for `diag lookup`. Thread-safe; duplicates are
 * dropped. Usable directly as a redact_pseudonym_fn with ctx = the site.
 */
void site_record_pseudonym(void *site, const char *kind, const char *token,
			   const char *original, size_t original_len);
/* Append the new map entries durably. -1 after printing an error. */
int site_flush(struct site *site) WARN_UNUSED;
/* Look token up: 1 found (value appended to out, kind to *kind if not NULL), 0 not found, -1 error. */
int site_lookup(struct site *site, const char *token, struct strbuf *out, char **kind);
/* Flush nothing, wipe and free. */
void site_close(struct site *site);

/*
 * Host facts read under root ("/" normally; a fake root in tests):
 * internal domain suffixes (the host's own FQDN's domain, resolv.conf
 * "search"/"domain", names in /etc/hosts) and local user names from
 * /etc/passwd (regular users and service accounts, not "root"-style system
 * names that carry no personal data). NULL-terminated arrays, freed with
 * strv_free(). Never fails: missing files give empty lists.
 */
char **site_internal_domains(const char *root);
char **site_usernames(const char *root);
void strv_free(char **v);

#endif
