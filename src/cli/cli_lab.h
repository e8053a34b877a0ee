/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Labs as code: plan, up, down, destroy, lab reset and lab list. */
#ifndef VMDESK_CLI_CLI_LAB_H
#define VMDESK_CLI_CLI_LAB_H

#include "cli/cli.h"

/* plan's exit status when up would change something. */
#define CLI_LAB_CHANGES	3

int	cli_plan(struct cli *, int, char **);
int	cli_up(struct cli *, int, char **);
int	cli_down(struct cli *, int, char **);
int	cli_destroy(struct cli *, int, char **);
int	cli_lab(struct cli *, int, char **);

#endif
