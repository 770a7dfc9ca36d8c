// SPDX-License-Identifier: MIT
/*
 * pii.c - personal and site data: detection and validation
 *
 * Shapes with exact syntax (addresses, card numbers, SSNs, phones, IBANs)
 * are found by small hand-written scanners, each started from a cheap
 * prefilter (memchr for '@' and ':', a walk over word starts with a few
 * tests of the bytes around them) and checked by a validator; a user name
 * announced by its context ("for user X") is matched by a PCRE2 pattern
 * compiled with JIT, tried only where its trigger words stand; syslog and
 * common-log-format headers are read directly. Known names (the internal
 * domains, the site's users) are looked up in hash sets, after a length and
 * Bloom filter, only at words that can start one. Every detector refuses
 * the shapes pseudo.c produces, so redacting twice changes nothing more.
 *
 * Speed: most of a log is words that are nothing. Each cheap filter is a
 * necessary condition of the exact test behind it, so the filters change
 * how fast things are found, never what is found.
 */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "pii.h"

/* ---- character classes ---- */

enum {
	C_DIGIT = 1, C_HEX = 2, C_ALPHA = 4, C_UPPER = 8,
	C_WORD = 16,  /* [A-Za-z0-9_] */
	C_NAME = 32,  /* [A-Za-z0-9_.-] */
	C_TRIG = 64,  /* first letters of the user-context trigger words (u r f s l), and '/' */
	C_V6 = 128,   /* [0-9A-Fa-f:.] */
	C_START = 256, /* [A-Za-z0-9_/+(]: where scan_words() may find something */
	C_DSEP = 512, /* [ .-]: between groups of digits */
};

static const uint16_t cls[256] = {
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	512,   0,   0,   0,   0,   0,   0,   0, 256,   0,   0, 256,   0, 544, 672, 320,
	435, 435, 435, 435, 435, 435, 435, 435, 435, 435, 128,   0,   0,   0,   0,   0,
	  0, 446, 446, 446, 446, 446, 510, 316, 316, 316, 316, 316, 380, 316, 316, 316,
	316, 316, 380, 380, 316, 380, 316, 316, 316, 316, 316,   0,   0,   0,   0, 304,
	  0, 438, 438, 438, 438, 438, 502, 308, 308, 308, 308, 308, 372, 308, 308, 308,
	308, 308, 372, 372, 308, 372, 308, 308, 308, 308, 308,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
	  0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,   0,
};

#define CLS(c) cls[(unsigned char)(c)]
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static bool is_alnum(int c)
{
	return CLS(c) & (C_ALPHA | C_DIGIT);
}

static bool is_word(int c)
{
	return CLS(c) & C_WORD;
}

static bool is_digit(int c)
{
	return CLS(c) & C_DIGIT;
}

static bool is_hex(int c)
{
	return CLS(c) & C_HEX;
}

static bool is_upper(int c)
{
	return CLS(c) & C_UPPER;
}

static bool is_lower(int c)
{
	return (CLS(c) & C_ALPHA) && !(CLS(c) & C_UPPER);
}

static bool is_name_char(int c)
{
	return CLS(c) & C_NAME;
}

/* \s of PCRE2 (without UCP): space, \t \n \v \f \r */
static bool is_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int lower(int c)
{
	return c + (((unsigned)c - 'A' < 26u) << 5);
}

bool pii_eq_nocase(const char *a, size_t alen, const char *b)
{
	for (size_t i = 0; i < alen; i++)
		if (!b[i] || lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return b[alen] == '\0';
}

bool pii_in_list(const char *s, size_t len, const char *const *list)
{
	/* First letters first: equal ignoring case only if equal with bit 0x20 set. */
	int c = (len ? (unsigned char)s[0] : 0) | 0x20;

	for (size_t i = 0; list[i]; i++)
		if (((unsigned char)list[i][0] | 0x20) == c && pii_eq_nocase(s, len, list[i]))
			return true;
	return false;
}

#define eq_nocase pii_eq_nocase
#define in_list pii_in_list

/* s[0, len) against the lower-case string w ignoring case, in strcmp() order. */
static int cmp_nocase(const char *s, size_t len, const char *w)
{
	for (size_t i = 0; i < len; i++) {
		int a = lower((unsigned char)s[i]), b = (unsigned char)w[i];

		if (!b)
			return 1;
		if (a != b)
			return a - b;
	}
	return w[len] ? -1 : 0;
}

/* in_list() for n lower-case strings sorted in strcmp() order (see list_sorted()). */
static bool in_sorted(const char *s, size_t len, const char *const *list, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_nocase(s, len, list[mid]);

		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

static bool list_sorted(const char *const *list, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(list[i - 1], list[i]) >= 0)
			return false;
	return true;
}

/* ---- case-insensitive string sets ---- */

struct strset {
	char **v; /* lower case, NUL-terminated; NULL = free slot */
	size_t *lens;
	size_t cap, n;
};

static uint64_t hash_nocase(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)lower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

static bool strset_has(const struct strset *set, const char *s, size_t len)
{
	if (!set->n)
		return false;
	for (size_t i = hash_nocase(s, len) & (set->cap - 1); set->v[i]; i = (i + 1) & (set->cap - 1))
		if (set->lens[i] == len && eq_nocase(s, len, set->v[i]))
			return true;
	return false;
}

static int strset_add(struct strset *set, const char *s, size_t len)
{
	size_t i;
	char *copy;

	if (!len || strset_has(set, s, len))
		return 0;
	if ((set->n + 1) * 2 > set->cap) {
		struct strset big = { 0 };

		big.cap = set->cap ? set->cap * 2 : 32;
		big.v = calloc(big.cap, sizeof(*big.v));
		big.lens = calloc(big.cap, sizeof(*big.lens));
		if (!big.v || !big.lens) {
			free(big.v);
			free(big.lens);
			return -1;
		}
		for (size_t j = 0; j < set->cap; j++) {
			if (!set->v[j])
				continue;
			for (i = hash_nocase(set->v[j], set->lens[j]) & (big.cap - 1); big.v[i];
			     i = (i + 1) & (big.cap - 1))
				;
			big.v[i] = set->v[j];
			big.lens[i] = set->lens[j];
		}
		big.n = set->n;
		free(set->v);
		free(set->lens);
		*set = big;
	}
	copy = malloc(len + 1);
	if (!copy)
		return -1;
	for (size_t j = 0; j < len; j++)
		copy[j] = (char)lower((unsigned char)s[j]);
	copy[len] = '\0';
	for (i = hash_nocase(s, len) & (set->cap - 1); set->v[i]; i = (i + 1) & (set->cap - 1))
		;
	set->v[i] = copy;
	set->lens[i] = len;
	set->n++;
	return 0;
}

static void strset_release(struct strset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->v[i]);
	free(set->v);
	free(set->lens);
	memset(set, 0, sizeof(*set));
}

/*
 * A quick, exact "no" before a set lookup: the lengths of the set's
 * strings, and a 4096-bit Bloom filter over (length, first and last byte,
 * ignoring case). Most words of a log fail one of them, and cost no hash.
 */
struct wfilter {
	uint64_t lens;       /* bit n: some string has n bytes (63: 63 or more) */
	uint64_t bloom[64];
};

static size_t wfilter_bit(const char *s, size_t len)
{
	/* | 0x20 folds case (and more: the filter only needs equal strings to agree) */
	uint32_t h = ((uint32_t)(unsigned char)s[0] | 0x20) << 16 | ((uint32_t)(unsigned char)s[len - 1] | 0x20) << 8 |
		     (uint32_t)(len & 255);

	return (h * 2654435761u) >> 20;
}

static void wfilter_add(struct wfilter *f, const char *s, size_t len)
{
	size_t b;

	if (!len)
		return;
	b = wfilter_bit(s, len);
	f->lens |= 1ULL << MIN(len, 63);
	f->bloom[b / 64] |= 1ULL << (b % 64);
}

static bool wfilter_maybe(const struct wfilter *f, const char *s, size_t len)
{
	size_t b;

	if (!len || !((f->lens >> MIN(len, 63)) & 1))
		return false;
	b = wfilter_bit(s, len);
	return (f->bloom[b / 64] >> (b % 64)) & 1;
}

/* ---- the scanner ---- */

struct pii_scanner {
	uint32_t enabled;
	struct strset suffixes;    /* internal domains, and host names, from the options */
	struct strset last_labels; /* the last label of each suffix: a quick filter */
	struct strset users;       /* known user names */
	struct strset not_user;    /* words that follow "user" without being a name */
	unsigned user_parts;       /* most words ('.'/'-'-separated) in a known user name */
	struct wfilter ll_filter;  /* before a lookup in last_labels */
	struct wfilter user_filter; /* before a lookup in users */
	struct wfilter user_first; /* the first words ([A-Za-z0-9_]+) of the known user names */
	bool has_bare;             /* some suffix is a bare name without a dot */
	pcre2_code *ctx_user;      /* a user name announced by its context */
};

struct span {
	size_t start, end;
	enum pii_kind kind;
};

struct pii_scratch {
	pcre2_match_data *md;
	struct span *c; /* candidates */
	size_t n, alloc;
	struct span *names; /* names found by context, looked for again in the record */
	size_t nnames, names_alloc;
	size_t *name_tab;   /* open addressing over names[], by content (propagate_names()) */
	size_t name_tab_alloc;
	bool oom;
};

/*
 * Top-level domains reserved for private networks: names under them are
 * internal whatever the options say (with at least two labels before
 * "local", which also ends file names like settings.local).
 */
static const char *const private_tlds[] = {
	"internal", "lan", "intra", "intranet", "corp", "home.arpa", "localdomain", "local", NULL,
};

/*
 * Words that follow "user" or "for" without being anybody's name, PyPI's
 * fixed user name for tokens, and type names (a schema's "user": "string").
 */
static const char *const not_user[] = {
	"a", "an", "the", "is", "was", "not", "none", "null", "nil", "unknown", "undefined", "true",
	"false", "yes", "no", "on", "off", "default", "with", "without", "and", "or", "for", "from",
	"to", "by", "of", "in", "at", "as", "id", "ids", "name", "names", "agent", "session", "sessions",
	"account", "accounts", "data", "info", "list", "login", "logout", "logged", "password", "auth",
	"authentication", "request", "requests", "has", "had", "have", "does", "did", "can", "cannot",
	"will", "would", "should", "may", "must", "all", "any", "each", "every", "some", "this", "that",
	"it", "its", "new", "old", "same", "other", "invalid", "illegal", "authenticating",
	"authenticated", "identity", "group", "groups", "role", "roles", "service", "services",
	"process", "profile", "settings", "count", "mode", "type", "home", "manager", "uid", "euid",
	"gid", "tty", "rhost", "ruser", "user", "users", "username", "logname", "self", "me", "anonymous",
	"anon", "nobody", "root", "daemon", "bin", "sys", "sync", "admin", "administrator", "guest",
	"test", "demo", "support", "ubuntu", "debian", "centos", "ec2-user", "oracle", "postgres",
	"mysql", "redis", "www-data", "nginx", "apache", "git", "ftp", "ftpuser", "operator", "apikey",
	"app", "deploy", "jenkins", "ansible", "vagrant", "pi", "system", "systemd", "shared", "public",
	"local", "remote", "current", "specified", "given", "requested", "logs", "log", "success",
	"successful", "succeeded", "failed", "failure", "ok", "error", "denied", "allowed", "enabled",
	"disabled", "required", "attempt", "attempts", "ldap", "pam", "sssd", "kerberos", "sso", "oauth",
	"interface", "traffic", "connection", "connections", "logins", "input", "activity", "access",
	"event", "events", "message", "messages", "details", "config", "configuration", "permissions",
	"credentials", "directory", "database", "query", "object", "record", "records", "context",
	"__token__", "string", "str", "number", "integer", "int", "boolean", "bool", "any", "optional",
	"client", /* vsftpd: FAIL LOGIN: Client "10.0.0.1" */
	NULL,
};

/* Words that announce a version rather than an address ("version 4.2.0.17"). */
static const char *const version_words[] = { /* sorted in strcmp() order: bisected */
	"agent", "bios", "build", "driver", "firmware", "fw", "kernel", "patch", "release", "rev",
	"revision", "ver", "version",
};

/*
 * Software named just before its four-part version ("openssl 3.0.2.1",
 * "dotnet 6.0.1.100"): only names that never stand before a host's address
 * (not node, edge, redis...). Sorted in strcmp() order: bisected.
 */
static const char *const version_products[] = {
	".net", "aspnetcore", "chrome", "chromium", "clang", "dotnet", "firefox", "gcc", "glibc",
	"java", "jdk", "jre", "libressl", "llvm", "msbuild", "msedge", "nuget", "openjdk", "openssl",
	"perl", "php", "powershell", "pwsh", "python", "python3", "ruby", "safari", "vmtools",
};

#define IN_SORTED(s, len, list) in_sorted(s, len, list, sizeof(list) / sizeof(list[0]))

/*
 * File name extensions that are no top-level domain: "logo@2x.png",
 * "icon@3x.webp" name images, not addresses. (Two-letter ones that are
 * country codes, .md .py .sh .rs .pl, stay domains.)
 */
static const char *const file_exts[] = { /* sorted in strcmp() order: bisected */
	"apk", "avi", "avif", "bak", "bat", "bmp", "cer", "cfg", "cjs", "class", "conf", "cpp",
	"crt", "cs", "csr", "css", "csv", "deb", "der", "dll", "dmg", "doc", "docx", "dylib",
	"ear", "eot", "exe", "gif", "go", "gz", "heic", "hpp", "htm", "html", "ico", "ini", "iso",
	"jar", "java", "jks", "jpeg", "jpg", "js", "json", "jsonl", "jsx", "kt", "less", "lock",
	"log", "mjs", "mp3", "mp4", "msi", "orig", "otf", "pdf", "pem", "pfx", "php", "pid", "png",
	"ppt", "pptx", "pyc", "rar", "rb", "rpm", "rst", "scss", "sock", "sql", "sqlite", "svg",
	"swp", "tar", "tgz", "tif", "tiff", "tmp", "toml", "ts", "tsv", "tsx", "ttf", "txt", "war",
	"wav", "webp", "woff", "woff2", "xhtml", "xls", "xlsx", "xml", "xz", "yaml", "yml", "zst",
};

static const char *const kind_names[PII_KIND_COUNT] = { /* 3 to 8 letters: see pii_fallback_token() */
	[PII_EMAIL] = "email", [PII_IPV4] = "ipv4", [PII_IPV6] = "ipv6", [PII_MAC] = "mac",
	[PII_PHONE] = "phone", [PII_CARD] = "card", [PII_SSN] = "ssn", [PII_IBAN] = "iban",
	[PII_HOSTNAME] = "hostname", [PII_USERNAME] = "username",
};

const char *pii_kind_name(enum pii_kind kind)
{
	return (unsigned)kind < PII_KIND_COUNT ? kind_names[kind] : "unknown";
}

bool pii_fallback_token(const char *s, size_t len)
{
	/* "<kind>-" and 8 hex digits: the kinds have 3 to 8 letters */
	if (len < 3 + 9 || len > 8 + 9 || s[len - 9] != '-')
		return false;
	for (int k = 0; k < PII_KIND_COUNT; k++) {
		size_t n;

		if (kind_names[k][0] != s[0])
			continue;
		n = strlen(kind_names[k]);
		if (len != n + 9 || memcmp(s, kind_names[k], n) || s[n] != '-')
			continue;
		for (size_t i = n + 1; i < len; i++)
			if (!is_hex(s[i]) || is_upper(s[i]))
				return false;
		return true;
	}
	return false;
}

/*
 * User names by context, matched anchored where a trigger word starts (see
 * user_trigger()). Group 1 is the name. The alternatives: "user X" (after
 * "for", "by", "of", "invalid"...: checked in C), key/value forms (user=X,
 * "username": "X", ruser=X, login: X, uid=X as in LDAP DNs; not owner= or
 * account=, too often teams and cloud accounts), sshd's
 * "for X from 10.0.0.1", Windows' "for DOMAIN\X" (the domain in capitals;
 * it stays, and a name may have one wherever it stands), sudo's
 * "sudo: X : ", and home directories (macOS's "/Users/X" only where a
 * path starts: not a REST API's ".../v1/users/lookup"). No name goes on
 * with '\' (a path's Windows\System32), and one before '@' and a domain is
 * an address's (a Kerberos principal's "X@REALM" is a name). The blanks
 * between are spaces and tabs, never a line break: in a YAML document the
 * key under "user:" ("client-certificate-data:") is no name.
 */
