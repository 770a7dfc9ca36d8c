// SPDX-License-Identifier: MIT
/*
 * pseudo.c - shape-keeping pseudonyms under the site key
 *
 * Every token is derived from a keyed BLAKE2b hash (crypto_generichash with
 * the site key) of the token's kind and the normalised value, so the same
 * value has the same token in every file and bundle of a site, and another
 * site's tokens are unrelated. Address bits that must keep their prefix
 * relations are permuted bit by bit (each output bit is the input bit XOR a
 * keyed SipHash of the bits above it, as in Crypto-PAn). The formats are
 * listed in pii.h; pii.c refuses each of them, so a token is never
 * pseudonymised again.
 */
#include <string.h>
#include <arpa/inet.h>
#include <sodium.h>

#include "pii.h"

/* ---- public suffixes ---- */

static const char *const generic_tlds[] = {
	"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop",
	"museum", "mobi", "asia", "tel", "travel", "jobs", "cat", "app", "dev", "cloud", "online",
	"site", "tech", "store", "shop", "xyz", "top", "club", "live", "email", "company", "services",
	"solutions", "systems", "network", "digital", "global", "group", "health", "bank", "insurance",
	"hospital", "clinic", "law", "arpa",
	/* private-use names treated as public suffixes: kept in tokens */
	"internal", "lan", "intra", "intranet", "corp", "home", "localdomain", "local", "private",
	NULL,
};

/*
 * Two-label public suffixes under country TLDs (the common ones of the
 * Public Suffix List), and under arpa: each ends in two letters or "arpa".
 */
static const char *const two_level[] = {
	"co.uk", "org.uk", "ac.uk", "gov.uk", "ltd.uk", "plc.uk", "me.uk", "net.uk", "nhs.uk",
	"sch.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au", "asn.au", "id.au", "co.nz",
	"org.nz", "net.nz", "govt.nz", "ac.nz", "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "ad.jp",
	"com.br", "net.br", "org.br", "gov.br", "edu.br", "com.cn", "net.cn", "org.cn", "gov.cn",
	"edu.cn", "ac.cn", "co.in", "net.in", "org.in", "gov.in", "ac.in", "com.mx", "org.mx",
	"gob.mx", "co.za", "org.za", "gov.za", "ac.za", "com.tr", "org.tr", "gov.tr", "com.sg",
	"edu.sg", "gov.sg", "com.hk", "org.hk", "gov.hk", "co.kr", "or.kr", "go.kr", "ac.kr",
	"com.tw", "org.tw", "gov.tw", "com.ar", "gob.ar", "co.il", "org.il", "ac.il", "gov.il",
	"co.th", "ac.th", "go.th", "com.my", "gov.my", "com.ph", "gov.ph", "co.id", "go.id",
	"ac.id", "com.vn", "gov.vn", "com.pk", "gov.pk", "com.eg", "gov.eg", "com.sa", "gov.sa",
	"co.at", "or.at", "gv.at", "ac.at", "com.pl", "gov.pl", "org.pl", "net.pl", "com.ua",
	"gov.ua", "co.ke", "go.ke", "com.ng", "gov.ng", "com.co", "gov.co", "com.pe", "gob.pe",
	"com.ve", "com.uy", "com.ec", "gob.es", "com.es", "org.es", "gouv.fr", "asso.fr",
	"home.arpa", "in-addr.arpa", "ip6.arpa", NULL,
};

static int lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

size_t pii_public_suffix(const char *name, size_t len)
{
	size_t last = len, prev;
	bool alpha = true;

	while (last > 0 && name[last - 1] != '.')
		last--;
	if (last == 0)
		return 0; /* a bare name has no suffix to keep */
	prev = last - 1;
	while (prev > 0 && name[prev - 1] != '.')
		prev--;
	if (prev > 0 && (len - last == 2 || (len - last == 4 && pii_eq_nocase(name + last, 4, "arpa"))) &&
	    pii_in_list(name + prev, len - prev, two_level))
		return len - prev;
	for (size_t i = last; i < len; i++)
		alpha &= (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z');
	if ((alpha && len - last == 2) || pii_in_list(name + last, len - last, generic_tlds))
		return len - last;
	return 0;
}

/* ---- keyed hashing ---- */

static void keyed(const unsigned char key[32], const char *domain, const void *v, size_t n,
		  unsigned char *out, size_t outlen)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, key, 32, outlen);
	crypto_generichash_update(&st, (const unsigned char *)domain, strlen(domain) + 1);
	crypto_generichash_update(&st, v, n);
	crypto_generichash_final(&st, out, outlen);
	sodium_memzero(&st, sizeof(st));
}

