/* SPDX-License-Identifier: MIT */
/*
 * bech32.h - Bech32 (BIP 173) as age uses it for its keys
 *
 * The checksum is Bech32's (constant 1, not Bech32m), computed over the
 * lower-case human-readable part (HRP). Unlike BIP 173 there is no 90
 * character limit (age's post-quantum keys are longer). A string is either
 * all lower case or all upper case; the decoded HRP keeps the case it was
 * written in, because age compares it as written ("age" recipients,
 * "AGE-SECRET-KEY-" identities). Data is converted 8 -> 5 bits with zero
 * padding when encoding; decoding rejects more than 4 padding bits and
 * non-zero padding, so every byte string has exactly one encoding.
 *
 * Nothing here allocates; output buffers are the caller's.
 */
#ifndef DIAG_BECH32_H
#define DIAG_BECH32_H

#include "diag/common.h"

/* The longest string bech32_decode() accepts, and the largest HRP. */
#define BECH32_MAX_LEN 1024
#define BECH32_MAX_HRP 83

/*
 * Encode data (len bytes) with the human-readable part hrp (1 to
 * BECH32_MAX_HRP characters 33..126, all lower or all upper case; the output
 * has the same case) into out, NUL-terminated. Returns the string length, or
 * -1 if hrp is invalid or out (outsize bytes) is too small.
 */
int bech32_encode(const char *hrp, const unsigned char *data, size_t len,
		  char *out, size_t outsize) WARN_UNUSED;

/*
 * Decode s (slen bytes, not necessarily NUL-terminated). On success returns
 * 0, stores the HRP as written (NUL-terminated) in hrp (hrpsize bytes, at
 * least BECH32_MAX_HRP + 1 is always enough), the data in data (datasize
 * bytes) and its length in *datalen. On error returns -1 and, when why is not
 * NULL, points *why at a static description ("invalid checksum", ...).
 */
int bech32_decode(const char *s, size_t slen, char *hrp, size_t hrpsize,
		  unsigned char *data, size_t datasize, size_t *datalen,
		  const char **why) WARN_UNUSED;

#endif
