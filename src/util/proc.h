/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Running a program from an argv (never a shell) and collecting its output. */
#ifndef VMDESK_UTIL_PROC_H
#define VMDESK_UTIL_PROC_H

#include "util/strv.h"

/*
 * Run argv with stdin from /dev/null, collecting stdout and stderr (each
 * NUL-terminated, caller frees; either pointer may be NULL). Returns the
 * exit status (128 + signal when killed), or -1 and *cause when it could
 * not be run (ENOENT says "not found").
 */
int	proc_run(const struct strv *, char **, char **, char **);

#endif
