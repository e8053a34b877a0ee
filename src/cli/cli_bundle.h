/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk export, import, import-ova and ssh; reading a guest password. */
#ifndef VMDESK_CLI_CLI_BUNDLE_H
#define VMDESK_CLI_CLI_BUNDLE_H

#include "cli/cli.h"

int	cli_export(struct cli *, int, char **);
int	cli_import(struct cli *, int, char **);
int	cli_import_ova(struct cli *, int, char **);
int	cli_ssh(struct cli *, int, char **);
/*
 * A password from the first line of file, or asked on the terminal
 * (twice, without echo) when file is NULL. An exit status; *out is the
 * password (caller clears and frees).
 */
int	cli_password_read(const char *, char **);

#endif