static const char ctx_user_re[] =
	"(?:"
	"r?user(?:_?name)?(?:[\"']?(?:=|[ \\t]*:[ \\t]*|[ \\t]+=[ \\t]+)[\"']?|[ \\t]+[\"']?)"
	"|for[ \\t]+(?=[A-Za-z_][\\w.-]*[ \\t]+from[ \\t]+[0-9A-Fa-f:.]{3,})"
	"|for[ \\t]+(?=(?-i:[A-Z][A-Z0-9_.-]{0,14})\\\\[A-Za-z_])"
	"|sudo(?:\\[\\d+\\])?:[ \\t]+(?=\\S+[ \\t]+:[ \\t])"
	"|(?:login(?:_?name)?|logname|uid)[\"']?(?:=|[ \\t]*:[ \\t]*|[ \\t]+=[ \\t]+)[\"']?"
	"|/home/|/users/"
	")"
	"(?:[A-Za-z][\\w.-]{0,14}\\\\)?"
	"([A-Za-z_][A-Za-z0-9._-]{0,31})(?<![.-])(?![A-Za-z0-9_\\\\]|[.-]+[A-Za-z0-9_])"
	"(?![\\w.-]*@[\\w-]+\\.[A-Za-z])";

static pcre2_code *compile(const char *re, uint32_t flags, char *err, size_t errlen)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, flags, &code, &off, NULL);

	if (!c) {
		char msg[256];

		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		if (err && errlen)
			snprintf(err, errlen, "pii: internal pattern error at %zu: %s", (size_t)off, msg);
		return NULL;
	}
	pcre2_jit_compile(c, PCRE2_JIT_COMPLETE); /* falls back to the interpreter if JIT is unavailable */
	return c;
}

/* Where the last label of the name d[0, len) starts (d itself when it has no dot). */
static const char *last_label(const char *d, size_t len)
{
	const char *p = d + len;

	while (p > d && p[-1] != '.')
		p--;
	return p;
}

static int add_suffix(struct pii_scanner *sc, const char *s)
{
	size_t len = strlen(s);
	const char *dot;

	while (len && s[len - 1] == '.')
		len--;
	while (len && s[0] == '.')
		s++, len--;
	if (!len)
		return 0;
	dot = last_label(s, len);
	if (strset_add(&sc->suffixes, s, len) < 0 ||
	    strset_add(&sc->last_labels, dot, (size_t)(s + len - dot)) < 0)
		return -1;
	wfilter_add(&sc->ll_filter, dot, (size_t)(s + len - dot));
	sc->has_bare |= dot == s;
	return 0;
}

int pii_scanner_new(struct pii_scanner **out, const struct pii_options *opts, char *err, size_t errlen)
{
	struct pii_scanner *sc = calloc(1, sizeof(*sc));

	if (!sc)
		goto oom;
	if (!list_sorted(file_exts, sizeof(file_exts) / sizeof(file_exts[0])) ||
	    !list_sorted(version_words, sizeof(version_words) / sizeof(version_words[0])) ||
	    !list_sorted(version_products, sizeof(version_products) / sizeof(version_products[0]))) {
		if (err && errlen)
			snprintf(err, errlen, "pii: BUG: a bisected word list is not sorted");
		pii_scanner_free(sc);
		return -1;
	}
	sc->enabled = opts ? opts->enabled : PII_ALL;
	for (size_t i = 0; private_tlds[i]; i++)
		if (add_suffix(sc, private_tlds[i]) < 0)
			goto oom;
	sc->has_bare = false; /* a private TLD alone is never a host name */
	for (size_t i = 0; opts && opts->internal_domains && opts->internal_domains[i]; i++)
		if (add_suffix(sc, opts->internal_domains[i]) < 0)
			goto oom;
	for (size_t i = 0; opts && opts->usernames && opts->usernames[i]; i++) {
		const char *u = opts->usernames[i];
		unsigned parts = 1;
		size_t w;

		if (strset_add(&sc->users, u, strlen(u)) < 0)
			goto oom;
		wfilter_add(&sc->user_filter, u, strlen(u));
		for (w = 0; is_word(u[w]); w++)
			;
		wfilter_add(&sc->user_first, u, w); /* none: the name can never stand as words */
		for (const char *p = u; *p; p++)
			parts += *p == '.' || *p == '-';
		if (parts > sc->user_parts)
			sc->user_parts = parts;
	}
	for (size_t i = 0; not_user[i]; i++)
		if (strset_add(&sc->not_user, not_user[i], strlen(not_user[i])) < 0)
			goto oom;
	/* Anchored when compiled: PCRE2's JIT cannot anchor at match time (it would interpret). */
	sc->ctx_user = compile(ctx_user_re, PCRE2_CASELESS | PCRE2_ANCHORED, err, errlen);
	if (!sc->ctx_user) {
		pii_scanner_free(sc);
		return -1;
	}
	*out = sc;
	return 0;
oom:
	pii_scanner_free(sc);
	if (err && errlen)
		snprintf(err, errlen, "pii: out of memory");
	return -1;
}

void pii_scanner_free(struct pii_scanner *sc)
{
	if (!sc)
		return;
	strset_release(&sc->suffixes);
	strset_release(&sc->last_labels);
	strset_release(&sc->users);
	strset_release(&sc->not_user);
	pcre2_code_free(sc->ctx_user);
	free(sc);
}

struct pii_scratch *pii_scratch_new(const struct pii_scanner *sc)
{
	struct pii_scratch *scr = calloc(1, sizeof(*scr));

	if (!scr)
		return NULL;
	scr->md = pcre2_match_data_create(4, NULL);
	if (!scr->md) {
		free(scr);
		return NULL;
	}
	return scr;
}

void pii_scratch_free(struct pii_scratch *scr)
{
	if (!scr)
		return;
	pcre2_match_data_free(scr->md);
	free(scr->c);
	free(scr->names);
	free(scr->name_tab);
	free(scr);
}

static void add_span(struct span **v, size_t *n, size_t *alloc, bool *oom, size_t start, size_t end,
		     enum pii_kind kind)
{
	if (*n == *alloc) {
		size_t want = *alloc ? *alloc * 2 : 32;
		struct span *p = realloc(*v, want * sizeof(**v));

		if (!p) {
			*oom = true;
			return;
		}
		*v = p;
		*alloc = want;
	}
	(*v)[(*n)++] = (struct span){ start, end, kind };
}

static void add(struct pii_scratch *scr, size_t start, size_t end, enum pii_kind kind)
{
	add_span(&scr->c, &scr->n, &scr->alloc, &scr->oom, start, end, kind);
}

/*
 * A span that is not PII but must not be cut into by other detectors: one
 * of our own tokens, a loopback address... Claims take part in resolving
 * overlaps and are not reported, so that what lost to a value in the first
 * pass also loses to its token in the second.
 */
#define PII_CLAIM PII_KIND_COUNT

static void claim(struct pii_scratch *scr, size_t start, size_t end)
{
	add(scr, start, end, PII_CLAIM);
}

/* ---- validators ---- */

bool pii_luhn_ok(const char *s, size_t len)
{
	unsigned sum = 0, n = 0;

	for (size_t i = len; i-- > 0;) {
		unsigned d;

		if (s[i] == ' ' || s[i] == '-')
			continue;
		if (!is_digit(s[i]))
			return false;
		d = (unsigned)(s[i] - '0');
		if (n++ & 1) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return n >= 2 && sum % 10 == 0;
}

/* IBAN lengths by country (ISO 13616 registry). */
static const char iban_lengths[] =
	"AD24AE23AL28AT20AZ28BA20BE16BG22BH22BR29BY28CH21CR22CY28CZ24DE22DK18DO28EE20EG29"
	"ES24FI18FO18FR27GB22GE22GI23GL18GR27GT28HR21HU28IE22IL23IQ23IS26IT27JO30KW30KZ20"
	"LB28LC32LI21LT20LU20LV21MC27MD24ME22MK19MR27MT31MU30NL18NO15PK24PL28PS29PT25QA29"
	"RO24RS22SA24SC31SE24SI19SK24SM27ST25SV28TL23TN24TR26UA29VA22VG24XK20";

static int iban_length(const char *cc)
{
	for (const char *p = iban_lengths; *p; p += 4)
		if (p[0] == cc[0] && p[1] == cc[1])
			return (p[2] - '0') * 10 + (p[3] - '0');
	return 0;
}

bool pii_iban_ok(const char *s, size_t len)
{
	char c[40];
	size_t n = 0;
	unsigned rem = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == ' ')
			continue;
		if (n == sizeof(c) || !is_alnum(s[i]))
			return false;
		c[n++] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	}
	if (n < 15 || !is_upper(c[0]) || !is_upper(c[1]) || !is_digit(c[2]) || !is_digit(c[3]) ||
	    iban_length(c) != (int)n)
		return false;
	/* Move the first four characters to the end, letters as 10..35, mod 97 must be 1. */
	for (size_t k = 0; k < n; k++) {
		char ch = c[(k + 4) % n];

		if (is_digit(ch))
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
	}
	return rem == 1;
}

bool pii_ssn_ok(const char *s, size_t len)
{
	unsigned d[9], n = 0, area, group, serial;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '-' || s[i] == ' ')
			continue;
		if (!is_digit(s[i]) || n == 9)
			return false;
		d[n++] = (unsigned)(s[i] - '0');
	}
	if (n != 9)
		return false;
	area = d[0] * 100 + d[1] * 10 + d[2];
	group = d[3] * 10 + d[4];
	serial = d[5] * 1000 + d[6] * 100 + d[7] * 10 + d[8];
	/* Never issued: area 000, 666, 900-999; group 00; serial 0000. */
	return area && area != 666 && area < 900 && group && serial;
}

/* ---- e-mail ---- */

/*
 * A label of our host name tokens: 'h' and eight lower-case hex digits, or
 * eight letters g-v for a last label (see pseudo.c).
 */
static bool host_token_label(const char *s, size_t len)
{
	bool hex = true, letters = true;

	if (len != 9 || s[0] != 'h')
		return false;
	for (size_t i = 1; i < 9; i++) {
		hex &= is_hex(s[i]) && !is_upper(s[i]);
		letters &= s[i] >= 'g' && s[i] <= 'v';
	}
	return hex || letters;
}

/* True if every label of name[0, len) before its public suffix is a token label. */
static bool host_is_token(const char *name, size_t len)
{
	size_t keep, end, s = 0;

	/* The first label (never part of the suffix) first: 'h' and 8 more. */
	if (len < 9 || name[0] != 'h' || (len > 9 && name[9] != '.'))
		return false;
	keep = pii_public_suffix(name, len);
	end = len > keep ? len - keep : 0;
	if (keep && end)
		end--; /* the dot before the suffix */
	if (!end)
		return false;
	for (size_t i = 0; i <= end; i++) {
		if (i < end && name[i] != '.')
			continue;
		if (!host_token_label(name + s, i - s))
			return false;
		s = i + 1;
	}
	return true;
}


static bool is_local_char(int c)
{
	return is_word(c) || c == '.' || c == '+' || c == '-';
}

/*
 * Domains of documentation and of our own tokens (RFC 2606, 6761): an
 * address there is an example, or already a pseudonym.
 */
static bool reserved_domain(const char *d, size_t len)
{
	static const char *const tlds[] = { "example", "invalid", "test", "localhost", NULL };
	static const char *const doms[] = { "example.com", "example.net", "example.org", NULL };
	const char *last = last_label(d, len);

	if (in_list(last, (size_t)(d + len - last), tlds))
		return true;
	for (size_t i = 0; doms[i]; i++) {
		size_t dl = strlen(doms[i]);

		if (len >= dl && eq_nocase(d + len - dl, dl, doms[i]) && (len == dl || d[len - dl - 1] == '.'))
			return true;
	}
	return false;
}

/*
 * systemd unit instances, getty@tty1.service or user@1000.slice: the
 * "domain" ends in a unit type, which no real top-level domain is.
 */
static bool systemd_unit(const char *d, size_t len)
{
	static const char *const types[] = { "service", "socket", "target", "timer", "mount",
					     "automount", "path", "slice", "scope", "swap",
					     "device", NULL };
	const char *last = last_label(d, len);

	return in_list(last, (size_t)(d + len - last), types);
}

/* Can s[0, len) end a domain: letters only, two or more, and no file name extension? */
static bool tld_ok(const char *s, size_t len)
{
	if (len < 2)
		return false;
	for (size_t k = 0; k < len; k++)
		if (!(CLS(s[k]) & C_ALPHA))
			return false;
	return !in_sorted(s, len, file_exts, sizeof(file_exts) / sizeof(file_exts[0]));
}

/*
 * Length of a domain name at s (labels of [A-Za-z0-9_-], as host names have
 * them, dots between), or 0: its longest run of labels from the start, two
 * or more, that ends in a top-level domain tld_ok() takes ("lodash@4.17.21"
 * and "deploy@10.1.2.3" have none).
 */
static size_t domain_len(const char *s, size_t max)
{
	size_t i = 0, labels = 0, best = 0;

	for (;;) {
		size_t start = i;

		while (i < max && (is_alnum(s[i]) || s[i] == '-' || s[i] == '_'))
			i++;
		if (i == start || i - start > 63 || s[start] == '-' || s[i - 1] == '-')
			break;
		if (++labels >= 2 && tld_ok(s + start, i - start))
			best = i;
		if (i + 1 < max && s[i] == '.' && is_alnum(s[i + 1])) {
			i++;
			continue;
		}
		break;
	}
	return best;
}

/* True if s has the shape of our user and e-mail local-part tokens: user-<8 hex>. */
static bool is_user_token(const char *s, size_t len)
{
	if (len != 13 || memcmp(s, "user-", 5))
		return false;
	for (size_t i = 5; i < 13; i++)
		if (!is_hex(s[i]) || is_upper(s[i]))
			return false;
	return true;
}

/*
 * Is t[ls] inside the user information of a URL, scheme://user:pass@host?
 * Going back from ls, "://" must come before any '/', '?', '#', '@', blank
 * or quote (so ?to=jane@x.org in a URL's query is still an address).
 */
static bool in_url_userinfo(const char *t, size_t ls)
{
	for (size_t k = ls; k > 0 && ls - k < 256; k--) {
		char c = t[k - 1];

		if (c == '/')
			return k >= 3 && t[k - 2] == '/' && t[k - 3] == ':';
		if (c == '?' || c == '#' || c == '@' || c == ' ' || c == '\t' || c == '"' || c == '\'' ||
		    c == '<' || c == '>' || c == '\n' || c == '\r')
			return false;
	}
	return false;
}

/*
 * Is the address ending at t[de], which starts a URL's user information
 * (scheme://jane@x.org:pw@host, scheme://jane%40x.org@host), its user? A
 * second '@' must follow in the user information, or the address's '@' is
 * the one before the host (https://jane@host.example.com:8443/). The text
 * may also end at the ':': the engine blanks the password it found.
 * Our label stands for such an end: the first pass read no further than
 * the secret there (scheme://jane@x.org.SECRET@host was no address to it).
 */
static bool url_user_address(const char *t, size_t len, size_t ls, size_t de)
{
	if (ls < 3 || t[ls - 1] != '/' || t[ls - 2] != '/' || t[ls - 3] != ':')
		return false;
	if (t[de] == ':' && (de + 1 == len || t[de + 1] == '\n'))
		return true; /* (the engine blanks a secret with line breaks) */
	for (size_t k = de; k < len && k - de < 256; k++) {
		char c = t[k];

		if (c == '[' && len - k > 10 && !memcmp(t + k, "[REDACTED:", 10))
			return k == de + 1 && t[de] == ':';
		if (c == '@')
			return true;
		if (c == '/' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '"' || c == '\'' ||
		    c == '<' || c == '>' || c == '\n' || c == '\r')
			return false;
	}
	return false;
}

/*
 * After "x@host:" at t[k]: a path (git@host:org/repo.git, deploy@host:~/x,
 * host:repo.git) makes an ssh or scp remote of it; a word does not
 * (relay@x.org:SaslPw, a mail relay's user:password).
 */
static bool remote_path_at(const char *t, size_t len, size_t k)
{
	size_t s = k;

	for (; k < len && !is_space(t[k]) && !strchr("\"'<>,;()", t[k]); k++)
		if (t[k] == '/' || t[k] == '~')
			return true;
	return k - s >= 4 && !memcmp(t + k - 4, ".git", 4);
}

/* Kerberos services named before a host in a service principal (HTTP/web01.corp.lan@REALM). */
static const char *const krb_services[] = {
	"host", "http", "https", "ldap", "cifs", "nfs", "dns", "smtp", "imap", "pop", "ftp", "kafka",
	"zookeeper", "hdfs", "yarn", "hive", "hbase", "mapred", "spark", "impala", "postgres", "mssqlsvc",
	"mongodb", "redis", "cassandra", "elasticsearch", "hadoop", "jenkins", "wsman", "termsrv",
	"restrictedkrbhost", "gc", "krbtgt", "nn", "dn", "rm", "nm", "jhs", "solr", "oozie", "hue", "livy",
	NULL,
};

/*
 * A Kerberos service principal, service/host.domain@REALM, with its host at
 * t[hs, at): the part before '@' is a host (found as one, with the same
 * token as elsewhere), not an address's user. The realm is in capitals.
 */
