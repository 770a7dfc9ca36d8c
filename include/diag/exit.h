/* SPDX-License-Identifier: MIT */
/*
 * exit.h - diag's exit codes, documented in diag.1 EXIT STATUS
 *
 * The split follows minisign: "the check failed" (5) is not "something broke" (4).
 */
#ifndef DIAG_EXIT_H
#define DIAG_EXIT_H

enum diag_exit {
	DIAG_EXIT_OK = 0,      /* success */
	DIAG_EXIT_PARTIAL = 1, /* done, but incomplete: some collectors failed, or salvage lost files */
	DIAG_EXIT_USAGE = 2,   /* bad command line */
	DIAG_EXIT_INPUT = 3,   /* invalid spec, policy, rules or configuration */
	DIAG_EXIT_IO = 4,      /* I/O or system error (including out of memory) */
	DIAG_EXIT_CRYPTO = 5,  /* key, decryption, signature or integrity check failed */
};

#endif
