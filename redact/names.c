// SPDX-License-Identifier: MIT
/*
 * names.c - which key names hold secrets, and which values are placeholders
 *
 * A key name is split into lower-case words ("spring.datasource.password" ->
 * spring, datasource, password; "dbPassword" -> db, password). The last word
 * decides first: "password_policy", "token_type" or "secret_name" describe a
 * secret without holding one. Strong names (password, secret, token, api key,
 * credential) hold a secret whatever the value, unless the value is a
 * placeholder; weak names (key, auth, session, signature) only when the value
 * looks random.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ASCII lower-casing as a table (the trigger pass reads it for every byte). */
const unsigned char fold_table[256] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f,
	0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f,
	0x40, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
	0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f,
	0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8c, 0x8d, 0x8e, 0x8f,
	0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f,
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
	0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
	0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff,
};

bool mem_ieq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lower_ascii((unsigned char)a[i]) != lower_ascii((unsigned char)b[i]))
			return false;
	return true;
}

const char *mem_ifind(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (!nlen)
		return hay;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (mem_ieq(hay + i, needle, nlen))
			return hay + i;
	return NULL;
}

/*
 * mem_find() for the short literals the engine looks for in every record:
 * memchr() to the first byte, then a compare. glibc's memmem() sets up a
 * general search on each call, which costs more than the search itself on
 * lines of a few hundred bytes.
 */
const char *mem_find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	const char *p = hay, *end = hay + hlen;

	if (!nlen)
		return hay;
	while (nlen <= (size_t)(end - p) && (p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1))) {
		if (!memcmp(p + 1, needle + 1, nlen - 1))
			return p;
		p++;
	}
	return NULL;
}

#define MAX_WORDS 16
#define MAX_WORD 40

struct words {
	char w[MAX_WORDS][MAX_WORD];
	size_t n, total;
	unsigned has; /* W_* of every word, the first ones too */
};

/*
 * Words that make a name secret wherever they stand in it ("db_password_
 * for_x"): noted for all its words, not only the last ones kept, so that a
 * name is judged alike when a pseudonym has replaced a part of it with
 * fewer words.
 */
enum {
	W_PASSWORD = 1, W_SECRET = 2, W_TOKEN = 4, W_CREDENTIAL = 8, W_AWS = 16, W_DATADOG = 32,
	W_TOKENS = 64, /* "tokens": perhaps a number of them ("max_tokens") */
};
static unsigned word_bits(const char *word);

static bool is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}
static bool is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

/*
 * Words are written round two rings, so that a name of any length costs a
 * pass: w->total words so far, the one being read in slot total % MAX_WORDS;
 * its k letters so far, letter j at j % (MAX_WORD - 1).
 */
static void end_word(struct words *w, size_t *k)
{
	char *word = w->w[w->total % MAX_WORDS];
	size_t n;

	if (!*k)
		return;
	if (*k > MAX_WORD - 1) { /* a long word keeps its end, as a name does */
		char tmp[MAX_WORD - 1];
		size_t r = *k % (MAX_WORD - 1);

		memcpy(tmp, word + r, MAX_WORD - 1 - r);
		memcpy(tmp + (MAX_WORD - 1 - r), word, r);
		memcpy(word, tmp, MAX_WORD - 1);
		*k = MAX_WORD - 1;
	}
	word[*k] = '\0';
	n = *k;
	*k = 0;
	/* "PASSWORD2", "API_KEY_2": a number does not change what a word names */
	while (n && word[n - 1] >= '0' && word[n - 1] <= '9')
		n--;
	if (!n)
		return;
	word[n] = '\0';
	/* "PassWord", "PASS_PHRASE": two words for one */
	if (w->total && (!strcmp(word, "word") || !strcmp(word, "phrase"))) {
		char *before = w->w[(w->total - 1) % MAX_WORDS];

		if (!strcmp(before, "pass")) {
			memcpy(before + 4, word, strlen(word) + 1);
			w->has |= word_bits(before);
			return;
		}
	}
	w->has |= word_bits(word);
	w->total++;
}

/*
 * Split a name into lower-case words, keeping its last MAX_WORDS - 1, and of
 * a longer word its last MAX_WORD - 1 letters: a name is judged by its end
 * ("..._secret"), and must be judged alike when a pseudonym has replaced a
 * part of it with fewer or shorter words. A word's trailing digits go, and
 * a word of digits with them ("DB_PASSWORD1", "API_KEY_2"); "pass" then
 * "word" or "phrase" is one word ("PassWord", "PASS_PHRASE").
 */
static bool split_words(const char *name, size_t len, struct words *w)
{
	char ordered[MAX_WORDS][MAX_WORD];
	size_t i = 0, k = 0;
	bool other = false; /* the last non-ASCII letter is not a Latin one */

	w->total = 0;
	w->has = 0;
	while (i < len) {
		unsigned char c = name[i];

		if (!is_alnum(c) && c < 0x80) {
			end_word(w, &k);
			i++;
			continue;
		}
		/*
		 * UTF-8: a Latin letter (lead byte 0xc3-0xc5: "contraseña",
		 * "hasło") is a part of its word; any other script's letters
		 * ("пароль", "密码") are words apart from ASCII ones next to them
		 */
		if (c >= 0xc0) {
			bool was_ascii = k && (unsigned char)name[i - 1] < 0x80;

			other = c < 0xc3 || c > 0xc5;
			if (other && was_ascii)
				end_word(w, &k);
		} else if (c < 0x80 && k && other && (unsigned char)name[i - 1] >= 0x80) {
			end_word(w, &k);
		}
		/* camelCase and ACRONYMWord boundaries */
		if (k && is_upper(c) && (is_lower((unsigned char)name[i - 1]) ||
					 (i + 1 < len && is_lower((unsigned char)name[i + 1]) &&
					  is_upper((unsigned char)name[i - 1]))))
			end_word(w, &k);
		w->w[w->total % MAX_WORDS][k++ % (MAX_WORD - 1)] = (char)lower_ascii(c);
		i++;
	}
	end_word(w, &k);
	/* the last words, in order, from the start of w->w */
	w->n = MIN(w->total, (size_t)MAX_WORDS - 1);
	if (w->total > w->n) {
		for (size_t j = 0; j < w->n; j++)
			memcpy(ordered[j], w->w[(w->total - w->n + j) % MAX_WORDS], MAX_WORD);
		memcpy(w->w, ordered, w->n * sizeof(ordered[0]));
	}
	return w->n > 0;
}

static bool in_list(const char *word, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(word, *list))
			return true;
	return false;
}


