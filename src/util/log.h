/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A debug log to the file named by VMDESK_LOG (off when unset). */
#ifndef VMDESK_UTIL_LOG_H
#define VMDESK_UTIL_LOG_H

/* Append a line to the debug log, if one is open. */
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