static bool service_principal(const char *t, size_t len, size_t hs, size_t at)
{
	size_t s = hs - 1, k = at + 1;

	if (hs < 2 || t[hs - 1] != '/' || at >= len || t[at] != '@' || !memchr(t + hs, '.', at - hs))
		return false;
	while (s > 0 && is_word(t[s - 1]))
		s--;
	if ((s > 0 && (t[s - 1] == '/' || is_name_char(t[s - 1]))) || !in_list(t + s, hs - 1 - s, krb_services))
		return false;
	if (k >= len || !is_upper(t[k]))
		return false;
	for (; k < len && (is_name_char(t[k]) || is_word(t[k])); k++)
		if (!is_upper(t[k]) && !is_digit(t[k]) && t[k] != '.' && t[k] != '-')
			return false;
	return true;
}

static void email_at(struct pii_scratch *scr, const char *t, size_t len, size_t at, size_t seplen,
		     size_t *resume)
{
	size_t ls = at, de, dl;
	bool url_user;

	while (ls > 0 && at - ls < 64 && is_local_char(t[ls - 1]))
		ls--;
	bool cut = false;

	/* A local part has no "..": start after the last one. */
	for (size_t k = at; k > ls + 1; k--)
		if (t[k - 1] == '.' && t[k - 2] == '.') {
			ls = k;
			cut = true;
			break;
		}
	while (ls < at && (t[ls] == '.' || t[ls] == '-' || t[ls] == '+'))
		ls++;
	if (ls == at || t[at - 1] == '.')
		return;
	if (ls > 0 && is_local_char(t[ls - 1]) && !cut)
		return; /* local part too long to be one */
	/*
	 * After "x@" it is the domain of an address before, or a host:
	 * jane@x.org@proxy.lan's address is jane@x.org, "x.org@proxy.lan" none
	 * (a handle, "@jane@x.org", starts with its '@').
	 */
	if (ls > 1 && t[ls - 1] == '@' && is_local_char(t[ls - 2]))
		return;
	dl = domain_len(t + at + seplen, len - at - seplen);
	if (!dl)
		return;
	de = at + seplen + dl;
	/*
	 * scheme://user:password@host is a URL, not an address, whatever the
	 * password holds (redis://:a~b@host); mailto:x@y is one, and so is
	 * an address in a URL's path or query, and one before another '@' and
	 * its host (user:jane@x.org@host). Without a scheme, "email:x@y" is
	 * one too: a user:password@host the engine judged has its password
	 * blanked here, and one it kept is better pseudonymised than kept.
	 */
	if (ls >= 3 && t[ls - 1] == ':' && in_url_userinfo(t, ls - 1) && !(de < len && t[de] == '@'))
		return;
	if (seplen == 1 && service_principal(t, len, ls, at))
		return;
	url_user = url_user_address(t, len, ls, de);
	if (!url_user && in_url_userinfo(t, ls))
		return;
	if (de < len && (is_word(t[de]) || t[de] == '%'))
		return;
	if (ls > 0 && t[ls - 1] == '%')
		return; /* %0a%40...: URL-encoded bytes, not an address */
	/*
	 * git@host:org/repo.git: an ssh remote, not an address; a path follows
	 * its ':' ("alice@x.org: admin" is an address, a YAML key or a message).
	 */
	if (de + 1 < len && t[de] == ':' && !is_digit(t[de + 1]) && !is_space(t[de + 1]) && seplen == 1 &&
	    !url_user && remote_path_at(t, len, de + 1))
		return;
	/* Examples, systemd units, and our own tokens (a first pass judged what they stand for). */
	if (reserved_domain(t + at + seplen, dl) || is_user_token(t + ls, at - ls) ||
	    host_is_token(t + at + seplen, dl) || systemd_unit(t + at + seplen, dl)) {
		claim(scr, ls, de);
		*resume = de;
		return;
	}
	add(scr, ls, de, PII_EMAIL);
	*resume = de;
}

static void scan_email(struct pii_scratch *scr, const char *t, size_t len)
{
	size_t i = 0, resume = 0;
	const char *p;

	while (i < len && (p = memchr(t + i, '@', len - i))) {
		size_t at = (size_t)(p - t);

		if (at >= resume)
			email_at(scr, t, len, at, 1, &resume);
		i = at + 1;
	}
	/* URL-encoded: jane%40example.org */
	for (i = 0; i + 3 <= len && (p = memchr(t + i, '%', len - i - 2));) {
		size_t at = (size_t)(p - t);

		if (p[1] == '4' && p[2] == '0')
			email_at(scr, t, len, at, 3, &resume);
		i = at + 1;
	}
}

/* ---- IPv4 ---- */

/* Parse a dotted quad at s; its length, or 0. */
static size_t parse_ipv4(const char *s, size_t max, unsigned char out[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		if (part) {
			if (i >= max || s[i] != '.')
				return 0;
			i++;
		}
		while (i < max && is_digit(s[i]) && nd < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			nd++;
		}
		if (!nd || nd > 3 || v > 255)
			return 0;
		out[part] = (unsigned char)v;
	}
	return i;
}

/* Addresses that identify nobody: unspecified, loopback, link-local, multicast, reserved
 * (our tokens live in 240.0.0.0/4), broadcast, documentation, and netmasks. */
static bool ipv4_is_special(const unsigned char a[4])
{
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];

	if (a[0] == 0 || a[0] == 127 || a[0] >= 224 || (a[0] == 169 && a[1] == 254))
		return true;
	if ((a[0] == 192 && a[1] == 0 && a[2] == 2) || (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
	    (a[0] == 203 && a[1] == 0 && a[2] == 113))
		return true;
	/* Public resolvers (Google, Cloudflare, Quad9, OpenDNS): no one's address. */
	static const uint32_t resolvers[] = {
		0x08080808, 0x08080404, 0x01010101, 0x01000001, 0x09090909, 0x95707070, 0xd043dede, 0xd043dcdc,
	};
	for (size_t k = 0; k < sizeof(resolvers) / sizeof(resolvers[0]); k++)
		if (v == resolvers[k])
			return true;
	/* A contiguous netmask: ones, then zeros. */
	return (~v & (~v + 1)) == 0;
}

/*
 * A private-use block as itself, with its length at t[e] ("10.0.0.0/8",
 * RFC 1918 and RFC 6598's 100.64.0.0/10): a constant of every site.
 */
static bool ipv4_private_block(const unsigned char a[4], const char *t, size_t len, size_t e)
{
	static const unsigned char blocks[][5] = {
		{ 10, 0, 0, 0, 8 }, { 172, 16, 0, 0, 12 }, { 192, 168, 0, 0, 16 }, { 100, 64, 0, 0, 10 },
	};
	unsigned n = 0;
	size_t k = e + 1;

	if (k >= len || t[e] != '/')
		return false;
	while (k < len && is_digit(t[k]) && k - e <= 2)
		n = n * 10 + (unsigned)(t[k++] - '0');
	if (k == e + 1 || (k < len && is_alnum(t[k])))
		return false;
	for (k = 0; k < sizeof(blocks) / sizeof(blocks[0]); k++)
		if (!memcmp(a, blocks[k], 4) && n == blocks[k][4])
			return true;
	return false;
}

/* A .NET assembly or NuGet package id: "Newtonsoft.Json", "System.Text.Json" (a capital after each dot). */
static bool dotted_pascal(const char *s, size_t len)
{
	bool dot = false;

	if (!len || !is_upper(s[0]) || s[len - 1] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (!is_upper(s[i + 1]))
				return false;
			dot = true;
		} else if (!is_alnum(s[i])) {
			return false;
		}
	}
	return dot;
}

/*
 * Does what stands before the dotted quad at t[s] make it a version? A key
 * or element named "...version" ("contentVersion":"1.0.0.0", <Version>,
 * AssemblyFileVersion=), a word that announces one (version, build,
 * firmware...), a product and its version as a User-Agent has them
 * (Agent/5.0.10.2), or a product's name (openssl 3.0.2.1, Newtonsoft.Json
 * 13.0.1.0). Only called on an address already found.
 */
static bool version_context(const char *t, size_t s)
{
	size_t e = s, b;

	while (e > 0 && s - e < 4 && strchr(" \t=:\"'([>", t[e - 1]))
		e--;
	b = e;
	while (b > 0 && e - b < 64 && (CLS(t[b - 1]) & C_ALPHA))
		b--;
	if (b < e && (IN_SORTED(t + b, e - b, version_words) ||
		      (e - b >= 7 && eq_nocase(t + e - 7, 7, "version"))))
		return true;
	if (s < 2 || (t[s - 1] != '/' && t[s - 1] != ' '))
		return false;
	/* The word before '/' or a space: a product, not part of a path, URL or address. */
	e = s - 1;
	for (b = e; b > 0 && e - b < 64 && (is_name_char(t[b - 1]) || t[b - 1] == '+'); b--)
		;
	if (b == e || (b > 0 && t[b - 1] && strchr("/\\:@%", t[b - 1])))
		return false;
	if (t[s - 1] == '/') {
		bool upper = false;

		for (size_t k = b; k < e; k++)
			upper |= is_upper(t[k]);
		return (CLS(t[b]) & C_ALPHA) && upper;
	}
	return IN_SORTED(t + b, e - b, version_products) || dotted_pascal(t + b, e - b);
}

/* An IPv4 address at t[i] (a digit at a word start): where it ends, or i. */
static size_t ipv4_at(struct pii_scratch *scr, const char *t, size_t len, size_t i)
{
	unsigned char a[4];
	size_t n, e;

	if (i > 0 && t[i - 1] == '.')
		return i;
	n = parse_ipv4(t + i, len - i, a);
	e = i + n;
	if (!n)
		return i;
	if (e < len && (is_word(t[e]) || (t[e] == '.' && e + 1 < len && is_alnum(t[e + 1]))))
		return i; /* 1.2.3.4.5, 1.2.3.4a: versions, OIDs */
	/* Chrome/122.0.0.0: a browser version in a User-Agent (Chromium's reduced form) */
	if (ipv4_is_special(a) || (i > 1 && t[i - 1] == '/' && (CLS(t[i - 2]) & C_ALPHA) && !a[1] &&
				   !a[2] && !a[3]) || (!a[3] && ipv4_private_block(a, t, len, e))) {
		claim(scr, i, e);
		return e;
	}
	if (version_context(t, i))
		return i;
	add(scr, i, e, PII_IPV4);
	return e;
}

/* ---- IPv6 and MAC, both found around a ':' ---- */

static bool is_v6_char(int c)
{
	return CLS(c) & C_V6;
}

/* Special IPv6: unspecified, loopback, multicast, documentation 2001:db8::/32 (our tokens),
 * link-local fe80::/10 with no interface id or a hand-set one below 64K (fe80::, the
 * fe80::/64 route, fe80::1), and IPv4-mapped addresses whose IPv4 part is special. */
static bool ipv6_is_special(const unsigned char a[16])
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	bool zero = true;

	for (int i = 0; i < 15; i++)
		zero &= a[i] == 0;
	if (zero && a[15] <= 1)
		return true;
	if (a[0] == 0xff || (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8))
		return true;
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) {
		bool small = true;

		for (int i = 8; i < 14; i++)
			small &= a[i] == 0;
		if (small)
			return true;
	}
	return !memcmp(a, mapped, 12) && ipv4_is_special(a + 12);
}

/*
 * An IPv6 address whose dotted quad has leading zeros ("::2.00.2.2"), which
 * inet_pton() refuses but an IPv4 reader takes: read whole as IPv6, as the
 * quad's pseudonym ("::247.0.213.3") would be on a second pass. buf holds
 * len characters and a NUL, and has room for the quad rewritten.
 */
static bool parse_ipv6_padded(char *buf, size_t len, unsigned char out[16])
{
	char *c = strrchr(buf, ':');
	unsigned char q[4];

	if (!c || !strchr(c, '.') || parse_ipv4(c + 1, len - (size_t)(c + 1 - buf), q) !=
						      len - (size_t)(c + 1 - buf))
		return false;
	snprintf(c + 1, len - (size_t)(c - buf), "%u.%u.%u.%u", q[0], q[1], q[2], q[3]);
	return inet_pton(AF_INET6, buf, out) == 1;
}

/* Parse an IPv6 address that is exactly s[0, len). */
static bool parse_ipv6(const char *s, size_t len, unsigned char out[16])
{
	char buf[64];

	if (len < 2 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, out) == 1)
		return true;
	return parse_ipv6_padded(buf, len, out);
}

/* n groups of two hex digits separated by sep at s? Returns the length or 0. */
static size_t hex_pairs(const char *s, size_t max, char sep, int n)
{
	size_t i = 0;

	for (int g = 0; g < n; g++) {
		if (g) {
			if (i >= max || s[i] != sep)
				return 0;
			i++;
		}
		if (i + 2 > max || !is_hex(s[i]) || !is_hex(s[i + 1]))
			return 0;
		i += 2;
	}
	return i;
}

static int hexval(int c)
{
	return is_digit(c) ? c - '0' : lower(c) - 'a' + 10;
}

/*
 * Multicast (group bit), all-zero and our tokens' 0e:d1 prefix are no one's
 * NIC: the MAC at s[0, n), in any of its forms (its separators skipped).
 */
static bool mac_is_special(const char *s, size_t n)
{
	char d[12];
	size_t k = 0;
	bool zero = true;
	int b0;

	for (size_t i = 0; i < n && k < 12; i++)
		if (is_hex(s[i]))
			zero &= (d[k++] = s[i]) == '0';
	b0 = hexval(d[0]) << 4 | hexval(d[1]);
	if (zero || (b0 & 1))
		return true;
	return b0 == 0x0e && lower(d[2]) == 'd' && d[3] == '1';
}

static void mac_or_v6_run(struct pii_scratch *scr, const char *t, size_t len, size_t a, size_t b,
			  uint32_t enabled)
{
	unsigned char addr[16];
	size_t colons = 0, digits = 0, e;
	bool two = false; /* "::" */

	for (size_t k = a; k < b; k++) {
		colons += t[k] == ':';
		digits += is_digit(t[k]);
		two |= t[k] == ':' && k + 1 < b && t[k + 1] == ':';
	}
	/* MAC: six pairs; the iptables MAC= field: two MACs and an ethertype (14 pairs). */
	if (b - a == 17 && hex_pairs(t + a, b - a, ':', 6) == b - a) {
		if ((enabled & (1u << PII_MAC)))
			add(scr, a, b, mac_is_special(t + a, 17) ? PII_CLAIM : PII_MAC);
		return;
	}
	if (b - a == 41 && hex_pairs(t + a, b - a, ':', 14) == b - a) {
		if (enabled & (1u << PII_MAC)) {
			add(scr, a, a + 17, mac_is_special(t + a, 17) ? PII_CLAIM : PII_MAC);
			add(scr, a + 18, a + 35, mac_is_special(t + a + 18, 17) ? PII_CLAIM : PII_MAC);
		}
		return;
	}
	/*
	 * An InfiniBand hardware address (20 pairs: flags, the subnet prefix,
	 * the port GUID): the GUID's last six bytes go as a MAC would, but for
	 * a broadcast's 00 and ff bytes. No group bit there: only our 0e:d1.
	 * Only after "infiniband " (ip link, ifconfig): a SHA-1 fingerprint has
	 * 20 pairs too.
	 */
	if (b - a == 59 && a >= 11 && !memcmp(t + a - 11, "infiniband ", 11) &&
	    hex_pairs(t + a, b - a, ':', 20) == b - a) {
		const char *g = t + b - 17;
		bool filler = true;

		for (int k = 0; k < 17; k += 3)
			filler &= (g[k] == '0' && g[k + 1] == '0') || (lower(g[k]) == 'f' && lower(g[k + 1]) == 'f');
		if ((enabled & (1u << PII_MAC)) && !filler)
			add(scr, b - 17, b,
			    lower(g[0]) == '0' && lower(g[1]) == 'e' && lower(g[3]) == 'd' && g[4] == '1' ? PII_CLAIM
													      : PII_MAC);
		return;
	}
	/* An IPv6 address has "::", or 7 colons (6 before a dotted quad). */
	if (!(enabled & (1u << PII_IPV6)) || colons < 2 || !digits || (colons < 6 && !two))
		return;
	if (parse_ipv6(t + a, b - a, addr)) {
		add(scr, a, b, ipv6_is_special(addr) ? PII_CLAIM : PII_IPV6);
		return;
	}
	/* addr:port, the port in decimal: 2001:db8::1:8080 is read whole above. */
	e = b;
	while (e > a && is_digit(t[e - 1]) && b - e < 5)
		e--;
	if (e < b && e > a + 1 && t[e - 1] == ':' && t[e - 2] != ':' &&
	    parse_ipv6(t + a, e - 1 - a, addr) && !ipv6_is_special(addr))
		add(scr, a, e - 1, PII_IPV6);
}

/*
 * Is the character that ends at t[a - 1], a byte past ASCII, a letter of a
 * script of words apart ("contraseña", "пароль", Latin-1's "credä")? Not
 * punctuation or a symbol ("«", "→"), nor a letter of one written without
 * spaces (CJK's "地址2a01:4f8::5").
 */