static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char *word, const char *const *list, size_t n)
{
	return bsearch(&word, list, n, sizeof(*list), cmp_str) != NULL;
}

/*
 * Most key names hold none of the words that matter: say so without
 * splitting them (JSON logs have a dozen keys per line).
 */
static bool maybe_sensitive(const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		const char *p = name + i;
		size_t left = len - i;

		switch (lower_ascii((unsigned char)*p)) {
		case 'a':
			if (left >= 4 && mem_ieq(p, "auth", 4))
				return true;
			break;
		case 'c':
			if (left >= 4 && (mem_ieq(p, "cred", 4) || mem_ieq(p, "cook", 4) ||
					  (left >= 8 && mem_ieq(p, "contrase", 8))))
				return true;
			break;
		case 'e':
			if (left == 7 && (i == 0 || name[i - 1] == '-') && mem_ieq(p, "encrypt", 7))
				return true; /* the name alone: Consul's gossip key */
			break;
		case 'k':
			if (left >= 3 && (mem_ieq(p, "key", 3) || (left >= 8 && mem_ieq(p, "kennwort", 8))))
				return true;
			break;
		case 'w':
			if (left >= 10 && mem_ieq(p, "wachtwoord", 10))
				return true;
			break;
		case 'p':
			if (left >= 2 && (mem_ieq(p, "pw", 2) || (left >= 3 && mem_ieq(p, "psk", 3)) ||
					  (left >= 4 && mem_ieq(p, "pass", 4))))
				return true;
			break;
		case 's':
			if (left >= 3 && (mem_ieq(p, "sec", 3) || mem_ieq(p, "ses", 3) ||
					  (left >= 4 && mem_ieq(p, "salt", 4)) ||
					  mem_ieq(p, "sid", 3) || mem_ieq(p, "sig", 3) ||
					  (left >= 5 && mem_ieq(p, "senha", 5)) ||
					  (left >= 8 && mem_ieq(p, "salasana", 8))))
				return true;
			break;
		case 't':
			if (left >= 5 && mem_ieq(p, "token", 5))
				return true;
			break;
		default:
			if ((unsigned char)*p >= 0x80)
				return true; /* a name in UTF-8: password_words[] has some */
			break;
		}
	}
	return false;
}

static bool ends_with(const char *word, const char *suffix)
{
	size_t a = strlen(word), b = strlen(suffix);

	return a >= b && !strcmp(word + a - b, suffix);
}

/*
 * Chinese, Japanese and Korean write a name's words without spaces: one
 * that ends with "password" ("用户密码", "管理者パスワード") names one.
 */
static bool cjk_password(const char *word)
{
	static const char *const ends[] = {
		"\xe5\xaf\x86\xe7\xa0\x81", "\xe5\xaf\x86\xe7\xa2\xbc",
		"\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89",
		"\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88\xed\x98\xb8", NULL,
	};

	if ((unsigned char)word[0] < 0xe0)
		return false;
	for (const char *const *e = ends; *e; e++)
		if (ends_with(word, *e))
			return true;
	return false;
}

/* Last words that describe a secret without holding one (sorted: bsearch). */
static const char *const benign_last[] = {
	"age", "alg", "algorithm", "allowed", "arn", "at", "attempts", "audience", "authenticated",
	"authentication", "backend", "backoff", "bits", "cache", "changed", "check", "cipher",
	"class", "complexity", "cost", "count", "created", "curve", "date", "delay", "desc",
	"description", "dialog", "dir", "directory", "disabled", "display", "duration", "enable",
	"enabled", "encoding", "encrypted", "endpoint", "engine", "env", "error", "errors", "exception",
	"exists",
	"expiration", "expire", "expired", "expires", "expiry", "field", "fields", "file", "files",
	"format", "header", "headers", "help", "hidden", "hint", "history", "holder", "host",
	"hostname", "id", "ids", "index", "interval", "issuer", "iterations", "kind", "label",
	"len", "length", "level", "lifetime", "limit", "location", "locked", "lockout", "log",
	"logging", "login", "manager", "mask", "masked", "max", "message", "method", "min",
	"missing", "mode", "mount", "msg", "name", "names", "owner", "param", "parameter", "path",
	"paths", "pattern", "placeholder", "policies", "policy", "pool", "port", "prefix",
	"present", "prompt", "protocol", "provider", "ref", "reference", "refresh", "regex",
	"regexp", "required", "reset", "retries", "retry", "rotate", "rotation", "rounds", "rule",
	"rules", "scope", "scopes", "set", "size", "source", "state", "status", "stdin", "store",
	"strategy", "strength", "suffix", "text", "threshold", "time", "timeout", "timestamp",
	"title", "tries", "ttl", "type", "types", "updated", "uri", "url", "usage", "used", "user",
	"username", "valid", "validity", "var", "variable", "version", "window",
};
/* Words before "pass" that make it nginx's directive (proxy_pass), not a password. */
static const char *const pass_on[] = { "proxy", "fastcgi", "uwsgi", "scgi", "grpc", "memcached", NULL };
static const char *const password_words[] = {
	"password", "passwd", "passphrase", "passcode", "pwd", "passwords",
	/* German, Dutch, Spanish (without its tilde), Portuguese, Finnish */
	"passwort", "kennwort", "wachtwoord", "contrasena", "senha", "salasana",
	/*
	 * and in UTF-8 (only ASCII letters are lower-cased: the capitals that
	 * start or fill a name are listed): Spanish, Polish, Turkish, Swedish,
	 * Hungarian, Norwegian, Russian, Chinese, Japanese, Korean
	 */
	"contrase\xc3\xb1" "a", "contrase\xc3\x91" "a", "has\xc5\x82o", "has\xc5\x81o",
	"\xc5\x9fifre", "\xc5\x9eifre", "l\xc3\xb6senord", "l\xc3\x96senord", "jelsz\xc3\xb3",
	"jelsz\xc3\x93", "passord",
	"\xd0\xbf\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",
	"\xd0\x9f\xd0\xb0\xd1\x80\xd0\xbe\xd0\xbb\xd1\x8c",
	"\xd0\x9f\xd0\x90\xd0\xa0\xd0\x9e\xd0\x9b\xd0\xac",
	"\xe5\xaf\x86\xe7\xa0\x81", "\xe5\xaf\x86\xe7\xa2\xbc",
	"\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89",
	"\xeb\xb9\x84\xeb\xb0\x80\xeb\xb2\x88\xed\x98\xb8", NULL,
};
/* LDAP: slapd's rootpw (plain or {SSHA}), nslcd's rootpwmodpw ("...bindpw" too) */
static const char *const ldap_pw_words[] = { "rootpw", "rootpwmodpw", NULL };
static const char *const salt_qualifiers[] = {
	"auth", "secure", "in", "nonce", "hash", "secret", "app", "session", "cookie", "signing", NULL,
};
/*
 * "pass" glued to what it opens: Moodle's $CFG->dbpass, $smtppass, adminpass
 * (not "bypass", "compass", Apache's ProxyPass, doas's nopass, a filter's lowpass)
 */