static void keyed_lower(const unsigned char key[32], const char *domain, const char *v, size_t n,
			unsigned char *out, size_t outlen)
{
	char buf[PSEUDO_MAX];

	if (n > sizeof(buf))
		n = sizeof(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)lc((unsigned char)v[i]);
	keyed(key, domain, buf, n, out, outlen);
	sodium_memzero(buf, n);
}

static void hex8(const unsigned char h[4], char out[9])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 4; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[8] = '\0';
}

/*
 * Prefix-preserving permutation of the nbits low bits of v (MSB first):
 * bit i flips by a keyed function of the bits above it and of ctx.
 */
static uint32_t pp_bits(const unsigned char sub[16], const void *ctx, size_t ctxlen, uint32_t v,
			unsigned nbits)
{
	uint32_t out = 0;

	for (unsigned i = 0; i < nbits; i++) {
		unsigned char in[40], h[8];
		uint32_t prefix = i ? v >> (nbits - i) : 0;
		uint32_t bit = (v >> (nbits - 1 - i)) & 1;
		size_t n = 0;

		memcpy(in, ctx, ctxlen);
		n = ctxlen;
		in[n++] = (unsigned char)i;
		for (int k = 3; k >= 0; k--)
			in[n++] = (unsigned char)(prefix >> (8 * k));
		crypto_shorthash(h, in, n, sub);
		out = out << 1 | (bit ^ (h[0] & 1));
	}
	return out;
}

/* ---- one function per kind; each returns the length written or -1 ---- */