static bool letter_before(const char *t, size_t a)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t k = a - 1, n = 0;
	uint32_t cp;

	while (k > 0 && n < 3 && (u[k] & 0xc0) == 0x80) {
		k--;
		n++;
	}
	if (n && ((n == 1 && (u[k] & 0xe0) == 0xc0) || (n == 2 && (u[k] & 0xf0) == 0xe0) ||
		  (n == 3 && (u[k] & 0xf8) == 0xf0))) {
		cp = u[k] & (0x3f >> n);
		for (size_t i = k + 1; i < a; i++)
			cp = cp << 6 | (u[i] & 0x3f);
	} else {
		cp = u[a - 1]; /* not UTF-8: read as Latin-1 */
	}
	return cp >= 0xc0 && cp < 0x2000 && cp != 0xd7 && cp != 0xf7; /* (not × nor ÷) */
}

static void scan_colon_runs(struct pii_scratch *scr, const char *t, size_t len, uint32_t enabled)
{
	size_t i = 0;
	const char *p;

	while (i < len && (p = memchr(t + i, ':', len - i))) {
		size_t c = (size_t)(p - t), a = c, b = c + 1;
		bool two = false, high; /* two: "::" (none before c, the run's first ':') */

		while (a > 0 && is_v6_char(t[a - 1]))
			a--;
		for (; b < len && is_v6_char(t[b]); b++)
			two |= t[b] == ':' && t[b - 1] == ':';
		/* Trim dots at the ends (sentence punctuation, or "x.y:" in a file name). */
		while (a < b && t[a] == '.')
			a++;
		while (b > a && t[b - 1] == '.')
			b--;
		i = b > c ? b : c + 1;
		if (two && a == c && a >= 2 && t[a + 1] == ':' && (t[a - 1] == '"' || t[a - 1] == '\'') &&
		    is_word(t[a - 2])) {
			/* "key"::6: the first ':' is the key's, after its closing quote; no "::" starts there */
			a++;
			two = false;
			for (size_t k = a + 1; k < b; k++)
				two |= t[k] == ':' && t[k - 1] == ':';
		}
		/*
		 * A MAC has 17 characters (41 for two and a type); an IPv6 address
		 * 15 at least, or "::": most colon runs are times (12:34:56).
		 */
		if (b - a < 15 && !two)
			continue;
		/*
		 * After a letter past ASCII the run is a word's, as after an ASCII
		 * one; after any byte past ASCII if it starts with "::" ("密码::5",
		 * "password«::5"): its pseudonym's first digits would join what the
		 * name readers take for a name (key_char()). After CJK's letters,
		 * "地址2a01:4f8::5" is an address.
		 */
		high = a > 0 && (unsigned char)t[a - 1] >= 0x80 && (t[a] == ':' || letter_before(t, a));
		if (a > 0 && is_word(t[a - 1]) && !high && c + 1 < b && t[c + 1] != ':' && b - c - 1 >= 15)
			a = c + 1; /* "addr:2a01:4f8::5", "mac:00:1a:2b:3c:4d:5e": a name's ':', then the value */
		if ((a > 0 && (is_word(t[a - 1]) || t[a - 1] == '-' || t[a - 1] == '.' || high)) ||
		    (b < len && (is_word(t[b]) || t[b] == '-')) ||
		    (b + 1 < len && (t[b] == '.' || t[b] == '/') && (is_word(t[b + 1]) || t[b + 1] == '/') &&
		     !(t[b] == '/' && is_digit(t[b + 1]))))
			continue; /* a word's: Thread.java:840, std::vector, größe::5, 12:34:56abc, ::1.lan, x:://y */
		mac_or_v6_run(scr, t, len, a, b, enabled);
	}
}

/*
 * The separators of a MAC with dashes or dots at t[i], or the end of a word
 * of twelve, the first test of mac_other_at().
 */
static inline bool mac_other_maybe(const char *t, size_t len, size_t i)
{
	if (i + 12 > len || !is_hex(t[i + 1]))
		return false;
	if (i + 14 <= len && (t[i + 2] == '-' || (t[i + 4] == '.' && t[i + 9] == '.')))
		return true;
	if (i + 13 <= len && t[i + 6] == '-')
		return is_hex(t[i + 5]);
	return is_hex(t[i + 11]) && (i + 12 == len || !is_word(t[i + 12]));
}

/* Words that say the twelve hex digits after them are a MAC ("mac", "MACAddress", "hwaddr"). */
static bool mac_context(const char *t, size_t s)
{
	static const char *const words[] = { "mac", "hwaddr", "lladdr", "bssid", NULL };
	size_t b = s > 24 ? s - 24 : 0;

	for (size_t i = b; i < s; i++) {
		if (i > 0 && is_lower(t[i - 1]) && !is_upper(t[i]))
			continue; /* inside a word; "chassisMac", "ChassisMAC" start a part */
		for (const char *const *w = words; *w; w++) {
			size_t n = strlen(*w);

			if (i + n <= s && eq_nocase(t + i, n, *w) &&
			    (i + n == s || !is_lower(t[i + n]) || eq_nocase(t + i + n, MIN(4, s - i - n), "addr")))
				return true;
		}
	}
	return false;
}

/*
 * Hex digits in groups of group, sep between them, at t[0, n): Cisco's
 * aabb.ccdd.eeff (4, '.'), HP's aabbcc-ddeeff (6, '-'), twelve bare (12).
 */
static bool hex_groups(const char *t, size_t n, char sep, size_t group)
{
	for (size_t k = 0; k < n; k++)
		if ((k + 1) % (group + 1) ? !is_hex(t[k]) : t[k] != sep)
			return false;
	return true;
}

/*
 * A MAC with dashes (AA-BB-CC-DD-EE-FF) or Cisco dots (aabb.ccdd.eeff) at
 * t[i], a word start. Returns where the MAC ends, or i.
 */
static size_t mac_other_at(struct pii_scratch *scr, const char *t, size_t len, size_t i)
{
	size_t n;

	if (i + 12 > len || (i > 0 && (t[i - 1] == '-' || t[i - 1] == '.' || t[i - 1] == ':')))
		return i;
	if (i + 17 <= len && t[i + 2] == '-' && (n = hex_pairs(t + i, len - i, '-', 6))) {
		if (i + n == len || (!is_word(t[i + n]) && t[i + n] != '-')) {
			add(scr, i, i + n, mac_is_special(t + i, n) ? PII_CLAIM : PII_MAC);
			return i + n;
		}
	} else if (i + 14 <= len && t[i + 4] == '.' && t[i + 9] == '.') {
		if (hex_groups(t + i, 14, '.', 4) && (i + 14 == len || (!is_word(t[i + 14]) && t[i + 14] != '.'))) {
			add(scr, i, i + 14, mac_is_special(t + i, 14) ? PII_CLAIM : PII_MAC);
			return i + 14;
		}
	}
	/*
	 * HP's aabbcc-ddeeff, and twelve digits bare where words before say
	 * MAC (a hash's or an id's twelve otherwise)
	 */
	n = i + 13 <= len && t[i + 6] == '-' ? 13 : 12;
	if ((i + n == len || (!is_word(t[i + n]) && t[i + n] != '-' && t[i + n] != '.')) &&
	    hex_groups(t + i, n, '-', n == 13 ? 6 : 12) && (n == 13 || mac_context(t, i))) {
		add(scr, i, i + n, mac_is_special(t + i, n) ? PII_CLAIM : PII_MAC);
		return i + n;
	}
	return i;
}

/* ---- numbers: payment cards, SSNs, phone numbers ---- */

/* E.164 country calling codes: the one-digit ones, then every two-digit one; the rest use three. */
static const char cc2[] =
	"20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 "
	"60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98 ";

static int cc_length(const char *d)
{
	if (d[0] == '1' || d[0] == '7')
		return 1;
	for (const char *p = cc2; *p; p += 3)
		if (p[0] == d[0] && p[1] == d[1])
			return 2;
	return 3;
}

/*
 * The most digits (country code included) a number of some common
 * countries has, so that "+44 20 7946 0958 020 ..." does not swallow the
 * next number; 15 (the E.164 maximum) elsewhere.
 */
static unsigned cc_max_digits(const char *d, int cc)
{
	static const char table[] =
		"1:11 7:11 20:12 27:11 30:12 31:11 32:11 33:11 34:11 36:11 39:13 40:11 41:11 43:13 "
		"44:12 45:10 46:12 47:10 48:11 49:13 51:11 52:12 54:13 55:13 56:11 57:12 58:12 60:12 "
		"61:11 62:13 63:12 64:11 65:10 66:11 81:12 82:12 84:12 86:13 90:12 91:12 92:12 98:12 ";

	for (const char *p = table; *p;) {
		const char *colon = strchr(p, ':');

		if ((int)(colon - p) == cc && !memcmp(p, d, (size_t)cc))
			return (unsigned)((colon[1] - '0') * 10 + (colon[2] - '0'));
		p = colon + 4;
	}
	return 15;
}

int pii_phone_cc_length(const char *digits)
{
	return cc_length(digits);
}

struct numtok {
	size_t start, end;     /* the span, including '+' or '(' */
	char digits[24];
	unsigned ndigits;
	unsigned ngroups;
	unsigned glen[12];     /* digits per group */
	char sep[12];          /* separator before group k (0 for the first) */
	bool plus, paren;      /* started with '+'; first group in parentheses */
	size_t gend[12];       /* end offset of each group */
};

/* Read digit groups at t[i]: "+44 20 7946 0958", "(415) 555-2671", "4111-1111-...". */
static bool read_groups(const char *t, size_t len, size_t i, struct numtok *nt)
{
	memset(nt, 0, sizeof(*nt));
	nt->start = i;
	if (t[i] == '+') {
		nt->plus = true;
		i++;
	}
	while (i < len && nt->ngroups < 12) {
		bool paren = false;
		unsigned g = 0;
		size_t k = i;
		char sep = 0;

		if (nt->ngroups) {
			if (t[k] == ' ' || t[k] == '-' || t[k] == '.') {
				sep = t[k++];
			}
			if (!sep && nt->ngroups == 1 && nt->paren && k < len && is_digit(t[k]))
				sep = ')'; /* "(217)782-4321", HL7's form: no blank after ')' */
			else if (!sep && !(t[k] == '(' && nt->ngroups == 1 && nt->plus))
				break;
		}
		if (k < len && t[k] == '(' && (nt->ngroups == 0 || (nt->ngroups == 1 && nt->plus))) {
			paren = true;
			k++;
		}
		while (k < len && is_digit(t[k]) && nt->ndigits < sizeof(nt->digits)) {
			nt->digits[nt->ndigits++] = t[k++];
			g++;
		}
		if (!g)
			break;
		if (paren) {
			if (k >= len || t[k] != ')')
				break;
			k++;
			if (nt->ngroups == 0)
				nt->paren = true;
		}
		nt->glen[nt->ngroups] = g;
		nt->sep[nt->ngroups] = sep;
		nt->gend[nt->ngroups] = k;
		nt->ngroups++;
		i = k;
		if (k < len && is_digit(t[k]) && !(paren && nt->ngroups == 1))
			break; /* more than the buffer holds ("(217)782": the next group) */
	}
	if (!nt->ngroups)
		return false;
	nt->end = nt->gend[nt->ngroups - 1];
	return true;
}

/* Truncate nt to its first k groups. */
static void keep_groups(struct numtok *nt, unsigned k)
{
	unsigned d = 0;

	for (unsigned g = 0; g < k; g++)
		d += nt->glen[g];
	nt->ngroups = k;
	nt->ndigits = d;
	nt->end = nt->gend[k - 1];
}

static bool same_seps(const struct numtok *nt, bool allow_dot)
{
	for (unsigned g = 2; g < nt->ngroups; g++)
		if (nt->sep[g] != nt->sep[1])
			return false;
	return nt->ngroups < 2 || allow_dot || nt->sep[1] != '.';
}

/*
 * Issuer prefixes (IIN ranges) and lengths of the card schemes in use:
 * Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro,
 * Dankort, Mir, BORICA, RuPay, Troy, Verve, Elo, InterPayment,
 * InstaPayment, Humo, Uzcard, China T-Union.
 */
static bool card_prefix_ok(const char *d, unsigned n)
{
	int two = (d[0] - '0') * 10 + (d[1] - '0');
	int three = two * 10 + (d[2] - '0');
	int four = three * 10 + (d[3] - '0');

	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19;
	if (two >= 51 && two <= 55)
		return n == 16;
	if (four >= 2221 && four <= 2720)
		return n == 16;
	if (two == 34 || two == 37)
		return n == 15;
	if (two == 36 || two == 38 || two == 39 || (four >= 3000 && four <= 3059) || four == 3095)
		return n == 14 || n == 16;
	if (two == 35)
		return n >= 16 && n <= 19;
	if (four == 6011 || two == 65 || (two == 64 && d[2] >= '4') || two == 62)
		return n >= 16 && n <= 19;
	/* Maestro, from 12 digits (fewer than 13 are never read as a card) */
	if (four == 5018 || four == 5020 || four == 5038 || four == 5893 || four == 6304 ||
	    four == 6759 || (four >= 6761 && four <= 6763))
		return n >= 12 && n <= 19;
	/* Mir; UnionPay and RuPay in 81, 82; RuPay, Hipercard, UkrCard in 60; InterPayment */
	if ((four >= 2200 && four <= 2204) || two == 81 || two == 82 || two == 60 || three == 636)
		return n >= 16 && n <= 19;
	/* Verve */
	if (four == 5060 || four == 5061 || four == 5078 || four == 5079)
		return n == 16 || n == 18 || n == 19;
	/* Dankort, BORICA, RuPay, Elo, InstaPayment, Troy, Humo, Uzcard */
	if (four == 5019 || four == 2205 || three == 508 || four == 6521 || four == 6522 ||
	    three == 509 || four == 5041 || four == 5066 || four == 5067 || four == 6277 ||
	    four == 6362 || four == 6363 || (three >= 637 && three <= 639) || four == 9792 ||
	    four == 9860 || four == 8600)
		return n == 16;
	/* China T-Union */
	if (two == 31)
		return n == 19;
	return false;
}

static bool is_card(const struct numtok *nt)
{
	if (nt->plus || nt->paren || nt->ndigits < 13 || nt->ndigits > 19 || !same_seps(nt, false))
		return false;
	if (nt->ngroups > 1) {
		/* 4-4-4-4(-3), 4-6-5 (Amex), 4-6-4 (Diners) */
		bool fours = true;

		for (unsigned g = 0; g + 1 < nt->ngroups; g++)
			fours &= nt->glen[g] == 4;
		if (!fours && !(nt->ngroups == 3 && nt->glen[0] == 4 && nt->glen[1] == 6))
			return false;
	}
	return card_prefix_ok(nt->digits, nt->ndigits) && pii_luhn_ok(nt->digits, nt->ndigits);
}

/* Words before a bare 9-digit number that say it is a social security number. */
static bool ssn_context(const char *t, size_t s)
{
	size_t b = s > 32 ? s - 32 : 0;

	for (size_t i = b; i + 3 <= s; i++) {
		if (eq_nocase(t + i, 3, "ssn") || (i + 6 <= s && eq_nocase(t + i, 6, "social")) ||
		    (i + 6 <= s && eq_nocase(t + i, 6, "tax_id")) || (i + 5 <= s && eq_nocase(t + i, 5, "taxid")) ||
		    (i + 6 <= s && eq_nocase(t + i, 6, "tax id")))
			return true;
	}
	return false;
}

/*
 * Is [s, e) a whole field of an HL7 v2 PID segment, the 19th (the patient's
 * SSN)? The segment starts its line: "PID|1||MRN^^^H||DOE^JANE|...".
 */
static bool hl7_pid_ssn(const char *t, size_t len, size_t s, size_t e)
{
	size_t b = s, bars = 0;

	if (!s || t[s - 1] != '|' || (e < len && t[e] != '|' && t[e] != '^' && t[e] != '\r' && t[e] != '\n'))
		return false;
	while (b > 0 && t[b - 1] != '\n' && t[b - 1] != '\r' && s - b < 4096)
		bars += t[--b] == '|';
	return bars == 19 && s - b > 4 && !memcmp(t + b, "PID|", 4);
}

static bool is_ssn(const char *t, size_t len, const struct numtok *nt)
{
	if (nt->plus || nt->paren || nt->ndigits != 9)
		return false;
	if (nt->ngroups == 3 && nt->glen[0] == 3 && nt->glen[1] == 2 && nt->glen[2] == 4 &&
	    nt->sep[1] == '-' && nt->sep[2] == '-')
		return pii_ssn_ok(nt->digits, 9);
	/* "SSN 123 45 6789": blanks for dashes, where words say what it is */
	if (nt->ngroups == 3 && nt->glen[0] == 3 && nt->glen[1] == 2 && nt->glen[2] == 4 &&
	    nt->sep[1] == ' ' && nt->sep[2] == ' ')
		return pii_ssn_ok(nt->digits, 9) && ssn_context(t, nt->start);
	return nt->ngroups == 1 && pii_ssn_ok(nt->digits, 9) &&
	       (ssn_context(t, nt->start) || hl7_pid_ssn(t, len, nt->start, nt->end));
}