static const char *const glued_pass[] = {
	"dbpass", "adminpass", "rootpass", "smtppass", "mailpass", "ldappass", "userpass",
	"mysqlpass", "sqlpass", "pgpass", "redispass", "ftppass", "sftppass", "bindpass",
	"authpass", "syspass", "apppass", "loginpass", "sshpass", "vncpass", "imappass",
	"pop3pass", "wifipass", "dbadminpass", "dbrootpass", "dbuserpass", "mqpass", NULL,
};
/* Last words of a setting about a password (its algorithm, a program that gives it). */
static const char *const mode_last[] = {
	"encryption", "hash", "hashing", "scheme", "command", "cmd", "encoder", "hasher", NULL,
};
static const char *const command_last[] = { "command", "cmd", NULL };
/* Words before "secret" that make a reference of it (Helm, Kubernetes). */
static const char *const ref_prev[] = { "existing", "pull", NULL };
/* Words before "password" that make a mode of it (Ansible's update_password: on_create). */
static const char *const mode_prev[] = { "update", NULL };
static const char *const secret_words[] = { "secret", "secrets", NULL };
static const char *const token_words[] = { "token", "tokens", NULL };
static const char *const credential_words[] = {
	"credential", "credentials", "creds", "cred", NULL,
};
/* Single words ending in "key" that always hold a key. */
static const char *const key_words[] = {
	"apikey", "appkey", "accesskey", "secretkey", "signingkey", "encryptionkey", "masterkey",
	"clientkey", "authkey", "sharedkey", "licensekey", "privatekey", "subscriptionkey", NULL,
};
/* Words before "key" that make it a strong name. */
static const char *const key_qualifiers[] = {
	"api", "app", "access", "secret", "signing", "sign", "encryption", "encrypt", "master",
	"client", "auth", "shared", "license", "subscription", "hmac", "jwt", "session", "webhook",
	"integration", "ingest", "ingestion", "write", "admin", "service", "server", "crypt",
	"decryption", "private", NULL,
};

/*
 * Words before "key" that make it a key of data, not of a lock ("cache_key=user:1234:profile").
 * Not "routing": AMQP's routing_key=orders.created, but PagerDuty's (Alertmanager's
 * pagerduty_configs) a random integration key; a plain "key" is weak, and its value tells.
 */
static const char *const data_key_qualifiers[] = {
	"cache", "partition", "sort", "range", "primary", "foreign", "unique", "composite",
	"idempotency", "lookup", "dedup", "dedupe", "deduplication", "shard", "row",
	"object", NULL,
};

static unsigned word_bits(const char *word)
{
	static const char *const aws[] = { "aws", NULL };
	static const char *const datadog[] = { "dd", "datadog", NULL };
	static const char *const tokens[] = { "tokens", NULL };

	return (in_list(word, password_words) ? W_PASSWORD : 0) |
	       (in_list(word, secret_words) ? W_SECRET : 0) | (in_list(word, token_words) ? W_TOKEN : 0) |
	       (in_list(word, credential_words) ? W_CREDENTIAL : 0) | (in_list(word, aws) ? W_AWS : 0) |
	       (in_list(word, datadog) ? W_DATADOG : 0) | (in_list(word, tokens) ? W_TOKENS : 0);
}

static struct name_verdict verdict(enum name_class cls, int rule)
{
	return (struct name_verdict){ .cls = cls, .rule = rule };
}

/*
 * Last words of a duration or a count ("password_expiry_days: 90",
 * "PASS_MAX_DAYS 99999", "token_lifetime_hours=12"): a setting about the
 * secret, whose plain number is none (any other value still goes).
 */
static const char *const unit_last[] = {
	"days", "hours", "hrs", "minutes", "mins", "seconds", "secs", "sec", "ms", "millis",
	"weeks", "months", "years", "times", "chars", "characters", "digits", "letters", "lifespan",
	"uppercase", "lowercase", "upper", "lower", "special", "symbols", "numbers", "capacity",
	"burst", "quota", NULL,
};
/* Words before the last that make a bound of it: "password.min-uppercase=1" */
static const char *const bound_prev[] = { "min", "max", "minimum", "maximum", NULL };

static struct name_verdict counted(struct name_verdict v, const char *last, const char *prev)
{
	v.counts = v.counts || in_list(last, unit_last) || in_list(prev, bound_prev);
	return v;
}

struct name_verdict name_classify(const char *name, size_t len)
{
	struct words w;
	const char *last, *prev;

	/*
	 * Hadoop's Azure settings end with the storage account's host name
	 * ("fs.azure.account.key.acct.blob.core.windows.net"): their start
	 * says what they hold (a SAS token for "fs.azure.sas.container.acct...")
	 */
	if (len > 13 && mem_ieq(name, "fs.azure.", 9)) {
		if (len > 21 && mem_ieq(name + 9, "account.key.", 12))
			return verdict(NC_STRONG, R_AZURE_STORAGE_KEY);
		if (len > 38 && mem_ieq(name + 9, "account.oauth2.client.secret.", 29))
			return verdict(NC_STRONG, R_SECRET);
		if (mem_ieq(name + 9, "sas.", 4))
			return verdict(NC_STRONG, R_SECRET);
	}
	if (len == 18 && mem_ieq(name, "guestinfo.userdata", 18))
		return verdict(NC_STRONG, R_CREDENTIAL); /* a VM's cloud-init user data (.vmx), base64 */
	if (!len || !maybe_sensitive(name, len) || !split_words(name, len, &w))
		return verdict(NC_NONE, -1);
	last = w.w[w.n - 1];
	prev = w.n > 1 ? w.w[w.n - 2] : "";
	/* French "mot de passe", of which a line's name is "passe" */
	if (!strcmp(last, "passe") && (w.n == 1 || !strcmp(prev, "de")))
		return verdict(NC_STRONG, R_PASSWORD);

