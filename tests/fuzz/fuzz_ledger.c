// SPDX-License-Identifier: MIT
/*
 * fuzz_ledger.c - the export ledger reader: lines, records, the hash chain
 *
 * The input is a whole ledger file. Every line must end up either as a
 * record or as a problem naming it, never both dropped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sodium.h>

#include "diag/ledger.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (sodium_init() < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ledger l = LEDGER_INIT;
	size_t lines_with_problems = 0, last = 0;

	ledger_check(&l, (const char *)data, size);
	/* Problems come in line order; count the lines that have one. */
	for (size_t i = 0; i < l.nr_problems; i++) {
		if (l.problems[i].line != last)
			lines_with_problems++;
		last = l.problems[i].line;
	}
	if (l.nr > l.lines || lines_with_problems > l.lines ||
	    (l.nr_problems == 0 && l.nr != l.lines))
		abort();
	for (size_t i = 0; i < l.nr; i++)
		if (l.entries[i].seq == 0 || !l.entries[i].nr_recipients)
			abort();
	ledger_release(&l);
	return 0;
}
