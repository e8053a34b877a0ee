/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A QMP client on jansson: greeting and capabilities, commands with a
 * timeout and matching ids, events queued as they arrive, partial reads,
 * and a monitor that closes mid-reply.
 */
#ifndef VMDESK_BACKEND_QMP_H
#define VMDESK_BACKEND_QMP_H

#include <jansson.h>

struct qmp;

/* Events vmdesk acts on; everything else is QMP_EV_OTHER. */
enum qmp_event {
	QMP_EV_OTHER,
	QMP_EV_STOP,
	QMP_EV_RESUME,
	QMP_EV_SHUTDOWN,
	QMP_EV_POWERDOWN,
	QMP_EV_RESET,
	QMP_EV_JOB_STATUS_CHANGE,
	QMP_EV_BLOCK_IMAGE_CORRUPTED
};

/* Called with each line sent (outgoing 1) or received (0), for a live log. */
typedef void (*qmp_trace_cb)(void *, int, const char *);

/*
 * Connect to a QMP UNIX socket, read the greeting, enter command mode.
 * Every timeout in this module is in milliseconds; a negative one waits
 * forever.
 */
struct qmp	*qmp_connect(const char *, int, char **);
/* The same over a connected descriptor, which it takes over. */
struct qmp	*qmp_open_fd(int, int, char **);
/* Close the connection and free it with any queued events. */
void		 qmp_close(struct qmp *);
/* The descriptor, for poll(). */
int		 qmp_fd(const struct qmp *);
/*
 * 1 once the monitor closed the connection (EOF or reset), as QEMU does
 * after "quit": callers that sent "quit" treat a failure as success then.
 */
int		 qmp_closed(const struct qmp *);
/* Set a trace callback (NULL to stop). */
void		 qmp_set_trace(struct qmp *, qmp_trace_cb, void *);

/*
 * Run a command and wait up to timeout_ms for its reply; events read
 * meanwhile are queued. args (may be NULL) is stolen. Returns the reply's
 * "return" value (new reference), or NULL and *cause: QEMU's error text,
 * a timeout, or a closed monitor.
 */
json_t		*qmp_command(struct qmp *, const char *, json_t *, int,
		     char **);
/*
 * Run a human monitor command. QEMU reports HMP errors as a successful
 * reply whose text starts with "Error:": that is returned as a failure.
 * Returns the text. Caller frees.
 */
char		*qmp_hmp(struct qmp *, const char *, int, char **);

/*
 * Read what is available without blocking (after poll() says readable)
 * and queue events. 0, or -1 and *cause if the monitor closed or sent
 * something that is not QMP.
 */
int		 qmp_read(struct qmp *, char **);
/* Take the next queued event, or NULL. Caller json_decref()s it. */
json_t		*qmp_next_event(struct qmp *);
/*
 * Wait up to timeout_ms for an event with this name; returns it (caller
 * json_decref()s) or NULL and *cause. Other events stay queued in order.
 */
json_t		*qmp_wait_event(struct qmp *, const char *, int, char **);
/* The kind of an event object. */
enum qmp_event	 qmp_event_kind(const json_t *);

#endif
