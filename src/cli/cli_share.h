/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk share and vmdesk forward: shared folders and port forwards. */
#ifndef VMDESK_CLI_CLI_SHARE_H
#define VMDESK_CLI_CLI_SHARE_H

#include <jansson.h>

#include "cli/cli.h"
#include "core/vmdef.h"

/* vmdesk share add|remove|list. */
int	 cli_share(struct cli *, int, char **);
/* vmdesk forward add|remove|list. */
int	 cli_forward(struct cli *, int, char **);
/*
 * A VM's shares for info and share list: each with the mode in use (a
 * running VM) or that it gets on this host, and the guest's command.
 */
json_t	*cli_share_json(const struct vm_def *, const struct vm_paths *);
/* The shares of cli_share_json as info's text lines. */
void	 cli_share_print(json_t *);

#endif
