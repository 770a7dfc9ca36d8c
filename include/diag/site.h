/* SPDX-License-Identifier: MIT */
/*
 * site.h - the site's own secret state, and facts about the host for redaction
 *
 * Lives in diag_state_dir() (DIAG_STATE_DIR): site.key, 32 random bytes
 * created 0600 on first use, which keys every pseudonym and never leaves the
 * site; and the pseudonym map pseudonyms.map (token -> kind, original value;
 * 0600, append-only, shared by concurrent diag processes through flock),
 * which lets the site's staff answer the vendor's questions with
 * `diag lookup TOKEN`. Both files are refused if other users can read them
 * or if another user owns them.
 */
#ifndef DIAG_SITE_H
#define DIAG_SITE_H

#include "diag/common.h"
#include "diag/strbuf.h"

struct site;

/*
 * Open the state: load site.key, creating it (and the directory) when
 * create is true and it does not exist yet (two processes racing to create
 * it end up with the same key). -1 after printing an error naming the file
 * (missing key without create, wrong size, readable by others...); errno
 * is then ENOENT if the key does not exist, EINVAL otherwise.
 * Free with site_close().
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
/*
 * Append the entries recorded since the last flush that the map does not
 * hold yet (another process may have added them), then fsync. Thread-safe.
 * -1 after printing an error.
 */
int site_flush(struct site *site) WARN_UNUSED;
/*
 * Look token up in the map (and in entries not flushed yet). Returns how
 * many distinct originals it stands for (0: unknown; more than 1 only after
 * a collision of pseudonyms), appending them to out separated by '\n', and
 * setting *kind (if not NULL) to the first one's kind (free() it; NULL when
 * none). -1 after printing an error.
 */
int site_lookup(struct site *site, const char *token, struct strbuf *out, char **kind);
/*
 * Append len bytes of s to out with every byte outside printable ASCII, and
 * the backslash, written as \xHH: how the map stores its fields, and how
 * `diag lookup` prints values that come from untrusted logs.
 */
void site_escape(struct strbuf *out, const char *s, size_t len);
/* Flush nothing, wipe the key and the recorded originals, free. NULL is fine. */
void site_close(struct site *site);

/*
 * Host facts read under root ("/" normally; a fake root in tests):
 * internal domain suffixes, lower case: the host's own name and its FQDN's
 * domain (etc/hostname, and its line in etc/hosts), resolv.conf
 * "search"/"domain", and the names in etc/hosts, leaving out loopback and
 * distribution-default names (localhost, ip6-*, ubuntu...); and local user
 * names from etc/passwd: accounts with UID_MIN (etc/login.defs, 1000) <=
 * uid < 60000, leaving out role and default accounts (admin, deploy, git,
 * ubuntu, vagrant...) that carry no personal data. NULL-terminated arrays,
 * freed with strv_free() (common.h). Never fails: missing files give empty lists.
 */
char **site_internal_domains(const char *root);
char **site_usernames(const char *root);

#endif
