/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A QMP client: line framing, matched ids, queued events, timed waits. */
#include "config.h"

#include "backend/qmp.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"
#include "util/timeutil.h"
#include "util/xmalloc.h"

/* A line longer than this is not QMP: skip it rather than grow forever. */
#define QMP_LINE_MAX	(16 * 1024 * 1024)
/* Free space wanted in the input buffer before each read. */
#define QMP_READ_SIZE	8192
/* The deadline of a wait without a timeout. */
#define QMP_FOREVER	UINT64_MAX

#define QMP_CLOSED_TEXT	"QMP: monitor closed"

struct qmp_queued {
	json_t			*event;
	TAILQ_ENTRY(qmp_queued)	 entry;
};
TAILQ_HEAD(qmp_queue, qmp_queued);

struct qmp {
	int			 fd;
	int			 closed;	/* EOF or reset seen */
	json_int_t		 last_id;

	char			*buf;
	size_t			 size;
	size_t			 start;		/* first unconsumed byte */
	size_t			 len;		/* end of the data */
	size_t			 scanned;	/* checked for \n */
	int			 skipping;	/* inside an overlong line */

	struct qmp_queue	 events;

	qmp_trace_cb		 trace;
	void			*trace_arg;
};

/* What a received line is. */
enum qmp_msg {
	QMP_MSG_GREETING,
	QMP_MSG_EVENT,
	QMP_MSG_REPLY
};

static const struct {
	const char	*name;
	enum qmp_event	 kind;
} qmp_event_table[] = {
	{ "STOP", QMP_EV_STOP },
	{ "RESUME", QMP_EV_RESUME },
	{ "SHUTDOWN", QMP_EV_SHUTDOWN },
	{ "POWERDOWN", QMP_EV_POWERDOWN },
	{ "RESET", QMP_EV_RESET },
	{ "JOB_STATUS_CHANGE", QMP_EV_JOB_STATUS_CHANGE },
	{ "BLOCK_IMAGE_CORRUPTED", QMP_EV_BLOCK_IMAGE_CORRUPTED }
};

static uint64_t
qmp_deadline(int timeout)
{
	if (timeout < 0)
		return (QMP_FOREVER);
	return (time_mono_ms() + (uint64_t)timeout);
}

/* Milliseconds left for poll(): -1 without a deadline, 0 once passed. */
static int
qmp_left(uint64_t deadline)
{
	uint64_t	now;

	if (deadline == QMP_FOREVER)
		return (-1);
	now = time_mono_ms();
	if (now >= deadline)
		return (0);
	if (deadline - now > INT_MAX)
		return (INT_MAX);
	return ((int)(deadline - now));
}

/* Wait for events on the descriptor: revents, 0 on timeout, -1 on error. */
static int
qmp_poll(struct qmp *q, short events, uint64_t deadline)
{
	struct pollfd	pfd;
	int		left, n;

	for (;;) {
		if ((left = qmp_left(deadline)) == 0)
			return (0);
		pfd.fd = q->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (-1);
		if (n == 0)
			continue;	/* the next pass sees the deadline */
		return (pfd.revents);
	}
}

static void
qmp_trace(struct qmp *q, int out, const char *line)
{
	if (q->trace != NULL)
		q->trace(q->trace_arg, out, line);
}

/*
 * Read once into the buffer: 1 if data came, 0 if none was waiting or the
 * monitor closed (then q->closed is set), -1 on another error.
 */
