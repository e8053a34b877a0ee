/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: snapshots.conf. A parsed tree is walked, formatted and
 * parsed again; the second text must equal the first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/snaptree.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct snaptree	*t, *again;
	unsigned	*order = NULL;
	int		*depth = NULL;
	char		*cause = NULL, *text, *text2;

	t = snaptree_parse((const char *)data, len, "fuzz", &cause);
	if (t == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	(void)snaptree_order(t, &order, &depth);
	free(order);
	free(depth);
	text = snaptree_format(t);
	again = snaptree_parse(text, strlen(text), "fuzz-again", &cause);
	if (again == NULL)
		abort();
	text2 = snaptree_format(again);
	if (strcmp(text, text2) != 0)
		abort();
	free(text2);
	free(text);
	snaptree_free(again);
	snaptree_free(t);
	return (0);
}
