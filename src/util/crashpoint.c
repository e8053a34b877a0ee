/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection: die by SIGKILL right after the Nth durable write step. */
#include "config.h"

#include "util/crashpoint.h"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Steps counted so far, and the step to die after (0: never). */
static long	crashpoint_count;
static long	crashpoint_after = -1;

static long
crashpoint_target(void)
{
	const char	*env;
	char		*end;
	long		 n;

	if (crashpoint_after != -1)
		return (crashpoint_after);
	crashpoint_after = 0;
	if ((env = getenv("VMDESK_CRASH_AFTER")) == NULL || *env == '\0')
		return (0);
	n = strtol(env, &end, 10);
	if (*end == '\0' && n > 0 && n < LONG_MAX)
		crashpoint_after = n;
	return (crashpoint_after);
}

void
crashpoint(const char *what)
{
	const char	*log;
	char		 line[256];
	long		 after;
	int		 fd, len;

	if ((after = crashpoint_target()) == 0)
		return;
	if (++crashpoint_count != after)
		return;
	if ((log = getenv("VMDESK_CRASH_LOG")) != NULL && *log != '\0') {
		/* Plain syscalls: this runs between a write and its rename. */
		fd = open(log, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600);
		if (fd != -1) {
			len = snprintf(line, sizeof line, "%ld %s\n", after,
			    what);
			if (len > 0 && (size_t)len < sizeof line &&
			    write(fd, line, (size_t)len) == -1)
				len = 0;
			close(fd);
		}
	}
	raise(SIGKILL);
}