static int
qmp_fill(struct qmp *q, char **cause)
{
	ssize_t	n;

	if (q->closed)
		return (0);
	if (q->start > 0) {
		memmove(q->buf, q->buf + q->start, q->len - q->start);
		q->len -= q->start;
		q->start = 0;
	}
	/* One byte more than read() fills, for the NUL ending a line. */
	while (q->size - q->len < QMP_READ_SIZE + 1) {
		q->size = q->size == 0 ? 2 * QMP_READ_SIZE : q->size * 2;
		q->buf = xrealloc(q->buf, q->size);
	}
	for (;;) {
		n = read(q->fd, q->buf + q->len, q->size - q->len - 1);
		if (n > 0) {
			q->len += (size_t)n;
			return (1);
		}
		if (n == 0) {
			q->closed = 1;
			return (0);
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return (0);
		/* QEMU may close by reset after "quit", not only by EOF. */
		if (errno == ECONNRESET || errno == EPIPE) {
			q->closed = 1;
			return (0);
		}
		*cause = xasprintf("QMP: read: %s", strerror(errno));
		return (-1);
	}
}

/*
 * Make reals that hold whole numbers within int64 integers again, after a
 * parse that read every number as a real.
 */
static json_t *
qmp_fix_numbers(json_t *j)
{
	const char	*key;
	json_t		*v;
	size_t		 i;
	double		 d;

	if (json_is_real(j)) {
		d = json_real_value(j);
		/* The range first: converting 1.8e19 to an integer is UB. */
		if (d > -9.2e18 && d < 9.2e18 && d == (double)(json_int_t)d) {
			json_decref(j);
			return (json_integer((json_int_t)d));
		}
		return (j);
	}
	if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			json_object_set_new(j, key, qmp_fix_numbers(json_incref(
			    v)));
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			json_array_set_new(j, i, qmp_fix_numbers(json_incref(
			    v)));
	}
	return (j);
}

/* Parse one line and say what it is; 1, or -1 and *cause if not QMP. */
static int
qmp_parse(const char *line, size_t len, json_t **msg, enum qmp_msg *kind,
    char **cause)
{
	json_error_t	 error;
	json_t		*j;

	j = json_loadb(line, len, 0, &error);
	/*
	 * QEMU writes UINT64_MAX for "no value" (balloon guest-stats) and
	 * jansson refuses integers beyond int64: read those as reals rather
	 * than lose the whole reply.
	 */
	if (j == NULL && strstr(error.text, "too big") != NULL &&
	    (j = json_loadb(line, len, JSON_DECODE_INT_AS_REAL,
	    &error)) != NULL)
		j = qmp_fix_numbers(j);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		*cause = xasprintf("QMP: malformed message: %.80s", line);
		return (-1);
	}
	if (json_object_get(j, "QMP") != NULL)
		*kind = QMP_MSG_GREETING;
	else if (json_is_string(json_object_get(j, "event")))
		*kind = QMP_MSG_EVENT;
	else if (json_object_get(j, "return") != NULL ||
	    json_is_object(json_object_get(j, "error")))
		*kind = QMP_MSG_REPLY;
	else {
		json_decref(j);
		*cause = xasprintf("QMP: unexpected message: %.80s", line);
		return (-1);
	}
	*msg = j;
	return (1);
}

/*
 * Take the next complete line from the buffer: 1 and a message, 0 if no
 * line is complete, -1 and *cause for a line that is not QMP (consumed).
 */
