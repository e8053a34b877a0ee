/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The image cache on the command line: vmdesk images [--json], vmdesk
 * images prune, and the progress bar and Ctrl-C handling of a fetch.
 */
#ifndef VMDESK_CLI_CLI_IMAGE_H
#define VMDESK_CLI_CLI_IMAGE_H

#include <stdint.h>

#include "cli/cli.h"

/* A progress display on stderr: a bar on a terminal, lines otherwise. */
struct cli_progress {
	const char	*step;		/* the step last shown */
	int		 tty;
	int		 drawn;		/* a bar line is open */
	uint64_t	 last_ms;
	uint64_t	 start_ms;	/* of the step */
};

/* vmdesk images [--json] | prune. */
int	cli_images(struct cli *, int, char **);
/*
 * Start showing progress (on a terminal; nothing without one), and catch
 * SIGINT, SIGTERM and SIGHUP (a closed terminal): the callback then
 * cancels the work, which cleans up.
 */
void	cli_progress_begin(struct cli_progress *);
/* End the display and restore the signals. */
void	cli_progress_end(struct cli_progress *);
/* An imgcache_progress_cb on a struct cli_progress. */
int	cli_progress_cb(void *, const char *, uint64_t, uint64_t);
/* Whether one of those signals came since cli_progress_begin. */
int	cli_progress_interrupted(void);

#endif