	if (!strcmp(last, "authorization"))
		return verdict(NC_AUTH, R_AUTHORIZATION);
	if (!strcmp(last, "cookie") || !strcmp(last, "cookies"))
		return verdict(NC_COOKIE, R_COOKIE);
	/* ids that are credentials, before "id" reads as benign */
	if (!strcmp(last, "id") && !strcmp(prev, "secret"))
		return verdict(NC_STRONG, R_SECRET);
	if ((!strcmp(last, "id") && !strcmp(prev, "session")) || !strcmp(last, "sessionid") ||
	    !strcmp(last, "sid"))
		return verdict(NC_WEAK, R_SESSION_ID);
	if (in_sorted(last, benign_last, sizeof(benign_last) / sizeof(benign_last[0])))
		return verdict(NC_NONE, -1);
	/* a public key is no secret: "public_key", "PublicKey", "pubkey" */
	if (!strcmp(last, "publickey") || !strcmp(last, "pubkey") ||
	    ((!strcmp(last, "key") || !strcmp(last, "keys")) &&
	     (!strcmp(prev, "public") || !strcmp(prev, "pub"))))
		return verdict(NC_NONE, -1);

	if (ends_with(last, "pwd")) { /* and glued: SQL Server setup's SAPWD, DBPWD, rootpwd */
		struct name_verdict v = verdict(NC_STRONG, R_PASSWORD);

		v.not_paths = true;
		return v;
	}
	if (!strcmp(last, "nopasswd"))
		return verdict(NC_NONE, -1); /* sudoers' tag: no password asked */
	if (!strcmp(last, "pass") && w.n > 1 && in_list(prev, pass_on))
		return verdict(NC_NONE, -1); /* nginx's proxy_pass: where requests go */
	if (w.n > 1 && ((in_list(last, secret_words) && in_list(prev, ref_prev)) ||
			(!strcmp(last, "key") && in_list(prev, password_words)))) {
		/* existingSecret, imagePullSecrets, adminPasswordKey: which Secret, which of its keys */
		struct name_verdict v = verdict(NC_STRONG, !strcmp(last, "key") ? R_PASSWORD : R_SECRET);

		v.refs = true;
		return v;
	}
	if ((w.has & (W_PASSWORD | W_SECRET)) && w.n > 1 &&
	    (in_list(last, mode_last) || (in_list(prev, mode_prev) && (w.has & W_PASSWORD)))) {
		/*
		 * password_encryption = scram-sha-256, password_hash = sha512,
		 * update_password: on_create: a setting, unless its value is
		 * no algorithm nor mode; ssl_passphrase_command: a program
		 */
		struct name_verdict v = verdict(NC_STRONG, (w.has & W_PASSWORD) ? R_PASSWORD : R_SECRET);

		v.modes = true;
		v.not_paths = in_list(last, command_last);
		return v;
	}
	if ((w.has & W_PASSWORD) || !strcmp(last, "pass") || !strcmp(last, "pw") ||
	    ends_with(last, "password") || ends_with(last, "passwd") || cjk_password(last) ||
	    !strcmp(last, "requirepass") || !strcmp(last, "masterauth") ||
	    !strcmp(last, "sshpass") ||        /* sshpass -e reads $SSHPASS */
	    in_list(last, glued_pass) ||
	    ends_with(last, "storepass") || ends_with(last, "keypass") || /* keytool, jarsigner */
	    in_list(last, ldap_pw_words) ||
	    ends_with(last, "bindpw") ||       /* bindpw, ldap_bindpw, sasl_bindpw */
	    !strcmp(last, "authtok") ||        /* sssd's ldap_default_authtok, PAM */
	    !strcmp(last, "psk") ||            /* Wi-Fi: wpa_supplicant, NetworkManager, wpa-psk */
	    !strcmp(last, "presharedkey") ||   /* WireGuard's PresharedKey, in any case */
	    (!strcmp(last, "key") && !strcmp(prev, "preshared")) ||
	    (!strcmp(last, "key") && !strcmp(prev, "wep"))) /* wep_key0..3 */
		return counted(verdict(NC_STRONG, R_PASSWORD), last, prev);
	if (!strcmp(last, "accountkey") || !strcmp(last, "sharedaccesskey") ||
	    (!strcmp(last, "key") && (!strcmp(prev, "account") ||
				      (!strcmp(prev, "access") && w.n > 2 &&
				       !strcmp(w.w[w.n - 3], "shared")))))
		return verdict(NC_STRONG, R_AZURE_STORAGE_KEY);
	if ((w.has & W_SECRET) &&
	    ((w.has & W_AWS) || (!strcmp(last, "key") && !strcmp(prev, "access"))))
		return verdict(NC_STRONG, R_AWS_SECRET_ACCESS_KEY);
	if (!strcmp(last, "secretaccesskey"))
		return verdict(NC_STRONG, R_AWS_SECRET_ACCESS_KEY);
	if ((w.has & W_DATADOG) && ends_with(last, "key"))
		return verdict(NC_STRONG, R_DATADOG_API_KEY);
	if ((w.has & W_SECRET) || ends_with(last, "secret"))
		return counted(verdict(NC_STRONG, R_SECRET), last, prev);
	if ((w.has & W_TOKEN) || ends_with(last, "token")) {
		static const char *const count_words[] = { "max", "min", "num", "total", NULL };
		struct name_verdict v = verdict(NC_STRONG, R_TOKEN);

		/* "max_tokens", "prompt_tokens", "max_token": a number of tokens, not one */
		v.counts = (w.has & W_TOKENS) || in_list(prev, count_words);
		return counted(v, last, prev);
	}
	if (w.has & W_CREDENTIAL) {
		static const char *const process_last[] = { "process", "command", "cmd", NULL };
		struct name_verdict v = verdict(NC_STRONG, R_CREDENTIAL);

		/*
		 * GOOGLE_APPLICATION_CREDENTIALS=/etc/gcp/sa.json: a file;
		 * credential_process = /usr/bin/x args: a program; systemd's
		 * LoadCredential=ID:PATH: where the credential is
		 */
		if (!strcmp(last, "credentials"))
			v.paths = PATH_FILE;
		else if (in_list(last, process_last))
			v.paths = PATH_COMMAND;
		else if (!strcmp(last, "credential") && w.n == 2 && !strcmp(prev, "load"))
			v.paths = PATH_ID;
		return counted(v, last, prev);
	}
	if (!strcmp(last, "privatekey") || (!strcmp(last, "key") && !strcmp(prev, "private"))) {
		struct name_verdict v = verdict(NC_STRONG, R_PRIVATE_KEY);

		v.paths = PATH_FILE; /* Maven's <privateKey>${user.home}/.ssh/id_rsa</privateKey> */
		return v;
	}
	if (in_list(last, key_words) || (!strcmp(last, "key") && in_list(prev, key_qualifiers)) ||
	    !strcmp(last, "apikeys") || (!strcmp(last, "keys") && !strcmp(prev, "api"))) /* NuGet's <apikeys> */
		return verdict(NC_STRONG, R_API_KEY);
	if (!strcmp(last, "key") || !strcmp(last, "keys"))
		return in_list(prev, data_key_qualifiers) ? verdict(NC_NONE, -1) :
							    verdict(NC_WEAK, R_API_KEY);
	if (!strcmp(last, "auth"))
		return verdict(NC_WEAK, R_CREDENTIAL);
	/*
	 * An application's salt is its secret: WordPress's AUTH_SALT,
	 * LOGGED_IN_SALT, NONCE_SALT, Drupal's hash_salt. A key derivation's
	 * (PuTTY's Argon2-Salt, a hash's salt=) is stored beside what it
	 * salts, and no secret.
	 */
	if ((!strcmp(last, "salt") || !strcmp(last, "salts")) && in_list(prev, salt_qualifiers))
		return counted(verdict(NC_STRONG, R_SECRET), last, prev);
	if (!strcmp(last, "encrypt") && w.n == 1) /* Consul's, Nomad's, Serf's gossip key (else a flag) */
		return verdict(NC_WEAK, R_API_KEY);
	if (!strcmp(last, "session"))
		return verdict(NC_WEAK, R_SESSION_ID);
	if (!strcmp(last, "sig") || !strcmp(last, "signature"))
		return verdict(NC_WEAK, R_SIGNATURE);
	return verdict(NC_NONE, -1);
}

