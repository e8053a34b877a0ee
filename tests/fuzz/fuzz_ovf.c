/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: an OVF descriptor, as an OVA from anywhere carries it. */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "ops/ova.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct ova_spec	*spec;
	char		*cause = NULL, *name;
	size_t		 i;

	spec = ova_parse((const char *)data, len, &cause);
	if (spec == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	if (spec->name != NULL && (name = ova_vm_name(spec->name)) != NULL)
		free(name);
	for (i = 0; i < spec->ndisks; i++)
		(void)spec->disks[i];
	ova_spec_free(spec);
	return (0);
}
