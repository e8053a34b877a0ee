/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's serial port: its UNIX socket and its log. */
#ifndef VMDESK_BACKEND_SERIAL_H
#define VMDESK_BACKEND_SERIAL_H

#include <stddef.h>

/* Connect to a serial socket. Returns a non-blocking descriptor or -1. */
int	 serial_connect(const char *, char **);
/*
 * The last max bytes of a serial log, starting at a line boundary when
 * it can. Caller frees; *lenp gets the length.
 */
char	*serial_log_tail(const char *, size_t, size_t *, char **);

#endif
