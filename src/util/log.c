/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A debug log to the file named by VMDESK_LOG (off when unset). */
#include "config.h"

#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/timeutil.h"

static FILE	*log_file;
static int	 log_opened;

void
log_debug(const char *fmt, ...)
{
	const char	*path;
	va_list		 ap;
	uint64_t	 now;

	if (!log_opened) {
		log_opened = 1;
		if ((path = getenv("VMDESK_LOG")) != NULL && *path != '\0')
			log_file = fopen(path, "ae");
	}
	if (log_file == NULL)
		return;
	now = time_wall_ms();
	fprintf(log_file, "%llu.%03llu [%ld] ", (unsigned long long)now / 1000,
	    (unsigned long long)now % 1000, (long)getpid());
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
	fflush(log_file);
}
