/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection: die by SIGKILL right after the Nth durable write step. */
#ifndef VMDESK_UTIL_CRASHPOINT_H
#define VMDESK_UTIL_CRASHPOINT_H

/*
 * Mark that a durable step named WHAT has just completed. When
 * VMDESK_CRASH_AFTER=N is set, the Nth call in this process appends
 * "N WHAT" to the file named by VMDESK_CRASH_LOG (if set) and kills the
 * process with SIGKILL, as a power cut or kill -9 would.
 */
void	crashpoint(const char *what);

#endif
