/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk nic: a VM's network cards. */
#ifndef VMDESK_CLI_CLI_NIC_H
#define VMDESK_CLI_CLI_NIC_H

#include "cli/cli.h"
#include "ops/vmctl.h"

/* vmdesk nic add|remove|set|list ... */
int	cli_nic(struct cli *, int, char **);
/* Say when a change to a VM takes effect (nothing when it did now). */
void	cli_nic_when(const char *, enum vmctl_when);

#endif
