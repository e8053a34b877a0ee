/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk type: text typed into a running guest. */
#ifndef VMDESK_CLI_CLI_TYPE_H
#define VMDESK_CLI_CLI_TYPE_H

#include "cli/cli.h"

/* vmdesk type NAME TEXT|- */
int	cli_type(struct cli *, int, char **);

#endif
