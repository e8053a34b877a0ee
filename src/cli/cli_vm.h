/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VM commands: list, create, start, stop, kill, pause, status, info ... */
#ifndef VMDESK_CLI_CLI_VM_H
#define VMDESK_CLI_CLI_VM_H

#include "cli/cli.h"

int	cli_vm_list(struct cli *, int, char **);
int	cli_vm_create(struct cli *, int, char **);
int	cli_vm_start(struct cli *, int, char **);
/* Start one VM and say so (CLI_OK or CLI_FAIL). */
int	cli_vm_start_one(struct cli *, const char *, int);
/*
 * Before starting VMs: the host's memory and vCPUs. CLI_FAIL after saying
 * memory would be overcommitted (unless force); warnings on stderr.
 */
int	cli_vm_host_check(struct cli *, const struct strv *, int);
int	cli_vm_stop(struct cli *, int, char **);
int	cli_vm_kill(struct cli *, int, char **);
int	cli_vm_pause(struct cli *, int, char **);
int	cli_vm_resume(struct cli *, int, char **);
int	cli_vm_reset(struct cli *, int, char **);
int	cli_vm_status(struct cli *, int, char **);
int	cli_vm_info(struct cli *, int, char **);
int	cli_vm_delete(struct cli *, int, char **);
int	cli_vm_rename(struct cli *, int, char **);
int	cli_vm_demo(struct cli *, int, char **);
int	cli_vm_vnc(struct cli *, int, char **);

#endif
