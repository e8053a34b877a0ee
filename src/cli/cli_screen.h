/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk view and vmdesk screenshot: a VM's screen. */
#ifndef VMDESK_CLI_CLI_SCREEN_H
#define VMDESK_CLI_CLI_SCREEN_H

#include "cli/cli.h"

int	cli_view(struct cli *, int, char **);
int	cli_screenshot(struct cli *, int, char **);

#endif
