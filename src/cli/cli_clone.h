/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk clone: a new VM from a stopped one, linked or full. */
#ifndef VMDESK_CLI_CLI_CLONE_H
#define VMDESK_CLI_CLI_CLONE_H

#include "cli/cli.h"

/* vmdesk clone SRC DST [--linked|--full] [--from-snapshot SNAP] */
int	cli_clone(struct cli *, int, char **);

#endif
