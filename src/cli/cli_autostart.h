/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk autostart: start the VMs marked autostart = yes. */
#ifndef VMDESK_CLI_CLI_AUTOSTART_H
#define VMDESK_CLI_CLI_AUTOSTART_H

#include "cli/cli.h"

/* vmdesk autostart [--list] */
int	cli_autostart(struct cli *, int, char **);

#endif
