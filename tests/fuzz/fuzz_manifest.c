/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: a bundle's manifest (the first member of a .tar.zst from
 * anyone), as vmdesk import reads it.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "ops/bundle.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char		*cause = NULL;
	size_t		 n;
	uint64_t	 total;
	int		 rc;

	rc = bundle_manifest_parse((const char *)data, len, &n, &total,
	    &cause);
	/* A refusal says why; an acceptance lists vm.conf at least. */
	if ((rc != 0) != (cause != NULL) || (rc == 0 && n == 0))
		abort();
	free(cause);
	return (0);
}