/* Words just before a bare 10-digit number that say it is a phone number ("system": "phone", tel). */
static bool phone_context(const char *t, size_t s)
{
	static const char *const words[] = { "phone", "tel", "mobile", "fax", NULL };
	size_t b = s > 24 ? s - 24 : 0;

	for (size_t i = b; i < s; i++) {
		if (i > 0 && is_word(t[i - 1]))
			continue;
		for (const char *const *w = words; *w; w++) {
			size_t n = strlen(*w);

			if (i + n <= s && eq_nocase(t + i, n, *w) && (i + n == s || !is_word(t[i + n])))
				return true;
		}
	}
	return false;
}

/* NANP: area and exchange codes start with 2-9, and the area is not N11. */
static bool nanp_ok(const char *d)
{
	return d[0] >= '2' && d[3] >= '2' && !(d[1] == '1' && d[2] == '1');
}

static bool is_phone(const struct numtok *nt)
{
	const char *d = nt->digits;
	unsigned n = nt->ndigits;

	if (nt->plus) {
		int cc;

		if (n < 8 || n > 15 || d[0] == '0')
			return false;
		if (nt->ngroups == 1 && n < 10)
			return false; /* +12345678: more likely an offset than a number */
		cc = cc_length(d);
		if (d[cc] == '0' && (d[cc + 1] == '0' || !(cc == 2 && d[0] == '3' && d[1] == '9')))
			return false; /* national numbers start 1-9 (Italy keeps its 0); tokens with 000 */
		if (cc == 1 && d[0] == '1')
			return n == 11 && nanp_ok(d + 1);
		/* The length check only keeps groups from running into the next number. */
		return nt->ngroups == 1 || n <= cc_max_digits(d, cc);
	}
	if (nt->paren) {
		/* (415) 555-2671, (415)555-2671 */
		return nt->ngroups == 3 && nt->glen[0] == 3 && nt->glen[1] == 3 && nt->glen[2] == 4 &&
		       ((nt->sep[1] == ' ' && (nt->sep[2] == '-' || nt->sep[2] == ' ')) ||
			(nt->sep[1] == ')' && nt->sep[2] == '-')) &&
		       nanp_ok(d);
	}
	if (nt->ngroups < 2 || !same_seps(nt, true))
		return false;
	if (nt->ngroups == 3 && n == 10 && nt->glen[0] == 3 && nt->glen[1] == 3 && nt->glen[2] == 4)
		return nanp_ok(d);
	if (nt->ngroups == 4 && n == 11 && d[0] == '1' && nt->glen[0] == 1 && nt->glen[1] == 3)
		return nanp_ok(d + 1);
	/* National numbers with a trunk 0: 020 7946 0958, 07700 900123, 01 23 45 67 89, 030-1234567. */
	if (d[0] == '0' && d[1] != '0' && (n == 10 || n == 11) && nt->ngroups <= 5 && nt->sep[1] != '.') {
		for (unsigned g = 0; g < nt->ngroups; g++)
			if (nt->glen[g] < 2 || nt->glen[g] > 8)
				return false;
		return true;
	}
	return false;
}

/* Two-hex-digit groups ("de ad") on one side of t[s] or the other, two of them at least. */
static bool hex_pairs_before(const char *t, size_t s)
{
	for (int k = 0; k < 2; k++, s -= 3)
		if (s < 3 || t[s - 1] != ' ' || !is_hex(t[s - 2]) || !is_hex(t[s - 3]) ||
		    (s > 3 && is_word(t[s - 4]) && k == 1))
			return false;
	return true;
}

static bool hex_pairs_after(const char *t, size_t len, size_t e)
{
	for (int k = 0; k < 2; k++, e += 3)
		if (e + 3 > len || t[e] != ' ' || !is_hex(t[e + 1]) || !is_hex(t[e + 2]) ||
		    (e + 3 < len && is_word(t[e + 3]) && k == 1))
			return false;
	return true;
}

/* "de ad 01 23 45 67 89 be ef": two-digit groups inside a hex dump are no phone. */
static bool in_hex_dump(const char *t, size_t len, const struct numtok *nt)
{
	if (nt->plus || nt->sep[1] != ' ')
		return false;
	for (unsigned g = 0; g < nt->ngroups; g++)
		if (nt->glen[g] != 2)
			return false; /* only 01 23 45 67 89 looks like a dump */
	return hex_pairs_before(t, nt->start) || hex_pairs_after(t, len, nt->end);
}

/*
 * Can a card number, SSN or phone number start at the digit t[i], given the
 * end j of its run of digits? The first tests of number_at() for a digit,
 * made by the caller: most numbers are short and alone (pids, ports, counts).
 */
static bool number_maybe(const char *t, size_t len, size_t i, size_t j)
{
	if (i > 0 && (t[i - 1] == '.' || t[i - 1] == '+' || t[i - 1] == '-'))
		return false;
	return j - i >= 8 ||
	       (j + 1 < len && (t[j] == ' ' || t[j] == '-' || t[j] == '.') && (is_digit(t[j + 1]) || t[j + 1] == ' '));
}

/*
 * Do the groups of digits at t[i] (a digit; the first group ends at j) hold
 * 9 digits or more, or start with "000"? Otherwise read_groups() would find
 * no number (see below) and nothing to claim. Groups: runs of digits with
 * one ' ', '-' or '.' between them.
 */
static bool number_digits_maybe(const char *t, size_t len, size_t i, size_t j)
{
	size_t n = j - i;

	while (n < 9) {
		if (!(j + 1 < len && (t[j] == ' ' || t[j] == '-' || t[j] == '.') && is_digit(t[j + 1]))) {
			/* all the groups, fewer than 9 digits: do the first three read "000"? */
			for (unsigned z = 0; n >= 3 && z < 3; i++) {
				if (!is_digit(t[i]))
					continue;
				if (t[i] != '0')
					return false;
				z++;
			}
			return n >= 3;
		}
		for (j++; j < len && is_digit(t[j]); j++)
			n++;
	}
	return true;
}

/*
 * "+0000" (a time zone): '+' at t[i], then groups of digits (with one ' ',
 * '-' or '.' between them and no parenthesis) holding fewer than 8 digits.
 * No phone number is that short, and an international number owns its
 * groups: number_at() would claim them all. Their end, or 0 for any other
 * shape.
 */
static size_t plus_short_end(const char *t, size_t len, size_t i)
{
	unsigned n = 0;

	for (i++;;) {
		size_t g = i;

		for (; i < len && is_digit(t[i]); i++)
			n++;
		if (i == g || n >= 8 || (i < len && t[i] == '('))
			return 0;
		if (i + 1 < len && (t[i] == ' ' || t[i] == '-' || t[i] == '.') && t[i + 1] == '(')
			return 0;
		if (i + 1 < len && (t[i] == ' ' || t[i] == '-' || t[i] == '.') && is_digit(t[i + 1]))
			i++;
		else
			return i;
	}
}

/*
 * A card number, SSN or phone number starting at t[i] (a word start): a
 * digit whose run ends at j, for which number_maybe() holds, or '+' or '('
 * (j = i). Returns where it ends, or i.
 */
static size_t number_at(struct pii_scratch *scr, const char *t, size_t len, size_t i, size_t j,
			uint32_t enabled)
{
	struct numtok nt, *cur = &nt;
	size_t all_end;
	unsigned all;
	bool owns;

	if (j == i) {
		if ((i > 0 && (t[i - 1] == '.' || t[i - 1] == '+')) || !(i + 1 < len && is_digit(t[i + 1])))
			return i;
	} else if (!number_digits_maybe(t, len, i, j)) {
		return i;
	}
	if (t[i] == '+' && (j = plus_short_end(t, len, i))) {
		claim(scr, i, j);
		return j;
	}
	if (!read_groups(t, len, i, &nt))
		return i;
	all_end = nt.end;
	all = nt.ngroups;
	/* An international number, or one of our tokens (000...), owns all its groups. */
	owns = nt.plus || (nt.ndigits >= 3 && !memcmp(nt.digits, "000", 3));
	if (!owns && nt.ndigits < 9)
		return i; /* every reading below needs 9 digits or more without a '+' */
	/* Longest reading first: all the groups, then fewer. */
	for (unsigned k = all; k >= 1; k--) {
		size_t e;

		keep_groups(cur, k);
		e = cur->end;
		if (e < len && (is_word(t[e]) || ((t[e] == '.' || t[e] == ':') && e + 1 < len && is_alnum(t[e + 1]))))
			continue; /* 1.5, 12:30, 01::1, a.b */
		/* A reading that stops inside a run of groups in the same style is no number: 01-00-00-00-00-00. */
		if (k > 1 && k < all && nt.sep[k] == nt.sep[1] && nt.sep[k] != ' ')
			continue;
		if ((enabled & (1u << PII_CARD)) && is_card(cur))
			add(scr, cur->start, e, PII_CARD);
		else if ((enabled & (1u << PII_SSN)) && is_ssn(t, len, cur))
			add(scr, cur->start, e, PII_SSN);
		else if ((enabled & (1u << PII_PHONE)) && is_phone(cur) && !in_hex_dump(t, len, cur))
			add(scr, cur->start, e, PII_PHONE);
		else if ((enabled & (1u << PII_PHONE)) && cur->ngroups == 1 && cur->ndigits == 10 &&
			 !cur->plus && nanp_ok(cur->digits) && phone_context(t, cur->start))
			add(scr, cur->start, e, PII_PHONE); /* FHIR's "value": "2177824321" */
		else
			continue;
		return e;
	}
	/* "+44 00 0714 ...": nothing inside starts another number. */
	if (!owns)
		return i;
	/* The whole run of groups, however long (the buffer may have stopped mid-group). */
	while (all_end < len && is_digit(t[all_end]))
		all_end++;
	while (all_end + 1 < len && (t[all_end] == ' ' || t[all_end] == '-' || t[all_end] == '.') &&
	       is_digit(t[all_end + 1]))
		for (all_end++; all_end < len && is_digit(t[all_end]); all_end++)
			;
	claim(scr, i, all_end);
	return all_end;
}

/* ---- IBAN ---- */

/* The first test of iban_at(): two letters, two check digits, room for the rest. */
static bool iban_maybe(const char *t, size_t len, size_t i)
{
	return i + 15 <= len && is_upper(t[i + 1]) && is_digit(t[i + 2]) && is_digit(t[i + 3]);
}

/* An IBAN at t[i] (an upper-case letter at a word start): where it ends, or i. */
static size_t iban_at(struct pii_scratch *scr, const char *t, size_t len, size_t i)
{
	char buf[40];
	size_t k, n = 0;
	int want;

	if (i + 15 > len || !is_upper(t[i + 1]) || !is_digit(t[i + 2]) || !is_digit(t[i + 3]))
		return i;
	want = iban_length(t + i);
	if (!want)
		return i;
	/* Compact, or in groups of four separated by single spaces. */
	for (k = i; k < len && n < (size_t)want; k++) {
		if (t[k] == ' ' && n % 4 == 0 && n && k + 1 < len && is_alnum(t[k + 1]))
			continue;
		if (!is_digit(t[k]) && !is_upper(t[k]))
			break;
		buf[n++] = t[k];
	}
	if (n != (size_t)want || (k < len && is_word(t[k])) || !pii_iban_ok(buf, n))
		return i;
	add(scr, i, k, PII_IBAN);
	return k;
}

/* ---- names: internal host names, known users ---- */

/* Reverse-domain names of Java packages and classes are not hosts. */
static bool java_like(const char *s, size_t len)
{
	static const char *const roots[] = { "com", "org", "net", "io", "java", "javax", "jdk", "sun",
					     "jakarta", "kotlin", "scala", NULL };
	const char *dot = memchr(s, '.', len);

	return dot && in_list(s, (size_t)(dot - s), roots);
}

/*
 * Does name[0, len) end with an internal suffix (on a label boundary)?
 * Names under the built-in private TLDs need two labels (three for .local).
 */
static bool host_internal(const struct pii_scanner *sc, const char *name, size_t len)
{
	const char *last;
	size_t labels = 1, label = 0;

	/* DNS limits: labels of 1 to 63 characters, 253 in all. */
	if (len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		label = name[i] == '.' ? 0 : label + 1;
		if (label > 63 || (name[i] == '.' && i + 1 < len && name[i + 1] == '.'))
			return false;
	}

	last = last_label(name, len);
	if (!strset_has(&sc->last_labels, last, (size_t)(name + len - last)))
		return false;
	for (size_t i = 0; i < len; i++)
		labels += name[i] == '.';
	for (size_t i = 0; i < len; i++) {
		if (i && name[i - 1] != '.')
			continue;
		if (!strset_has(&sc->suffixes, name + i, len - i))
			continue;
		if (!in_list(name + i, len - i, private_tlds))
			return true;
		if (i == 0)
			return false; /* a bare TLD */
		if (eq_nocase(name + i, len - i, "local") && labels < 3)
			return false;
		return true;
	}
	return false;
}

static bool name_words_known(const struct pii_scanner *sc, const char *s, size_t len)
{
	return wfilter_maybe(&sc->user_filter, s, len) && strset_has(&sc->users, s, len);
}

/*
 * host_maybe() before trimming, for the run t[run, b) whose last dot is
 * before last (run if none): when trimming cannot change its last label
 * (no '.' or '-' at the end, none of '-' '_' starting the label, no
 * %XX before the run), that label must pass the filter. True when it may.
 */
static bool host_run_maybe(const struct pii_scanner *sc, const char *t, size_t run, size_t b, size_t last)
{
	size_t ls = last > run ? last : run;

	if (ls >= b || t[b - 1] == '.' || t[b - 1] == '-' || t[ls] == '-' || t[ls] == '_' ||
	    (run > 0 && t[run - 1] == '%'))
		return true; /* trimmed first: see host_maybe() */
	return b - ls < 64 && wfilter_maybe(&sc->ll_filter, t + ls, b - ls);
}

/*
 * Could t[a, b) be under an internal suffix? Its last label must be the
 * last label of one (a filter before host_internal()'s lookups). last is
 * just after the run's last dot (at most a when the run has none; past b
 * when trimming took that dot off).
 */
static bool host_maybe(const struct pii_scanner *sc, const char *t, size_t a, size_t b, size_t last)
{
	size_t ls = last <= b ? MAX(last, a) : b;

	while (ls > a && t[ls - 1] != '.' && b - ls < 64)
		ls--;
	return b - ls < 64 && wfilter_maybe(&sc->ll_filter, t + ls, b - ls);
}

/*
 * Where a host name in the run t[a, b) starts: after its last label that is
 * empty or starts or ends with '-' (no label of a name does), as an
 * address's domain stops before one. Then a pseudonym, whose labels are
 * all good, is read on a second pass as the first pass read the name.
 */
static size_t host_start(const char *t, size_t a, size_t b)
{
	for (size_t d = b - 1; d > a; d--)
		if (t[d] == '.' && (t[d - 1] == '.' || t[d - 1] == '-' || t[d + 1] == '-' || t[d + 1] == '.')) {
			for (a = d + 1; a < b && (t[a] == '.' || t[a] == '-' || t[a] == '_'); a++)
				;
			break;
		}
	return a;
}

#define RUN_STARTS 16 /* word starts of a run remembered by scan_names() */

/*
 * The longest known user name at the word start t[w], made of up to
 * user_parts words of t[w, b) joined by single '.' or '-': its end, or 0.
 */
static size_t known_user_at(const struct pii_scanner *sc, const char *t, size_t w, size_t b)
{
	size_t we = w, parts = 0, best = 0;

	while (we < b && parts < sc->user_parts) {
		while (we < b && is_word(t[we]))
			we++;
		parts++;
		if (name_words_known(sc, t + w, we - w))
			best = we;
		if (we < b && (t[we] == '.' || t[we] == '-') && we + 1 < b && is_word(t[we + 1]))
			we++;
		else
			break;
	}
	return best;
}

/* Add the known user name at t[w], if any: where it ends, or w. */
static size_t add_user_at(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
			  size_t w, size_t b)
{
	size_t e = known_user_at(sc, t, w, b);

	if (!e || (e < len && t[e] == '@'))
		return w;
	add(scr, w, e, PII_USERNAME);
	return e;
}

/*
 * Walk the runs of [A-Za-z0-9_.-]: a run that is or ends in an internal
 * domain is a host name; a word (or words joined by '.'/'-', as long as the
 * longest known name) that is a known user is a user name. The walk notes
 * the word starts whose word is the first word of some known name: only
 * there can one start.
 */
