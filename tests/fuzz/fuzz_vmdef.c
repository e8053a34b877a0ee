/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: vm.conf. What parses must format, and the formatted text
 * must parse again to the same text (a write never loses or changes a VM).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/vmdef.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct vm_def	*def, *again;
	char		*cause = NULL, *text, *text2;

	def = vmdef_parse((const char *)data, len, "fuzz", &cause);
	if (def == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	(void)vmdef_validate(def, "/nonexistent", &cause);
	free(cause);
	cause = NULL;
	text = vmdef_format(def);
	again = vmdef_parse(text, strlen(text), "fuzz-again", &cause);
	if (again == NULL)
		abort();	/* we wrote something we cannot read */
	text2 = vmdef_format(again);
	if (strcmp(text, text2) != 0)
		abort();	/* a round trip changed the definition */
	free(text2);
	free(text);
	vmdef_free(again);
	vmdef_free(def);
	return (0);
}
