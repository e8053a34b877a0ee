/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A VM's screen saved as PNG by QEMU (QMP screendump). */
#include "config.h"

#include "backend/screenshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/xmalloc.h"

int
screenshot_save(struct qmp *mon, const char *file, int timeout_ms,
    char **cause)
{
	json_t	*r;
	char	*abs, *tmp, *why = NULL;
	int	 rc = -1;

	abs = fs_abspath(file);
	tmp = xasprintf("%s.tmp%ld", abs, (long)getpid());
	r = qmp_command(mon, "screendump", json_pack("{s:s, s:s}",
	    "filename", tmp, "format", "png"), timeout_ms, &why);
	if (r == NULL) {
		*cause = xasprintf("screendump: %s", why);
		free(why);
	} else if (!fs_exists(tmp))
		*cause = xasprintf("QEMU wrote no %s", tmp);
	else if (rename(tmp, abs) != 0)
		*cause = xasprintf("%s: %s", abs, strerror(errno));
	else
		rc = 0;
	json_decref(r);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	free(abs);
	return (rc);
}