struct out {
	char *buf;
	size_t len, cap;
	bool overflow;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->cap) {
		o->overflow = true;
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static bool ipv4_parse(const char *s, size_t len, unsigned char a[4])
{
	char buf[16];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* inet_pton refuses leading zeros; logs that pad octets are read as decimal. */
	for (int part = 0, i = 0; part < 4; part++) {
		unsigned v = 0, nd = 0;

		if (part && buf[i++] != '.')
			return false;
		while (buf[i] >= '0' && buf[i] <= '9' && nd < 3)
			v = v * 10 + (unsigned)(buf[i++] - '0'), nd++;
		if (!nd || v > 255)
			return false;
		a[part] = (unsigned char)v;
		if (part == 3 && buf[i])
			return false;
	}
	return true;
}

/*
 * Byte j (0-2) of the 24 bits after the first octet, under the permutation
 * of the bytes above it: the bits of pp_bits() over the prefix and b.
 */
static unsigned char pp_byte(const struct pseudo_key *pk, const unsigned char a[4], int j, unsigned b)
{
	uint32_t v = b;

	for (int k = 0; k < j; k++)
		v |= (uint32_t)a[1 + k] << (8 * (j - k));
	return (unsigned char)pp_bits(pk->ipv4_sub, a, 1, v, 8 * (unsigned)j + 8);
}

/*
 * The first octet goes to 240-254; each of the other three goes through a
 * permutation keyed by the octets above it that keeps 0 and 255 and stays
 * in 1-254 for the others (the prefix-preserving bits, cycle-walked off 0
 * and 255). So a network (x.y.z.0, x.y.0.0) and a broadcast (x.y.z.255)
 * stay one, in the same /24 or /16 as the tokens of their hosts, and no
 * host's token is ever the network's or the broadcast's.
 */
static void ipv4_token_bytes(const struct pseudo_key *pk, const unsigned char a[4], unsigned char o[4])
{
	unsigned char h[8];
	uint32_t rest = (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3], pp;

	crypto_shorthash(h, a, 1, pk->ipv4_sub);
	o[0] = (unsigned char)(240 + h[0] % 15);
	pp = pp_bits(pk->ipv4_sub, a, 1, rest, 24);
	for (int j = 0; j < 3; j++) {
		unsigned char t = (unsigned char)(pp >> (16 - 8 * j));

		if (a[1 + j] == 0 || a[1 + j] == 255)
			t = a[1 + j];
		else
			while (t == 0 || t == 255)
				t = pp_byte(pk, a, j, t);
		o[1 + j] = t;
	}
}

/* a[0].a[1].a[2].a[3] in decimal (without snprintf: tokens are made by the thousand). */
static void put_quad(struct out *o, const unsigned char a[4])
{
	char buf[16];
	size_t n = 0;

	for (int k = 0; k < 4; k++) {
		unsigned v = a[k];

		if (k)
			buf[n++] = '.';
		if (v >= 100)
			buf[n++] = (char)('0' + v / 100);
		if (v >= 10)
			buf[n++] = (char)('0' + v / 10 % 10);
		buf[n++] = (char)('0' + v % 10);
	}
	put(o, buf, n);
}

static int token_ipv4(const struct pseudo_key *pk, const char *v, size_t len, struct out *o)
{
	unsigned char a[4], t[4];

	if (!ipv4_parse(v, len, a))
		return -1;
	ipv4_token_bytes(pk, a, t);
	put_quad(o, t);
	return 0;
}

static int token_ipv6(const struct pseudo_key *pk, const char *v, size_t len, struct out *o)
{
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const unsigned char *key = pk->key;
	unsigned char a[16], t[16];
	char buf[64];
	uint32_t subnet;

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1) {
		/* a dotted quad with leading zeros ("::2.00.2.2"), as the detector reads it */
		char *c = strrchr(buf, ':');
		unsigned char q[4];

		if (!c || !ipv4_parse(c + 1, strlen(c + 1), q))
			return -1;
		snprintf(c + 1, sizeof(buf) - (size_t)(c + 1 - buf), "%u.%u.%u.%u", q[0], q[1], q[2], q[3]);
		if (inet_pton(AF_INET6, buf, a) != 1)
			return -1;
	}
	if (!memcmp(a, mapped, 12)) {
		unsigned char t4[4];

		ipv4_token_bytes(pk, a + 12, t4);
		puts_(o, "::ffff:");
		put_quad(o, t4);
		return 0;
	}
	t[0] = 0x20;
	t[1] = 0x01;
	t[2] = 0x0d;
	t[3] = 0xb8;
	keyed(key, "ipv6-48", a, 6, t + 4, 2);
	subnet = pp_bits(pk->ipv6_sub, a, 6, (uint32_t)a[6] << 8 | a[7], 16);
	t[6] = (unsigned char)(subnet >> 8);
	t[7] = (unsigned char)subnet;
	keyed(key, "ipv6-iid", a, 16, t + 8, 8);
	if (!inet_ntop(AF_INET6, t, buf, sizeof(buf)))
		return -1;
	puts_(o, buf);
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lc(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int token_mac(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	static const char lowhex[] = "0123456789abcdef", uphex[] = "0123456789ABCDEF";
	unsigned char m[6], t[6];
	const char *hex = lowhex;
	int nib = 0;
	/* aa:bb:cc:dd:ee:ff (or '-'), aabb.ccdd.eeff, aabbcc-ddeeff, aabbccddeeff */
	char sep = len == 14 ? '.' : len == 17 ? v[2] : len == 13 ? '-' : len == 12 ? 0 : '?';
	char buf[18];
	size_t n = 0;

	if (sep == '?')
		return -1;
	for (size_t i = 0; i < len; i++) {
		int x = hexval((unsigned char)v[i]);

		if (sep && v[i] == sep)
			continue;
		if (x < 0 || nib >= 12)
			return -1;
		if (v[i] >= 'A' && v[i] <= 'F')
			hex = uphex;
		m[nib / 2] = (unsigned char)(nib & 1 ? m[nib / 2] | x : x << 4);
		nib++;
	}
	if (nib != 12)
		return -1;
	t[0] = 0x0e;
	t[1] = 0xd1;
	keyed(key, "mac", m, 6, t + 2, 4);
	for (int i = 0; i < 6; i++) {
		if (sep == '.' ? (i == 2 || i == 4) : len == 13 ? i == 3 : sep && i > 0)
			buf[n++] = sep;
		buf[n++] = hex[t[i] >> 4];
		buf[n++] = hex[t[i] & 15];
	}
	put(o, buf, n);
	return 0;
}

/* The labels of name, from the first to the one before the public suffix, become h<8 hex>. */
static int token_host(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	size_t keep = pii_public_suffix(v, len), end = len - keep;

	if (!len)
		return -1;
	for (size_t s = 0; s < end;) {
		size_t e = s;
		unsigned char h[4];
		char hx[9];

		while (e < end && v[e] != '.')
			e++;
		/* Hash the label with all its parents: siblings keep one parent token. */
		keyed_lower(key, "host", v + s, len - s, h, sizeof(h));
		hex8(h, hx);
		/*
		 * Without a known public suffix the last label is a token too: in
		 * letters (g-v for 0-f), so that it still reads as a top-level
		 * domain (e-mail domains need one).
		 */
		if (!keep && e == len && memchr(v, '.', len))
			for (int k = 0; k < 8; k++)
				hx[k] = (char)('g' + (hx[k] <= '9' ? hx[k] - '0' : hx[k] - 'a' + 10));
		put(o, "h", 1);
		put(o, hx, 8);
		if (e < end)
			put(o, ".", 1);
		s = e + 1;
	}
	for (size_t i = end; i < len; i++) {
		char c = (char)lc((unsigned char)v[i]);

		put(o, &c, 1);
	}
	return 0;
}

static int token_user(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	unsigned char h[4];
	char hx[9];

	keyed_lower(key, "user", v, len, h, sizeof(h));
	hex8(h, hx);
	puts_(o, "user-");
	puts_(o, hx);
	return 0;
}

/* Big public mail providers: the domain says nothing about the person or the site. */
static const char *const mail_providers[] = {
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
	"live.com", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com", "icloud.com",
	"me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net",
	"web.de", "t-online.de", "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "126.com",
	"fastmail.com", "fastmail.fm", "zoho.com", "orange.fr", "free.fr", "laposte.net", "libero.it",
	NULL,
};

static int token_email(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	const char *at = memchr(v, '@', len);
	size_t seplen = 1, dl, ll;
	char addr[PSEUDO_MAX];
	unsigned char h[4];
	char hx[9];

	if (!at) {
		for (const char *p = v; p + 3 <= v + len; p++)
			if (p[0] == '%' && p[1] == '4' && p[2] == '0') {
				at = p;
				seplen = 3;
				break;
			}
	}
	if (!at || at == v)
		return -1;
	ll = (size_t)(at - v);
	dl = len - ll - seplen;
	if (!dl || ll + 1 + dl > sizeof(addr))
		return -1;
	/* Hash the address as written with '@', so jane%40x.org and jane@x.org agree. */
	memcpy(addr, v, ll);
	addr[ll] = '@';
	memcpy(addr + ll + 1, at + seplen, dl);
	keyed_lower(key, "email", addr, ll + 1 + dl, h, sizeof(h));
	sodium_memzero(addr, sizeof(addr));
	hex8(h, hx);
	puts_(o, "user-");
	puts_(o, hx);
	put(o, at, seplen);
	if (pii_in_list(at + seplen, dl, mail_providers)) {
		for (size_t i = 0; i < dl; i++) {
			char c = (char)lc((unsigned char)at[seplen + i]);

			put(o, &c, 1);
		}
		return 0;
	}
	return token_host(key, at + seplen, dl, o);
}

/*
 * Digit-for-digit tokens (phone, card, SSN): every non-digit of v is kept;
 * the first `keep` digits are kept, the next `zeros` become 0, the rest come
 * from the hash.
 */
static int token_digits(const unsigned char key[32], const char *kind, const char *v, size_t len,
			size_t keep, size_t zeros, struct out *o)
{
	unsigned char h[64];
	char digits[64];
	size_t nd = 0, k = 0;

	for (size_t i = 0; i < len; i++)
		if (v[i] >= '0' && v[i] <= '9' && nd < sizeof(digits))
			digits[nd++] = v[i];
	if (!nd || nd >= sizeof(digits))
		return -1;
	keyed(key, kind, digits, nd, h, sizeof(h));
	sodium_memzero(digits, sizeof(digits));
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c >= '0' && c <= '9') {
			if (k >= keep + zeros)
				c = (char)('0' + h[k] % 10);
			else if (k >= keep)
				c = '0';
			k++;
		}
		put(o, &c, 1);
	}
	return 0;
}

