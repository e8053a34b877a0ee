/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the fuzz targets. */
#include "config.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"

/*
 * The readers under test take a path; a file in a private folder made
 * once per process keeps the cost to one write per input.
 */
const char *
fuzz_write_file(const char *name, const uint8_t *data, size_t len)
{
	static char	 dir[PATH_MAX], path[PATH_MAX];
	int		 fd;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/vmdesk-fuzz-XXXXXX",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir) == NULL)
			abort();
	}
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY|O_CREAT|O_TRUNC, 0600)) < 0)
		abort();
	if (len > 0 && write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
	return (path);
}
