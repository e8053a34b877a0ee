/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: the command table, shared context and messages. */
#ifndef VMDESK_CLI_CLI_H
#define VMDESK_CLI_CLI_H

#include <jansson.h>

#include "backend/vmproc.h"
#include "core/library.h"
#include "core/settings.h"
#include "util/strv.h"

/* Exit statuses. */
#define CLI_OK		0
#define CLI_FAIL	1
#define CLI_USAGE	2

struct cli {
	const char		*argv0;
	struct library		*lib;		/* opened on first use */
	struct settings		 settings;
	int			 settings_loaded;
};

struct cli_command {
	const char	*name;
	int		(*run)(struct cli *, int, char **);
	const char	*usage;		/* arguments after the name */
	const char	*summary;
};

/* Open the desktop with a VM selected (may be NULL); an exit status. */
int		 cli_desktop_run(struct cli *, const char *);
/* Open the desktop on one VM's screen only (vmdesk view). */
int		 cli_desktop_view(struct cli *, const char *);
/* vmdesk keys: the desktop's key table. */
int		 cli_keys(struct cli *, int, char **);
/* Run the command line; returns the exit status. */
int		 cli_main(int, char **);
/* The library, opened once. NULL after printing why. */
struct library	*cli_library(struct cli *);
/* The runtime paths of a VM by name; CLI_FAIL after saying why. */
int		 cli_paths(struct cli *, const char *, struct vm_paths *);
/* The settings, loaded once. NULL after printing why. */
struct settings	*cli_settings(struct cli *);
/* Print "vmdesk: message" on stderr. */
void		 cli_error(const char *, ...) __attribute__((format(printf, 1,
		     2)));
/* Print a cause and free it; returns CLI_FAIL. */
int		 cli_fail(char *);
/* Print "VM name: cause" and free the cause; returns CLI_FAIL. */
int		 cli_fail_vm(const char *, char *);
/* Print a command's usage on stderr; returns CLI_USAGE. */
int		 cli_usage(const char *);
/* Whether argv holds -h or --help: prints the command's help. */
int		 cli_want_help(const char *, int, char **);
/* Print a JSON value on stdout (indented) and release it. */
void		 cli_json_print(json_t *);
/* Find a command by name. */
const struct cli_command *cli_find(const char *);

#endif