static void scan_names(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
		       uint32_t enabled)
{
	bool hosts = (enabled & (1u << PII_HOSTNAME)) != 0;
	bool users = (enabled & (1u << PII_USERNAME)) && sc->users.n;
	bool by_dots = !users && !sc->has_bare;
	size_t starts[RUN_STARTS], ns;

	if (!hosts && !users)
		return;
	for (size_t i = 0; i < len;) {
		size_t a, b, last, run;

		if (by_dots) {
			/* Only runs with a dot can be host names: jump from dot to dot. */
			const char *dot = memchr(t + i, '.', len - i);

			if (!dot)
				break;
			for (a = (size_t)(dot - t); a > i && (CLS(t[a - 1]) & C_NAME); a--)
				;
			i = a;
		} else if (!is_name_char(t[i])) {
			while (++i < len && !is_name_char(t[i]))
				;
			continue;
		}
		/* The run, word by word; last: after its last dot. */
		run = a = last = i;
		ns = 0;
		for (;;) {
			size_t ws = i;

			while (i < len && is_word(t[i]))
				i++;
			if (users && i > ws && wfilter_maybe(&sc->user_first, t + ws, i - ws)) {
				if (ns < RUN_STARTS)
					starts[ns] = ws;
				ns++;
			}
			if (i < len && (t[i] == '.' || t[i] == '-')) {
				if (t[i] == '.')
					last = i + 1;
				i++;
				continue;
			}
			break;
		}
		b = i;
		/* Quick rejection: a host name needs a dot, or a bare name among the suffixes. */
		if (!users && last == a && !sc->has_bare)
			continue;
		if (!users && !host_run_maybe(sc, t, run, b, last))
			continue;
		/* Skip a URL-encoded byte (%40host.lan) and punctuation at the ends. */
		if (a > 0 && t[a - 1] == '%' && b - a > 2 && is_hex(t[a]) && is_hex(t[a + 1]))
			a += 2;
		while (a < b && (t[a] == '.' || t[a] == '-' || t[a] == '_'))
			a++;
		while (b > a && (t[b - 1] == '.' || t[b - 1] == '-'))
			b--;
		if (a == b)
			continue;
		if (hosts) {
			size_t h = host_start(t, a, b);

			if (host_maybe(sc, t, h, b, last) && host_internal(sc, t + h, b - h) &&
			    !java_like(t + h, b - h) && (b == len || t[b] != '@' || service_principal(t, len, h, b))) {
				add(scr, h, b, host_is_token(t + h, b - h) ? PII_CLAIM : PII_HOSTNAME);
				continue;
			}
		}
		if (!users || (!ns && a == run))
			continue;
		if (ns > RUN_STARTS) {
			/* Many candidates: every word start of [a, b). */
			for (size_t w = a; w < b;) {
				size_t e = is_word(t[w]) ? add_user_at(sc, scr, t, len, w, b) : w + 1;

				if (e == w)
					while (w < b && is_word(t[w]))
						w++;
				else
					w = e;
			}
			continue;
		}
		/* Trimming may have started the run inside a word (%40jdoe, _jdoe): a start too. */
		{
			size_t from = a;

			if (a > run && is_word(t[a - 1]))
				from = add_user_at(sc, scr, t, len, a, b);
			for (size_t k = 0; k < ns; k++)
				if (starts[k] >= from && starts[k] < b)
					from = add_user_at(sc, scr, t, len, starts[k], b);
		}
	}
}


/* Words after which "user X" names X. */
static const char *const user_lead[] = {
	"for", "by", "of", "to", "from", "invalid", "illegal", "unknown", "authenticating", NULL,
};

static bool starts_nocase(const char *t, size_t len, size_t i, const char *w)
{
	for (size_t k = 0; w[k]; k++)
		if (i + k >= len || lower((unsigned char)t[i + k]) != w[k])
			return false;
	return true;
}

static bool is_name_start(int c)
{
	return (CLS(c) & C_ALPHA) || c == '_';
}

/*
 * After a key word ending at t[p] ("user", "login"...): the separators of
 * "user=X", "user: X", "user 'X'" and the like, then what can start a name?
 * (All of ctx_user_re's separators are among these characters, and a name
 * starts with none of them.)
 */
static bool name_follows(const char *t, size_t len, size_t p)
{
	size_t q = p;

	while (q < len && (is_space(t[q]) || t[q] == '"' || t[q] == '\'' || t[q] == '=' || t[q] == ':'))
		q++;
	return q > p && q < len && is_name_start(t[q]);
}

/* The same after a key word with an optional "name" or "_name" suffix ("user", "login"). */
static bool name_follows_key(const char *t, size_t len, size_t p)
{
	return name_follows(t, len, p) || (starts_nocase(t, len, p, "name") && name_follows(t, len, p + 4)) ||
	       (starts_nocase(t, len, p, "_name") && name_follows(t, len, p + 5));
}

/* sshd's "for X from ADDR" at t[i] ("for "): ctx_user_re's lookahead, in C. */
static bool for_x_from(const char *t, size_t len, size_t i)
{
	size_t k = i + 4, s, n = 0;

	while (k < len && is_space(t[k]))
		k++;
	if (k == len || !is_name_start(t[k]))
		return false;
	while (k < len && (is_word(t[k]) || t[k] == '.' || t[k] == '-'))
		k++;
	for (s = k; k < len && is_space(t[k]); k++)
		;
	if (k == s || !starts_nocase(t, len, k, "from"))
		return false;
	for (k += 4, s = k; k < len && is_space(t[k]); k++)
		;
	if (k == s)
		return false;
	while (n < 3 && k + n < len && is_v6_char(t[k + n]))
		n++;
	return n == 3;
}

/* Windows' "for DOMAIN\X" at t[i] ("for "), the domain in capitals: ctx_user_re's lookahead, in C. */
static bool for_domain_user(const char *t, size_t len, size_t i)
{
	size_t k = i + 4, s;

	while (k < len && is_space(t[k]))
		k++;
	if (k == len || !is_upper(t[k]))
		return false;
	for (s = k; k < len && k - s < 16 && (is_upper(t[k]) || is_digit(t[k]) || t[k] == '_' || t[k] == '.' ||
					      t[k] == '-'); k++)
		;
	return k + 1 < len && t[k] == '\\' && is_name_start(t[k + 1]);
}

/*
 * What follows "user X" (at t[b], after X) that says X names somebody:
 * "from" and an address, or "logged in" (out, on, off).
 */
static bool user_event_after(const char *t, size_t len, size_t b)
{
	size_t k = b + (b < len && (t[b] == '\'' || t[b] == '"')), s;

	for (s = k; k < len && (t[k] == ' ' || t[k] == '\t'); k++)
		;
	if (k == s)
		return false;
	if (starts_nocase(t, len, k, "from") && k + 4 < len && (t[k + 4] == ' ' || t[k + 4] == '\t')) {
		size_t n = 0;

		for (k += 4; k < len && (t[k] == ' ' || t[k] == '\t'); k++)
			;
		while (n < 3 && k + n < len && is_v6_char(t[k + n]))
			n++;
		return n == 3;
	}
	if (!starts_nocase(t, len, k, "logged"))
		return false;
	for (s = k += 6; k < len && (t[k] == ' ' || t[k] == '\t'); k++)
		;
	if (k == s)
		return false;
	for (s = k; k < len && is_alnum(t[k]); k++)
		;
	return (k - s == 2 && (starts_nocase(t, len, s, "in") || starts_nocase(t, len, s, "on"))) ||
	       (k - s == 3 && (starts_nocase(t, len, s, "out") || starts_nocase(t, len, s, "off")));
}

/*
 * The second letter of a trigger word at t[i] (a C_TRIG character), the
 * first test of user_trigger(): us ui ru fo lo su /h /u in any case
 * ('x' | 0x20 is 'x' only for x and X).
 */
static bool trigger_second(const char *t, size_t len, size_t i)
{
	int c = t[i] | 0x20, c2 = i + 1 < len ? t[i + 1] | 0x20 : 0;

	switch (c) {
	case 'u': return c2 == 's' || c2 == 'i';
	case 'r': case 's': return c2 == 'u';
	case 'f': case 'l': return c2 == 'o';
	case '/': return c2 == 'h' || c2 == 'u';
	default: return false;
	}
}

/*
 * Can a context pattern match at t[i]? A cheap test of its trigger words
 * and of what must follow them, so that PCRE2 runs only where one of them
 * stands. It refuses nothing ctx_user_re would match but a "/users/"
 * inside a path (see there).
 */
static bool user_trigger(const char *t, size_t len, size_t i)
{
	int c = lower((unsigned char)t[i]);

	if (c == '/')
		return (starts_nocase(t, len, i, "/home/") && i + 6 < len && is_name_start(t[i + 6])) ||
		       (starts_nocase(t, len, i, "/users/") && i + 7 < len && is_name_start(t[i + 7]) &&
			(!i || !(is_alnum(t[i - 1]) || strchr("_.-", t[i - 1]))));
	if (i > 0 && is_alnum(t[i - 1]))
		return false;
	switch (c) {
	case 'u':
		return (starts_nocase(t, len, i, "user") && name_follows_key(t, len, i + 4)) ||
		       (starts_nocase(t, len, i, "uid") && name_follows(t, len, i + 3));
	case 'r': return starts_nocase(t, len, i, "ruser") && name_follows_key(t, len, i + 5);
	case 'f': return starts_nocase(t, len, i, "for ") && (for_x_from(t, len, i) || for_domain_user(t, len, i));
	case 's': return starts_nocase(t, len, i, "sudo") && i + 4 < len && (t[i + 4] == '[' || t[i + 4] == ':');
	case 'l':
		return (starts_nocase(t, len, i, "login") && name_follows_key(t, len, i + 5)) ||
		       (starts_nocase(t, len, i, "logname") && name_follows(t, len, i + 7));
	default: return false;
	}
}

/* Is the word before t[s] (skipping blanks) one of words? */
static bool after_word(const char *t, size_t s, const char *const *words)
{
	size_t e = s, b;

	while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
		e--;
	b = e;
	while (b > 0 && e - b < 20 && is_alnum(t[b - 1]))
		b--;
	return b < e && in_list(t + b, e - b, words);
}

static void add_name(struct pii_scratch *scr, size_t start, size_t end, enum pii_kind kind)
{
	add(scr, start, end, kind);
	add_span(&scr->names, &scr->nnames, &scr->names_alloc, &scr->oom, start, end, kind);
}

static bool digits_at(const char *t, size_t len, size_t i, size_t n)
{
	if (i + n > len)
		return false;
	for (size_t k = i; k < i + n; k++)
		if (!is_digit(t[k]))
			return false;
	return true;
}

/* A timestamp of RFC 3164 (Mar  1 00:00:03) at t[i]: its end, or 0. */
static size_t syslog_time3164(const char *t, size_t len, size_t i)
{
	if (i + 15 > len || !is_upper(t[i]) || !(t[i + 1] >= 'a' && t[i + 1] <= 'z') ||
	    !(t[i + 2] >= 'a' && t[i + 2] <= 'z') || t[i + 3] != ' ' || (t[i + 4] != ' ' && !is_digit(t[i + 4])) ||
	    !is_digit(t[i + 5]) || t[i + 6] != ' ' || !digits_at(t, len, i + 7, 2) || t[i + 9] != ':' ||
	    !digits_at(t, len, i + 10, 2) || t[i + 12] != ':' || !digits_at(t, len, i + 13, 2))
		return 0;
	return i + 15;
}

/* An RFC 3339 timestamp (2024-03-01T00:00:03.5+01:00) at t[i]: its end, or 0. */
static size_t syslog_time3339(const char *t, size_t len, size_t i)
{
	if (!digits_at(t, len, i, 4) || i + 19 > len || t[i + 4] != '-' || !digits_at(t, len, i + 5, 2) ||
	    t[i + 7] != '-' || !digits_at(t, len, i + 8, 2) || t[i + 10] != 'T' || !digits_at(t, len, i + 11, 2) ||
	    t[i + 13] != ':' || !digits_at(t, len, i + 14, 2) || t[i + 16] != ':' || !digits_at(t, len, i + 17, 2))
		return 0;
	i += 19;
	if (i + 1 < len && t[i] == '.' && is_digit(t[i + 1]))
		for (i++; i < len && is_digit(t[i]); i++)
			;
	if (i < len && t[i] == 'Z')
		return i + 1;
	if (i >= len || (t[i] != '+' && t[i] != '-') || !digits_at(t, len, i + 1, 2))
		return 0;
	i += 3;
	if (i < len && t[i] == ':')
		i++;
	return digits_at(t, len, i, 2) ? i + 2 : 0;
}

static bool is_tag_char(int c)
{
	return is_word(c) || c == '.' || c == '/' || c == '@' || c == '(' || c == ')' || c == '-';
}

/*
 * The host of a syslog header at the start of t, where the pattern
 *   ^(?:<\d{1,3}>(?:1 )?)?(?:RFC 3164 time|RFC 3339 time)
 *    ([A-Za-z0-9][A-Za-z0-9._-]{0,252}) [\w./@()-]+(?:\[\d+\])?: 
 * finds it as group 1. Each part matches in one way only (what follows a
 * run is never part of it), so a direct reading agrees with the pattern.
 * True with the host in t[*ha, *hb).
 */
static bool syslog_host_at(const char *t, size_t len, size_t *ha, size_t *hb)
{
	size_t i = 0, n = 0, e;

	if (len && t[0] == '<') {
		for (i = 1; i < len && n < 3 && is_digit(t[i]); i++)
			n++;
		if (!n || i >= len || t[i] != '>')
			return false;
		i++;
		if (i + 1 < len && t[i] == '1' && t[i + 1] == ' ')
			i += 2;
	}
	e = i < len && is_upper(t[i]) ? syslog_time3164(t, len, i) : syslog_time3339(t, len, i);
	if (!e || e + 1 >= len || t[e] != ' ' || !is_alnum(t[e + 1]))
		return false;
	*ha = ++e;
	while (e < len && is_name_char(t[e]))
		e++;
	if (e - *ha > 253 || e >= len || t[e] != ' ')
		return false;
	*hb = e++;
	for (n = e; e < len && is_tag_char(t[e]); e++)
		;
	if (e == n)
		return false;
	if (e < len && t[e] == '[') {
		for (n = ++e; e < len && is_digit(t[e]); e++)
			;
		if (e == n || e >= len || t[e] != ']')
			return false;
		e++;
	}
	return e + 1 < len && t[e] == ':' && t[e + 1] == ' ';
}

/*
 * The user of a common-log-format line (nginx, Apache), as the pattern
 *   ^[0-9A-Fa-f.:]{3,} \S+ ([A-Za-z_][A-Za-z0-9._-]{0,31}) \[\d
 * finds it as group 1 (read directly, as above), the address having f
 * characters: true with the user in t[*ua, *ub).
 */
static bool clf_user_at(const char *t, size_t len, size_t f, size_t *ua, size_t *ub)
{
	size_t i = f + 1, s = i;

	while (i < len && !is_space(t[i]))
		i++;
	if (i == s || i + 1 >= len || t[i] != ' ' || !is_name_start(t[i + 1]))
		return false;
	*ua = ++i;
	while (i < len && is_name_char(t[i]))
		i++;
	if (i - *ua > 32 || i + 2 >= len || t[i] != ' ' || t[i + 1] != '[' || !is_digit(t[i + 2]))
		return false;
	*ub = i;
	return true;
}

/*
 * Log levels, which stand where a syslog header has its host
 * ("2024-03-11T10:22:01Z INFO aws: retry"): no host is named so.
 */
static bool log_level(const char *s, size_t len)
{
	static const char *const levels[] = {
		"trace", "debug", "dbg", "info", "notice", "note", "warn", "warning", "error", "err",
		"crit", "critical", "alert", "emerg", "emergency", "fatal", "severe", "verbose", NULL,
	};

	return len >= 3 && len <= 9 && in_list(s, len, levels);
}

/*
 * User names (and a few host names) that log formats put where no key word
 * announces them: the text before the name (pre) and after it (post, NULL:
 * any end of a word but a path's '/'), both literal and case-sensitive as
 * the programs write them, except that '~' stands for optional blanks, '^'
 * (pre only) for another name, '*' for a path's folders (ops/), '%' for
 * a MAC address with ':' and '#' (first in pre only) for vsftpd's "[pid N".
 */
