/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a program from an argv (never a shell) and collecting its output. */
#ifndef VMDESK_UTIL_PROC_H
#define VMDESK_UTIL_PROC_H

#include <sys/types.h>

#include "util/strv.h"

/* A started program whose output is being collected. */
struct proc {
	pid_t	pid;
	int	out;	/* read end of its standard output */
	int	err;	/* read end of its error output */
};

/* Start argv with stdin from /dev/null; -1 and *cause if it cannot run. */
int	proc_start(const struct strv *, struct proc *, char **);
/*
 * Collect a started program's output (either pointer may be NULL; caller
 * frees) and wait for it. Returns its exit status (128 + signal).
 */
int	proc_finish(struct proc *, char **, char **);
/*
 * Run argv with stdin from /dev/null, collecting stdout and stderr (each
 * NUL-terminated, caller frees; either pointer may be NULL). Returns the
 * exit status (128 + signal when killed), or -1 and *cause when it could
 * not be run (ENOENT says "not found").
 */
int	proc_run(const struct strv *, char **, char **, char **);

/*
 * The command line of process pid, its arguments NUL-separated (*len
 * bytes), or NULL when it is gone (a zombie's is empty). Caller frees.
 */
char	*proc_cmdline(pid_t, size_t *);

#endif
