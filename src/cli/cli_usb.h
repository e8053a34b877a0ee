/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk usb: a VM's USB sticks and host devices. */
#ifndef VMDESK_CLI_CLI_USB_H
#define VMDESK_CLI_CLI_USB_H

#include <jansson.h>

#include "cli/cli.h"
#include "core/vmdef.h"

/* vmdesk usb add|remove|list ... */
int	cli_usb(struct cli *, int, char **);
/* A VM's USB devices as a JSON array (usb list, info). */
json_t	*cli_usb_json(const struct vm_def *);
/* One of them in words, "stick FILE (read-only)". Caller frees. */
char	*cli_usb_describe(const json_t *);

#endif
