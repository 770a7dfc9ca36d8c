// SPDX-License-Identifier: MIT
/* bech32.c - Bech32 (BIP 173, without the length limit) for age keys */
#include <string.h>

#include "diag/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, unsigned v)
{
	static const uint32_t gen[5] = {
		0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3,
	};
	uint32_t top = chk >> 25;

	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (int i = 0; i < 5; i++)
		if ((top >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The polymod state after the expanded, lower-cased HRP. */
static uint32_t hrp_polymod(const char *hrp, size_t n)
{
	uint32_t chk = 1;

	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, (unsigned)lower((unsigned char)hrp[i]) >> 5);
	chk = polymod_step(chk, 0);
	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, (unsigned)lower((unsigned char)hrp[i]) & 31);
	return chk;
}

/* 1 if all lower case, 2 if all upper case, 3 if both appear, 0 if neither. */
static int case_of(const char *s, size_t n)
{
	int seen = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] >= 'a' && s[i] <= 'z')
			seen |= 1;
		else if (s[i] >= 'A' && s[i] <= 'Z')
			seen |= 2;
	}
	return seen;
}

static int valid_hrp(const char *hrp, size_t n)
{
	if (n < 1 || n > BECH32_MAX_HRP || case_of(hrp, n) == 3)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (hrp[i] < 33 || hrp[i] > 126)
			return 0;
	return 1;
}

int bech32_encode(const char *hrp, const unsigned char *data, size_t len,
		  char *out, size_t outsize)
{
	size_t hlen = strlen(hrp), ngroups, pos = 0;
	int upper = case_of(hrp, hlen) == 2;
	uint32_t chk, acc = 0;
	unsigned bits = 0;

	if (!valid_hrp(hrp, hlen) || len > BECH32_MAX_LEN)
		return -1;
	ngroups = (len * 8 + 4) / 5;
	if (outsize < hlen + 1 + ngroups + 6 + 1)
		return -1;
	chk = hrp_polymod(hrp, hlen);
	for (size_t i = 0; i < hlen; i++)
		out[pos++] = upper ? hrp[i] : (char)lower((unsigned char)hrp[i]);
	out[pos++] = '1';
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			unsigned v = (acc >> (bits - 5)) & 31;

			bits -= 5;
			chk = polymod_step(chk, v);
			out[pos++] = charset[v];
		}
	}
	if (bits) {
		unsigned v = (acc << (5 - bits)) & 31;

		chk = polymod_step(chk, v);
		out[pos++] = charset[v];
	}
	for (int i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	for (int i = 0; i < 6; i++)
		out[pos++] = charset[(chk >> (5 * (5 - i))) & 31];
	if (upper)
		for (size_t i = hlen; i < pos; i++)
			out[i] = (char)(out[i] >= 'a' && out[i] <= 'z' ? out[i] - 32 : out[i]);
	out[pos] = '\0';
	return (int)pos;
}

static int fail(const char **why, const char *msg)
{
	if (why)
		*why = msg;
	return -1;
}

int bech32_decode(const char *s, size_t slen, char *hrp, size_t hrpsize,
		  unsigned char *data, size_t datasize, size_t *datalen,
		  const char **why)
{
	size_t sep = 0, out = 0;
	uint32_t chk, acc = 0;
	unsigned bits = 0;
	int have_sep = 0;

	if (slen > BECH32_MAX_LEN)
		return fail(why, "too long");
	if (case_of(s, slen) == 3)
		return fail(why, "mixed case");
	for (size_t i = 0; i < slen; i++) {
		if (s[i] == '1') {
			sep = i;
			have_sep = 1;
		}
	}
	if (!have_sep || sep < 1 || sep + 7 > slen)
		return fail(why, "no separator, or separator at an invalid position");
	if (!valid_hrp(s, sep))
		return fail(why, "invalid human-readable part");
	if (hrpsize < sep + 1)
		return fail(why, "human-readable part too long");
	chk = hrp_polymod(s, sep);
	for (size_t i = sep + 1; i < slen; i++) {
		const char *p = s[i] ? strchr(charset, lower((unsigned char)s[i])) : NULL;
		unsigned v;

		if (!p)
			return fail(why, "invalid character in the data part");
		v = (unsigned)(p - charset);
		chk = polymod_step(chk, v);
		if (i >= slen - 6)
			continue;
		acc = ((acc << 5) | v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (out >= datasize)
				return fail(why, "data too long");
			data[out++] = (unsigned char)(acc >> bits);
		}
	}
	if (chk != 1)
		return fail(why, "invalid checksum");
	if (bits >= 5)
		return fail(why, "invalid padding");
	if (acc & ((1u << bits) - 1))
		return fail(why, "non-zero padding");
	memcpy(hrp, s, sep);
	hrp[sep] = '\0';
	*datalen = out;
	return 0;
}