/* Sorted: bsearch. */
static const char *const mode_values[] = {
	"aes", "aes-128-cbc", "aes-128-gcm", "aes-256-cbc", "aes-256-gcm", "aes128", "aes256",
	"always", "argon2", "argon2d", "argon2i", "argon2id", "bcrypt", "blowfish", "clear",
	"cleartext", "crypt", "des", "false", "md5", "never", "no", "none", "off", "on",
	"on_create", "pbkdf2", "pbkdf2-sha256", "pbkdf2-sha512", "pbkdf2_sha256", "pbkdf2_sha512",
	"plain", "plaintext", "scram-sha-1", "scram-sha-256", "scrypt", "sha-1", "sha-256",
	"sha-512", "sha1", "sha224", "sha256", "sha256_crypt", "sha384", "sha512", "sha512_crypt",
	"true", "yes", "yescrypt",
};

bool value_is_mode(const char *v, size_t len)
{
	char word[16];

	if (!len || len >= sizeof(word))
		return false;
	for (size_t i = 0; i < len; i++)
		word[i] = (char)lower_ascii((unsigned char)v[i]);
	word[len] = '\0';
	return in_sorted(word, mode_values, sizeof(mode_values) / sizeof(mode_values[0]));
}

/* The path at v[*k] (a root, then parts of path characters), *k after it: its parts, or 0. */
static size_t path_parts(const char *v, size_t len, size_t *k)
{
	size_t i = *k, parts = 0;

	if (len - i >= 3 && v[i] == '$' && v[i + 1] == '{') {
		const char *c = memchr(v + i, '}', len - i);

		if (!c)
			return 0;
		i = (size_t)(c - v) + 1;
		parts++; /* ${user.home}/...: a directory */
	} else if (len - i >= 2 && v[i] == '~') {
		i++;
	} else if (len - i >= 3 && is_alnum((unsigned char)v[i]) && v[i + 1] == ':' && v[i + 2] == '\\') {
		i += 2;
	}
	if (i >= len || (v[i] != '/' && v[i] != '\\'))
		return 0;
	while (i < len && (v[i] == '/' || v[i] == '\\')) {
		size_t s = ++i;

		while (i < len && (is_alnum((unsigned char)v[i]) || strchr("._-+@%,=~", v[i])) && v[i])
			i++;
		parts += i > s;
	}
	*k = i;
	return parts;
}

bool value_is_path_ref(const char *v, size_t len, unsigned how)
{
	size_t k = 0;

	if (how == PATH_ID) {
		while (k < len && (is_alnum((unsigned char)v[k]) || strchr("._-@", v[k])) && v[k])
			k++;
		if (!k || k == len)
			return k > 0; /* LoadCredential=dbpw: from the credential store */
		if (v[k] != ':')
			return false;
		k++;
		return path_parts(v, len, &k) >= 1 && k == len;
	}
	if (path_parts(v, len, &k) < 2)
		return false;
	if (k == len)
		return true;
	return how == PATH_COMMAND && v[k] == ' ';
}

