/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk disk and vmdesk media: a VM's disks and its CD drive. */
#ifndef VMDESK_CLI_CLI_DISK_H
#define VMDESK_CLI_CLI_DISK_H

#include <jansson.h>

#include "cli/cli.h"

/* vmdesk disk add|resize|remove|list NAME ... */
int	cli_disk(struct cli *, int, char **);
/* vmdesk media insert|eject NAME ... */
int	cli_media(struct cli *, int, char **);
/* Print info's disks and CD drive from its JSON ("disks", "cdrom"). */
void	cli_disk_info_print(json_t *);

#endif
