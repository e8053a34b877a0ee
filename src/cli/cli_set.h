/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk set: change a stopped VM's hardware from the command line. */
#ifndef VMDESK_CLI_CLI_SET_H
#define VMDESK_CLI_CLI_SET_H

#include "cli/cli.h"

/* vmdesk set NAME KEY=VALUE... */
int	cli_set(struct cli *, int, char **);

#endif