static int
qmp_take(struct qmp *q, json_t **msg, enum qmp_msg *kind, char **cause)
{
	char	*line, *nl;
	size_t	 len;

	if (q->buf == NULL)
		return (0);
	for (;;) {
		nl = memchr(q->buf + q->start + q->scanned, '\n',
		    q->len - q->start - q->scanned);
		if (nl == NULL) {
			q->scanned = q->len - q->start;
			if (!q->skipping && q->scanned <= QMP_LINE_MAX)
				return (0);
			q->start = q->len = q->scanned = 0;
			if (q->skipping)
				return (0);
			q->skipping = 1;
			*cause = xasprintf("QMP: message longer than %d bytes",
			    QMP_LINE_MAX);
			return (-1);
		}
		line = q->buf + q->start;
		len = (size_t)(nl - line);
		q->start += len + 1;
		q->scanned = 0;
		if (q->skipping) {
			q->skipping = 0;
			continue;
		}
		if (len > QMP_LINE_MAX) {
			*cause = xasprintf("QMP: message longer than %d bytes",
			    QMP_LINE_MAX);
			return (-1);
		}
		if (len > 0 && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		if (len == 0)
			continue;
		qmp_trace(q, 0, line);
		return (qmp_parse(line, len, msg, kind, cause));
	}
}

/*
 * The next message, waiting until the deadline: 1 and a message, 0 on
 * timeout, -1 and *cause if the monitor closed or sent something else.
 */
static int
qmp_recv(struct qmp *q, uint64_t deadline, json_t **msg, enum qmp_msg *kind,
    char **cause)
{
	int	r;

	for (;;) {
		if ((r = qmp_take(q, msg, kind, cause)) != 0)
			return (r);
		if (q->closed) {
			*cause = xstrdup(QMP_CLOSED_TEXT);
			return (-1);
		}
		r = qmp_poll(q, POLLIN, deadline);
		if (r == 0)
			return (0);
		if (r == -1) {
			*cause = xasprintf("QMP: poll: %s", strerror(errno));
			return (-1);
		}
		if (qmp_fill(q, cause) == -1)
			return (-1);
	}
}

static void
qmp_queue_event(struct qmp *q, json_t *event)
{
	struct qmp_queued	*e;

	e = xmalloc(sizeof *e);
	e->event = event;
	TAILQ_INSERT_TAIL(&q->events, e, entry);
}

/*
 * Handle a message nobody waits for: queue an event, drop the rest (a
 * late reply to a command that timed out, a greeting).
 */
static void
qmp_dispatch(struct qmp *q, json_t *msg, enum qmp_msg kind)
{
	if (kind == QMP_MSG_EVENT) {
		qmp_queue_event(q, msg);
		return;
	}
	if (kind == QMP_MSG_REPLY)
		log_debug("QMP: dropping a reply nobody waits for");
	json_decref(msg);
}

/*
 * Handle every complete line left in the buffer, so that none waits
 * there while the caller polls a descriptor with nothing more to read.
 * Returns 0, or -1 and *cause (if cause is not NULL) for the first line
 * that was not QMP.
 */
static int
qmp_drain(struct qmp *q, char **cause)
{
	json_t		*msg;
	enum qmp_msg	 kind;
	char		*why;
	int		 r, failed = 0;

	for (;;) {
		why = NULL;
		if ((r = qmp_take(q, &msg, &kind, &why)) == 0)
			break;
		if (r == 1) {
			qmp_dispatch(q, msg, kind);
			continue;
		}
		log_debug("%s", why);
		if (!failed && cause != NULL) {
			*cause = why;
			why = NULL;
		}
		failed = 1;
		free(why);
	}
	return (failed ? -1 : 0);
}

/* Send one line before the deadline; 0, or -1 and *cause. */
static int
qmp_send(struct qmp *q, const char *line, const char *name, uint64_t deadline,
    int timeout, char **cause)
{
	char	*data;
	size_t	 len, off = 0;
	ssize_t	 n;
	int	 r;

	qmp_trace(q, 1, line);
	data = xasprintf("%s\r\n", line);
	len = strlen(data);
	while (off < len) {
		n = send(q->fd, data + off, len - off, MSG_NOSIGNAL);
		if (n >= 0) {
			off += (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EPIPE || errno == ECONNRESET) {
			q->closed = 1;
			*cause = xstrdup(QMP_CLOSED_TEXT);
			goto fail;
		}
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			*cause = xasprintf("QMP: write: %s", strerror(errno));
			goto fail;
		}
		/*
		 * Keep reading while the monitor's side is full, in case it
		 * waits for us to read before it reads more.
		 */
		r = qmp_poll(q, POLLIN|POLLOUT, deadline);
		if (r == 0) {
			*cause = xasprintf("QMP: could not send %s within "
			    "%d ms", name, timeout);
			goto fail;
		}
		if (r == -1) {
			*cause = xasprintf("QMP: poll: %s", strerror(errno));
			goto fail;
		}
		if ((r & POLLIN) && qmp_fill(q, cause) == -1)
			goto fail;
	}
	free(data);
	return (0);

fail:
	free(data);
	return (-1);
}

/* Whether a reply answers the command with this id. */
static int
qmp_reply_matches(json_t *msg, json_int_t id)
{
	json_t	*jid;

	/*
	 * QEMU leaves the id out only when it could not read the request at
	 * all; that error can only be about the command in flight.
	 */
	if ((jid = json_object_get(msg, "id")) == NULL)
		return (json_object_get(msg, "error") != NULL);
	return (json_is_integer(jid) && json_integer_value(jid) == id);
}

/* The value of a reply, or NULL and QEMU's error text. */
static json_t *
qmp_reply_value(json_t *msg, const char *name, char **cause)
{
	json_t		*error, *value;
	const char	*desc, *class;

	if ((error = json_object_get(msg, "error")) != NULL) {
		desc = json_string_value(json_object_get(error, "desc"));
		class = json_string_value(json_object_get(error, "class"));
		if (desc != NULL)
			*cause = xstrdup(desc);
		else
			*cause = xasprintf("QMP: %s failed (%s)", name,
			    class != NULL ? class : "no description");
		return (NULL);
	}
	value = json_object_get(msg, "return");
	return (json_incref(value));
}

static json_t *
qmp_command_until(struct qmp *q, const char *name, json_t *args,
    uint64_t deadline, int timeout, char **cause)
{
	json_t		*cmd, *msg, *value;
	enum qmp_msg	 kind;
	char		*line;
	json_int_t	 id;
	int		 r;

	if (q->closed) {
		json_decref(args);
		*cause = xstrdup(QMP_CLOSED_TEXT);
		return (NULL);
	}
	id = ++q->last_id;
	cmd = json_pack("{s:s, s:I}", "execute", name, "id", id);
	if (cmd == NULL)
		fatal("QMP: cannot build command %s", name);
	if (args != NULL && json_object_set_new(cmd, "arguments", args) != 0)
		fatal("QMP: cannot add arguments to %s", name);
	if ((line = json_dumps(cmd, JSON_COMPACT)) == NULL)
		fatal("QMP: cannot encode command %s", name);
	json_decref(cmd);

	r = qmp_send(q, line, name, deadline, timeout, cause);
	free(line);
	if (r != 0)
		goto fail;
	for (;;) {
		r = qmp_recv(q, deadline, &msg, &kind, cause);
		if (r == 0)
			*cause = xasprintf("QMP: no reply to %s within %d ms",
			    name, timeout);
		if (r != 1)
			goto fail;
		if (kind == QMP_MSG_REPLY && qmp_reply_matches(msg, id))
			break;
		qmp_dispatch(q, msg, kind);
	}
	qmp_drain(q, NULL);
	value = qmp_reply_value(msg, name, cause);
	json_decref(msg);
	return (value);

fail:
	qmp_drain(q, NULL);
	return (NULL);
}

static struct qmp *
qmp_open_until(int fd, uint64_t deadline, int timeout, char **cause)
{
	struct qmp	*q;
	json_t		*msg, *value;
	enum qmp_msg	 kind;
	int		 flags, r;

	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		*cause = xasprintf("QMP: descriptor %d: %s", fd,
		    strerror(errno));
		close(fd);
		return (NULL);
	}
	q = xcalloc(1, sizeof *q);
	q->fd = fd;
	TAILQ_INIT(&q->events);

	r = qmp_recv(q, deadline, &msg, &kind, cause);
	if (r == 0)
		*cause = xasprintf("QMP: no greeting within %d ms", timeout);
	else if (r == -1 && q->closed) {
		free(*cause);
		*cause = xstrdup("QMP: monitor closed before its greeting");
	} else if (r == 1 && kind != QMP_MSG_GREETING) {
		json_decref(msg);
		*cause = xstrdup("QMP: the monitor did not start with a "
		    "greeting");
		r = -1;
	}
	if (r != 1)
		goto fail;
	json_decref(msg);

	value = qmp_command_until(q, "qmp_capabilities", NULL, deadline,
	    timeout, cause);
	if (value == NULL)
		goto fail;
	json_decref(value);
	return (q);

fail:
	qmp_close(q);
	return (NULL);
}