/*
 * Phone numbers: every non-digit kept, and what comes before the national
 * number (the country code after '+', a trunk prefix: 0, or 1 before ten
 * digits). The national number's first three digits become 0, the rest
 * come from the hash of the national number alone, so that one number
 * written in two ways ("+1 415-555-0132", "(415) 555-0132"; "+44 20 7946
 * 0958", "020 7946 0958") ends in the same digits.
 */
static int token_phone(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	unsigned char h[64];
	char digits[64];
	size_t nd = 0, k = 0, nat = 0;
	bool plus = false;

	for (size_t i = 0; i < len; i++) {
		if (v[i] == '+' && !nd)
			plus = true;
		if (v[i] >= '0' && v[i] <= '9' && nd < sizeof(digits))
			digits[nd++] = v[i];
	}
	if (!nd || nd >= sizeof(digits))
		return -1;
	digits[nd] = '\0';
	if (plus && nd >= 3)
		nat = (size_t)pii_phone_cc_length(digits);
	else if (!plus && (digits[0] == '0' || (digits[0] == '1' && nd == 11)))
		nat = 1;
	keyed(key, "phone", digits + nat, nd - nat, h, sizeof(h));
	sodium_memzero(digits, sizeof(digits));
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (c >= '0' && c <= '9') {
			if (k >= nat + 3)
				c = (char)('0' + h[k - nat] % 10);
			else if (k >= nat)
				c = '0';
			k++;
		}
		put(o, &c, 1);
	}
	return 0;
}