static const struct user_form {
	const char *pre, *post;
	enum pii_kind kind;
} user_forms[] = {
	{ "(to ^) ", " on pts/", PII_USERNAME },         /* su: (to root) erin on pts/0 */
	{ "(to ^) ", " on tty", PII_USERNAME },
	{ "]: (", ") CMD (", PII_USERNAME },             /* cron: CRON[99]: (mallory) CMD (...) */
	{ "]: (", ") RELOAD (", PII_USERNAME },
	{ "]: (", ") LIST (", PII_USERNAME },
	{ "]: (", ") REPLACE (", PII_USERNAME },
	{ "]: (", ") DELETE (", PII_USERNAME },
	{ "]: (", ") BEGIN EDIT (", PII_USERNAME },
	{ "]: (", ") END EDIT (", PII_USERNAME },
	{ "role \"", "\" does not exist", PII_USERNAME }, /* PostgreSQL */
	{ "password changed for ", NULL, PII_USERNAME }, /* pam_unix(passwd:chauthtok) */
	{ " by ", "(uid=", PII_USERNAME },               /* pam_unix: ... for user root(uid=0) by dave(uid=1001) */
	{ "user=<", ">", PII_USERNAME },                 /* dovecot: Login: user=<lwong> */
	{ "UserName\"~:~\"", "\"", PII_USERNAME },      /* Windows events: "TargetUserName":"kmiller" */
	{ "\"AccountName\"~:~\"", "\"", PII_USERNAME },
	{ "\"user\"~:~{~\"name\"~:~\"", "\"", PII_USERNAME }, /* ECS: "user":{"name":"qreyes"} */
	{ "\"user.name\"~:~\"", "\"", PII_USERNAME },
	{ ":user/*", NULL, PII_USERNAME },               /* AWS IAM: arn:aws:iam::123456789012:user/ops/alice */
	{ "Account Name:~", NULL, PII_USERNAME },        /* Windows events as text: "Account Name:\t\tjsmith" */
	{ "UserName:~", NULL, PII_USERNAME },            /* "TargetUserName: jsmith" */
	{ "UserName\">", "</Data>", PII_USERNAME },      /* as XML: <Data Name="TargetUserName">jsmith</Data> */
	{ " [", "] Peer Connection Initiated", PII_USERNAME }, /* OpenVPN: 203.0.113.5:51234 [kate] Peer ... */
	{ "% (", ") via ", PII_HOSTNAME },               /* dhcpd: to 00:11:22:33:44:55 (alices-macbook) via eth0 */
	{ "#] [", "] OK ", PII_USERNAME },               /* vsftpd: [pid 4] [jsmith] OK LOGIN: Client "..." */
	{ "#] [", "] FAIL ", PII_USERNAME },
	{ "for user [", "] -> [", PII_USERNAME },        /* smbd: for user [jsmith] -> [jsmith] FAILED, */
	{ "] -> [", "] FAILED", PII_USERNAME },          /* ... -> [jsmith] -> [jsmith] succeeded */
	{ "] -> [", "] -> [", PII_USERNAME },
	{ "] -> [", "] succeeded", PII_USERNAME },
};

/* Does pattern pat (user_forms' syntax) match at t[i]? Where the match ends, or SIZE_MAX. */
static size_t form_match(const char *t, size_t len, size_t i, const char *pat)
{
	for (; *pat; pat++) {
		if (*pat == '~') {
			while (i < len && (t[i] == ' ' || t[i] == '\t'))
				i++;
		} else if (*pat == '%') {
			for (int g = 0; g < 6; g++, i += 3)
				if (i + 2 > len || !is_hex(t[i]) || !is_hex(t[i + 1]) ||
				    (g < 5 && (i + 2 >= len || t[i + 2] != ':')))
					return SIZE_MAX;
			i--;
		} else if (*pat == '*') {
			for (size_t k = i; k < len && is_name_char(t[k]); k++)
				if (k + 1 < len && t[k + 1] == '/')
					i = ++k + 1; /* the loop's k++ takes k to i */
		} else if (*pat == '^') {
			size_t s = i;

			while (i < len && i - s < 64 && is_name_char(t[i]))
				i++;
			if (i == s)
				return SIZE_MAX;
		} else if (i < len && t[i] == *pat) {
			i++;
		} else {
			return SIZE_MAX;
		}
	}
	return i;
}

/* A name of context at t[a, b): pseudonymised unless it is a word of not_user or one of our tokens. */
static void form_name(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t a, size_t b,
		      enum pii_kind kind)
{
	if (is_user_token(t + a, b - a) || pii_fallback_token(t + a, b - a) ||
	    (kind == PII_HOSTNAME && (host_is_token(t + a, b - a) || host_token_label(t + a, b - a))))
		claim(scr, a, b);
	else if (kind == PII_HOSTNAME || !strset_has(&sc->not_user, t + a, b - a))
		add_name(scr, a, b, kind);
}

/* The end of a user name ([A-Za-z_][A-Za-z0-9._-]{0,31}, not ending in '.' or '-') at t[a], or a. */
static size_t name_end(const char *t, size_t len, size_t a)
{
	size_t b = a;

	if (a >= len || !is_name_start(t[a]))
		return a;
	while (b < len && b - a < 32 && is_name_char(t[b]))
		b++;
	while (b > a && (t[b - 1] == '.' || t[b - 1] == '-'))
		b--;
	return b;
}

/* Does a name end at t[b]: not before more of a name, an address's '@' or a path's '\\'? */
static bool word_ends(const char *t, size_t len, size_t b)
{
	while (b < len && (t[b] == '.' || t[b] == '-'))
		b++;
	return b == len || !(is_word(t[b]) || t[b] == '@' || t[b] == '\\');
}

/* Account domains of Windows that hold no person (NT AUTHORITY\SYSTEM, BUILTIN\Users), and log levels. */
static const char *const not_domain[] = {
	"authority", "builtin", "service", "nt", "trace", "debug", "info", "warn", "warning", "error",
	"fatal", "crit", "notice", NULL,
};

/*
 * A bare DOMAIN\name whose separator (\, \\ as JSON escapes it, or %5C)
 * is at t[s], seplen bytes: the domain in capitals (2 to 15), after a
 * blank, a quote, '=', ':', '(', '[' or ',' or at the start; the name
 * followed by no more path. Not the registry's hives (HKLM\...), not
 * Windows' own domains, and not an escape before a capital
 * (ERROR\nStack).
 */
static void domain_user_at(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
			   size_t s, size_t seplen)
{
	size_t d = s, a = s + seplen, b;

	while (d > 0 && s - d < 16 && (is_upper(t[d - 1]) || is_digit(t[d - 1]) || t[d - 1] == '_' ||
				       t[d - 1] == '-' || t[d - 1] == '.'))
		d--;
	if (s - d < 2 || s - d > 15 || !is_upper(t[d]) || (t[d] == 'H' && t[d + 1] == 'K') ||
	    in_list(t + d, s - d, not_domain))
		return;
	if (d > 0 && !strchr(" \t\"'=:(,[", t[d - 1]))
		return;
	b = name_end(t, len, a);
	if (b == a || b - a == 32 || !word_ends(t, len, b))
		return;
	if (seplen == 1 && (t[a] == 'n' || t[a] == 'r' || t[a] == 't') && b - a > 1 && is_upper(t[a + 1]))
		return;
	form_name(sc, scr, t, a, b, PII_USERNAME);
}

static void scan_domain_users(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len)
{
	const char *p;

	for (size_t i = 0; i < len && (p = memchr(t + i, '\\', len - i));) {
		size_t s = (size_t)(p - t), n = s + 1 < len && t[s + 1] == '\\' ? 2 : 1;

		domain_user_at(sc, scr, t, len, s, n);
		i = s + n;
	}
	for (size_t i = 0; i + 3 <= len && (p = memchr(t + i, '%', len - i - 2));) {
		size_t s = (size_t)(p - t);

		if (p[1] == '5' && (p[2] == 'C' || p[2] == 'c'))
			domain_user_at(sc, scr, t, len, s, 3);
		i = s + 1;
	}
}

/* Mail headers that name people with their addresses. */
static const char *const mail_headers[] = {
	"from", "to", "cc", "bcc", "reply-to", "sender", "resent-from", "resent-to", "delivered-to", NULL,
};

/*
 * The display names of a mail header line at t[s, len) (From: "Jane Doe"
 * <jane@x.org>, To: Jane Doe <jane@x.org>, Ann <ann@y.org>): each name
 * before an address in '<' '>', without its quotes. The header ends with
 * its line, unless the next one starts with a blank (folded, RFC 5322).
 * Where it ends: the line break after it, or len.
 */
static size_t mail_header_names(struct pii_scratch *scr, const char *t, size_t len, size_t s)
{
	size_t h = s, i;

	while (h < len && h - s < 16 && (is_alnum(t[h]) || t[h] == '-'))
		h++;
	if (h == len || t[h] != ':' || !in_list(t + s, h - s, mail_headers))
		return s;
	for (i = h + 1; i < len; i++) {
		size_t e = i, a;

		if (t[i] == '\n' && !(i + 1 < len && (t[i + 1] == ' ' || t[i + 1] == '\t')))
			break;
		if (t[i] != '<')
			continue;
		while (e > h + 1 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
			e--;
		if (e > h + 1 && t[e - 1] == '"') {
			/*
			 * (not over an earlier '<': "x"h <Smith" <bob@x.org>" holds
			 * a name before that '<', whose pseudonym took its quote
			 * away, so a second pass would find another name here)
			 */
			for (a = --e; a > h + 1 && t[a - 1] != '"' && t[a - 1] != '<'; a--)
				;
			if (a == h + 1 || a == e || t[a - 1] != '"')
				continue;
		} else {
			/*
			 * (nor over a '<' or a line break: "=g<token=SECRET<" names
			 * no "=g<token=..."; a name over the blanked secret would
			 * win over "=g" and then be dropped, which the label's
			 * text on a second pass does not do)
			 */
			for (a = e; a > h + 1 && !strchr(",:<>\n", t[a - 1]); a--)
				;
			while (a < e && (t[a] == ' ' || t[a] == '\t'))
				a++;
		}
		if (e - a < 2 || e - a > 64 || memchr(t + a, '@', e - a))
			continue;
		if (a >= 10 && !memcmp(t + a - 10, "[REDACTED:", 10))
			continue; /* the ':' was our label's: a rule's name, no person's */
		if (is_user_token(t + a, e - a))
			claim(scr, a, e);
		else
			add(scr, a, e, PII_USERNAME);
	}
	return i;
}

/*
 * The mail headers of a record, which starts with one if any; of a
 * document (doc), each line that starts with one, as the same text read
 * as lines has them: the lines after a header (and not folded into it)
 * are other text.
 */
static void scan_mail_names(struct pii_scratch *scr, const char *t, size_t len, bool doc)
{
	for (size_t s = 0;;) {
		size_t e = mail_header_names(scr, t, len, s);
		const char *nl = doc && e < len ? memchr(t + e, '\n', len - e) : NULL;

		if (!nl)
			return;
		s = (size_t)(nl - t) + 1;
	}
}

/*
 * The forms are found by a few bytes rare in logs (FORM_ANCHORS): each
 * form's first of them in its literal (form_off: where in the literal), or
 * for a literal with none (" by ") the first byte of its post, from which
 * the name is read backwards (form_off: ANCHOR_POST). Sixteen bytes are
 * looked at at once, so a record without these bytes costs next to
 * nothing; at an anchor, the byte after it in the form (or before it, at
 * the literal's end) picks the forms to try: form_next[anchor][byte after]
 * and form_prev[anchor][byte before], as bit sets.
 */
#define FORM_ANCHORS "(]\"<:w"
#define NANCHORS (sizeof(FORM_ANCHORS) - 1)
#define ANCHOR_POST 0xff
#define NFORMS (sizeof(user_forms) / sizeof(user_forms[0]))
static uint8_t anchor_ix[256]; /* 1 + the index in FORM_ANCHORS, 0 for others */
static uint32_t form_next[NANCHORS + 1][256], form_prev[NANCHORS + 1][256];
static uint8_t form_lit[NFORMS], form_off[NFORMS];
static int16_t form_third[NFORMS]; /* the form's byte two after its anchor, if it has one: a last quick look */

static void init_forms(void)
{
	for (size_t k = 0; k < NANCHORS; k++)
		anchor_ix[(unsigned char)FORM_ANCHORS[k]] = (uint8_t)(k + 1);
	for (size_t f = 0; f < NFORMS; f++) {
		const char *lp = user_forms[f].pre + (user_forms[f].pre[0] == '%' || user_forms[f].pre[0] == '#');
		size_t lit = strcspn(lp, "~^%*"), off = strcspn(lp, FORM_ANCHORS);
		const char *at = off < lit ? lp + off : user_forms[f].post; /* every post starts with an anchor */
		size_t ix = anchor_ix[(unsigned char)at[0]];

		form_lit[f] = (uint8_t)lit;
		form_off[f] = off < lit ? (uint8_t)off : ANCHOR_POST;
		form_third[f] = (off < lit ? off + 2 < lit : at[1] && strcspn(at, "~^%*") > 2) ? (unsigned char)at[2] : -1;
		if (off + 1 < lit || off >= lit)
			form_next[ix][(unsigned char)at[1]] |= 1u << f;
		else
			form_prev[ix][(unsigned char)at[-1]] |= 1u << f; /* the literal ends at its anchor */
	}
}

/* Where the pre of form f ends if its literal starts at t[i], or SIZE_MAX. */
static size_t form_pre_at(const char *t, size_t len, size_t i, size_t f)
{
	const char *pre = user_forms[f].pre;
	size_t lit = form_lit[f], back = pre[0] == '%' ? 17 : 0; /* a MAC first: look for what follows it */
	const char *lp = pre + (pre[0] == '%' || pre[0] == '#');

	/* the literal's last byte first: "] [" and "] -> [" share their first two */
	if (len - i < lit || t[i + lit - 1] != lp[lit - 1] || memcmp(t + i, lp, lit))
		return SIZE_MAX;
	if (pre[0] == '#') { /* "[pid 4" before the literal (vsftpd) */
		size_t k = i;

		while (k > 0 && is_digit(t[k - 1]))
			k--;
		return k == i || k < 5 || memcmp(t + k - 5, "[pid ", 5) ? SIZE_MAX : form_match(t, len, i, lp);
	}
	return i < back ? SIZE_MAX : form_match(t, len, i - back, pre);
}

/* Try the forms m anchored at t[p]. */
static void form_try(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len, size_t p,
		     uint32_t m)
{
	for (; m; m &= m - 1) {
		size_t f = (size_t)__builtin_ctz(m), a = p, b;
		const char *post = user_forms[f].post;

		if (form_third[f] >= 0 && (p + 2 >= len || (unsigned char)t[p + 2] != form_third[f]))
			continue;

		if (form_off[f] != ANCHOR_POST) {
			a = p < form_off[f] ? SIZE_MAX : form_pre_at(t, len, p - form_off[f], f);
		} else {
			/* The name ends at the post: back over it (at most 32 name bytes) to where the pre must end. */
			if (form_match(t, len, p, post) == SIZE_MAX)
				continue;
			while (a > 0 && p - a <= 32 && is_name_char(t[a - 1]))
				a--;
			if (a < form_lit[f] || form_pre_at(t, len, a - form_lit[f], f) != a)
				a = SIZE_MAX;
		}
		if (a == SIZE_MAX)
			continue;
		b = name_end(t, len, a);
		if (b == a || b - a == 32)
			continue;
		if (post ? form_match(t, len, b, post) == SIZE_MAX :
			   !word_ends(t, len, b) || (b < len && (t[b] == '/' || t[b] == '$')))
			continue; /* (a path's folder; "WIN-PC01$", a computer's account) */
		form_name(sc, scr, t, a, b, user_forms[f].kind);
	}
}

/* The forms to try at the anchor byte t[p]. */
static uint32_t forms_at(const char *t, size_t len, size_t p)
{
	size_t ix = anchor_ix[(unsigned char)t[p]];

	return (p + 1 < len ? form_next[ix][(unsigned char)t[p + 1]] : 0) |
	       (p > 0 ? form_prev[ix][(unsigned char)t[p - 1]] : 0);
}

static void scan_user_forms(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	size_t i = 0;

	pthread_once(&once, init_forms);
#ifdef __SSE2__
	const __m128i a0 = _mm_set1_epi8(FORM_ANCHORS[0]), a1 = _mm_set1_epi8(FORM_ANCHORS[1]),
		      a2 = _mm_set1_epi8(FORM_ANCHORS[2]), a3 = _mm_set1_epi8(FORM_ANCHORS[3]),
		      a4 = _mm_set1_epi8(FORM_ANCHORS[4]), a5 = _mm_set1_epi8(FORM_ANCHORS[5]);

	for (; len - i >= 16; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(t + i));
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, a0), _mm_cmpeq_epi8(v, a1)),
						  _mm_or_si128(_mm_cmpeq_epi8(v, a2), _mm_cmpeq_epi8(v, a3))),
				     _mm_or_si128(_mm_cmpeq_epi8(v, a4), _mm_cmpeq_epi8(v, a5))));

		for (; m; m &= m - 1) {
			size_t p = i + (size_t)__builtin_ctz(m);
			uint32_t forms = forms_at(t, len, p);

			if (forms)
				form_try(sc, scr, t, len, p, forms);
		}
	}
#endif
	for (; i < len; i++)
		if (anchor_ix[(unsigned char)t[i]])
			form_try(sc, scr, t, len, i, forms_at(t, len, i));
}