bool value_is_ref_name(const char *v, size_t len)
{
	bool sep = false, digit = false;

	if (!len || len > 253 || !(is_alnum((unsigned char)v[0])) || !is_alnum((unsigned char)v[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '-' || v[i] == '.')
			sep = true;
		else if (v[i] >= '0' && v[i] <= '9')
			digit = true;
		else if (v[i] < 'a' || v[i] > 'z')
			return false;
	}
	return sep || !digit;
}

unsigned key_role(const char *key, size_t len)
{
	/* by length, so that most keys cost a look (JSON logs: a dozen keys a line) */
	static const struct {
		const char *word;
		unsigned role;
	} by_len[15][3] = {
		[3] = { { "key", KR_NAME } },   /* key/value lists, tags */
		[4] = { { "name", KR_NAME }, { "type", KR_TYPE } },  /* Kubernetes env, ECS, HAR headers, SSM */
		[5] = { { "value", KR_VALUE | KR_HELD } },
		/* a rotated secret's; CloudFormation's parameter's ("DBPassword": {"Default": x}) */
		[7] = { { "current", KR_HELD }, { "primary", KR_HELD }, { "default", KR_HELD } },
		[8] = { { "previous", KR_HELD } },
		[9] = { { "secondary", KR_HELD } },
		[10] = { { "optionname", KR_NAME } }, /* Elastic Beanstalk */
		[11] = { { "optionvalue", KR_VALUE } },
		[12] = { { "parameterkey", KR_NAME } }, /* CloudFormation */
		[13] = { { "parametername", KR_NAME } },
		[14] = { { "parametervalue", KR_VALUE } },
	};

	if (len >= sizeof(by_len) / sizeof(by_len[0]))
		return 0;
	for (int i = 0; i < 3 && by_len[len][i].word; i++)
		if (mem_ieq(key, by_len[len][i].word, len))
			return by_len[len][i].role;
	return 0;
}

/* Words that say "no value here" rather than being one. */
static const char *const placeholder_words[] = {
	"redacted", "hidden", "masked", "filtered", "removed", "null", "nil", "none", "undefined",
	"true", "false", "yes", "no", "on", "off", "empty", "unset", "notset", "n/a", "na", "tbd",
	"todo", "fixme", "dummy", "placeholder", "example", "sample", "default", "required",
	"optional", "expired", "invalid", "missing", "present", "provided", "revoked", "refreshed",
	"valid", "ok", "bearer", "basic", "set", "changed", "accepted", "rejected", "denied",
	"unknown", "enabled", "disabled", "...", "\xe2\x80\xa6",
	/* a sentence's verb: "password = is empty", "password = was not set" */
	"is", "was", "are", "were", "has", "not", "must", "cannot", "should",
	/*
	 * a type, not a value: a schema's ("password": "string", which Swagger
	 * UI also fills in as its example), a Terraform object type's
	 */
	"string", "number", "integer", "boolean", "bool", "object", "any", NULL,
};
/* Sample configurations' own placeholders, longer than a word (WordPress's wp-config-sample.php). */
static const char *const placeholder_phrases[] = { "put your unique phrase here", NULL };
/* A Terraform type constraint: list(string), map(any), optional(list(number)). */
static const char *const type_ctors[] = { "list(", "map(", "set(", "optional(", "tuple(", NULL };

/* The length of our label "[REDACTED:rule-id]" at p (a rule id as policy.c allows), or 0. */
size_t label_len(const char *p, size_t len)
{
	size_t i = 10;

	if (len <= 10 || memcmp(p, "[REDACTED:", 10))
		return 0;
	while (i < len && i < 10 + 64 && (is_alnum((unsigned char)p[i]) || p[i] == '-' ||
					  p[i] == '_' || p[i] == '.'))
		i++;
	return i > 10 && i < len && p[i] == ']' ? i + 1 : 0;
}

bool holds_label(const char *p, size_t len)
{
	const char *l;

	while ((l = mem_find(p, len, "[REDACTED:", 10))) {
		if (label_len(l, len - (size_t)(l - p)))
			return true;
		len -= (size_t)(l - p) + 1;
		p = l + 1;
	}
	return false;
}

/* Nothing but our own labels, spaces and punctuation: a value redacted already. */
static bool only_labels(const char *v, size_t len)
{
	bool label = false;

	for (size_t i = 0; i < len; i++) {
		size_t l = v[i] == '[' ? label_len(v + i, len - i) : 0;

		if (l) { /* whole: "[REDACTED:hunter2!]" is no label of ours */
			i += l - 1;
			label = true;
		} else if (is_alnum((unsigned char)v[i]) || (unsigned char)v[i] >= 0x80) {
			return false;
		}
	}
	return label;
}

bool value_is_redacted(const char *v, size_t len)
{
	while (len && is_space((unsigned char)*v)) {
		v++;
		len--;
	}
	return !len || only_labels(v, len);
}

/*
 * The inside of "${env:DB_PASSWORD}": a lookup by a prefix that names where
 * the value comes from (Log4j, Vector, Spring), then a name. A default value
 * ("${DB_PASSWORD:hunter2}", "${env:X:-hunter2}") is no lookup.
 */
static bool lookup_at(const char *prefix, size_t plen, const char *name, size_t nlen)
{
	static const char *const prefixes[] = {
		"env", "sys", "file", "vault", "secret", "secrets", "ssm", NULL,
	};
	bool known = false;

	for (const char *const *q = prefixes; *q && !known; q++)
		known = strlen(*q) == plen && mem_ieq(prefix, *q, plen);
	if (!known || !nlen)
		return false;
	for (size_t i = 0; i < nlen; i++)
		if (!is_alnum((unsigned char)name[i]) && !strchr("_./#-", name[i]))
			return false;
	return true;
}

/* Are v[s, e) all name characters (and those of extra), one at least? */
static bool name_run(const char *v, size_t s, size_t e, const char *extra)
{
	if (s >= e)
		return false;
	for (size_t i = s; i < e; i++)
		if (!is_alnum((unsigned char)v[i]) && v[i] != '_' && !strchr(extra, v[i]))
			return false;
	return true;
}

/*
 * Where a value comes from, not the value: a CI system's expression or
 * variable ("${{ secrets.DB_PASSWORD }}", Azure DevOps's "$(TOKEN)",
 * Octopus's "#{Password}#", Concourse's "((client-secret))"), the shell's
 * "${X:?required}" (an error when unset: no default) and "$(cat /run/secrets/db)",
 * a call without arguments ("getpass()").
 */
static bool substitution(const char *v, size_t len)
{
	size_t i;

	if (len >= 6 && !memcmp(v, "${{", 3) && !memcmp(v + len - 2, "}}", 2))
		return !mem_find(v + 3, len - 5, "}}", 2) && !memchr(v + 3, '\'', len - 5) &&
		       !memchr(v + 3, '"', len - 5);
	if (len >= 4 && v[0] == '$' && v[1] == '(' && v[len - 1] == ')') {
		if (name_run(v, 2, len - 1, "."))
			return true;
		if (len > 7 && (!memcmp(v + 2, "cat ", 4) || !memcmp(v + 2, "< ", 2))) {
			i = v[2] == 'c' ? 6 : 4;
			while (i < len - 1 && v[i] == ' ')
				i++;
			return i < len - 1 && (v[i] == '/' || v[i] == '~' || v[i] == '.') &&
			       name_run(v, i, len - 1, "/~.-");
		}
		return false;
	}
	if (len >= 4 && v[0] == '#' && v[1] == '{') {
		size_t e = v[len - 1] == '#' ? len - 2 : len - 1;

		return v[e] == '}' && name_run(v, 2, e, ".-");
	}
	if (len >= 5 && !memcmp(v, "((", 2) && !memcmp(v + len - 2, "))", 2))
		return name_run(v, 2, len - 2, ".-:/");
	if (len >= 5 && v[0] == '$' && v[1] == '{' && v[len - 1] == '}') {
		for (i = 2; i < len && (is_alnum((unsigned char)v[i]) || v[i] == '_'); i++)
			;
		return i > 2 && i + 1 < len && (v[i] == '?' || (v[i] == ':' && v[i + 1] == '?'));
	}
	if (len >= 3 && !memcmp(v + len - 2, "()", 2) && !(v[0] >= '0' && v[0] <= '9'))
		return name_run(v, 0, len - 2, ".");
	return false;
}

/*
 * A key that its issuer publishes by design: Stripe's (and Paystack's)
 * publishable keys pk_live_... and pk_test_..., shipped in web pages. Their
 * secret twins (sk_..., rk_...) are not these.
 */
static bool public_key_value(const char *v, size_t len)
{
	if (len < 16 || memcmp(v, "pk_", 3) || (memcmp(v + 3, "live_", 5) && memcmp(v + 3, "test_", 5)))
		return false;
	return name_run(v, 8, len, "");
}

/*
 * The inside of "[REDACTED]", "[FILTERED]", "(masked by pam_audit)": words
 * that say another program hid the value, and nothing else. A value made of
 * more ("[REDACT@d.ua]", "[Redacted4Ever]", "[REDACTED]user:x") is a value.
 */
static bool masking_note(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c >= '0' && c <= '9') || (!is_alnum(c) && (!c || !strchr(" _-.*", c))))
			return false;
	}
	return mem_ifind(v, len, "redact", 6) || mem_ifind(v, len, "filter", 6) ||
	       mem_ifind(v, len, "hidden", 6) || mem_ifind(v, len, "mask", 4);
}

