/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk snapshot: a VM's snapshot tree from the command line. */
#ifndef VMDESK_CLI_CLI_SNAPSHOT_H
#define VMDESK_CLI_CLI_SNAPSHOT_H

#include "cli/cli.h"

/* vmdesk snapshot create|list|tree|revert|delete|rename|note NAME ... */
int	cli_snapshot(struct cli *, int, char **);

#endif
