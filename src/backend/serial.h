/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The guest's serial port: its UNIX socket and its log. */
#ifndef VMDESK_BACKEND_SERIAL_H
#define VMDESK_BACKEND_SERIAL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* How serial_relay() ended. */
enum serial_end {
	SERIAL_DETACHED,	/* the detach key, the input's end, or *stop */
	SERIAL_CLOSED,		/* the VM closed its serial port */
	SERIAL_ERROR		/* errno says why */
};

/* Connect to a serial socket. Returns a non-blocking descriptor or -1. */
int	 serial_connect(const char *, char **);
/* Write all of a buffer to a non-blocking descriptor. 0 or -1 (errno). */
int	 serial_write_all(int, const char *, size_t);
/*
 * The last max bytes of a serial log, starting at a line boundary when
 * it can. Caller frees; *lenp gets the length.
 */
char	*serial_log_tail(const char *, size_t, size_t *, char **);
/*
 * Keep a serial log QEMU appends to (logappend=on) within max bytes: when
 * it is larger, its older part (all but its last partial block) replaces
 * path.1 and leaves the log, which goes on with the newest output.
 */
int	 serial_log_rotate(const char *, uint64_t, char **);

/*
 * Terminal queries in a guest's output, to drop where no terminal will
 * answer them (a pipe): the bytes of a sequence split between two reads
 * are held until it ends.
 */
#define SERIAL_FILTER_HOLD	32
struct serial_filter {
	char	held[SERIAL_FILTER_HOLD];
	size_t	nheld;
};

/*
 * Copy buf to out (room for len + SERIAL_FILTER_HOLD bytes) without the
 * queries (ESC [ ... n and ESC [ ... c); returns the bytes written. A
 * zeroed filter starts a stream.
 */
size_t	 serial_filter_queries(struct serial_filter *, const char *, size_t,
	     char *);

/*
 * Copy between a serial socket and two descriptors (in, out) until the
 * detach byte arrives on in (when detach >= 0), *stop becomes non-zero,
 * or the VM goes away. When in ends, output is still copied until it has
 * been quiet for quiet_ms. With SERIAL_NO_QUERIES, the guest's terminal
 * queries do not reach out.
 */
#define SERIAL_NO_QUERIES	0x1
enum serial_end serial_relay(int, int, int, int, int, int,
	    volatile sig_atomic_t *);

#endif