bool value_is_placeholder(const char *v, size_t len)
{
	char word[16];
	size_t i;

	while (len && is_space((unsigned char)*v)) {
		v++;
		len--;
	}
	while (len && is_space((unsigned char)v[len - 1]))
		len--;
	if (!len || only_labels(v, len) || public_key_value(v, len))
		return true;
	/* a run of one masking character: ********, xxxxx, ..., ### */
	if (strchr("*xX.#?-_", v[0])) {
		for (i = 1; i < len; i++)
			if (lower_ascii((unsigned char)v[i]) != lower_ascii((unsigned char)v[0]))
				break;
		if (i == len && (len >= 3 || v[0] == '*'))
			return true;
		if (v[0] == '*' && i >= 3) /* "***REDACTED***", "********(masked)" */
			return true;
	}
	/*
	 * ${VAR}, ${env:VAR} (but not ${VAR:-default} nor ${VAR:default}), $VAR,
	 * %VAR%, {{ template }}, <changeme>, %(name)s
	 */
	if (substitution(v, len))
		return true;
	if (len >= 3 && v[0] == '$' && v[1] == '{' && v[len - 1] == '}') {
		const char *colon = memchr(v, ':', len);

		/* "${API_KEY:-}", "${X-}", "${X:=}": an empty default */
		for (i = 2; i < len && (is_alnum((unsigned char)v[i]) || v[i] == '_'); i++)
			;
		if (i > 2 && i < len - 1 && v[i] == ':')
			i++;
		if (i > 2 && i == len - 2 && (v[i] == '-' || v[i] == '='))
			return true;

		if (memchr(v + 2, '{', len - 2))
			return false;
		return !colon || lookup_at(v + 2, (size_t)(colon - v) - 2, colon + 1,
					   len - 1 - (size_t)(colon + 1 - v));
	}
	if (len >= 2 && v[0] == '$' && (is_alnum((unsigned char)v[1]) || v[1] == '_')) {
		for (i = 1; i < len && (is_alnum((unsigned char)v[i]) || v[i] == '_'); i++)
			;
		if (i == len)
			return true;
	}
	if (len >= 3 && v[0] == '%' && v[len - 1] == '%' && !memchr(v + 1, ' ', len - 2))
		return true;
	if (len >= 4 && !memcmp(v, "{{", 2) && !memcmp(v + len - 2, "}}", 2))
		return true;
	if (len >= 3 && v[0] == '<' && v[len - 1] == '>' && !memchr(v + 1, '<', len - 2))
		return true;
	if (len >= 4 && v[0] == '%' && v[1] == '(' && v[len - 1] == 's' && v[len - 2] == ')')
		return true;
	if (len >= 3 && (v[0] == '[' || v[0] == '(') && (v[len - 1] == ']' || v[len - 1] == ')') &&
	    len <= 64 && masking_note(v + 1, len - 2))
		return true;
	/* an empty list or map, as Python and Go print an empty value ("password=[]", "secret={}") */
	if ((v[0] == '[' && v[len - 1] == ']') || (v[0] == '{' && v[len - 1] == '}')) {
		for (i = 1; i + 1 < len && is_space((unsigned char)v[i]); i++)
			;
		if (len >= 2 && i + 1 == len)
			return true;
	}
	if (len < sizeof(word)) {
		for (i = 0; i < len; i++)
			word[i] = (char)lower_ascii((unsigned char)v[i]);
		word[len] = '\0';
		if (in_list(word, placeholder_words))
			return true;
	}
	for (const char *const *ph = placeholder_phrases; *ph; ph++)
		if (len == strlen(*ph) && mem_ieq(v, *ph, len))
			return true;
	if (v[len - 1] == ')') {
		for (const char *const *t = type_ctors; *t; t++) {
			size_t n = strlen(*t);

			if (len > n + 1 && !memcmp(v, *t, n))
				return name_run(v, n, len - 1, "(), ");
		}
	}
	return false;
}

bool value_is_arn(const char *v, size_t len)
{
	size_t colons = 0;

	if (len < 12 || memcmp(v, "arn:aws", 7))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (is_space((unsigned char)v[i]))
			return false;
		colons += v[i] == ':';
	}
	return colons >= 5;
}

/* log2(x) for x >= 1, without libm: integer part by halving, then 12 fraction bits. */
static double log2_pos(double x)
{
	double r = 0, bit = 0.5;

	while (x >= 2) {
		x /= 2;
		r += 1;
	}
	for (int i = 0; i < 12; i++) {
		x *= x;
		if (x >= 2) {
			x /= 2;
			r += bit;
		}
		bit /= 2;
	}
	return r;
}

/* Shannon entropy in bits per byte. */
static double entropy(const char *s, size_t len)
{
	unsigned counts[256] = { 0 };
	double h = 0;

	if (!len)
		return 0;
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++)
		if (counts[c])
			h += counts[c] * log2_pos((double)len / counts[c]);
	return h / len;
}

struct char_classes {
	size_t upper, lower, digit, other, distinct;
};

static struct char_classes classes(const char *s, size_t len)
{
	struct char_classes k = { 0 };
	bool seen[256] = { false };

	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (!seen[c]) {
			seen[c] = true;
			k.distinct++;
		}
		if (is_upper(c))
			k.upper++;
		else if (is_lower(c))
			k.lower++;
		else if (c >= '0' && c <= '9')
			k.digit++;
		else
			k.other++;
	}
	return k;
}

static bool is_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int c = lower_ascii((unsigned char)s[i]);

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool is_uuid(const char *s, size_t len)
{
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return false;
	return is_hex(s, 8) && is_hex(s + 9, 4) && is_hex(s + 14, 4) && is_hex(s + 19, 4) &&
	       is_hex(s + 24, 12);
}

/*
 * A dotted quad ("L:1.4.1.4") is an address, no part of a token: the value
 * is judged the same whatever its length once the address is a pseudonym.
 */
