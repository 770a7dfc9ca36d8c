// SPDX-License-Identifier: MIT
/* test_bech32.c - Bech32 as age uses it (diag/bech32.c) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "diag/bech32.h"

static int decode(const char *s, char *hrp, unsigned char *data, size_t *len)
{
	const char *why;

	return bech32_decode(s, strlen(s), hrp, BECH32_MAX_HRP + 1, data, 128, len, &why);
}

static void accepts_the_bip173_valid_strings(void **state)
{
	static const char *const valid[] = {
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	};
	char hrp[BECH32_MAX_HRP + 1];
	unsigned char data[128];
	size_t len;

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		assert_int_equal(decode(valid[i], hrp, data, &len), 0);
	assert_int_equal(decode("A12UEL5L", hrp, data, &len), 0);
	assert_string_equal(hrp, "A");
	assert_int_equal(len, 0);
	assert_int_equal(decode("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", hrp, data, &len), 0);
	assert_string_equal(hrp, "abcdef");
	assert_int_equal(len, 20);
	/* qpzry9x8 are the values 0..7: 00000 00001 00010 00011 ... */
	assert_int_equal(data[0], 0x00);
	assert_int_equal(data[1], 0x44);
}

static void rejects_the_bip173_invalid_strings(void **state)
{
	static const char *const invalid[] = {
		"\x20" "1nwldj5",  /* HRP character out of range */
		"\x7f" "1axkwrx",
		"pzry9x0s0muk",    /* no separator */
		"1pzry9x0s0muk",   /* empty HRP */
		"x1b4n0q5v",       /* invalid data character */
		"li1dgmt3",        /* checksum too short */
		"de1lg7wt\xff",    /* invalid character in checksum */
		"A1G7SGD8",        /* checksum computed with an upper-case HRP */
		"10a06t8",         /* empty HRP */
		"1qzzfhee",
		"a12UEL5L",        /* mixed case */
	};
	char hrp[BECH32_MAX_HRP + 1];
	unsigned char data[128];
	size_t len;

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (decode(invalid[i], hrp, data, &len) == 0)
			fail_msg("accepted invalid string %zu", i);
}

static void round_trips_an_age_recipient_and_identity(void **state)
{
	static const char id[] =
		"AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
	char hrp[BECH32_MAX_HRP + 1], out[128];
	unsigned char data[128];
	size_t len;

	assert_int_equal(decode(id, hrp, data, &len), 0);
	assert_string_equal(hrp, "AGE-SECRET-KEY-");
	assert_int_equal(len, 32);
	/* Upper case in, upper case out. */
	assert_int_equal(bech32_encode(hrp, data, len, out, sizeof(out)), (int)strlen(id));
	assert_string_equal(out, id);
	assert_int_equal(bech32_encode("age", data, 32, out, sizeof(out)), 62);
	assert_int_equal(strncmp(out, "age1", 4), 0);
	assert_int_equal(decode(out, hrp, data, &len), 0);
	assert_string_equal(hrp, "age");
}

static void has_no_ninety_character_limit(void **state)
{
	unsigned char in[100], data[128];
	char out[256], hrp[BECH32_MAX_HRP + 1];
	size_t len;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37);
	assert_true(bech32_encode("age1pq", in, sizeof(in), out, sizeof(out)) > 90);
	assert_int_equal(decode(out, hrp, data, &len), 0);
	assert_int_equal(len, sizeof(in));
	assert_memory_equal(data, in, sizeof(in));
}

/* A minimal encoder of raw 5-bit groups, to build strings the real encoder never makes. */
static unsigned long polymod(const unsigned char *v, size_t n)
{
	static const unsigned long gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
	unsigned long chk = 1;

	for (size_t i = 0; i < n; i++) {
		unsigned long top = chk >> 25;

		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int j = 0; j < 5; j++)
			if ((top >> j) & 1)
				chk ^= gen[j];
	}
	return chk;
}

static void encode_groups(const unsigned char *groups, size_t n, char *out)
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	unsigned char v[64] = { 3, 3, 3, 0, 1, 7, 5 }; /* hrpExpand("age") */
	size_t nv = 7;
	unsigned long mod;
	char *p = out + 4;

	memcpy(out, "age1", 4);
	for (size_t i = 0; i < n; i++) {
		v[nv++] = groups[i];
		*p++ = cs[groups[i]];
	}
	memset(v + nv, 0, 6);
	mod = polymod(v, nv + 6) ^ 1;
	for (int i = 0; i < 6; i++)
		*p++ = cs[(mod >> (5 * (5 - i))) & 31];
	*p = '\0';
}

static void rejects_non_zero_or_excess_padding(void **state)
{
	char s[64], hrp[BECH32_MAX_HRP + 1];
	unsigned char data[128];
	size_t len;
	/* One byte 0xff is 11111 111(00): two groups, two bits of padding. */
	unsigned char ok[] = { 31, 28 }, nonzero[] = { 31, 29 }, excess[] = { 31, 28, 0 };

	encode_groups(ok, 2, s);
	assert_int_equal(decode(s, hrp, data, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(data[0], 0xff);
	encode_groups(nonzero, 2, s);
	assert_int_equal(decode(s, hrp, data, &len), -1);
	encode_groups(excess, 3, s);
	assert_int_equal(decode(s, hrp, data, &len), -1);
}

static void refuses_a_bad_hrp_or_a_small_buffer(void **state)
{
	unsigned char data[32] = { 0 };
	char out[128];

	assert_int_equal(bech32_encode("", data, 32, out, sizeof(out)), -1);
	assert_int_equal(bech32_encode("Age", data, 32, out, sizeof(out)), -1);
	assert_int_equal(bech32_encode("a b", data, 32, out, sizeof(out)), -1);
	assert_int_equal(bech32_encode("age", data, 32, out, 62), -1);
	assert_int_equal(bech32_encode("age", data, 32, out, 63), 62);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_the_bip173_valid_strings),
		cmocka_unit_test(rejects_the_bip173_invalid_strings),
		cmocka_unit_test(round_trips_an_age_recipient_and_identity),
		cmocka_unit_test(has_no_ninety_character_limit),
		cmocka_unit_test(rejects_non_zero_or_excess_padding),
		cmocka_unit_test(refuses_a_bad_hrp_or_a_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