/*
 * Finish a connect() that is in progress: 0, or an errno value (ETIMEDOUT
 * at the deadline).
 */
static int
qmp_connect_wait(int fd, uint64_t deadline)
{
	struct pollfd	pfd;
	socklen_t	len;
	int		error, left, r;

	for (;;) {
		if ((left = qmp_left(deadline)) == 0)
			return (ETIMEDOUT);
		pfd.fd = fd;
		pfd.events = POLLOUT;
		pfd.revents = 0;
		r = poll(&pfd, 1, left);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return (errno);
		if (r == 0)
			continue;
		len = sizeof error;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) == -1)
			return (errno);
		return (error);
	}
}

/* Connect to a QMP UNIX socket, read the greeting, enter command mode. */
struct qmp *
qmp_connect(const char *path, int timeout, char **cause)
{
	struct sockaddr_un	 sa;
	uint64_t		 deadline;
	size_t			 len;
	int			 fd, error, left;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if ((len = strlen(path)) >= sizeof sa.sun_path) {
		*cause = xasprintf("QMP socket %s: path too long", path);
		return (NULL);
	}
	memcpy(sa.sun_path, path, len + 1);

	fd = socket(AF_UNIX, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0);
	if (fd == -1) {
		*cause = xasprintf("QMP socket %s: %s", path, strerror(errno));
		return (NULL);
	}
	deadline = qmp_deadline(timeout);
	for (;;) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0)
			break;
		error = errno;
		if (error == EINPROGRESS || error == EINTR) {
			if ((error = qmp_connect_wait(fd, deadline)) == 0)
				break;
		} else if (error == EAGAIN) {
			/* A full listen backlog: retry until the deadline. */
			if ((left = qmp_left(deadline)) != 0) {
				time_sleep_ms(left < 0 || left > 10 ? 10 :
				    left);
				continue;
			}
			error = ETIMEDOUT;
		}
		if (error == ETIMEDOUT)
			*cause = xasprintf("QMP socket %s: no connection "
			    "within %d ms", path, timeout);
		else
			*cause = xasprintf("QMP socket %s: %s", path,
			    strerror(error));
		close(fd);
		return (NULL);
	}
	return (qmp_open_until(fd, deadline, timeout, cause));
}

