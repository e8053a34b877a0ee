/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk doctor: checks what vmdesk needs, and says how to mend it. */
#ifndef VMDESK_CLI_CLI_DOCTOR_H
#define VMDESK_CLI_CLI_DOCTOR_H

#include "cli/cli.h"

int	cli_doctor(struct cli *, int, char **);

#endif