static int token_card(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	if (token_digits(key, "card", v, len, 0, 4, o) < 0)
		return -1;
	/* Make sure the Luhn check fails: bump the last digit if it passes. */
	if (pii_luhn_ok(o->buf, o->len)) {
		for (size_t i = o->len; i-- > 0;) {
			if (o->buf[i] >= '0' && o->buf[i] <= '9') {
				o->buf[i] = (char)('0' + (o->buf[i] - '0' + 1) % 10);
				break;
			}
		}
	}
	return 0;
}

static int token_ssn(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	return token_digits(key, "ssn", v, len, 0, 3, o);
}

static int token_iban(const unsigned char key[32], const char *v, size_t len, struct out *o)
{
	unsigned char h[64];
	char compact[64];
	size_t k = 0, start = o->len, n = 0;

	if (len < 4 || len > sizeof(h))
		return -1;
	/* Hash the compact form, so that spacing does not change the token. */
	for (size_t i = 0; i < len; i++)
		if (v[i] != ' ')
			compact[n++] = v[i];
	keyed_lower(key, "iban", compact, n, h, sizeof(h));
	sodium_memzero(compact, sizeof(compact));
	for (size_t i = 0; i < len; i++) {
		char c = v[i];

		if (k < 2) {
			/* the country */
		} else if (k < 4) {
			c = '0';
		} else if (c >= '0' && c <= '9') {
			c = (char)('0' + h[k] % 10);
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)('A' + h[k] % 26);
		} else if (c >= 'a' && c <= 'z') {
			c = (char)('a' + h[k] % 26);
		}
		if (c != ' ')
			k++;
		put(o, &c, 1);
	}
	/* Check digits 00 fail mod-97 unless the rest sums to 1; then 01 does. */
	if (!o->overflow && pii_iban_ok(o->buf + start, o->len - start)) {
		for (size_t i = start, m = 0; i < o->len; i++)
			if (o->buf[i] != ' ' && ++m == 4)
				o->buf[i] = '1';
	}
	return 0;
}

void pseudo_key_init(struct pseudo_key *pk, const unsigned char key[32])
{
	memcpy(pk->key, key, 32);
	keyed(key, "ipv4-subkey", "", 0, pk->ipv4_sub, sizeof(pk->ipv4_sub));
	keyed(key, "ipv6-subkey", "", 0, pk->ipv6_sub, sizeof(pk->ipv6_sub));
}

int pseudo_token(const unsigned char key[32], enum pii_kind kind, const char *value, size_t len,
		 char *out, size_t outlen)
{
	struct pseudo_key pk;
	int r;

	pseudo_key_init(&pk, key);
	r = pseudo_token_k(&pk, kind, value, len, out, outlen);
	sodium_memzero(&pk, sizeof(pk));
	return r;
}

int pseudo_token_k(const struct pseudo_key *pk, enum pii_kind kind, const char *value, size_t len,
		   char *out, size_t outlen)
{
	const unsigned char *key = pk->key;
	struct out o = { out, 0, outlen, false };
	int r;

	if (!outlen)
		return -1;
	out[0] = '\0';
	switch (kind) {
	case PII_EMAIL: r = token_email(key, value, len, &o); break;
	case PII_IPV4: r = token_ipv4(pk, value, len, &o); break;
	case PII_IPV6: r = token_ipv6(pk, value, len, &o); break;
	case PII_MAC: r = token_mac(key, value, len, &o); break;
	case PII_PHONE: r = token_phone(key, value, len, &o); break;
	case PII_CARD: r = token_card(key, value, len, &o); break;
	case PII_SSN: r = token_ssn(key, value, len, &o); break;
	case PII_IBAN: r = token_iban(key, value, len, &o); break;
	case PII_HOSTNAME: r = token_host(key, value, len, &o); break;
	case PII_USERNAME: r = token_user(key, value, len, &o); break;
	default: return -1;
	}
	if (r < 0 || o.overflow) {
		/* Not of its kind's shape (or too long): a plain token that nothing detects again. */
		unsigned char h[4];
		char hx[9];

		o.len = 0;
		o.overflow = false;
		out[0] = '\0';
		keyed(key, pii_kind_name(kind), value, len, h, sizeof(h));
		hex8(h, hx);
		puts_(&o, pii_kind_name(kind));
		puts_(&o, "-");
		puts_(&o, hx);
		if (o.overflow)
			return -1;
	}
	return (int)o.len;
}