/* The same over a connected descriptor, which it takes over. */
struct qmp *
qmp_open_fd(int fd, int timeout, char **cause)
{
	if (fd < 0) {
		*cause = xstrdup("QMP: no descriptor");
		return (NULL);
	}
	return (qmp_open_until(fd, qmp_deadline(timeout), timeout, cause));
}

/* Close the connection and free it with any queued events. */
void
qmp_close(struct qmp *q)
{
	struct qmp_queued	*e;

	if (q == NULL)
		return;
	while ((e = TAILQ_FIRST(&q->events)) != NULL) {
		TAILQ_REMOVE(&q->events, e, entry);
		json_decref(e->event);
		free(e);
	}
	close(q->fd);
	free(q->buf);
	free(q);
}

/* The descriptor, for poll(). */
int
qmp_fd(const struct qmp *q)
{
	return (q->fd);
}

/* 1 once the monitor closed the connection (EOF or reset). */
int
qmp_closed(const struct qmp *q)
{
	return (q->closed);
}

/* Set a trace callback (NULL to stop). */
void
qmp_set_trace(struct qmp *q, qmp_trace_cb cb, void *arg)
{
	q->trace = cb;
	q->trace_arg = arg;
}

/* Run a command and wait up to timeout ms for its reply. */
json_t *
qmp_command(struct qmp *q, const char *name, json_t *args, int timeout,
    char **cause)
{
	return (qmp_command_until(q, name, args, qmp_deadline(timeout),
	    timeout, cause));
}

