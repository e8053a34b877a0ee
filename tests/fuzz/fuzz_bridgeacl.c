/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target: the bridge helper's access list (bridge.conf). */
#include "config.h"

#include <stdlib.h>

#include "fuzz.h"
#include "backend/hostdev.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct strv	inc;
	size_t		i;
	int		allow = 0, deny = 0;

	strv_init(&inc);
	hostdev_bridge_acl((const char *)data, len, "br0", &allow, &deny,
	    &inc);
	for (i = 0; i < inc.n; i++) {
		if (inc.v[i][0] == '\0')
			abort();
	}
	strv_clear(&inc);
	return (0);
}
