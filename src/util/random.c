/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one source of random bytes, from the kernel (getrandom). */
#include "config.h"

#include "util/random.h"

#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include "util/xmalloc.h"

void
random_bytes(void *buf, size_t len)
{
	unsigned char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = getrandom(p, len, 0)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("getrandom: %s", strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
}
