/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: an image from outside, inspected before QEMU opens it.
 * The first byte picks the format vmdesk expects (-1 to 4) and whether a
 * backing file the rebase replaces is allowed; the rest is the image.
 */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "images/imgcheck.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*cause = NULL;
	int	 format, flags, rc;

	if (len < 1)
		return (0);
	format = (int)(data[0] % 6) - 1;
	flags = data[0] & 0x80 ? IMGCHECK_BACKING_ANY : 0;
	rc = imgcheck_buffer(data + 1, len - 1, "fuzz", format, NULL, flags,
	    &cause);
	/* A refusal says why; an image taken is taken as what was asked. */
	if ((rc < 0) != (cause != NULL) || (rc >= 0 && format >= 0 &&
	    rc != format) || rc > 4)
		abort();
	free(cause);
	return (0);
}