/* Run a human monitor command; "Error:" text is a failure. */
char *
qmp_hmp(struct qmp *q, const char *cmdline, int timeout, char **cause)
{
	json_t		*args, *value;
	const char	*text;
	char		*s;
	size_t		 len;

	args = json_pack("{s:s}", "command-line", cmdline);
	if (args == NULL)
		fatal("QMP: cannot build human-monitor-command");
	value = qmp_command(q, "human-monitor-command", args, timeout, cause);
	if (value == NULL)
		return (NULL);
	if ((text = json_string_value(value)) == NULL) {
		json_decref(value);
		*cause = xasprintf("QMP: %s: no text in the reply", cmdline);
		return (NULL);
	}
	s = xstrdup(text);
	json_decref(value);
	/* QEMU reports HMP errors as a successful reply (see NOTES-qemu). */
	if (strncmp(s, "Error:", 6) == 0) {
		len = strlen(s);
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
			s[--len] = '\0';
		*cause = s;
		return (NULL);
	}
	return (s);
}

/* Read what is available without blocking and queue events. */
int
qmp_read(struct qmp *q, char **cause)
{
	char	*why = NULL, *error;
	int	 r;

	for (;;) {
		error = NULL;
		r = qmp_fill(q, &error);
		qmp_drain(q, why == NULL ? &why : NULL);
		if (r == -1) {
			if (why == NULL)
				why = error;
			else
				free(error);
		}
		if (r != 1)
			break;
	}
	if (why == NULL && q->closed)
		why = xstrdup(QMP_CLOSED_TEXT);
	if (why != NULL) {
		*cause = why;
		return (-1);
	}
	return (0);
}

/* Take the next queued event, or NULL. */
json_t *
qmp_next_event(struct qmp *q)
{
	struct qmp_queued	*e;
	json_t			*event;

	if ((e = TAILQ_FIRST(&q->events)) == NULL)
		return (NULL);
	TAILQ_REMOVE(&q->events, e, entry);
	event = e->event;
	free(e);
	return (event);
}

static int
qmp_event_is(const json_t *event, const char *name)
{
	const char	*s;

	s = json_string_value(json_object_get(event, "event"));
	return (s != NULL && strcmp(s, name) == 0);
}

/* Wait up to timeout ms for an event with this name; others stay queued. */
json_t *
qmp_wait_event(struct qmp *q, const char *name, int timeout, char **cause)
{
	struct qmp_queued	*e;
	json_t			*msg;
	enum qmp_msg		 kind;
	uint64_t		 deadline;
	int			 r;

	TAILQ_FOREACH(e, &q->events, entry) {
		if (qmp_event_is(e->event, name)) {
			TAILQ_REMOVE(&q->events, e, entry);
			msg = e->event;
			free(e);
			return (msg);
		}
	}
	deadline = qmp_deadline(timeout);
	for (;;) {
		r = qmp_recv(q, deadline, &msg, &kind, cause);
		if (r == 0)
			*cause = xasprintf("QMP: no %s event within %d ms",
			    name, timeout);
		if (r != 1) {
			qmp_drain(q, NULL);
			return (NULL);
		}
		if (kind == QMP_MSG_EVENT && qmp_event_is(msg, name))
			break;
		qmp_dispatch(q, msg, kind);
	}
	qmp_drain(q, NULL);
	return (msg);
}

/* The kind of an event object. */
enum qmp_event
qmp_event_kind(const json_t *event)
{
	const char	*name;
	size_t		 i;

	name = json_string_value(json_object_get(event, "event"));
	if (name == NULL)
		return (QMP_EV_OTHER);
	for (i = 0; i < sizeof qmp_event_table / sizeof qmp_event_table[0];
	    i++) {
		if (strcmp(qmp_event_table[i].name, name) == 0)
			return (qmp_event_table[i].kind);
	}
	return (QMP_EV_OTHER);
}
