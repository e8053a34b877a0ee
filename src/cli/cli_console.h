/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmdesk console: the serial console passed through to the terminal. */
#ifndef VMDESK_CLI_CLI_CONSOLE_H
#define VMDESK_CLI_CLI_CONSOLE_H

#include "backend/qemu_argv.h"
#include "cli/cli.h"

/* The detach key: Ctrl-]. */
#define CLI_CONSOLE_DETACH	0x1d

int	cli_console(struct cli *, int, char **);
/*
 * Attach the terminal to the serial console of a VM known to run (tty:
 * raw mode, scrollback and the detach key; else a pipe: send the input,
 * copy output until it is quiet). Returns an exit status.
 */
int	cli_console_run(const struct vm_paths *, const char *, int);
/* Attach the terminal to a running VM's serial console until detached. */
int	cli_console_attach(struct cli *, const char *);

#endif