static void scan_context(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
			 uint32_t enabled)
{
	/* Cheap looks at the first bytes first: most records have no such header. */
	bool syslog = (len > 20 && is_upper(t[0]) && t[3] == ' ' && t[6] == ' ' && t[9] == ':') ||
		      (len > 24 && is_digit(t[0]) && t[4] == '-' && t[10] == 'T') || (len && t[0] == '<');
	size_t f = 0, a, b;

	while (f < len && f < 46 && is_v6_char(t[f]))
		f++;
	if ((enabled & (1u << PII_HOSTNAME)) && syslog && syslog_host_at(t, len, &a, &b)) {
		size_t label = 0;
		unsigned char ip[16];
		bool alpha = false;

		while (b > a && (t[b - 1] == '.' || t[b - 1] == '-'))
			b--; /* a root dot, punctuation */
		for (size_t k = a; k < b; k++) {
			label = t[k] == '.' ? 0 : label + 1;
			if (label > 63) {
				b = a; /* not a DNS name: leave it */
				break;
			}
		}
		for (size_t k = a; k < b; k++)
			alpha |= (CLS(t[k]) & C_ALPHA) != 0;
		if (host_is_token(t + a, b - a) || host_token_label(t + a, b - a) ||
		    pii_fallback_token(t + a, b - a))
			claim(scr, a, b);
		else if (alpha && !eq_nocase(t + a, b - a, "localhost") && !log_level(t + a, b - a) &&
			 !(memchr(t + a, ':', b - a) && parse_ipv6(t + a, b - a, ip)))
			add_name(scr, a, b, PII_HOSTNAME);
	}
	if (!(enabled & (1u << PII_USERNAME)))
		return;
	if (f < 3 || f >= len || t[f] != ' ')
		return; /* not "address ident user [" */
	if (clf_user_at(t, len, f, &a, &b) && !strset_has(&sc->not_user, t + a, b - a) &&
	    !is_user_token(t + a, b - a))
		add_name(scr, a, b, PII_USERNAME);
}

/*
 * A user name announced by the words starting at t[i] (where user_trigger()
 * holds): where the name ends, i, or -1 on error.
 */
static ssize_t user_at(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
		       size_t i)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(scr->md);
	size_t a, b;
	int rc;

	rc = pcre2_match(sc->ctx_user, (PCRE2_SPTR)t, len, i, 0, scr->md, NULL);
	if (rc == PCRE2_ERROR_NOMATCH)
		return (ssize_t)i;
	if (rc < 0)
		return -1;
	a = ov[2];
	b = ov[3];
	if (lower(t[i]) == 'u' && !memchr(t + i, '=', a - i) && !memchr(t + i, ':', a - i) &&
	    !after_word(t, i, user_lead) && !user_event_after(t, len, b) &&
	    !((t[a - 1] == '\'' || t[a - 1] == '"') && b < len && t[b] == t[a - 1]) &&
	    !(a == i + 5 && !memcmp(t + i, "USER ", 5)))
		return (ssize_t)i; /* "user X" alone: "user agent", "User X authenticated"; not "user 'X'", FTP's "USER X" */
	/*
	 * Our token, or one that starts a longer name ("user-bd154663.acme.lan":
	 * the first pass found no name there, for length, and put the token in
	 * for a name it knew).
	 */
	if ((b - a >= 13 && is_user_token(t + a, 13)) || pii_fallback_token(t + a, b - a)) {
		claim(scr, a, b);
		return (ssize_t)i;
	}
	if (strset_has(&sc->not_user, t + a, b - a))
		return (ssize_t)i;
	add_name(scr, a, b, PII_USERNAME);
	return (ssize_t)b;
}

/*
 * OpenVPN names a client by its certificate's common name, often its user's
 * name, before its address and port: "kate/203.0.113.5:51234 MULTI: ...".
 * The address at t[i, e) follows a '/': a name before it that starts a
 * word (after a blank or the line's start), and a port after it, make it so.
 */
static void openvpn_client(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
			   size_t i, size_t e)
{
	size_t a = i - 1, k = e + 1;

	if (e >= len || t[e] != ':' || k >= len || !is_digit(t[k]))
		return;
	while (k < len && is_digit(t[k]))
		k++;
	if (k < len && t[k] != ' ')
		return;
	while (a > 0 && i - 1 - a < 64 && is_name_char(t[a - 1]))
		a--;
	if ((a > 0 && t[a - 1] != ' ') || name_end(t, len, a) != i - 1)
		return;
	form_name(sc, scr, t, a, i - 1, PII_USERNAME);
}

/*
 * One pass over the word starts of the record for everything that begins
 * a word: IPv4, numbers (cards, SSNs, phones), IBANs, MACs with dashes or
 * dots, user names by context. Inside a word nothing starts, so the loop
 * skips words with one table lookup per byte.
 */
static int scan_words(const struct pii_scanner *sc, struct pii_scratch *scr, const char *t, size_t len,
		      uint32_t en)
{
	const uint32_t numbers = (1u << PII_CARD) | (1u << PII_SSN) | (1u << PII_PHONE);
	size_t i = 0;

	for (;;) {
		unsigned c;
		size_t e, j;

		/* Between words, most characters start nothing. */
		while (i < len && !(CLS(t[i]) & C_START))
			i++;
		if (i == len)
			break;
		c = CLS(t[i]);
		e = i;
		j = i + 1;
		if (c & C_DIGIT) {
			while (j < len && is_digit(t[j]))
				j++;
			/*
			 * An address, a number or a MAC needs 8 digits, or after the
			 * digits a '.', ' ', '-' or hex letter: most numbers (times,
			 * pids, ports) have none of these.
			 */
			if (j - i < 8 && (j == len || !(CLS(t[j]) & (C_DSEP | C_HEX)))) {
				i = j;
				while (i < len && is_word(t[i]))
					i++;
				continue;
			}
			/* The cheap tests of each detector first. */
			if ((en & (1u << PII_IPV4)) && j - i <= 3 && j < len && t[j] == '.')
				e = ipv4_at(scr, t, len, i);
			if (e > i && i > 1 && t[i - 1] == '/' && (en & (1u << PII_USERNAME)))
				openvpn_client(sc, scr, t, len, i, e);
			if (e == i && (en & numbers) && number_maybe(t, len, i, j))
				e = number_at(scr, t, len, i, j, en);
			if (e == i && (en & (1u << PII_MAC)) && mac_other_maybe(t, len, i))
				e = mac_other_at(scr, t, len, i);
		} else if (c & C_ALPHA) {
			if ((c & C_UPPER) && (en & (1u << PII_IBAN)) && iban_maybe(t, len, i))
				e = iban_at(scr, t, len, i);
			if (e == i && (c & C_HEX) && (en & (1u << PII_MAC)) && mac_other_maybe(t, len, i))
				e = mac_other_at(scr, t, len, i);
		} else if ((t[i] == '+' || t[i] == '(') && (en & numbers)) {
			e = number_at(scr, t, len, i, i, en);
		}
		if (e == i && (c & C_TRIG) && (en & (1u << PII_USERNAME)) && trigger_second(t, len, i) &&
		    user_trigger(t, len, i)) {
			ssize_t r = user_at(sc, scr, t, len, i);

			if (r < 0)
				return -1;
			e = (size_t)r;
		}
		if (e > i) {
			/* Nothing starts in the middle of a word: 0321FR14 holds no IBAN. */
			for (i = e; i < len && is_word(t[i - 1]) && is_word(t[i]); i++)
				;
			continue;
		}
		/* Skip the rest of this word. */
		if (c & C_WORD)
			for (i = j; i < len && is_word(t[i]); i++)
				;
		else
			i++;
	}
	return 0;
}

#define NAME_MAX_LEN 256 /* context names are at most 32 bytes, syslog hosts 253 */
#define NO_NAME SIZE_MAX
#define FEW_NAMES 4      /* up to this many distinct names, each is looked for with memchr() */

/*
 * Does t[s, e), a word equal to a name found elsewhere in the record, stand
 * as that name? Not as part of a path, a flag or a key ("user backup ...
 * /usr/bin/backup --backup-dir /backup", "backup=1"): a name is in a path
 * only where its context says so (/home/X).
 */
static bool stands_as_name(const char *t, size_t len, size_t s, size_t e)
{
	if (s > 0 && (t[s - 1] == '/' || t[s - 1] == '-'))
		return false;
	return e == len || (t[e] != '/' && t[e] != '-' && t[e] != '=');
}

/*
 * Add every other occurrence of the name o in t[lo, hi) that starts and
 * ends on a word boundary (of t[0, len)) and stands as a name.
 */
static void propagate_one(struct pii_scratch *scr, const char *t, size_t len, size_t lo, size_t hi,
			  const struct span *o)
{
	size_t nl = o->end - o->start;
	const char *name = t + o->start, *p;

	if (!is_word(name[0]))
		return; /* names start with a letter, a digit or '_' */
	for (size_t s = lo; s + nl <= hi && (p = memchr(t + s, name[0], hi - nl + 1 - s)); s++) {
		s = (size_t)(p - t);
		if (s != o->start && !memcmp(p + 1, name + 1, nl - 1) && (s == 0 || !is_word(t[s - 1])) &&
		    (s + nl == len || !is_word(t[s + nl])) && stands_as_name(t, len, s, s + nl))
			add(scr, s, s + nl, o->kind);
	}
}

/*
 * Names found by context stand for the same thing elsewhere in the record
 * ("sudo: X : PWD=/home/X"): every occurrence that starts and ends on a word
 * boundary is added, here the names names[k0, k1) within t[lo, hi) (the
 * whole record, or a part of a document: see propagate_doc()). The names
 * are first made distinct with a hash table
 * (which hashes ignoring case and compares exactly; among equal names the
 * lowest kind is kept, as the overlap resolution would). A few names are
 * then each looked for with memchr(); more, in one pass over the word starts
 * with the table, so the cost stays linear in the record (a search per name
 * was quadratic: minutes on a long line full of "user=" fields).
 */
static void propagate_names(struct pii_scratch *scr, const char *t, size_t len, size_t lo, size_t hi,
			    size_t k0, size_t k1)
{
	uint64_t lens[NAME_MAX_LEN / 64] = { 0 }; /* bit n: some name is n bytes long */
	uint64_t first[4] = { 0 };                /* bit c: some name starts with byte c */
	size_t cap = 16, maxlen = 0, *tab, few[FEW_NAMES], nfew = 0;

	if (k0 == k1)
		return;
	if (k1 - k0 <= FEW_NAMES) {
		/* Distinct by comparing them all: no table. */
		for (size_t k = k0; k < k1; k++) {
			const struct span *n = &scr->names[k];
			size_t nl = n->end - n->start, j;

			if (!nl || nl >= NAME_MAX_LEN)
				continue;
			for (j = 0; j < nfew; j++) {
				struct span *o = &scr->names[few[j]];

				if (o->end - o->start == nl && !memcmp(t + o->start, t + n->start, nl)) {
					if (n->kind < o->kind)
						o->kind = n->kind;
					break;
				}
			}
			if (j == nfew)
				few[nfew++] = k;
		}
		for (size_t k = 0; k < nfew; k++)
			propagate_one(scr, t, len, lo, hi, &scr->names[few[k]]);
		return;
	}
	while (cap < 2 * (k1 - k0))
		cap *= 2;
	if (cap > scr->name_tab_alloc) {
		tab = realloc(scr->name_tab, cap * sizeof(*tab));
		if (!tab) {
			scr->oom = true;
			return;
		}
		scr->name_tab = tab;
		scr->name_tab_alloc = cap;
	}
	tab = scr->name_tab;
	for (size_t i = 0; i < cap; i++)
		tab[i] = NO_NAME;
	for (size_t k = k0; k < k1; k++) {
		const struct span *n = &scr->names[k];
		size_t nl = n->end - n->start, i;

		if (!nl || nl >= NAME_MAX_LEN)
			continue;
		for (i = hash_nocase(t + n->start, nl) & (cap - 1); tab[i] != NO_NAME; i = (i + 1) & (cap - 1)) {
			struct span *o = &scr->names[tab[i]];

			if (o->end - o->start == nl && !memcmp(t + o->start, t + n->start, nl))
				break;
		}
		if (tab[i] == NO_NAME) {
			tab[i] = k;
			if (nfew <= FEW_NAMES) {
				if (nfew < FEW_NAMES)
					few[nfew] = k;
				nfew++;
			}
		} else if (n->kind < scr->names[tab[i]].kind) {
			scr->names[tab[i]].kind = n->kind;
		}
		lens[nl / 64] |= 1ULL << (nl % 64);
		first[(unsigned char)t[n->start] / 64] |= 1ULL << ((unsigned char)t[n->start] % 64);
		if (nl > maxlen)
			maxlen = nl;
	}
	if (nfew <= FEW_NAMES) {
		for (size_t k = 0; k < nfew; k++)
			propagate_one(scr, t, len, lo, hi, &scr->names[few[k]]);
		return;
	}
	for (size_t s = lo; s < hi; s++) {
		unsigned char c = (unsigned char)t[s];

		if (!((first[c / 64] >> (c % 64)) & 1) || !is_word(c) || (s > 0 && is_word(t[s - 1])))
			continue;
		for (size_t e = s + 1; e <= hi && e - s <= maxlen; e++) {
			size_t nl = e - s, i;

			if ((e < len && is_word(t[e])) || !((lens[nl / 64] >> (nl % 64)) & 1))
				continue;
			for (i = hash_nocase(t + s, nl) & (cap - 1); tab[i] != NO_NAME; i = (i + 1) & (cap - 1)) {
				const struct span *o = &scr->names[tab[i]];

				if (o->end - o->start == nl && !memcmp(t + o->start, t + s, nl)) {
					if (o->start != s && stands_as_name(t, len, s, e))
						add(scr, s, e, o->kind);
					break;
				}
			}
		}
	}
}

/* ---- putting it together ---- */

static int cmp_span(const void *pa, const void *pb)
{
	const struct span *a = pa, *b = pb;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end > b->end ? -1 : 1; /* longer first */
	return (a->kind == PII_CLAIM ? -1 : (int)a->kind) - (b->kind == PII_CLAIM ? -1 : (int)b->kind);
}

/*
 * Candidates in cmp_span() order: by insertion when they are few (as they
 * mostly are), qsort() else. cmp_span() is a total order up to identical
 * spans, so both give the same sequence.
 */
static void sort_spans(struct span *v, size_t n)
{
	if (n > 16) {
		qsort(v, n, sizeof(*v), cmp_span);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		struct span x = v[i];
		size_t k = i;

		for (; k > 0 && cmp_span(&v[k - 1], &x) > 0; k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

/*
 * propagate_names() for a whole document (a JSON line, a YAML file), whose
 * values stand for different things: a name stands for the same thing only
 * within the piece of text where it was found, up to the nearest '"' or
 * line break on either side (one string value, one line of YAML). So
 * "user": "orders" leaves "service": "orders" alone, and a name found in a
 * log message stored as a value is found again in that message.
 */
static void propagate_doc(struct pii_scratch *scr, const char *t, size_t len)
{
	size_t k = 0, n = scr->nnames;

	sort_spans(scr->names, n);
	while (k < n) {
		size_t lo = scr->names[k].start, hi = scr->names[k].end, k1 = k + 1;

		while (lo > 0 && t[lo - 1] != '"' && t[lo - 1] != '\n')
			lo--;
		while (hi < len && t[hi] != '"' && t[hi] != '\n')
			hi++;
		while (k1 < n && scr->names[k1].start < hi)
			k1++;
		propagate_names(scr, t, len, lo, hi, k, k1);
		k = k1;
	}
}

static int scan(const struct pii_scanner *sc, struct pii_scratch *scr, const char *text, size_t len,
		struct pii_match *out, size_t max, bool doc)
{
	uint32_t en = sc->enabled;
	size_t n = 0, last_end = 0;

	scr->n = 0;
	scr->nnames = 0;
	scr->oom = false;
	if (!len || !max)
		return 0;
	if (en & (1u << PII_EMAIL))
		scan_email(scr, text, len);
	if (en & ((1u << PII_IPV6) | (1u << PII_MAC)))
		scan_colon_runs(scr, text, len, en);
	scan_context(sc, scr, text, len, en);
	if (en & (1u << PII_USERNAME)) {
		scan_user_forms(sc, scr, text, len);
		scan_domain_users(sc, scr, text, len);
		scan_mail_names(scr, text, len, doc);
	}
	if (scan_words(sc, scr, text, len, en) < 0)
		return -1;
	if (!doc)
		propagate_names(scr, text, len, 0, len, 0, scr->nnames);
	else
		propagate_doc(scr, text, len);
	if (en & ((1u << PII_HOSTNAME) | (1u << PII_USERNAME)))
		scan_names(sc, scr, text, len, en);
	if (scr->oom)
		return -1;
	sort_spans(scr->c, scr->n);
	for (size_t i = 0; i < scr->n && n < max; i++) {
		if (scr->c[i].start < last_end)
			continue;
		last_end = scr->c[i].end;
		if (scr->c[i].kind == PII_CLAIM)
			continue;
		out[n].start = scr->c[i].start;
		out[n].end = scr->c[i].end;
		out[n].kind = scr->c[i].kind;
		last_end = scr->c[i].end;
		n++;
	}
	return (int)n;
}

int pii_scan(const struct pii_scanner *sc, struct pii_scratch *scr, const char *text, size_t len,
	     struct pii_match *out, size_t max)
{
	return scan(sc, scr, text, len, out, max, false);
}

int pii_scan_doc(const struct pii_scanner *sc, struct pii_scratch *scr, const char *text, size_t len,
		 struct pii_match *out, size_t max)
{
	return scan(sc, scr, text, len, out, max, true);
}
