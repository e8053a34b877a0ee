/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk templates: the OS catalogue. */
#ifndef VMDESK_CLI_CLI_TEMPLATE_H
#define VMDESK_CLI_CLI_TEMPLATE_H

#include "cli/cli.h"

/* vmdesk templates [--json] */
int	cli_template_list(struct cli *, int, char **);

#endif