static bool holds_dotted_quad(const char *v, size_t len)
{
	for (const char *d = memchr(v, '.', len); d; d = memchr(d + 1, '.', len - (size_t)(d + 1 - v))) {
		size_t i = (size_t)(d - v), s = i;
		int part = 0;

		while (s > 0 && i - s < 3 && v[s - 1] >= '0' && v[s - 1] <= '9')
			s--;
		if (s == i || (s > 0 && (v[s - 1] == '.' || (v[s - 1] >= '0' && v[s - 1] <= '9'))))
			continue;
		for (i = s; part < 4; part++) {
			size_t n = 0;

			while (i < len && v[i] >= '0' && v[i] <= '9' && n < 4)
				i++, n++;
			if (!n || n > 3 || (part < 3 && (i >= len || v[i++] != '.')))
				break;
		}
		if (part == 4 && (i >= len || (v[i] != '.' && !(v[i] >= '0' && v[i] <= '9'))))
			return true;
	}
	return false;
}

/* Hex digits in groups between ':'s, two or more: an IPv6 address, a MAC, a fingerprint. */
static bool colon_hex(const char *v, size_t len)
{
	size_t colons = 0;

	for (size_t i = 0; i < len; i++) {
		if (v[i] == ':')
			colons++;
		else if (!is_hex(v + i, 1))
			return false;
	}
	return colons >= 2;
}

bool value_looks_secret(const char *v, size_t len)
{
	struct char_classes k;

	if (len < 16 || len > 8192 || is_uuid(v, len))
		return false;
	for (size_t i = 0; i < len; i++) /* tokens hold no spaces, quotes, brackets, '@' */
		if (is_space((unsigned char)v[i]) || (unsigned char)v[i] < 0x20 ||
		    strchr("{}[]()<>\"'`@", v[i]))
			return false;
	if (v[0] == '/' || v[0] == '~' || (v[0] == '.' && v[1] == '/') || mem_find(v, len, "://", 3))
		return false;
	k = classes(v, len);
	if (!k.digit || !(k.upper + k.lower) || holds_dotted_quad(v, len) || colon_hex(v, len))
		return false;
	/* dotted lower-case names (hosts, packages) are not keys */
	if (!k.upper && memchr(v, '.', len) && !memchr(v, '=', len) && !memchr(v, '/', len))
		return false;
	return k.distinct >= 10 && entropy(v, len) >= 3.0;
}

bool check_not_example(const char *s, size_t len)
{
	return !mem_find(s, len, "EXAMPLE", 7);
}

/* A token body with some variety: not a placeholder such as ghp_xxxxxxxx... */
bool check_token_body(const char *s, size_t len)
{
	return classes(s, len).distinct >= 10 && check_not_example(s, len) &&
	       !mem_ifind(s, len, "xxxxxxxx", 8);
}

/* "sk-" is also a common word prefix: demand upper, lower and digits. */
bool check_mixed_token(const char *s, size_t len)
{
	struct char_classes k = classes(s, len);

	return k.upper && k.lower && k.digit && check_token_body(s, len);
}

/*
 * A Vault token, perhaps after "vault login" or "token": its body (after the
 * last '.') has variety; a legacy one, with no "hv" prefix to tell it from a
 * word, mixes cases too ("token s.propertyname..." is code).
 */
bool check_vault_token(const char *s, size_t len)
{
	const char *body = s;
	struct char_classes k;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '.')
			body = s + i + 1;
	if (body == s)
		return false;
	if (len >= 2 && !memcmp(s, "hv", 2))
		return check_token_body(body, len - (size_t)(body - s));
	k = classes(body, len - (size_t)(body - s));
	return k.upper && k.lower && check_token_body(body, len - (size_t)(body - s));
}

/*
 * A password hash: its last part (the hash, after the salt or after "}")
 * is long and varied, not "$1$2" of a shell line or a "{SHA}" placeholder.
 */
bool check_password_hash(const char *s, size_t len)
{
	size_t i = len;

	if (len > 6 && s[0] == '{' && (mem_ieq(s + 1, "PLAIN", 5) || mem_ieq(s + 1, "CLEAR", 5)))
		return true; /* Dovecot's {PLAIN}x: the password itself */

	while (i > 0 && s[i - 1] != '$' && s[i - 1] != '}')
		i--;
	return len - i >= 16 && classes(s + i, len - i).distinct >= 10;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* Base64 of "-----BEGIN ... PRIVATE KEY-----" (not of a certificate). */
bool check_b64_private_key(const char *s, size_t len)
{
	unsigned char dec[64];
	size_t n = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len && n < sizeof(dec); i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dec[n++] = (unsigned char)(acc >> bits);
		}
	}
	return mem_find((const char *)dec, n, "PRIVATE KEY", 11) != NULL;
}

/*
 * A SASL response at the end of s: base64 that decodes to fields split by
 * NUL (PLAIN) or ^A (XOAUTH2, OAUTHBEARER), not a word that happens to be
 * base64.
 */
bool check_sasl_response(const char *s, size_t len)
{
	size_t e = len, b;
	uint32_t acc = 0;
	int bits = 0;

	while (e > 0 && s[e - 1] == '=')
		e--;
	for (b = e; b > 0 && b64val((unsigned char)s[b - 1]) >= 0; b--)
		;
	for (size_t i = b; i < e; i++) {
		acc = (acc << 6) | (uint32_t)b64val((unsigned char)s[i]);
		bits += 6;
		if (bits >= 8) {
			unsigned char c;

			bits -= 8;
			c = (unsigned char)(acc >> bits);
			if (c == 0 || c == 1)
				return true;
		}
	}
	return false;
}

/*
 * A query parameter's value (after '=' or an encoded "%3D"): an OAuth code
 * has variety, not "authorization_code" or "xxxxxxxxxxxxxxxx".
 */
bool check_query_token(const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len), *enc = mem_ifind(s, len, "%3D", 3);
	const char *v = eq && (!enc || eq < enc) ? eq + 1 : enc ? enc + 3 : s;
	size_t n = len - (size_t)(v - s);
	struct char_classes k = classes(v, n);

	/*
	 * (our label in it: the first pass kept the value, which would have
	 * gone whole, and a rule took a part of it)
	 */
	if (n < 8 || value_is_placeholder(v, n) || holds_label(v, n) || !check_token_body(v, n))
		return false;
	return (k.digit > 0) + (k.upper > 0) + (k.lower > 0) >= 2;
}

bool check_high_entropy(const char *s, size_t len)
{
	struct char_classes k = classes(s, len);

	if (is_hex(s, len) || is_uuid(s, len))
		return false;
	return k.upper >= 2 && k.lower >= 2 && k.digit >= 2 && entropy(s, len) >= 4.2;
}
