// SPDX-License-Identifier: MIT
/*
 * pii_driver.c - pseudonymise PII in stdin line by line with pii_scan() and
 * pseudo_token() alone (no secrets rules, no structure), for tests/bench/pii.sh.
 * Usage: pii_driver [-k KEYHEX] [-d DOMAIN]... [-u USER]... < in > out
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "../../redact/pii.h"

int main(int argc, char **argv)
{
	const char *domains[64] = { 0 }, *users[64] = { 0 };
	size_t nd = 0, nu = 0, cap = 0;
	unsigned char key[32] = { 0 };
	struct pii_options opts = { domains, users, PII_ALL };
	struct pii_scanner *sc;
	struct pii_scratch *scr;
	struct pii_match m[512];
	char err[256], *line = NULL, tok[PSEUDO_MAX];
	ssize_t len;
	int c;

	while ((c = getopt(argc, argv, "k:d:u:")) != -1) {
		if (c == 'k' && strlen(optarg) == 64) {
			for (int i = 0; i < 32; i++)
				sscanf(optarg + 2 * i, "%2hhx", &key[i]);
		} else if (c == 'd' && nd < 63) {
			domains[nd++] = optarg;
		} else if (c == 'u' && nu < 63) {
			users[nu++] = optarg;
		} else {
			fprintf(stderr, "usage: pii_driver [-k KEYHEX] [-d DOMAIN]... [-u USER]...\n");
			return 2;
		}
	}
	if (sodium_init() < 0 || pii_scanner_new(&sc, &opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "pii_driver: %s\n", err);
		return 1;
	}
	scr = pii_scratch_new(sc);
	while ((len = getline(&line, &cap, stdin)) > 0) {
		size_t pos = 0;

		for (;;) {
			int n = pii_scan(sc, scr, line + pos, (size_t)len - pos, m, 512);
			size_t last = pos;

			if (n < 0)
				return 1;
			for (int i = 0; i < n; i++) {
				size_t s = pos + m[i].start, e = pos + m[i].end;

				fwrite(line + last, 1, s - last, stdout);
				if (pseudo_token(key, m[i].kind, line + s, e - s, tok, sizeof(tok)) < 0)
					return 1;
				fputs(tok, stdout);
				last = e;
			}
			if (n < 512) {
				fwrite(line + last, 1, (size_t)len - last, stdout);
				break;
			}
			pos = last;
		}
	}
	free(line);
	pii_scratch_free(scr);
	pii_scanner_free(sc);
	return 0;
}
